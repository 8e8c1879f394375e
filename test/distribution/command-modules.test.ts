/**
 * What a command loads before it runs: its implementation is bundled the way scripts/bundle-cli.mjs
 * bundles it (split into chunks; each `await import()` a chunk of its own, loaded on demand) and the
 * modules of the chunks it imports statically are listed. `packsmith build` of 100 packs spent
 * ~0.15 s of CPU evaluating the AWS SDK clients it had pulled in through the rollout context, and
 * loaded execa (~250 KB) to start no process (issue 15, speed).
 */
import { build, type Metafile } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';

const root = packageRoot();
const entries = [
  'src/cli/run/build.ts',
  'src/cli/run/validate.ts',
  'src/cli/run/plan.ts',
  // Loaded by every build (app/build.ts imports it on demand), policies or not.
  'src/validation/guard/policies.ts',
  'src/validation/cfn-lint/run.ts',
  'src/validation/guard/test-cases.ts',
];
let meta: Metafile;

beforeAll(async () => {
  const result = await build({
    absWorkingDir: root,
    entryPoints: entries,
    outdir: mkdtempSync(join(tmpdir(), 'packsmith-command-modules-')),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.9',
    external: ['better-sqlite3'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  meta = result.metafile;
}, 60_000);

/** The source files in the chunks that `entry` loads before it runs (static imports only). */
function loadedBy(entry: string): string[] {
  const start = Object.keys(meta.outputs).find((o) => meta.outputs[o]!.entryPoint === entry)!;
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length > 0) {
    for (const i of meta.outputs[queue.pop()!]!.imports) {
      if (i.kind === 'import-statement' && !i.external && !seen.has(i.path)) {
        seen.add(i.path);
        queue.push(i.path);
      }
    }
  }
  return [...seen].flatMap((o) => Object.keys(meta.outputs[o]!.inputs));
}

const aws = (f: string) => f.includes('@aws-sdk/') || f.includes('@smithy/');
const execa = (f: string) => f.includes('node_modules/execa/');

describe('modules a command loads before it runs', () => {
  it('build loads neither the AWS SDK nor execa (a build with no Guard policy starts no process)', () => {
    const inputs = [...loadedBy('src/cli/run/build.ts'), ...loadedBy('src/validation/guard/policies.ts')];
    expect(inputs.length).toBeGreaterThan(10);
    expect(inputs.filter((f) => aws(f) || execa(f))).toEqual([]);
    // The check sees execa where it is loaded: guard test cases start their processes with it.
    expect(loadedBy('src/validation/guard/test-cases.ts').some(execa)).toBe(true);
  });

  it('validate loads no AWS SDK, and execa only with a process to start', () => {
    expect(loadedBy('src/cli/run/validate.ts').filter(aws)).toEqual([]);
    // Loaded by every validate (validation/validate.ts imports it on demand), --cfn-lint off too.
    expect(loadedBy('src/validation/cfn-lint/run.ts').filter(execa)).toEqual([]);
  });

  it('validate loads the authoring stack (schemas, composition, rendering) only for a repository', () => {
    const heavy = (f: string) =>
      f.endsWith('src/authoring/validators.generated.ts') ||
      f.endsWith('src/authoring/compose.ts') ||
      f.endsWith('src/authoring/repository.ts') ||
      f.includes('node_modules/handlebars/');
    expect(loadedBy('src/cli/run/validate.ts').filter(heavy)).toEqual([]);
    // The check sees them where they are loaded.
    expect(loadedBy('src/cli/run/build.ts').filter(heavy).length).toBeGreaterThanOrEqual(4);
  });

  it('the yaml library is bundled as a chunk loaded on demand, not read module by module from its package', () => {
    const yaml = (f: string) => f.includes('node_modules/yaml/');
    expect(Object.values(meta.outputs).some((o) => Object.keys(o.inputs).some(yaml))).toBe(true);
    expect(loadedBy('src/cli/run/build.ts').some(yaml)).toBe(false);
    expect(loadedBy('src/cli/run/validate.ts').some(yaml)).toBe(false);
  });

  it('the rollout commands do load it (the checks above see the SDK when it is there)', () => {
    expect(loadedBy('src/cli/run/plan.ts').some((f) => f.includes('@aws-sdk/client-cloudformation'))).toBe(
      true,
    );
  });
});

describe('preloading the yaml library', () => {
  it('gives the library the synchronous accessor returns', async () => {
    const { preloadYamlLibrary, yamlLibrary } = await import('../../src/source/yaml-library.js');
    await preloadYamlLibrary();
    const library = yamlLibrary();
    expect(library.parseDocument('a: 1\n').toJS()).toEqual({ a: 1 });
    expect(yamlLibrary()).toBe(library);
  });
});
