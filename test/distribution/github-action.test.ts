/**
 * The composite GitHub Action and the pre-commit hook shipped at the repository root: inputs reach
 * scripts through env only (no `${{ inputs.* }}` inside a script: that would be script injection),
 * every input is used, actions run on their Node 24 majors, and the validate step really runs.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';
import { tool } from '../support/tools.js';

const root = packageRoot();

interface ActionStep {
  name: string;
  run?: string;
  uses?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
}
const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default: string }>;
  runs: { using: string; steps: ActionStep[] };
};
const steps = action.runs.steps;

describe('action.yml', () => {
  it('is composite; scripts get inputs through env, never by expansion', () => {
    expect(action.runs.using).toBe('composite');
    for (const step of steps.filter((s) => s.run !== undefined)) {
      expect(step.shell, step.name).toBe('bash');
      expect(step.run, step.name).not.toMatch(/\$\{\{/);
    }
  });

  it('uses every input, and only declared ones', () => {
    // References in expressions (`${{ inputs.x }}`) and in `if:` conditions, which are expressions too.
    const text = JSON.stringify(action.runs);
    const used = new Set([...text.matchAll(/\binputs\.([\w-]+)/g)].map((m) => m[1]!));
    expect([...used].sort()).toEqual(Object.keys(action.inputs).sort());
  });

  it('runs actions on their Node 24 majors', () => {
    for (const step of steps.filter((s) => s.uses !== undefined)) {
      expect(step.uses).toBe('github/codeql-action/upload-sarif@v4');
    }
  });

  const cfnLint = tool('cfn-lint');
  it.skipIf(!cfnLint.available)(
    `its validate step runs on the example packs and writes SARIF${cfnLint.available ? '' : ` (skipped: ${cfnLint.reason})`}`,
    () => {
      const work = mkdtempSync(join(tmpdir(), 'ps-action-'));
      cpSync(join(root, 'packs'), join(work, 'packs'), { recursive: true });
      // `packsmith` on PATH: this checkout's build, as the install step would put it.
      const bin = join(work, 'bin');
      mkdirSync(bin);
      writeFileSync(
        join(bin, 'packsmith'),
        `#!/bin/sh\nexec "${process.execPath}" "${join(root, 'dist/cli/bin.js')}" "$@"\n`,
      );
      chmodSync(join(bin, 'packsmith'), 0o755);
      const step = steps.find((s) => s.name === 'Validate the packs')!;
      const env = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [
          k,
          v.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => action.inputs[name]!.default),
        ]),
      );
      // The runner's job summary file; an earlier step wrote to it already.
      const summaryFile = join(work, 'step-summary.md');
      writeFileSync(summaryFile, '# earlier step\n');
      const result = spawnSync('bash', ['-e', '-c', step.run!], {
        cwd: work,
        env: {
          ...process.env,
          ...env,
          PATH: `${bin}:${process.env.PATH ?? ''}`,
          GITHUB_STEP_SUMMARY: summaryFile,
        },
        encoding: 'utf8',
      });
      expect(result.status, result.stderr).toBe(0);
      const sarif = JSON.parse(readFileSync(join(work, 'packsmith.sarif'), 'utf8')) as {
        version: string;
        runs: Array<{ results: Array<{ suppressions?: unknown[] }> }>;
      };
      expect(sarif.version).toBe('2.1.0');

      // One run wrote both: the summary counts what the SARIF holds, after what was there before.
      const summary = readFileSync(summaryFile, 'utf8');
      expect(summary.startsWith('# earlier step\n## packsmith validate\n')).toBe(true);
      expect(summary).toContain('| Errors | Warnings | Info | Suppressed | Files checked |');
      const reported = sarif.runs[0]!.results.filter((r) => !r.suppressions?.length).length;
      const rows = summary.split('\n').filter((l) => /^\| (error|warning|info) \|/.test(l));
      expect(rows).toHaveLength(Math.min(reported, 100));
      expect(summary).not.toMatch(/cfn-lint did not run/);
    },
  );
});

describe('.pre-commit-hooks.yaml', () => {
  it('runs the packsmith command of this package', () => {
    const hooks = parse(readFileSync(join(root, '.pre-commit-hooks.yaml'), 'utf8')) as Array<{
      id: string;
      entry: string;
      language: string;
    }>;
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(hooks.map((h) => h.id)).toEqual(['packsmith-validate']);
    for (const hook of hooks) {
      expect(hook.language).toBe('node');
      expect(Object.keys(manifest.bin)).toContain(hook.entry.split(' ')[0]);
    }
  });
});
