/**
 * Distinctive fake credentials in the environment, in a shared credentials file used through
 * `--profile`, and in a file beside the pack repository: every command (build, validate, import,
 * deploy to the sandbox with --debug, status, history, plan, reports) runs with them, and none of
 * them appears anywhere packsmith writes: its output, the files it leaves, the S3 objects it
 * stages, the status database (raw bytes and every table), the Config side, the HTML report and
 * the saved plan. The deploy and a hostile build also run as separate processes, whose real
 * environment (`/proc/self/environ`) holds the credentials.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DescribeOrganizationConformancePacksCommand } from '@aws-sdk/client-config-service';
import { GetObjectCommand, ListBucketsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli, type CliResult } from '../support/cli.js';
import { configClient, motoSkipNote, motoStatus, s3Client } from '../support/moto.js';
import { readDatabase, startRolloutFixture, type RolloutFixture } from '../support/rollout-fixture.js';

const available = motoStatus().available;

/** The deployer's credentials in the environment. */
const envCredentials = {
  AWS_ACCESS_KEY_ID: 'AKIACANARY0000000001',
  AWS_SECRET_ACCESS_KEY: 'canary/secret/SECRETCANARY00000000000001',
  AWS_SESSION_TOKEN: `IQoJCANARYTOKEN0001${'Zx9'.repeat(60)}`,
};
/** The `canary` profile of the shared credentials file. */
const profileCredentials = {
  aws_access_key_id: 'AKIACANARY0000000002',
  aws_secret_access_key: 'canary/secret/SECRETCANARY00000000000002',
  aws_session_token: `IQoJCANARYTOKEN0002${'Qw7'.repeat(60)}`,
};
/** What must appear nowhere: each value whole, and its distinctive core (in case of re-encoding). */
const canaries = [
  ...Object.values(envCredentials),
  ...Object.values(profileCredentials),
  'CANARY0000000001',
  'CANARY0000000002',
  'SECRETCANARY',
  'CANARYTOKEN',
];

const credentialsFile = (profile: string, c: typeof profileCredentials) =>
  [`[${profile}]`, ...Object.entries(c).map(([k, v]) => `${k} = ${v}`), ''].join('\n');

interface Run {
  what: string;
  stdout: string;
  stderr: string;
}

/** Every canary found in `text`, with a little context, for the failure message. */
function leaksIn(where: string, text: string): string[] {
  const out: string[] = [];
  for (const canary of canaries) {
    const at = text.indexOf(canary);
    if (at >= 0) out.push(`${where}: "${canary}" in …${text.slice(Math.max(0, at - 60), at + 60)}…`);
  }
  return out;
}

/** Every regular file below `dir` (symbolic links are not followed), skipping `skip`. */
function filesBelow(dir: string, skip: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (skip.has(path) || entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(path);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** `packsmith <args>` as its own Node process with exactly `env` added to this one's environment. */
function spawnCli(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<Run & { code: number | null }> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) childEnv[k] = v;
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(packageRoot(), 'src', 'cli', 'bin.ts'), ...args],
    {
      cwd: packageRoot(), // where tsx resolves
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) =>
    proc.once('close', (code) =>
      resolve({ what: `(process) packsmith ${args.join(' ')}`, code, stdout, stderr }),
    ),
  );
}

describe.skipIf(!available)(`credentials never leak${motoSkipNote()}`, () => {
  let f: RolloutFixture;
  let base: string;
  let repo: string;
  let hostile: string;
  let out: string;
  let home: string;
  /** The environment of every run: the sandbox's endpoints and the canary credentials. */
  let env: Record<string, string | undefined>;
  /** The same, but with credentials only through `--profile canary`. */
  let profileEnv: Record<string, string | undefined>;
  const runs: Run[] = [];
  const sources = new Set<string>();

  const cli = async (args: string[], opts: { cwd?: string; env?: typeof env } = {}): Promise<CliResult> => {
    const r = await runCli(args, { cwd: opts.cwd ?? repo, env: opts.env ?? env });
    runs.push({ what: `packsmith ${args.join(' ')}`, stdout: r.stdout, stderr: r.stderr });
    return r;
  };

  beforeAll(async () => {
    f = await startRolloutFixture({
      accounts: 3,
      regions: ['us-east-1'],
      packs: ['s3-data-protection', 'iam-baseline'],
      delay: { baseMs: 50, jitterMs: 100 },
    });
    base = mkdtempSync(join(tmpdir(), 'packsmith-canary-'));
    repo = join(base, 'repo');
    hostile = join(base, 'hostile');
    out = join(base, 'out');
    home = join(base, 'home');
    mkdirSync(out);
    mkdirSync(join(home, '.aws'), { recursive: true });
    // The pack repository of the deploy: the example packs and the sandbox configuration.
    cpSync(join(packageRoot(), 'packs'), join(repo, 'packs'), { recursive: true });
    writeFileSync(join(repo, 'packsmith.deploy.yaml'), f.config);
    // A credentials file beside the repository, and the shared credentials file of `--profile`.
    const beside = join(base, 'credentials');
    writeFileSync(
      beside,
      credentialsFile('default', {
        aws_access_key_id: envCredentials.AWS_ACCESS_KEY_ID,
        aws_secret_access_key: envCredentials.AWS_SECRET_ACCESS_KEY,
        aws_session_token: envCredentials.AWS_SESSION_TOKEN,
      }) + credentialsFile('canary', profileCredentials),
    );
    const shared = join(home, '.aws', 'credentials');
    writeFileSync(shared, credentialsFile('canary', profileCredentials));
    writeFileSync(join(home, '.aws', 'config'), '[profile canary]\nregion = us-east-1\n');
    sources.add(beside).add(shared);
    const common = {
      ...f.env,
      HOME: home,
      AWS_SHARED_CREDENTIALS_FILE: shared,
      AWS_CONFIG_FILE: join(home, '.aws', 'config'),
      AWS_PROFILE: undefined,
    };
    env = { ...common, ...envCredentials };
    profileEnv = {
      ...common,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
    };
    // A repository whose blocks try to ship the credentials: a Guard file outside the repository,
    // a symbolic link to it, the process's own environment, and a pack template outside.
    mkdirSync(join(hostile, 'packs', 'rules'), { recursive: true });
    mkdirSync(join(hostile, 'packs', 'policies'));
    symlinkSync(beside, join(hostile, 'packs', 'policies', 'linked.guard'));
    const guardRule = (name: string, file: string) =>
      writeFileSync(
        join(hostile, 'packs', 'rules', `${name}.yaml`),
        `kind: rule\nname: ${name}\nsource:\n  guard:\n    file: ${JSON.stringify(file)}\nscope:\n  resourceTypes: [AWS::IAM::User]\n`,
      );
    guardRule('beside', '../../../credentials');
    guardRule('linked', '../policies/linked.guard');
    guardRule('environ', '/proc/self/environ');
    writeFileSync(
      join(hostile, 'packs', 'leaky.yaml'),
      'kind: pack\nname: leaky\nrules: [beside, linked, environ]\n',
    );
    writeFileSync(
      join(hostile, 'packs', 'templated.yaml'),
      'kind: pack\nname: templated\ntemplate: ../../credentials\nrules: [beside]\n',
    );
  }, 60_000);

  afterAll(async () => {
    await f?.stop();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('[1] a build reaching for the credentials is refused, in this process and as its own process', async () => {
    const inProcess = await cli(['build', '--out', join(out, 'hostile-build')], { cwd: hostile });
    expect(inProcess.code).toBe(1);
    expect(inProcess.stderr).toMatch(/packs\/rules\/beside\.yaml:5:\d+/);
    expect(inProcess.stderr).toMatch(/packs\/rules\/linked\.yaml:5:\d+/);
    expect(inProcess.stderr).toMatch(/packs\/rules\/environ\.yaml:5:\d+/);
    expect(inProcess.stderr).toMatch(/packs\/templated\.yaml:3:\d+/);
    const json = await cli(['build', '--format', 'json', '--out', join(out, 'hostile-json')], {
      cwd: hostile,
    });
    expect(json.code).toBe(1);
    // Its own process: /proc/self/environ there holds the credentials.
    const child = await spawnCli(
      ['build', '--debug', '--root', hostile, '--out', join(out, 'hostile-child')],
      env,
    );
    runs.push(child);
    expect(child.code, child.stderr).toBe(1);
    expect(child.stderr).toMatch(/packs\/rules\/environ\.yaml:5:\d+/);
    expect(existsSync(join(out, 'hostile-child'))).toBe(false);
  }, 60_000);

  it('[1] build, validate in every format, and import run with the credentials around', async () => {
    const built = await cli(['build', '--out', join(repo, 'build')]);
    expect(built.code, built.stderr).toBe(0);
    for (const format of ['text', 'json', 'sarif', 'junit', 'github', 'markdown']) {
      const r = await cli([
        'validate',
        'build',
        'packs',
        '--format',
        format,
        '--output',
        join(out, `validate.${format}`),
      ]);
      expect(r.code, `${format}: ${r.stderr}`).toBe(0);
      expect(readFileSync(join(out, `validate.${format}`), 'utf8').length).toBeGreaterThan(0);
    }
    const stdout = await cli(['validate', 'build', '--format', 'json', '--debug']);
    expect(stdout.code, stdout.stderr).toBe(0);
    const imported = await cli([
      'import',
      join(repo, 'build', 's3-data-protection.yaml'),
      '--into',
      join(out, 'imported', 'packs'),
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    // The credentials file itself, named by mistake: refused as what it is, never quoted.
    for (const format of ['text', 'json', 'sarif']) {
      const r = await cli(['validate', '../credentials', '--format', format, '--cfn-lint', 'off']);
      expect(r.code, `${format}: ${r.stderr}`).toBe(1);
    }
    const notTemplate = await cli(['import', '../credentials', '--into', join(out, 'refused', 'packs')]);
    expect(notTemplate.code).toBe(1);
    const again = await cli([
      'build',
      '--root',
      join(out, 'imported'),
      '--out',
      join(out, 'imported', 'build'),
    ]);
    expect(again.code, again.stderr).toBe(0);
  }, 120_000);

  it('[1] deploy --debug to the sandbox, as its own process, then with --profile', async () => {
    const deploy = await spawnCli(
      ['deploy', '--debug', '--yes', '--poll-interval', '0.1', '--timeout', '2', '--root', repo],
      env,
    );
    runs.push(deploy);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stderr).toMatch(/aws config:PutOrganizationConformancePack us-east-1/);
    expect(deploy.stdout).toMatch(/create in us-east-1 succeeded/);

    // Credentials from the shared credentials file only, through --profile.
    writeFileSync(
      join(repo, 'packsmith.deploy.yaml'),
      f.config.replace(
        '  s3-data-protection:\n',
        '  s3-data-protection:\n    deliveryKeyPrefix: through-profile\n',
      ),
    );
    const profiled = await cli(
      [
        'deploy',
        '--debug',
        '--profile',
        'canary',
        '--yes',
        '--poll-interval',
        '0.1',
        '--timeout',
        '2',
        '--root',
        repo,
      ],
      { env: profileEnv },
    );
    expect(profiled.code, profiled.stderr).toBe(0);
    expect(profiled.stdout).toMatch(/update in us-east-1 succeeded/);
  }, 120_000);

  it('[1] status, history and plan in every format, with --debug', async () => {
    const root = ['--root', repo];
    for (const format of ['table', 'json']) {
      const r = await cli(['status', '--format', format, '--debug', ...root]);
      expect(r.code, r.stderr).toBe(0);
    }
    const csv = await cli([
      'status',
      '--compliance',
      '--format',
      'csv',
      '--output',
      join(out, 'status.csv'),
      ...root,
    ]);
    expect(csv.code, csv.stderr).toBe(0);
    const html = await cli(['status', '--format', 'html', '--output', join(out, 'status.html'), ...root]);
    expect(html.code, html.stderr).toBe(0);
    expect(readFileSync(join(out, 'status.html'), 'utf8')).toMatch(/<html/i);
    const profiled = await cli(['status', '--profile', 'canary', '--format', 'json', ...root], {
      env: profileEnv,
    });
    expect(profiled.code, profiled.stderr).toBe(0);
    for (const format of ['table', 'json']) {
      const r = await cli(['history', '--format', format, ...root]);
      expect(r.code, r.stderr).toBe(0);
    }
    const plan = await cli(['plan', '--debug', '--out', join(out, 'plan.json'), ...root]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'))).toHaveProperty('packs');
    const planJson = await cli(['plan', '--format', 'json', ...root]);
    expect(planJson.code, planJson.stderr).toBe(0);
  }, 120_000);

  it('[1] no canary in any output, file, S3 object, status database row or Config pack', async () => {
    expect(runs.length).toBeGreaterThanOrEqual(20);
    const leaks: string[] = [];
    for (const run of runs)
      leaks.push(
        ...leaksIn(`${run.what} (stdout)`, run.stdout),
        ...leaksIn(`${run.what} (stderr)`, run.stderr),
      );

    // Every file left in the repositories, the output folder and the home folder (raw bytes, so
    // the status database and its WAL are read as they lie on disk).
    const written = [base, f.repo].flatMap((d) => filesBelow(d, sources));
    expect(written).toContain(join(repo, '.packsmith', 'state.db'));
    expect(written).toContain(join(out, 'status.html'));
    expect(written).toContain(join(out, 'plan.json'));
    for (const file of written)
      leaks.push(...leaksIn(relative(base, file), readFileSync(file).toString('latin1')));

    // Every table of the status database.
    const tables = readDatabase(join(repo, '.packsmith', 'state.db'), (db) => {
      const names = (
        db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>
      ).map((t) => t.name);
      return names.map((name) => ({ name, rows: db.prepare(`SELECT * FROM "${name}"`).all() }));
    });
    expect(tables.find((t) => t.name === 'status_transitions')?.rows.length).toBeGreaterThan(0);
    for (const t of tables) leaks.push(...leaksIn(`table ${t.name}`, JSON.stringify(t.rows)));

    // Every object of every bucket in the sandbox's S3.
    const s3 = s3Client({ endpoint: f.sandbox.moto.endpoint });
    let objects = 0;
    try {
      const buckets = (await s3.send(new ListBucketsCommand({}))).Buckets ?? [];
      for (const { Name: bucket } of buckets) {
        let token: string | undefined;
        do {
          const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket!, ContinuationToken: token }));
          for (const { Key: key } of page.Contents ?? []) {
            const body = await (
              await s3.send(new GetObjectCommand({ Bucket: bucket!, Key: key! }))
            ).Body!.transformToString('latin1');
            objects++;
            leaks.push(...leaksIn(`s3://${bucket}/${key}`, `${key}\n${body}`));
          }
          token = page.NextContinuationToken;
        } while (token);
      }
    } finally {
      s3.destroy();
    }
    expect(objects).toBeGreaterThan(0);

    // What the Config side holds of the packs.
    const config = configClient({ endpoint: f.sandbox.emulator.endpoint, region: 'us-east-1' });
    try {
      const packs = await config.send(new DescribeOrganizationConformancePacksCommand({}));
      expect(packs.OrganizationConformancePacks?.length).toBe(2);
      leaks.push(...leaksIn('Config organization conformance packs', JSON.stringify(packs)));
    } finally {
      config.destroy();
    }
    expect(leaks).toEqual([]);
  }, 60_000);
});
