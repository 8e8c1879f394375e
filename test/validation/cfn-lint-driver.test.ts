/**
 * The cfn-lint driver (src/validation/cfn-lint/driver.py): one Python process that loads cfnlint
 * once and forks workers. Its results must be exactly those of the batches (one `cfn-lint` process
 * each): the same diagnostics, suppressions, rules, status and cache entries, over the repository's
 * example packs, AWS's sample packs (../shared; skipped visibly when absent, required under CI) and
 * templates made to have findings, odd names and texts that are not on disk.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Driver,
  DRIVER_SCRIPT,
  findDriverPython,
  pythonOfScript,
} from '../../src/validation/cfn-lint/driver.js';
import { runCfnLint, type CfnLintOptions, type LintInput } from '../../src/validation/cfn-lint/run.js';
import { packageRoot } from '../../src/util/package-root.js';
import { namedRuleTemplate } from '../support/templates.js';
import { tool } from '../support/tools.js';

const cfnLint = tool('cfn-lint');
const samples = resolve(packageRoot(), '..', 'shared', 'samples', 'aws-conformance-packs');
const hasSamples = existsSync(samples);
if (!hasSamples && process.env.CI)
  throw new Error(`the sample packs are required when CI is set: no ${samples}`);
if (!hasSamples) console.warn(`[skip] the driver/batches comparison over AWS's sample packs: no ${samples}`);

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'packsmith-cfn-lint-driver-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('finding the Python that runs cfn-lint', () => {
  it('reads the interpreter from a script, pip’s long-path form and env; nothing for other scripts', () => {
    expect(pythonOfScript('#!/opt/py/bin/python\nimport sys\n')).toBe('/opt/py/bin/python');
    expect(pythonOfScript('#!/usr/bin/python3.11 -E\n')).toBe('/usr/bin/python3.11');
    expect(pythonOfScript('#!/usr/bin/env python3\n')).toBe('python3');
    expect(pythonOfScript('#!/usr/bin/env -S python3 -I\n')).toBe('python3');
    expect(pythonOfScript(`#!/bin/sh\n'''exec' "/a path/venv/bin/python" "$0" "$@"\n' '''\n`)).toBe(
      '/a path/venv/bin/python',
    );
    expect(pythonOfScript('#!/usr/bin/env bash\nexec pyenv exec cfn-lint "$@"\n')).toBeUndefined();
    expect(pythonOfScript('#!/usr/bin/env node\n')).toBeUndefined();
    expect(pythonOfScript('\u007fELF')).toBeUndefined();
  });

  it('finds none for a cfn-lint that is not a Python script or not on PATH', async () => {
    const dir = await mkdtemp(join(root, 'path-'));
    await writeFile(join(dir, 'cfn-lint'), '#!/bin/sh\necho hi\n');
    await chmod(join(dir, 'cfn-lint'), 0o755);
    expect(await findDriverPython('cfn-lint', { PATH: dir })).toBeUndefined();
    expect(await findDriverPython('cfn-lint', { PATH: join(dir, 'none') })).toBeUndefined();
    await writeFile(join(dir, 'cfn-lint'), '#!/usr/bin/env python3\n');
    expect(await findDriverPython('cfn-lint', { PATH: dir })).toBe('python3');
  });

  it.skipIf(!cfnLint.available)(
    'finds a Python that can import cfnlint for the installed cfn-lint',
    async () => {
      const python = await findDriverPython('cfn-lint');
      expect(python).toBeDefined();
      const out = execFileSync(
        python!,
        ['-c', 'import cfnlint.version; print(cfnlint.version.__version__)'],
        {
          encoding: 'utf8',
        },
      );
      expect(cfnLint.version).toContain(out.trim());
    },
  );
});

/** Templates with findings, suppressed findings, a parse error, glob characters and texts not on disk. */
async function madeInputs(dir: string): Promise<LintInput[]> {
  const inputs: LintInput[] = [];
  const add = async (name: string, text: string, onDisk = text) => {
    const path = join(dir, name);
    await writeFile(path, onDisk, 'utf8');
    inputs.push({ file: `made/${name}`, path, text });
  };
  await add('bogus.yaml', namedRuleTemplate('bogus', '      Bogus: 1\n'));
  await add(
    'controls.yaml',
    namedRuleTemplate('controlled').replace('  Rule:\n', "  Rule:\n    Controls: ['3562']\n"),
  );
  await add('unused.yaml', `Parameters:\n  P:\n    Type: String\n${namedRuleTemplate('unused')}`);
  await add('broken.yaml', 'Resources: [\n');
  await add('glob[x]*?.yaml', namedRuleTemplate('globbed', '      BogusG: 1\n'));
  await add('changed.yaml', namedRuleTemplate('changed', '      Edited: 1\n'), namedRuleTemplate('on-disk'));
  inputs.push({
    file: 'made/nowhere.yaml',
    path: join(dir, 'missing', 'nowhere.yaml'),
    text: namedRuleTemplate('x', '      Y: 1\n'),
  });
  return inputs;
}

function readInputs(dir: string, names: string[], prefix: string): Promise<LintInput[]> {
  return Promise.all(
    names.map(async (name) => ({
      file: `${prefix}/${name}`,
      path: join(dir, name),
      text: await readFile(join(dir, name), 'utf8'),
    })),
  );
}

/** The cache folder's entries (name → content), without the version memory and the cost table. */
async function entries(cacheDir: string): Promise<Map<string, string>> {
  const names = (await readdir(cacheDir)).filter(
    (n) => n !== 'cfn-lint-version.json' && n !== 'cfn-lint-costs.json',
  );
  return new Map(
    await Promise.all(names.sort().map(async (n) => [n, await readFile(join(cacheDir, n), 'utf8')] as const)),
  );
}

describe.skipIf(!cfnLint.available)('the driver and the batches', () => {
  it(`give the same results, status and cache entries${hasSamples ? '' : ' (without the sample packs: none in ../shared)'}`, async () => {
    const dir = await mkdtemp(join(root, 'same-'));
    const golden = join(packageRoot(), 'test', 'golden', 'expected');
    const examples = (await readdir(golden)).filter((n) => n.endsWith('.yaml'));
    const sampleNames = hasSamples ? (await readdir(samples)).sort().filter((_, i) => i % 12 === 0) : [];
    const inputs = [
      ...(await readInputs(golden, examples, 'examples')),
      ...(await readInputs(samples, sampleNames, 'samples')),
      ...(await madeInputs(dir)),
    ];
    const shim = execFileSync('sh', ['-c', 'command -v cfn-lint'], { encoding: 'utf8' }).trim();
    const run = async (mode: string, executable?: string) => {
      const cacheDir = join(dir, `cache-${mode}`);
      const options: CfnLintOptions = {
        mode: 'require',
        packsmithVersion: '0.1.0',
        cwd: dir,
        cacheDir,
        concurrency: 2,
      };
      const result = await runCfnLint(inputs, executable ? { ...options, executable } : options);
      const costs = JSON.parse(await readFile(join(cacheDir, 'cfn-lint-costs.json'), 'utf8')) as {
        costs: Array<{ path: string }>;
      };
      return { result, entries: await entries(cacheDir), costed: costs.costs.map((c) => c.path).sort() };
    };
    // A path to the executable, not the default name, keeps the batches.
    const batches = await run('batches', shim);
    const driven = await run('driver');
    expect(driven.result).toEqual(batches.result);
    expect(driven.entries).toEqual(batches.entries);
    expect(driven.costed).toEqual(batches.costed);
    expect(batches.result.status).toMatchObject({
      ran: true,
      cached: 0,
      linted: inputs.length,
      processes: 2,
    });
    const files = new Set(batches.result.diagnostics.map((d) => d.location?.file));
    expect(files).toEqual(
      new Set([
        'made/bogus.yaml',
        'made/broken.yaml',
        'made/glob[x]*?.yaml',
        'made/changed.yaml',
        'made/nowhere.yaml',
        'made/unused.yaml',
      ]),
    );
    expect(batches.result.suppressed.length).toBeGreaterThan(0);
  }, 600_000);

  it('a warm run with the driver answers from the cache and starts nothing', async () => {
    const dir = await mkdtemp(join(root, 'warm-'));
    const inputs = await madeInputs(dir);
    const options: CfnLintOptions = {
      mode: 'require',
      packsmithVersion: '0.1.0',
      cwd: dir,
      cacheDir: join(dir, 'cache'),
    };
    const cold = await runCfnLint(inputs, options);
    const warm = await runCfnLint(inputs, options);
    expect(warm.status).toMatchObject({ cached: inputs.length, linted: 0, processes: 0 });
    expect(warm.diagnostics).toEqual(cold.diagnostics);
  }, 120_000);
});

/** A stand-in Python: a Node script that ignores the driver script and says what `lines` hold. */
async function fakePython(dir: string, body: string): Promise<string> {
  const path = join(dir, 'python');
  await writeFile(path, `#!/usr/bin/env node\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

describe('driver failures', () => {
  const options = { workers: 2, timeoutMs: 60_000, maxBuffer: 1 << 20 };

  it('a file the driver reports as failed is named; a Python that cannot run it is reported unavailable', async () => {
    const dir = await mkdtemp(join(root, 'fake-'));
    const failing = await fakePython(
      dir,
      `console.log(JSON.stringify({ version: '9.9.9' }));
process.stdin.resume(); process.stdin.on('end', () => {
  console.log(JSON.stringify({ i: 0, ms: 1, output: '[]' }));
  console.log(JSON.stringify({ i: 1, error: 'Traceback: boom' }));
  process.exit(1);
});`,
    );
    const driver = await Driver.start({ python: failing, cwd: dir, ...options });
    expect(await driver.hello).toEqual({ version: '9.9.9' });
    const seen: number[] = [];
    await expect(
      driver.lint(
        ['a.yaml', 'b.yaml'],
        (i) => (i === undefined ? 'while linting 2 templates' : `while linting file-${i}`),
        async (i) => {
          seen.push(i);
        },
      ),
    ).rejects.toThrow('cfn-lint failed while linting file-1: Traceback: boom');
    expect(seen).toEqual([0]);

    const unavailable = await fakePython(
      dir,
      `console.log(JSON.stringify({ unavailable: 'cannot import cfnlint' })); process.exit(3);`,
    );
    expect(await (await Driver.start({ python: unavailable, cwd: dir, ...options })).hello).toEqual({
      unavailable: 'cannot import cfnlint',
    });
    expect(
      await (
        await Driver.start({ python: join(dir, 'no-python'), cwd: dir, ...options })
      ).hello,
    ).toMatchObject({
      unavailable: expect.stringContaining('cannot start'),
    });

    const crash = await fakePython(
      dir,
      `process.stderr.write('Traceback\\nImportError: half installed\\n'); process.exit(1);`,
    );
    await expect((await Driver.start({ python: crash, cwd: dir, ...options })).hello).rejects.toThrow(
      /cfn-lint crashed \(exit code 1\) while loading cfnlint[\s\S]*ImportError: half installed/,
    );

    const slow = await fakePython(
      dir,
      `console.log(JSON.stringify({ version: '9.9.9' })); setTimeout(() => {}, 60000);`,
    );
    const stuck = await Driver.start({ python: slow, cwd: dir, ...options, timeoutMs: 1500 });
    await stuck.hello;
    await expect(
      stuck.lint(
        ['a.yaml'],
        () => 'while linting a.yaml',
        async () => undefined,
      ),
    ).rejects.toThrow('cfn-lint did not finish within 1.5 s and was stopped, while linting a.yaml');
  }, 60_000);

  it.skipIf(!cfnLint.available)(
    'a killed driver takes its workers with it',
    async () => {
      const python = await findDriverPython('cfn-lint');
      const dir = await mkdtemp(join(root, 'kill-'));
      const files: string[] = [];
      for (let i = 0; i < 40; i++) {
        files.push(join(dir, `t${i}.yaml`));
        await writeFile(files.at(-1)!, namedRuleTemplate(`r${i}`));
      }
      const driver = await Driver.start({ python: python!, cwd: dir, ...options });
      await driver.hello;
      let workers: number[] = [];
      const linting = driver.lint(
        files,
        () => 'while linting',
        async () => {
          if (workers.length > 0) return;
          const out = spawnSync('pgrep', ['-P', String(driver.pid)], { encoding: 'utf8' }).stdout;
          workers = out.split('\n').filter(Boolean).map(Number);
          await driver.stop();
        },
      );
      await expect(linting).rejects.toThrow(/killed by SIGKILL/);
      expect(workers.length).toBe(2);
      await new Promise((r) => setTimeout(r, 500));
      // A dead worker may linger as a zombie until its new parent reaps it: it runs no more.
      const alive = workers.filter((pid) => {
        const state = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
        return state !== '' && !state.startsWith('Z');
      });
      expect(alive).toEqual([]);
    },
    60_000,
  );
});

// The script the package ships must exist where the driver looks for it.
it('ships the driver script', async () => {
  expect(existsSync(join(packageRoot(), DRIVER_SCRIPT))).toBe(true);
  const manifest = JSON.parse(await readFile(join(packageRoot(), 'package.json'), 'utf8')) as {
    files: string[];
  };
  expect(manifest.files).toContain(DRIVER_SCRIPT);
});
