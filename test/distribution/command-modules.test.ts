/**
 * Commands that never reach AWS load none of the AWS SDK: their implementations are bundled the way
 * scripts/bundle-cli.mjs bundles them and the bundle's inputs are listed. `packsmith build` of 100
 * packs spent ~0.15 s of CPU evaluating the SDK clients it had pulled in through the rollout
 * context (issue 15, speed).
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';

const root = packageRoot();

async function inputsOf(entry: string): Promise<string[]> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.9',
    external: ['better-sqlite3'],
    write: false,
    metafile: true,
    outfile: 'out.js',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

describe('modules a command loads', () => {
  it.each(['src/cli/run/build.ts', 'src/cli/run/validate.ts'])(
    '%s loads no AWS SDK module',
    async (entry) => {
      const inputs = await inputsOf(entry);
      expect(inputs.length).toBeGreaterThan(10);
      expect(inputs.filter((f) => f.includes('@aws-sdk/') || f.includes('@smithy/'))).toEqual([]);
    },
  );

  it('the rollout commands do load it (the check above sees the SDK when it is there)', async () => {
    const inputs = await inputsOf('src/cli/run/plan.ts');
    expect(inputs.some((f) => f.includes('@aws-sdk/client-cloudformation'))).toBe(true);
  });
});
