import { chmod, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBatches } from '../../src/validation/cfn-lint/batches.js';
import {
  cacheFile,
  cacheKey,
  cfnLintEnvironment,
  readCacheEntry,
  writeCacheEntry,
  type CacheKeyParts,
} from '../../src/validation/cfn-lint/cache.js';
import { cfnLintFingerprint, parseCfnLintVersion } from '../../src/validation/cfn-lint/detect.js';
import { parseCfnLintJson, type CfnLintFinding } from '../../src/validation/cfn-lint/findings.js';
import { mapFinding, mapTemplateFindings } from '../../src/validation/cfn-lint/map.js';
import {
  DISABLED_REASON,
  globEscape,
  isFindingsExitCode,
  runCfnLint,
  type CfnLintOptions,
  type LintInput,
} from '../../src/validation/cfn-lint/run.js';
import { cfnLintSuppressions, findSuppression } from '../../src/validation/cfn-lint/suppressions.js';
import { namedRuleTemplate } from '../support/templates.js';
import { tool } from '../support/tools.js';

const cfnLint = tool('cfn-lint');
const needsCfnLint = cfnLint.available ? '' : ` [skipped: ${cfnLint.reason}]`;

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'packsmith-cfn-lint-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh folder under the suite's temp dir. */
async function freshDir(name: string): Promise<string> {
  const dir = join(root, `${++counter}-${name}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function writeInput(dir: string, name: string, text: string): Promise<LintInput> {
  const path = join(dir, name);
  await writeFile(path, text, 'utf8');
  return { file: `packs/${name}`, path, text };
}

async function executable(dir: string, name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, body, 'utf8');
  await chmod(path, 0o755);
  return path;
}

/** Lines of a wrapper's log that are lint invocations (not `--version`), each as its argument list. */
async function invocations(log: string): Promise<string[][]> {
  const text = await readFile(log, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as string[])
    .filter((args) => args[0] !== '--version');
}

/** A wrapper around the real cfn-lint that logs every invocation's arguments (one JSON array a line). */
async function loggingWrapper(dir: string): Promise<{ executable: string; log: string }> {
  const log = join(dir, 'invocations.log');
  const script = `#!/bin/sh
node -e 'process.stdout.write(JSON.stringify(process.argv.slice(1)) + "\\n")' -- "$@" >> '${log}'
exec cfn-lint "$@"
`;
  return { executable: await executable(dir, 'cfn-lint-wrapper', script), log };
}

/**
 * A fake cfn-lint in Node: `--version` prints the version; otherwise it logs its arguments and
 * reports one W2001 finding at line 2 per file (named relative to its cwd) and exits with `exitCode`.
 */
async function fakeCfnLint(
  dir: string,
  config: { exitCode?: number; extra?: unknown[]; sleep?: boolean; versionDelayMs?: number } = {},
): Promise<{ executable: string; log: string }> {
  const log = join(dir, 'fake.log');
  const script = `#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const config = ${JSON.stringify({ exitCode: 6, extra: [], sleep: false, versionDelayMs: 0, ...config, log })};
const args = process.argv.slice(2);
fs.appendFileSync(config.log, JSON.stringify(args) + '\\n');
if (args[0] === '--version') {
  if (config.versionDelayMs === 0) { console.log('cfn-lint 9.9.9'); process.exit(0); }
  setTimeout(() => { fs.appendFileSync(config.log, '["version printed"]\\n'); console.log('cfn-lint 9.9.9'); }, config.versionDelayMs);
}
else if (config.sleep) setTimeout(() => {}, 60000);
else {
  const files = args.slice(args.indexOf('--') + 1).map((a) => a.replace(/\\[(.)\\]/g, '$1'));
  const findings = files.map((f) => ({
    Filename: path.relative(process.cwd(), f),
    Id: 'x', Level: 'Warning', ParentId: null, Message: 'Parameter P not used.',
    Location: { Start: { LineNumber: 2, ColumnNumber: 3 }, End: { LineNumber: 2, ColumnNumber: 4 }, Path: ['Parameters', 'P'] },
    Rule: { Id: 'W2001', ShortDescription: 'Check if Parameters are Used', Description: 'Making sure the parameters defined are used', Source: 'https://github.com/aws-cloudformation/cfn-lint' },
  }));
  process.stdout.write(JSON.stringify(findings.concat(config.extra)));
  process.exitCode = config.exitCode;
}
`;
  return { executable: await executable(dir, 'fake-cfn-lint.cjs', script), log };
}

const finding = (over: Partial<CfnLintFinding> & { Rule: CfnLintFinding['Rule'] }): CfnLintFinding => ({
  Filename: 'pack.yaml',
  Level: 'Error',
  Location: { Start: { LineNumber: 3, ColumnNumber: 5 }, End: { LineNumber: 3, ColumnNumber: 13 }, Path: [] },
  Message: 'a message',
  ...over,
});

const controlsFinding = finding({
  Message: "Additional properties are not allowed ('Controls' was unexpected)",
  Location: {
    Start: { LineNumber: 126, ColumnNumber: 5 },
    End: { LineNumber: 126, ColumnNumber: 13 },
    Path: ['Resources', 'AlbWafEnabled', 'Controls'],
  },
  Rule: {
    Id: 'E3001',
    ShortDescription: 'Basic CloudFormation Resource Check',
    Description: 'Making sure the basic CloudFormation resources are properly configured',
    Source: 'https://github.com/aws-cloudformation/cfn-lint',
  },
});

describe('planBatches', () => {
  const sizes = [5, 40, 10, 30, 20, 1, 25];

  it('balances by size: largest first into the lightest batch', () => {
    const batches = planBatches(sizes, (s) => s, 3);
    // 40, 30, 25 open the batches; 20 → 25 (45); 10 → 30 (40); 5 → tie 40/40, the first; 1 → 40.
    expect(batches.map((b) => b.items)).toEqual([
      [40, 5],
      [30, 10, 1],
      [25, 20],
    ]);
    expect(batches.map((b) => b.weight)).toEqual([45, 41, 45]);
  });

  it('puts every item in exactly one batch and never makes more batches than items', () => {
    for (const concurrency of [1, 2, 7, 64]) {
      const batches = planBatches(sizes, (s) => s, concurrency);
      expect(batches).toHaveLength(Math.min(concurrency, sizes.length));
      expect(batches.every((b) => b.items.length > 0)).toBe(true);
      expect(batches.flatMap((b) => b.items).sort((a, b) => a - b)).toEqual([...sizes].sort((a, b) => a - b));
    }
    expect(planBatches([], (s: number) => s, 4)).toEqual([]);
  });

  it('keeps the heaviest batch within one template of the ideal split', () => {
    const many = Array.from({ length: 122 }, (_, i) => 1000 + ((i * 7919) % 50_000));
    const batches = planBatches(many, (s) => s, 2);
    const [a, b] = batches.map((x) => x.weight);
    expect(Math.abs(a! - b!)).toBeLessThanOrEqual(Math.max(...many));
  });

  it('rejects a concurrency that is not a whole number of at least 1', () => {
    expect(() => planBatches(sizes, (s) => s, 0)).toThrow(/at least 1/);
    expect(() => planBatches(sizes, (s) => s, 1.5)).toThrow(/at least 1/);
  });
});

describe('parsing and mapping cfn-lint findings', () => {
  it('parses cfn-lint JSON and rejects output it does not understand', () => {
    const [parsed] = parseCfnLintJson(JSON.stringify([controlsFinding]));
    expect(parsed).toEqual(controlsFinding);
    expect(parseCfnLintJson('[]')).toEqual([]);
    expect(() => parseCfnLintJson('Traceback (most recent call last)')).toThrow(/not JSON.*Traceback/);
    expect(() => parseCfnLintJson('')).toThrow(/printed nothing/);
    expect(() => parseCfnLintJson('{}')).toThrow(/not an array/);
    expect(() => parseCfnLintJson('[{"Filename": "a", "Level": "Error", "Message": "m"}]')).toThrow(
      /index 0: Rule.Id is missing/,
    );
  });

  it('maps level, id, message, fix and a 1-based range', () => {
    const d = mapFinding(
      finding({
        Level: 'Warning',
        Message: 'Parameter P\n   not used.',
        Location: {
          Start: { LineNumber: 25, ColumnNumber: 3 },
          End: { LineNumber: 25, ColumnNumber: 46 },
          Path: null,
        },
        Rule: { Id: 'W2001' },
      }),
    );
    expect(d).toEqual({
      checkId: 'W2001',
      severity: 'warning',
      message: 'Parameter P not used.',
      fix: 'Use the parameter (`Ref` it) or remove it.',
      location: { line: 25, column: 3, endLine: 25, endColumn: 46 },
    });
    expect(mapFinding(finding({ Level: 'Informational', Rule: { Id: 'I3011' } })).severity).toBe('info');
    expect(mapFinding(finding({ Level: 'Error', Rule: { Id: 'E9999' } }))).not.toHaveProperty('fix');
  });

  it('clamps positions to 1 and drops an end before the start', () => {
    const d = mapFinding(
      finding({
        Location: {
          Start: { LineNumber: 0, ColumnNumber: 0 },
          End: { LineNumber: 0, ColumnNumber: 0 },
          Path: null,
        },
        Rule: { Id: 'E0000' },
      }),
    );
    expect(d.location).toEqual({ line: 1, column: 1, endLine: 1, endColumn: 1 });
    const backwards = mapFinding(
      finding({
        Location: {
          Start: { LineNumber: 5, ColumnNumber: 4 },
          End: { LineNumber: 4, ColumnNumber: 9 },
          Path: null,
        },
        Rule: { Id: 'E0000' },
      }),
    );
    expect(backwards.location).toEqual({ line: 5, column: 4 });
  });

  it('suppresses resource-level Controls and Description, with their documented reasons', () => {
    const description = finding({
      ...controlsFinding,
      Message: "Additional properties are not allowed ('Description' was unexpected)",
      Location: { ...controlsFinding.Location, Path: ['Resources', 'CloudTrailEnabled', 'Description'] },
    });
    const unknownProperty = finding({
      Message: "Additional properties are not allowed ('Controls' was unexpected)",
      Location: { ...controlsFinding.Location, Path: ['Resources', 'R', 'Properties', 'Controls'] },
      Rule: { Id: 'E3002', ShortDescription: 'Resource properties are invalid' },
    });
    const result = mapTemplateFindings([controlsFinding, description, unknownProperty]);
    expect(result.suppressed.map((s) => [s.diagnostic.checkId, s.reason])).toEqual([
      ['E3001', cfnLintSuppressions[0]!.reason],
      ['E3001', cfnLintSuppressions[1]!.reason],
    ]);
    expect(result.suppressed[0]!.reason).toMatch(/Controls/);
    // `Controls` under Properties is a real mistake: kept.
    expect(result.diagnostics.map((d) => d.checkId)).toEqual(['E3002']);
    // Rules are collected for suppressed findings too, sorted by id.
    expect(result.rules.map((r) => r.id)).toEqual(['E3001', 'E3002']);
    expect(result.rules[0]).toMatchObject({
      name: 'Basic CloudFormation Resource Check',
      summary: 'Making sure the basic CloudFormation resources are properly configured',
      helpUri: 'https://github.com/aws-cloudformation/cfn-lint',
      severity: 'error',
      source: 'cfn-lint',
    });
  });

  it('documents every suppression and keeps W2001 (unused parameters)', () => {
    for (const s of cfnLintSuppressions) {
      expect(s.ruleId).toMatch(/^[EWI]\d{4}$/);
      expect(s.when.length).toBeGreaterThan(10);
      expect(s.reason.length).toBeGreaterThan(40);
    }
    expect(
      findSuppression(
        finding({
          Location: { ...controlsFinding.Location, Path: ['Parameters', 'P'] },
          Rule: { Id: 'W2001' },
        }),
      ),
    ).toBeUndefined();
  });

  it('knows cfn-lint exit codes, versions and glob escaping', () => {
    expect([0, 2, 4, 6, 8, 10, 12, 14].every(isFindingsExitCode)).toBe(true);
    expect([1, 3, 16, 32, -1, 127].some(isFindingsExitCode)).toBe(false);
    expect(parseCfnLintVersion('cfn-lint 1.51.0\n')).toBe('1.51.0');
    expect(parseCfnLintVersion('command not found')).toBeUndefined();
    expect(globEscape('/a/p[1]*?.yaml')).toBe('/a/p[[]1][*][?].yaml');
  });
});

describe('cache', () => {
  const parts: CacheKeyParts = {
    text: 'Resources: {}\n',
    packsmithVersion: '0.1.0',
    cfnLintVersion: '1.51.0',
    suppressionsVersion: 1,
    mappingVersion: 1,
    environment: '{}',
  };

  it('derives a sha256 key that changes with every part', () => {
    const key = cacheKey(parts);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey({ ...parts })).toBe(key);
    const changed: CacheKeyParts[] = [
      { ...parts, text: 'Resources: {} \n' },
      { ...parts, packsmithVersion: '0.1.1' },
      { ...parts, cfnLintVersion: '1.51.1' },
      { ...parts, suppressionsVersion: 2 },
      { ...parts, mappingVersion: 2 },
      { ...parts, environment: '{"region":"eu-west-1"}' },
    ];
    const keys = new Set(changed.map(cacheKey));
    expect(keys.size).toBe(changed.length);
    expect(keys.has(key)).toBe(false);
  });

  it("fingerprints cfn-lint's region and project configuration", async () => {
    const dir = await freshDir('env');
    const home = await freshDir('home');
    const base = await cfnLintEnvironment(dir, { AWS_REGION: 'us-east-1' }, home);
    expect(await cfnLintEnvironment(dir, {}, home)).toBe(base);
    expect(await cfnLintEnvironment(dir, { AWS_DEFAULT_REGION: 'eu-west-1' }, home)).not.toBe(base);
    await writeFile(join(dir, '.cfnlintrc.yaml'), 'ignore_checks: [W2001]\n');
    const withProject = await cfnLintEnvironment(dir, {}, home);
    expect(withProject).not.toBe(base);
    await writeFile(join(home, '.cfnlintrc'), 'regions: [eu-west-1]\n');
    expect(await cfnLintEnvironment(dir, {}, home)).not.toBe(withProject);
  });

  it('round-trips an entry and ignores corrupt or mismatched ones', async () => {
    const dir = await freshDir('cache');
    const findings = mapTemplateFindings([controlsFinding]);
    const key = cacheKey(parts);
    expect(await readCacheEntry(dir, key)).toBeUndefined();
    await writeCacheEntry(join(dir, 'nested'), key, findings);
    expect(await readCacheEntry(join(dir, 'nested'), key)).toEqual(findings);
    // Atomic writes leave no temporary files behind.
    expect(await readdir(join(dir, 'nested'))).toEqual([`${key}.json`]);

    await writeFile(cacheFile(dir, key), '{"format":1,"key":"', 'utf8');
    expect(await readCacheEntry(dir, key)).toBeUndefined();
    const other = cacheKey({ ...parts, text: 'x' });
    await writeFile(cacheFile(dir, other), JSON.stringify({ format: 1, key, findings }), 'utf8');
    expect(await readCacheEntry(dir, other)).toBeUndefined();
    const bad = {
      ...findings,
      diagnostics: [{ checkId: 'E1', severity: 'fatal', message: 'm', location: {} }],
    };
    await writeFile(cacheFile(dir, key), JSON.stringify({ format: 1, key, findings: bad }), 'utf8');
    expect(await readCacheEntry(dir, key)).toBeUndefined();
  });
});

describe('remembered cfn-lint version', () => {
  it('lets a warm cache answer without starting cfn-lint, until the installation changes', async () => {
    const dir = await freshDir('remembered');
    const cacheDir = join(dir, 'cache');
    const fake = await fakeCfnLint(dir);
    // Two names for one installation: the per-process detection is keyed by name, the memory by the file.
    const [a, b, c] = ['a', 'b', 'c'].map((n) => join(dir, `cfn-lint-${n}`));
    for (const link of [a, b, c]) await symlink(fake.executable, link!);
    const input = await writeInput(dir, 'pack.yaml', 'Resources: {}\n');
    const options = (executable: string): CfnLintOptions => ({
      mode: 'require',
      packsmithVersion: '0.1.0',
      executable,
      cwd: dir,
      cacheDir,
    });
    const lines = async () => (await readFile(fake.log, 'utf8')).split('\n').filter(Boolean).length;

    const cold = await runCfnLint([input], options(a!));
    expect(cold.status).toMatchObject({ ran: true, version: '9.9.9', linted: 1 });
    const afterCold = await lines(); // --version and one lint
    expect(afterCold).toBe(2);

    const warm = await runCfnLint([input], options(b!));
    expect(warm.status).toMatchObject({ ran: true, version: '9.9.9', cached: 1, linted: 0 });
    expect(await lines()).toBe(afterCold); // no process at all, not even --version

    // A reinstalled cfn-lint (the script changes) is asked for its version again.
    await writeFile(fake.executable, `${await readFile(fake.executable, 'utf8')}\n// reinstalled\n`);
    await runCfnLint([input], options(c!));
    expect((await readFile(fake.log, 'utf8')).split('\n').filter(Boolean).slice(afterCold)[0]).toBe(
      '["--version"]',
    );
  });

  it('fingerprints the executable found on PATH, and nothing when it is missing', async () => {
    const dir = await freshDir('fingerprint');
    const fake = await fakeCfnLint(dir);
    const env = { PATH: dir };
    const name = fake.executable.split('/').pop()!;
    const first = await cfnLintFingerprint(name, env);
    expect(first).toContain(fake.executable);
    await writeFile(fake.executable, `${await readFile(fake.executable, 'utf8')}\n`);
    expect(await cfnLintFingerprint(name, env)).not.toBe(first);
    expect(await cfnLintFingerprint('no-such-cfn-lint', env)).toBeUndefined();
  });
});

describe('runCfnLint without cfn-lint', () => {
  const base = { packsmithVersion: '0.1.0' } as const;

  it("mode 'off' runs nothing and says so", async () => {
    const dir = await freshDir('off');
    const fake = await fakeCfnLint(dir);
    const input = await writeInput(dir, 'a.yaml', 'Resources: {}\n');
    const result = await runCfnLint([input], { ...base, mode: 'off', executable: fake.executable });
    expect(result).toEqual({
      diagnostics: [],
      suppressed: [],
      rules: [],
      status: { ran: false, reason: DISABLED_REASON },
    });
    expect(DISABLED_REASON).toBe('disabled (--cfn-lint off)');
    expect(await readFile(fake.log, 'utf8').catch(() => '')).toBe('');
  });

  it("a missing cfn-lint gives the documented status in 'auto' and throws in 'require'", async () => {
    const dir = await freshDir('missing');
    const input = await writeInput(dir, 'a.yaml', 'Resources: {}\n');
    const missing = join(dir, 'no-such-cfn-lint');
    const result = await runCfnLint([input], { ...base, mode: 'auto', executable: missing });
    expect(result.status).toEqual({
      ran: false,
      reason: `cfn-lint is not installed (\`${missing}\` not found): only packsmith's own checks ran; install it with \`pip install cfn-lint\``,
    });
    expect(result.diagnostics).toEqual([]);
    await expect(runCfnLint([input], { ...base, mode: 'require', executable: missing })).rejects.toThrow(
      /cfn-lint is required \(--cfn-lint require\), but it is not installed .*pip install cfn-lint/,
    );
  });

  it('a cfn-lint that prints no version counts as not working', async () => {
    const dir = await freshDir('noversion');
    const exe = await executable(dir, 'cfn-lint', '#!/bin/sh\necho "Usage: something else" >&2\nexit 3\n');
    const result = await runCfnLint([], { ...base, mode: 'auto', executable: exe });
    expect(result.status).toEqual({
      ran: false,
      reason: expect.stringMatching(
        /^cfn-lint does not work \(.*--version` exited with code 3: Usage: something else\)/,
      ),
    });
  });

  it('detects the version once per process and executable', async () => {
    const dir = await freshDir('once');
    const fake = await fakeCfnLint(dir);
    const input = await writeInput(dir, 'a.yaml', 'Resources: {}\n');
    const options: CfnLintOptions = { ...base, mode: 'require', executable: fake.executable, cwd: dir };
    const first = await runCfnLint([input], options);
    await runCfnLint([input], options);
    expect(first.status).toMatchObject({ ran: true, version: '9.9.9' });
    const log = (await readFile(fake.log, 'utf8')).trim().split('\n');
    expect(log.filter((l) => l.includes('--version'))).toHaveLength(1);
  });

  it('with nothing cached, lints beside `--version` instead of after it, and caches what it found', async () => {
    const dir = await freshDir('early');
    const fake = await fakeCfnLint(dir, { versionDelayMs: 1500 });
    const input = await writeInput(dir, 'a.yaml', 'Resources: {}\n');
    const cacheDir = join(dir, 'cache');
    const options: CfnLintOptions = {
      ...base,
      mode: 'require',
      executable: fake.executable,
      cwd: dir,
      cacheDir,
    };
    const cold = await runCfnLint([input], options);
    expect(cold.status).toMatchObject({ ran: true, version: '9.9.9', cached: 0, linted: 1, processes: 1 });
    expect(cold.diagnostics.map((d) => d.checkId)).toEqual(['W2001']);
    const log = (await readFile(fake.log, 'utf8')).trim().split('\n');
    const lint = log.findIndex((l) => l.includes('a.yaml'));
    expect(lint).toBeGreaterThanOrEqual(0);
    expect(lint).toBeLessThan(log.indexOf('["version printed"]'));
    const warm = await runCfnLint([input], options);
    expect(warm.status).toMatchObject({ ran: true, cached: 1, linted: 0, processes: 0 });
    expect(warm.diagnostics).toEqual(cold.diagnostics);
  });

  it('maps relative Filenames back to inputs; exit code 6 is normal; glob characters are escaped', async () => {
    const dir = await freshDir('fake');
    const fake = await fakeCfnLint(dir, { exitCode: 6 });
    const inputs = [
      await writeInput(dir, 'a.yaml', 'Parameters:\n  P: {Type: String}\n'),
      await writeInput(dir, 'p[1].yaml', 'Parameters:\n  Q: {Type: String}\n'),
      await writeInput(dir, 'c.yaml', 'Parameters:\n  R: {Type: String}\n'),
    ];
    const result = await runCfnLint(inputs, {
      ...base,
      mode: 'auto',
      executable: fake.executable,
      cwd: dir,
      concurrency: 2,
    });
    expect(result.status).toEqual({ ran: true, version: '9.9.9', cached: 0, linted: 3, processes: 2 });
    expect(result.diagnostics.map((d) => [d.location?.file, d.location?.line, d.checkId])).toEqual([
      ['packs/a.yaml', 2, 'W2001'],
      ['packs/c.yaml', 2, 'W2001'],
      ['packs/p[1].yaml', 2, 'W2001'],
    ]);
    const calls = await invocations(fake.log);
    expect(calls.flat()).toContain(join(dir, 'p[[]1].yaml'));
    for (const call of calls) expect(call.slice(0, 3)).toEqual(['--format', 'json', '--']);
  });

  it('lints the text it was given when the file on disk differs, and lints equal texts once', async () => {
    const dir = await freshDir('differs');
    const fake = await fakeCfnLint(dir);
    const onDisk = await writeInput(dir, 'a.yaml', 'Resources: {}\n');
    const edited = { ...onDisk, text: 'Parameters:\n  P: {Type: String}\n' };
    const twin = await writeInput(dir, 'twin.yaml', edited.text);
    const result = await runCfnLint([edited, twin], {
      ...base,
      mode: 'auto',
      executable: fake.executable,
      cwd: dir,
    });
    const calls = await invocations(fake.log);
    expect(calls).toHaveLength(1);
    const files = calls[0]!.slice(3);
    expect(files).toHaveLength(1);
    expect(files[0]).not.toBe(onDisk.path);
    expect(result.status).toMatchObject({ linted: 2, processes: 1 });
    expect(result.diagnostics.map((d) => d.location?.file)).toEqual(['packs/a.yaml', 'packs/twin.yaml']);
  });

  it('a crashing cfn-lint gives an error naming the files and the stderr', async () => {
    const dir = await freshDir('crash');
    const exe = await executable(
      dir,
      'cfn-lint',
      `#!/bin/sh
if [ "$1" = "--version" ]; then echo "cfn-lint 1.51.0"; exit 0; fi
echo '%%% garbage {'
echo 'Traceback (most recent call last):' >&2
echo 'KeyError: boom' >&2
exit 1
`,
    );
    const inputs = [await writeInput(dir, 'one.yaml', 'a: 1\n'), await writeInput(dir, 'two.yaml', 'b: 2\n')];
    const run = runCfnLint(inputs, { ...base, mode: 'auto', executable: exe, concurrency: 1 });
    await expect(run).rejects.toThrow(
      /cfn-lint crashed \(exit code 1\) while linting 2 templates: packs\/(one|two)\.yaml, packs\/(one|two)\.yaml\.\nstderr:\n {2}Traceback \(most recent call last\):\n {2}KeyError: boom/,
    );
  });

  it('normal exit code with unparsable output, unknown or missing Filename: clear errors', async () => {
    const dir = await freshDir('garbage');
    const input = await writeInput(dir, 'one.yaml', 'a: 1\n');
    const notJson = await executable(
      dir,
      'not-json',
      '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "cfn-lint 1.51.0"; exit 0; fi\necho oops\nexit 0\n',
    );
    await expect(runCfnLint([input], { ...base, mode: 'auto', executable: notJson })).rejects.toThrow(
      /cfn-lint failed \(exit code 0\) while linting 1 template: packs\/one\.yaml: cfn-lint's output is not JSON/,
    );
    const noFile = await fakeCfnLint(await freshDir('nofile'), {
      extra: [{ ...controlsFinding, Filename: null, Rule: { Id: 'E0003' }, Message: 'bad config' }],
    });
    await expect(
      runCfnLint([input], { ...base, mode: 'auto', executable: noFile.executable }),
    ).rejects.toThrow(
      /problem tied to no template \(E0003: bad config\) while linting 1 template: packs\/one\.yaml/,
    );
    const otherFile = await fakeCfnLint(await freshDir('otherfile'), {
      extra: [{ ...controlsFinding, Filename: '/elsewhere/x.yaml' }],
    });
    await expect(
      runCfnLint([input], { ...base, mode: 'auto', executable: otherFile.executable }),
    ).rejects.toThrow(/finding for \/elsewhere\/x\.yaml, which it was not asked to lint/);
  });

  it('stops a cfn-lint process that takes too long', async () => {
    const dir = await freshDir('slow');
    const fake = await fakeCfnLint(dir, { sleep: true });
    const input = await writeInput(dir, 'slow.yaml', 'a: 1\n');
    await expect(
      runCfnLint([input], { ...base, mode: 'auto', executable: fake.executable, timeoutMs: 1500 }),
    ).rejects.toThrow(
      /cfn-lint did not finish within 1\.5 s and was stopped, while linting 1 template: packs\/slow\.yaml/,
    );
  });

  it('reports an unwritable cache as a warning and still returns findings', async () => {
    const dir = await freshDir('unwritable');
    const fake = await fakeCfnLint(dir);
    const input = await writeInput(dir, 'a.yaml', 'Parameters:\n  P: {Type: String}\n');
    const blocker = join(dir, 'file-not-dir');
    await writeFile(blocker, 'x');
    const result = await runCfnLint([input], {
      ...base,
      mode: 'auto',
      executable: fake.executable,
      cwd: dir,
      cacheDir: join(blocker, 'cache'),
    });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.warnings).toEqual([
      expect.stringMatching(/^cannot write the cfn-lint cache in .*file-not-dir/),
    ]);
  });
});

describe(`runCfnLint with cfn-lint${needsCfnLint}`, () => {
  const base = { packsmithVersion: '0.1.0', mode: 'require' } as const;

  it.skipIf(!cfnLint.available)(
    'maps an unknown property to E3002 at its line and suppresses resource-level Controls',
    async () => {
      const dir = await freshDir('real-map');
      const bad = await writeInput(dir, 'bad.yaml', namedRuleTemplate('bad-rule', '      Bogus: 1\n'));
      const controls = await writeInput(
        dir,
        'controls.yaml',
        namedRuleTemplate('controlled').replace('  Rule:\n', "  Rule:\n    Controls: ['3562', '4333']\n"),
      );
      const result = await runCfnLint([bad, controls], { ...base, cwd: dir });
      expect(result.diagnostics).toEqual([
        {
          checkId: 'E3002',
          severity: 'error',
          message: "Additional properties are not allowed ('Bogus' was unexpected)",
          fix: expect.stringContaining('Remove the property'),
          location: { file: 'packs/bad.yaml', line: 6, column: 7, endLine: 6, endColumn: 12 },
        },
      ]);
      expect(result.suppressed).toEqual([
        {
          diagnostic: expect.objectContaining({
            checkId: 'E3001',
            message: "Additional properties are not allowed ('Controls' was unexpected)",
            location: expect.objectContaining({ file: 'packs/controls.yaml', line: 3, column: 5 }),
          }),
          reason: cfnLintSuppressions[0]!.reason,
        },
      ]);
      expect(result.rules.map((r) => [r.id, r.source])).toEqual([
        ['E3001', 'cfn-lint'],
        ['E3002', 'cfn-lint'],
      ]);
      expect(result.rules[1]!.helpUri).toMatch(/^https:\/\//);
      expect(result.status).toMatchObject({ ran: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    },
    120_000,
  );

  it.skipIf(!cfnLint.available)(
    'lints many templates in at most `concurrency` processes, then answers unchanged ones from the cache',
    async () => {
      const dir = await freshDir('real-cache');
      const cacheDir = join(dir, '.packsmith', 'cache', 'cfn-lint');
      const wrapper = await loggingWrapper(dir);
      const inputs: LintInput[] = [];
      for (let i = 0; i < 5; i++) {
        const extra = i % 2 === 0 ? `      Bogus${i}: 1\n` : '';
        inputs.push(await writeInput(dir, `pack-${i}.yaml`, namedRuleTemplate(`rule-${i}`, extra)));
      }
      inputs.push(await writeInput(dir, 'glob[x].yaml', namedRuleTemplate('globbed', '      BogusG: 1\n')));
      const options: CfnLintOptions = {
        ...base,
        executable: wrapper.executable,
        cwd: dir,
        cacheDir,
        concurrency: 2,
      };

      const cold = await runCfnLint(inputs, options);
      const coldCalls = await invocations(wrapper.log);
      expect(coldCalls.length).toBeLessThanOrEqual(2);
      expect(cold.status).toMatchObject({ cached: 0, linted: 6, processes: coldCalls.length });
      const linted = coldCalls.flatMap((args) => args.slice(args.indexOf('--') + 1)).sort();
      expect(linted).toEqual(inputs.map((i) => globEscape(i.path)).sort());
      expect(cold.diagnostics.map((d) => `${d.location?.file}:${d.location?.line}:${d.checkId}`)).toEqual([
        'packs/glob[x].yaml:6:E3002',
        'packs/pack-0.yaml:6:E3002',
        'packs/pack-2.yaml:6:E3002',
        'packs/pack-4.yaml:6:E3002',
      ]);

      const warm = await runCfnLint(inputs, options);
      expect(await invocations(wrapper.log)).toHaveLength(coldCalls.length);
      expect(warm.status).toMatchObject({ cached: 6, linted: 0, processes: 0 });
      expect(warm.diagnostics).toEqual(cold.diagnostics);
      expect(warm.rules).toEqual(cold.rules);

      // Change one template: only it is linted again, in one process.
      const changed = await writeInput(dir, 'pack-1.yaml', namedRuleTemplate('rule-1', '      Oops: 1\n'));
      const next = inputs.map((i) => (i.path === changed.path ? changed : i));
      const third = await runCfnLint(next, options);
      const thirdCalls = (await invocations(wrapper.log)).slice(coldCalls.length);
      expect(thirdCalls).toHaveLength(1);
      expect(thirdCalls[0]!.slice(3)).toEqual([changed.path]);
      expect(third.status).toMatchObject({ cached: 5, linted: 1, processes: 1 });
      expect(third.diagnostics.filter((d) => d.location?.file === 'packs/pack-1.yaml')).toEqual([
        expect.objectContaining({ checkId: 'E3002', message: expect.stringContaining("'Oops'") }),
      ]);

      // A cached result is file-independent: a renamed copy gets the new display path.
      const renamed = { ...inputs[0]!, file: 'elsewhere/renamed.yaml' };
      const fourth = await runCfnLint([renamed], options);
      expect(fourth.status).toMatchObject({ cached: 1, linted: 0 });
      expect(fourth.diagnostics[0]!.location).toMatchObject({ file: 'elsewhere/renamed.yaml', line: 6 });
    },
    180_000,
  );

  it.skipIf(!cfnLint.available)(
    'ignores a corrupt cache entry, re-lints the template and rewrites the entry',
    async () => {
      const dir = await freshDir('real-corrupt');
      const cacheDir = join(dir, 'cache');
      const wrapper = await loggingWrapper(dir);
      const input = await writeInput(dir, 'bad.yaml', namedRuleTemplate('bad-rule', '      Bogus: 1\n'));
      const options: CfnLintOptions = { ...base, executable: wrapper.executable, cwd: dir, cacheDir };
      const first = await runCfnLint([input], options);
      const [entry] = await readdir(cacheDir);
      expect(entry).toMatch(/^[0-9a-f]{64}\.json$/);
      const good = await readFile(join(cacheDir, entry!), 'utf8');
      await writeFile(join(cacheDir, entry!), good.slice(0, 40), 'utf8');

      const second = await runCfnLint([input], options);
      expect(second.status).toMatchObject({ cached: 0, linted: 1, processes: 1 });
      expect(second.diagnostics).toEqual(first.diagnostics);
      expect(await readFile(join(cacheDir, entry!), 'utf8')).toBe(good);
      expect(await invocations(wrapper.log)).toHaveLength(2);
    },
    120_000,
  );
});
