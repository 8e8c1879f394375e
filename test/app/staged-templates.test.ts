/**
 * Issue 16: a stack set pack over the inline limit is staged in each Region's template bucket
 * (PutConformancePack reads a template only from a bucket in the pack's own Region), and preflight
 * checks the bucket of every Region, not only the first.
 */
import { describe, expect, it } from 'vitest';
import { stagedTemplatesOf } from '../../src/app/preflight.js';
import type { BuiltPack } from '../../src/generator/build.js';
import type { RolloutContext } from '../../src/app/context.js';

const big = `Resources: {}\n# ${'x'.repeat(52_000)}\n`;
const small = 'Resources: {}\n';

function ctxOf(
  templateBuckets: Record<string, string>,
): Pick<RolloutContext, 'config' | 'packs' | 'regions'> {
  return {
    packs: ['large', 'small', 'org'],
    regions: ['us-east-1', 'eu-west-1'],
    config: {
      templateBuckets,
      packs: {
        large: { engine: 'stackset', stages: [] },
        small: { engine: 'stackset', stages: [] },
        org: {},
      },
    },
  } as unknown as Pick<RolloutContext, 'config' | 'packs' | 'regions'>;
}

const built = new Map<string, BuiltPack>([
  ['large', { template: big } as BuiltPack],
  ['small', { template: small } as BuiltPack],
  ['org', { template: big } as BuiltPack],
]);

describe('[16] staged stack set templates', () => {
  it('one copy per Region, in that Region bucket, for stack set packs over the inline limit only', () => {
    const staged = stagedTemplatesOf(ctxOf({ 'us-east-1': 'tpl-use1', 'eu-west-1': 'tpl-euw1' }), built);
    expect(staged.map((s) => [s.pack, s.region, s.bucket])).toEqual([
      ['large', 'us-east-1', 'tpl-use1'],
      ['large', 'eu-west-1', 'tpl-euw1'],
    ]);
    expect(new Set(staged.map((s) => s.key)).size).toBe(1);
    expect(staged[0]?.key).toMatch(/^packsmith\/packsmith-large\/templates\/[0-9a-f]{64}/);
  });

  it('a Region without a bucket is left to PS502, the others still checked', () => {
    const staged = stagedTemplatesOf(ctxOf({ 'eu-west-1': 'tpl-euw1' }), built);
    expect(staged.map((s) => s.region)).toEqual(['eu-west-1']);
  });
});
