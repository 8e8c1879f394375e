import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AddRuleOutputSchema, InitOutputSchema } from '../../src/report/schemas/scaffold.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'packsmith-scaffold-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const read = (path: string) => readFileSync(join(dir, path), 'utf8');
const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
  .version;

const initFiles = [
  'packs/rules/s3-bucket-versioning-enabled.yaml',
  'packs/baseline.yaml',
  '.packsmith/schemas/rule.schema.json',
  '.packsmith/schemas/remediation.schema.json',
  '.packsmith/schemas/pack.schema.json',
  '.packsmith/schemas/catalog.schema.json',
  '.packsmith/schemas/packsmith.schema.json',
  '.packsmith/schemas/deploy.schema.json',
  '.packsmith/schemas/config.schema.json',
  '.vscode/settings.json',
  '.gitignore',
  '.github/workflows/packsmith.yml',
  'README.md',
];

async function init(): Promise<void> {
  const result = await runCli(['init'], { cwd: dir });
  expect(result.stderr).not.toContain('packsmith:');
  expect(result.code).toBe(0);
}

describe('packsmith init', () => {
  it('creates the repository, reports every file, and `build` then writes the template', async () => {
    const result = await runCli(['init'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(initFiles.map((f) => `created ${f}`));
    for (const f of initFiles) expect(existsSync(join(dir, f)), f).toBe(true);

    // The schemas are packsmith's own, byte for byte, and the blocks point at the copies.
    for (const kind of ['rule', 'remediation', 'pack', 'catalog', 'packsmith', 'deploy', 'config']) {
      expect(read(`.packsmith/schemas/${kind}.schema.json`)).toBe(
        readFileSync(join(packageRoot(), 'schemas', `${kind}.schema.json`), 'utf8'),
      );
    }
    // No `$schema` line: the editor mapping gives the schema at any depth, and a relative path in
    // the file would break when the file moves (test/distribution/yaml-language-server.test.ts).
    expect(read('packs/rules/s3-bucket-versioning-enabled.yaml').split('\n')[0]).toBe('kind: rule');
    expect(read('packs/baseline.yaml').split('\n')[0]).toBe('kind: pack');
    expect(parse(read('packs/baseline.yaml'))).toMatchObject({
      kind: 'pack',
      name: 'baseline',
      rules: ['s3-bucket-versioning-enabled'],
    });

    const build = await runCli(['build'], { cwd: dir });
    expect(build.stderr).toContain('0 error(s), 0 warning(s)');
    expect(build.code).toBe(0);
    const template = parse(read('build/baseline.yaml')) as {
      Resources: Record<string, { Type: string; Properties: { Source: { SourceIdentifier: string } } }>;
    };
    expect(Object.values(template.Resources).map((r) => r.Properties.Source.SourceIdentifier)).toEqual([
      'S3_BUCKET_VERSIONING_ENABLED',
    ]);
  });

  it('writes a .gitignore for build output, caches and the status database', async () => {
    await init();
    const lines = read('.gitignore').split('\n');
    for (const entry of [
      'build/',
      '.packsmith/cache/',
      // every status database (statePath may name another file there), with its WAL files
      '.packsmith/*.db',
      '.packsmith/*.db-wal',
      '.packsmith/*.db-shm',
    ]) {
      expect(lines).toContain(entry);
    }
    // The schemas are meant to be committed.
    expect(lines).not.toContain('.packsmith/');
  });

  it('writes a workflow that validates to SARIF, uploads it always, and builds, with this version of packsmith', async () => {
    await init();
    const workflow = parse(read('.github/workflows/packsmith.yml')) as {
      on: Record<string, unknown>;
      env: Record<string, string>;
      jobs: Record<string, { steps: Array<Record<string, unknown>> }>;
    };
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    const steps = Object.values(workflow.jobs)[0]!.steps;
    const index = (pred: (s: Record<string, unknown>) => boolean) => steps.findIndex(pred);
    const uses = (prefix: string) => index((s) => typeof s.uses === 'string' && s.uses.startsWith(prefix));
    const runs = (command: string) => index((s) => s.run === command);

    const checkout = uses('actions/checkout@');
    const setupNode = uses('actions/setup-node@');
    const install = runs('npm install --global --no-audit --no-fund "$PACKSMITH_PACKAGE"');
    const cfnLint = runs('command -v cfn-lint >/dev/null || pipx install "cfn-lint==$CFN_LINT_VERSION"');
    // One run writes the SARIF and appends the Markdown summary to the job summary.
    const validate = runs(
      'packsmith validate packs --cfn-lint require --format sarif --output packsmith.sarif --summary "$GITHUB_STEP_SUMMARY"',
    );
    const upload = uses('github/codeql-action/upload-sarif@');
    const build = runs('packsmith build');
    expect([checkout, setupNode, install, cfnLint, validate, upload, build].every((i) => i >= 0)).toBe(true);
    expect(checkout < setupNode && setupNode < install && install < validate && validate < upload).toBe(true);
    expect(cfnLint < validate && upload < build).toBe(true);
    // Installs this version unless --package says otherwise; cfn-lint pinned; actions on Node 24.
    expect(workflow.env).toEqual({ PACKSMITH_PACKAGE: `packsmith@${version}`, CFN_LINT_VERSION: '1.51.0' });
    expect(String((steps[setupNode]!.with as Record<string, unknown>)['node-version'])).toBe('24');
    for (const step of steps.filter((s) => typeof s.uses === 'string')) {
      expect(String(step.uses)).toMatch(/@v(6|4)$/);
    }
    expect(steps[upload]!.uses).toBe('github/codeql-action/upload-sarif@v4');
    expect(steps[upload]!.if).toBe("always() && hashFiles('packsmith.sarif') != ''");
    expect((steps[upload]!.with as Record<string, unknown>).sarif_file).toBe('packsmith.sarif');
    expect(read('.github/workflows/packsmith.yml')).not.toContain('{{');
  });

  it('--package sets what the workflow installs, as one YAML string whatever it holds', async () => {
    const spec = 'https://example.com/packsmith-1.0.0.tgz # not: a comment\nrun: x';
    const result = await runCli(['init', '--package', spec], { cwd: dir });
    expect(result.code).toBe(0);
    const workflow = parse(read('.github/workflows/packsmith.yml')) as { env: Record<string, string> };
    expect(workflow.env.PACKSMITH_PACKAGE).toBe(spec);
  });

  it('maps the schemas by file pattern, so a file validates at any depth and after a move', async () => {
    await init();
    const settings = JSON.parse(read('.vscode/settings.json')) as {
      'yaml.schemas': Record<string, string[]>;
    };
    const mapping = settings['yaml.schemas'];
    const anyFile = Object.entries(mapping).find(([, globs]) => globs.includes('packs/**/*.yaml'))!;
    expect(anyFile[0]).toBe('./.packsmith/schemas/packsmith.schema.json');
    for (const schema of Object.keys(mapping)) expect(existsSync(join(dir, schema)), schema).toBe(true);
    // The one schema for packs/** chooses by kind: a rule block three folders deep still validates,
    // and a misspelt field in it is still caught.
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(read('.packsmith/schemas/packsmith.schema.json')) as object);
    const rule = parse(read('packs/rules/s3-bucket-versioning-enabled.yaml')) as Record<string, unknown>;
    const moved = join(dir, 'packs/team/a/b/rule.yaml');
    mkdirSync(dirname(moved), { recursive: true });
    writeFileSync(moved, read('packs/rules/s3-bucket-versioning-enabled.yaml'));
    expect(validate(parse(readFileSync(moved, 'utf8')))).toBe(true);
    expect(validate({ ...rule, sorce: {} })).toBe(false);
    expect(validate(parse(read('packs/baseline.yaml')))).toBe(true);
    expect(validate({ kind: 'pack', name: 'x' })).toBe(false);
  });

  it('--refresh-schemas rewrites the schemas only, and keeps the editor settings a user has', async () => {
    await init();
    writeFileSync(join(dir, '.packsmith/schemas/rule.schema.json'), '{}\n');
    writeFileSync(join(dir, '.vscode/settings.json'), '{ "mine": true }\n');
    const ruleText = read('packs/rules/s3-bucket-versioning-enabled.yaml');
    const result = await runCli(['init', '--refresh-schemas'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(['refreshed .packsmith/schemas/rule.schema.json']);
    expect(read('.packsmith/schemas/rule.schema.json')).toBe(
      readFileSync(join(packageRoot(), 'schemas', 'rule.schema.json'), 'utf8'),
    );
    expect(read('.vscode/settings.json')).toBe('{ "mine": true }\n');
    expect(read('packs/rules/s3-bucket-versioning-enabled.yaml')).toBe(ruleText);
    const again = await runCli(['init', '--refresh-schemas'], { cwd: dir });
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('up to date');
  });

  it('writes a README with the next commands', async () => {
    await init();
    const readme = read('README.md');
    expect(readme).toContain('packsmith add rule');
    expect(readme).toContain('packsmith build');
    expect(readme).not.toContain('{{version}}');
  });

  it('into a folder given as an argument, created when missing; --format json matches its schema', async () => {
    const result = await runCli(['init', 'repo/sub', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Value.Check(InitOutputSchema, report)).toBe(true);
    expect(report).toEqual({
      schemaVersion: 1,
      kind: 'init',
      root: 'repo/sub',
      created: initFiles.map((f) => `repo/sub/${f}`),
      overwritten: [],
    });
    expect(existsSync(join(dir, 'repo/sub/packs/baseline.yaml'))).toBe(true);
  });

  it('run twice exits 1, names the existing files and writes nothing', async () => {
    await init();
    writeFileSync(join(dir, 'README.md'), 'mine\n');
    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('packs/rules/s3-bucket-versioning-enabled.yaml');
    expect(again.stderr).toContain('--force');
    expect(again.stdout).toBe('');
    expect(read('README.md')).toBe('mine\n');
  });

  it('refuses when only one of its files exists, and creates none of the others', async () => {
    await mkdir(join(dir, '.github/workflows'), { recursive: true });
    writeFileSync(join(dir, '.github/workflows/packsmith.yml'), 'name: mine\n');
    const result = await runCli(['init'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('.github/workflows/packsmith.yml');
    expect(existsSync(join(dir, 'packs'))).toBe(false);
    expect(read('.github/workflows/packsmith.yml')).toBe('name: mine\n');
  });

  it('--force overwrites and says so', async () => {
    await init();
    writeFileSync(join(dir, 'README.md'), 'mine\n');
    const result = await runCli(['init', '--force'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('overwrote README.md');
    expect(read('README.md')).not.toBe('mine\n');
  });

  it('refuses when another file of packs/ already defines the pack "baseline"', async () => {
    await mkdir(join(dir, 'packs'), { recursive: true });
    writeFileSync(join(dir, 'packs/main.yaml'), 'kind: pack\nname: baseline\nrules: [x]\n');
    const result = await runCli(['init'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('pack "baseline" (packs/main.yaml)');
    expect(existsSync(join(dir, 'packs/baseline.yaml'))).toBe(false);
  });
});

describe('packsmith add rule', () => {
  it('CLOUD_TRAIL_ENABLED --pack baseline: writes the block and adds it to the manifest, keeping its comments', async () => {
    await init();
    const manifest = `# my header comment\n${read('packs/baseline.yaml')}# trailing note\n`.replace(
      '  - s3-bucket-versioning-enabled\n',
      '  - s3-bucket-versioning-enabled  # the first rule\n',
    );
    expect(manifest).toContain('# the first rule');
    writeFileSync(join(dir, 'packs/baseline.yaml'), manifest);

    const result = await runCli(['add', 'rule', 'CLOUD_TRAIL_ENABLED', '--pack', 'baseline'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'created packs/rules/cloudtrail-enabled.yaml\nadded cloudtrail-enabled to pack baseline (packs/baseline.yaml)\n',
    );
    // Exactly one line added, after the last rule; every comment where it was.
    expect(read('packs/baseline.yaml')).toBe(
      manifest.replace('  # the first rule\n', '  # the first rule\n  - cloudtrail-enabled\n'),
    );
    // init's editor mapping gives the schema at any depth: no `$schema` line to break on a move.
    const block = read('packs/rules/cloudtrail-enabled.yaml');
    expect(block.split('\n')[0]).toBe('kind: rule');
    expect(parse(block)).toMatchObject({
      kind: 'rule',
      name: 'cloudtrail-enabled',
      source: { managed: 'CLOUD_TRAIL_ENABLED' },
    });

    const build = await runCli(['build'], { cwd: dir });
    expect(build.code).toBe(0);
    expect(build.stderr).toContain('0 error(s), 0 warning(s)');
    expect(read('build/baseline.yaml')).toContain('CLOUD_TRAIL_ENABLED');
  });

  it('a rule with a required parameter builds: the parameter becomes a pack parameter', async () => {
    await init();
    const result = await runCli(['add', 'rule', 'DESIRED_INSTANCE_TENANCY', '--pack', 'baseline'], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('requires tenancy');
    const build = await runCli(['build'], { cwd: dir });
    expect(build.code).toBe(0);
    const template = parse(read('build/baseline.yaml')) as {
      Parameters: Record<string, { Default?: unknown }>;
    };
    expect(template.Parameters.DesiredInstanceTenancyParamTenancy).toBeDefined();
    expect(template.Parameters.DesiredInstanceTenancyParamTenancy!.Default).toBeUndefined();
  });

  it('refuses to overwrite an existing block file and says which', async () => {
    await init();
    const path = join(dir, 'packs/rules/s3-bucket-versioning-enabled.yaml');
    writeFileSync(path, `${readFileSync(path, 'utf8')}# edited\n`);
    const before = readFileSync(path, 'utf8');
    const manifest = read('packs/baseline.yaml');
    const result = await runCli(['add', 'rule', 'S3_BUCKET_VERSIONING_ENABLED', '--pack', 'baseline'], {
      cwd: dir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('packs/rules/s3-bucket-versioning-enabled.yaml already exists');
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(read('packs/baseline.yaml')).toBe(manifest);
  });

  it('refuses a block name another file already defines', async () => {
    await init();
    writeFileSync(
      join(dir, 'packs/rules/other-file.yaml'),
      'kind: rule\nname: cloudtrail-enabled\nsource:\n  managed: CLOUD_TRAIL_ENABLED\n',
    );
    const result = await runCli(['add', 'rule', 'CLOUD_TRAIL_ENABLED'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('packs/rules/other-file.yaml');
    expect(existsSync(join(dir, 'packs/rules/cloudtrail-enabled.yaml'))).toBe(false);
  });

  it('an unknown identifier exits 1 with a suggestion and writes nothing', async () => {
    await init();
    const result = await runCli(['add', 'rule', 'CLOUD_TRAIL_ENABLE', '--pack', 'baseline'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown managed rule identifier "CLOUD_TRAIL_ENABLE"');
    expect(result.stderr).toContain('did you mean CLOUD_TRAIL_ENABLED');
    expect(existsSync(join(dir, 'packs/rules/cloudtrail-enabled.yaml'))).toBe(false);
    expect(parse(read('packs/baseline.yaml'))).toMatchObject({ rules: ['s3-bucket-versioning-enabled'] });
  });

  it('an unknown pack exits 1 listing the packs, before writing the block', async () => {
    await init();
    const result = await runCli(['add', 'rule', 'CLOUD_TRAIL_ENABLED', '--pack', 'nope'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('there is no pack named "nope"; the packs are: baseline');
    expect(existsSync(join(dir, 'packs/rules/cloudtrail-enabled.yaml'))).toBe(false);
  });

  it('a pack that already includes the block name exits 1 and writes nothing', async () => {
    await init();
    writeFileSync(
      join(dir, 'packs/baseline.yaml'),
      'kind: pack\nname: baseline\nrules:\n  - s3-bucket-versioning-enabled\n  - use: ct\n',
    );
    const result = await runCli(
      ['add', 'rule', 'CLOUD_TRAIL_ENABLED', '--name', 'ct', '--pack', 'baseline'],
      {
        cwd: dir,
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('pack "baseline" already includes "ct"');
    expect(existsSync(join(dir, 'packs/rules/ct.yaml'))).toBe(false);
  });

  it('--name sets the block and file name; --format json matches its schema', async () => {
    await init();
    const result = await runCli(
      [
        'add',
        'rule',
        'ACCESS_KEYS_ROTATED',
        '--name',
        'keys-90-days',
        '--pack',
        'baseline',
        '--format',
        'json',
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Value.Check(AddRuleOutputSchema, report)).toBe(true);
    expect(report).toEqual({
      schemaVersion: 1,
      kind: 'add-rule',
      identifier: 'ACCESS_KEYS_ROTATED',
      block: 'keys-90-days',
      file: 'packs/rules/keys-90-days.yaml',
      pack: { name: 'baseline', manifest: 'packs/baseline.yaml' },
    });
    expect(parse(read('packs/rules/keys-90-days.yaml'))).toMatchObject({
      name: 'keys-90-days',
      parameters: { maxAccessKeyAge: '90' },
    });
  });

  it('an invalid --name is a usage error (exit 2)', async () => {
    await init();
    const result = await runCli(['add', 'rule', 'CLOUD_TRAIL_ENABLED', '--name', '../escape'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(existsSync(join(dir, 'escape.yaml'))).toBe(false);
  });

  it('new blocks get a $schema line only where no editor mapping gives the schema', async () => {
    await init();
    // With init's mapping: none, for a rule block and a remediation block alike.
    expect((await runCli(['add', 'rule', 'CLOUD_TRAIL_ENABLED'], { cwd: dir })).code).toBe(0);
    expect(read('packs/rules/cloudtrail-enabled.yaml').split('\n')[0]).toBe('kind: rule');
    const remediation = await runCli(['add', 'remediation', 's3-bucket-versioning-enabled'], { cwd: dir });
    expect(remediation.code, remediation.stderr).toBe(0);
    const remediationFile = /created (\S+\.yaml)/.exec(remediation.stdout)?.[1];
    expect(read(remediationFile!).split('\n')[0]).toBe('kind: remediation');
    // Without it (the user's own editor settings): the path to the repository's copy.
    writeFileSync(join(dir, '.vscode/settings.json'), '{ "editor.tabSize": 2 }\n');
    expect((await runCli(['add', 'rule', 'IAM_ROOT_ACCESS_KEY_CHECK'], { cwd: dir })).code).toBe(0);
    expect(read('packs/rules/iam-root-access-key-check.yaml').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../../.packsmith/schemas/rule.schema.json',
    );
  });

  it('without .packsmith/schemas the $schema line points at packsmith’s own schema, which exists', async () => {
    await mkdir(join(dir, 'packs'), { recursive: true });
    const result = await runCli(['add', 'rule', 'CLOUD_TRAIL_ENABLED', '--root', dir], { cwd: tmpdir() });
    expect(result.code).toBe(0);
    const block = read('packs/rules/cloudtrail-enabled.yaml');
    const reference = /^# yaml-language-server: \$schema=(.+)$/m.exec(block)?.[1];
    expect(reference).toBeDefined();
    const target = resolve(dirname(join(dir, 'packs/rules/cloudtrail-enabled.yaml')), reference!);
    expect(target).toBe(join(packageRoot(), 'schemas', 'rule.schema.json'));
  });
});
