/** Progress of validate: a redrawn line on a terminal; in CI logs, silence for short work, then plain lines. */
import { describe, expect, it } from 'vitest';
import { createStepProgress } from '../../src/cli/step-progress.js';
import { validate, type ValidateStage } from '../../src/validation/validate.js';
import { packageRoot } from '../../src/util/package-root.js';
import { join } from 'node:path';
import { tool } from '../support/tools.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, s: { isTTY, columns: 40, write: (c: string) => chunks.push(c) } };
}

describe('step progress', () => {
  it('on a terminal: redraws at most every 100 ms, always at a stage edge, and clears at the end', () => {
    let t = 0;
    const { chunks, s } = stream(true);
    const p = createStepProgress({ stream: s, quiet: false, now: () => t });
    p.step('checking templates', 1, 3);
    t = 50;
    p.step('checking templates', 2, 3); // throttled
    p.step('checking templates', 3, 3); // the end of a stage is always drawn
    p.step('cfn-lint batches', 0, 2); // a new stage too
    p.finish();
    expect(chunks.map((c) => c.trim())).toEqual([
      'checking templates: 1/3',
      'checking templates: 3/3',
      'cfn-lint batches: 0/2',
      '',
    ]);
    expect(chunks.every((c) => c.startsWith('\r') && !c.includes('\n'))).toBe(true);
  });

  it('off a terminal: nothing for work that ends within 5 s, then a line at most every 5 s and the end', () => {
    let t = 0;
    const { chunks, s } = stream(false);
    const p = createStepProgress({ stream: s, quiet: false, now: () => t });
    p.step('checking templates', 1, 2);
    p.step('checking templates', 2, 2);
    expect(chunks).toEqual([]);
    p.step('cfn-lint batches', 0, 3);
    t = 6_000;
    p.step('cfn-lint batches', 1, 3);
    t = 7_000;
    p.step('cfn-lint batches', 2, 3);
    p.step('cfn-lint batches', 3, 3);
    p.finish();
    expect(chunks).toEqual(['cfn-lint batches: 1/3\n', 'cfn-lint batches: 3/3\n']);
  });

  it('quiet: nothing at all', () => {
    const { chunks, s } = stream(true);
    const p = createStepProgress({ stream: s, quiet: true });
    p.step('reading files', 1, 1);
    p.finish();
    expect(chunks).toEqual([]);
  });

  it('validate reports how far it is: every file read and every template checked', async () => {
    const seen: Array<[ValidateStage, number, number]> = [];
    await validate({
      paths: [join(packageRoot(), 'packs')],
      inline: false,
      strict: false,
      cfnLint: 'off',
      cfnGuard: 'off',
      onProgress: (stage, done, total) => seen.push([stage, done, total]),
    });
    const reads = seen.filter(([stage]) => stage === 'reading files');
    expect(reads.length).toBeGreaterThan(20);
    expect(reads.map(([, done]) => done)).toEqual(reads.map((_, i) => i + 1));
    expect(reads.at(-1)![1]).toBe(reads.at(-1)![2]);
  });

  const cfnLint = tool('cfn-lint');
  it.skipIf(!cfnLint.available)(
    `validate reports the cfn-lint batches from 0 to all${cfnLint.available ? '' : ` (skipped: ${cfnLint.reason})`}`,
    async () => {
      const seen: Array<[ValidateStage, number, number]> = [];
      await validate({
        paths: [join(packageRoot(), 'test', 'golden', 'expected')],
        inline: false,
        strict: false,
        cfnLint: 'auto',
        cfnGuard: 'off',
        onProgress: (stage, done, total) => seen.push([stage, done, total]),
      });
      const batches = seen.filter(([stage]) => stage === 'cfn-lint batches');
      expect(batches[0]![1]).toBe(0);
      expect(batches.at(-1)![1]).toBe(batches.at(-1)![2]);
      expect(batches.at(-1)![2]).toBeGreaterThan(0);
      expect(seen.filter(([stage]) => stage === 'checking templates')).toHaveLength(3);
    },
    60_000,
  );
});
