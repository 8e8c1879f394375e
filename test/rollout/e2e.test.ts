/**
 * An organization rollout end to end, through the CLI, against moto_server (Organizations behind a
 * proxy that rejects MaxResults above 20, as AWS does; STS; S3; Config recorders) and the Config
 * emulator: 50 accounts in nested OUs, two Regions, three accounts without a recorder.
 *
 * plan shows creations → preflight --check-recorders names the three → deploy fails exactly there
 * with the error and a hint → status shows every account → the database holds the history → the
 * accounts get a recorder → deploy succeeds → plan from a machine without the database shows no
 * change → destroy removes the pack and records it. Every AWS action called on the way is
 * recorded and must equal the documented least-privilege policy.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PutConfigurationRecorderCommand } from '@aws-sdk/client-config-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionsCalledByPackSmith } from '../../src/aws/iam-policy.js';
import { onAwsCall, type AwsCall } from '../../src/aws/clients.js';
import { sandboxDeployConfig, startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli, type CliResult } from '../support/cli.js';
import { configClient, motoSkipNote, motoStatus } from '../support/moto.js';
import { startMotoProxy, type MotoProxy } from '../support/moto-proxy.js';

const available = motoStatus().available;
const PACK = 's3-data-protection';
const REGIONS = ['us-east-1', 'eu-west-1'];
const ROLE = 'PacksmithRecorderCheck';

interface Json {
  [key: string]: unknown;
}
const json = (r: CliResult): Json => JSON.parse(r.stdout) as Json;

describe.skipIf(!available)(`organization rollout end to end${motoSkipNote()}`, () => {
  let sandbox: Sandbox;
  let proxy: MotoProxy;
  let repo: string;
  let env: Record<string, string | undefined>;
  const calls: AwsCall[] = [];
  let stopListening: () => void = () => undefined;
  const cli = (...args: string[]) => runCli([...args, '--root', repo], { env });

  beforeAll(async () => {
    sandbox = await startSandbox({
      accounts: 49,
      regions: REGIONS,
      withoutRecorder: 3,
      depth: 3,
      fanout: 2,
      emulator: { delay: { baseMs: 100, jitterMs: 150 } },
    });
    proxy = await startMotoProxy({ target: sandbox.moto.endpoint });
    repo = mkdtempSync(join(tmpdir(), 'packsmith-e2e-'));
    cpSync(join(packageRoot(), 'packs'), join(repo, 'packs'), { recursive: true });
    const config = sandboxDeployConfig(sandbox, [PACK])
      .replace('statePath: .packsmith/sandbox-state.db', 'statePath: .packsmith/state.db')
      .replace('role: management\n', `role: management\naccountCheckRoleName: ${ROLE}\n`);
    writeFileSync(join(repo, 'packsmith.deploy.yaml'), config);
    env = {
      ...sandbox.env,
      AWS_ENDPOINT_URL_ORGANIZATIONS: proxy.endpoint,
      NODE_NO_WARNINGS: '1',
    };
    stopListening = onAwsCall((call) => calls.push(call));
  }, 120_000);

  afterAll(async () => {
    stopListening();
    await proxy?.close();
    await sandbox?.stop();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  const statePath = () => join(repo, '.packsmith', 'state.db');
  const withoutRecorder = () => sandbox.org.accounts.filter((a) => a.status === 'ACTIVE' && !a.hasRecorder);

  it('plan shows a creation in each Region, reaching all 50 accounts', async () => {
    const r = await cli('plan', '--format', 'json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const plan = json(r) as {
      packs: Array<{ regions: Array<{ region: string; action: string; gains: string[] }> }>;
    };
    expect(plan.packs[0]?.regions.map((x) => [x.region, x.action, x.gains.length])).toEqual([
      ['us-east-1', 'create', 50],
      ['eu-west-1', 'create', 50],
    ]);
    // Every Organizations list call of discovery asked for at most 20: none was rejected.
    expect(proxy.rejectedCounts()).toEqual({});
    expect(proxy.count('organizations:ListAccountsForParent')).toBeGreaterThan(0);
  });

  it('preflight --check-recorders names the three accounts without a recorder, in both Regions', async () => {
    const r = await cli('preflight', '--check-recorders', '--format', 'json');
    expect(r.code).toBe(1);
    const findings = (json(r).findings ?? []) as Array<{
      checkId: string;
      accountId?: string;
      region?: string;
    }>;
    const expected = withoutRecorder()
      .flatMap((a) => REGIONS.map((region) => `${a.id} ${region}`))
      .sort();
    const where = (id: string) =>
      findings
        .filter((f) => f.checkId === id)
        .map((f) => `${f.accountId} ${f.region}`)
        .sort();
    // No recorder (PS540) and, as the sandbox set up neither, no delivery channel (PS543); the
    // remediation role is not bootstrapped (PS548, a warning): nothing else.
    expect(where('PS540')).toEqual(expected);
    expect(where('PS543')).toEqual(expected);
    expect(
      findings.filter((f) => f.checkId === 'PS548').map((f) => (f as { severity?: string }).severity),
    ).toEqual(['warning']);
    expect(findings.filter((f) => !['PS540', 'PS543', 'PS548'].includes(f.checkId))).toEqual([]);
  });

  it('deploy fails in exactly those accounts, with the error and a hint, and exits 1', async () => {
    const r = await cli('deploy', '--yes', '--poll-interval', '0.1', '--timeout', '2', '--format', 'json');
    expect(r.code).toBe(1);
    const result = json(r) as {
      ok: boolean;
      regions: Array<{
        region: string;
        outcome: string;
        counts: Record<string, number>;
        failed: Array<{
          id: string;
          errorCode: string;
          hint: string | null;
          name: string | null;
          ouPath: string | null;
        }>;
      }>;
    };
    expect(result.ok).toBe(false);
    const bad = withoutRecorder()
      .map((a) => a.id)
      .sort();
    for (const region of REGIONS) {
      const one = result.regions.find((x) => x.region === region);
      expect(one?.outcome).toBe('failed');
      expect(one?.counts.succeeded).toBe(47);
      expect(one?.failed.map((f) => f.id)).toEqual(bad);
      for (const f of one?.failed ?? []) {
        expect(f.errorCode).toBe('NoAvailableConfigurationRecorderException');
        expect(f.hint).toMatch(/configuration recorder/);
        expect(f.name).toMatch(/^member-/);
        expect(f.ouPath).toMatch(/^\/Root/);
      }
    }
  });

  it('status shows every account of both Regions, merged with the recorded history', async () => {
    const r = await cli('status', '--format', 'json');
    expect(r.code).toBe(1); // failed target accounts
    const status = json(r) as {
      accounts: Array<{
        region: string;
        accountId: string;
        status: string;
        target: boolean;
        history: { recordedStatus?: string };
      }>;
    };
    expect(status.accounts).toHaveLength(100);
    for (const a of status.accounts) {
      expect(a.target).toBe(true);
      expect(a.history.recordedStatus).toBe(a.status);
    }
    const failed = status.accounts.filter((a) => a.status === 'CREATE_FAILED');
    expect(failed).toHaveLength(6);
  });

  it('the database holds both deployments and every account transition', () => {
    const db = new Database(statePath(), { readonly: true });
    try {
      const deployments = db
        .prepare('SELECT region, operation, outcome FROM deployments ORDER BY region')
        .all();
      expect(deployments).toEqual([
        { region: 'eu-west-1', operation: 'create', outcome: 'failed' },
        { region: 'us-east-1', operation: 'create', outcome: 'failed' },
      ]);
      const finals = db
        .prepare('SELECT status, count(*) AS n FROM account_status GROUP BY status ORDER BY status')
        .all();
      expect(finals).toEqual([
        { status: 'CREATE_FAILED', n: 6 },
        { status: 'CREATE_SUCCESSFUL', n: 94 },
      ]);
      // Every account went through at least one transition; none is written twice in a row.
      const perAccount = db
        .prepare('SELECT count(DISTINCT deployment_id || account_id) AS n FROM status_transitions')
        .get() as { n: number };
      expect(perAccount.n).toBe(100);
    } finally {
      db.close();
    }
  });

  it('after the three accounts get a recorder, deploy succeeds everywhere', async () => {
    for (const account of withoutRecorder()) {
      for (const region of REGIONS) {
        const client = configClient({ endpoint: sandbox.moto.endpoint, accountId: account.id, region });
        await client.send(
          new PutConfigurationRecorderCommand({
            ConfigurationRecorder: {
              name: 'default',
              roleARN: `arn:aws:iam::${account.id}:role/config`,
              recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
            },
          }),
        );
        client.destroy();
      }
    }
    const plan = json(await cli('plan', '--format', 'json')) as { summary: Record<string, number> };
    expect(plan.summary).toEqual({ create: 0, update: 2, unchanged: 0 });
    const r = await cli('deploy', '--yes', '--poll-interval', '0.1', '--timeout', '2', '--format', 'json');
    expect(r.code).toBe(0);
    const result = json(r) as { regions: Array<{ outcome: string; counts: Record<string, number> }> };
    expect(result.regions.map((x) => [x.outcome, x.counts.succeeded])).toEqual([
      ['succeeded', 50],
      ['succeeded', 50],
    ]);
  });

  it('status --compliance maps each deployed rule back to the authored rule and its Controls', async () => {
    const r = await cli('status', '--compliance', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const doc = json(r) as {
      accounts: Array<{ accountId: string; region: string; compliance?: string }>;
      compliance: {
        packs: Array<{ accountId: string; compliance: string }>;
        rules: Array<{ ruleName: string; deployedRuleName: string; controls: string[]; region: string }>;
        unmapped: unknown[];
      };
    };
    // Every account of both Regions has a pack compliance, and the rule rows name authored rules.
    expect(doc.compliance.packs).toHaveLength(100);
    expect(doc.accounts.every((a) => typeof a.compliance === 'string')).toBe(true);
    expect(doc.compliance.unmapped).toEqual([]);
    const names = new Set(doc.compliance.rules.map((x) => x.ruleName));
    expect(names.has('s3-bucket-versioning-enabled')).toBe(true);
    for (const rule of doc.compliance.rules) {
      expect(rule.deployedRuleName.startsWith(`${rule.ruleName}-conformance-pack-`)).toBe(true);
    }
    expect(doc.compliance.rules.some((x) => x.controls.length > 0)).toBe(true);
    const csv = await cli('status', '--compliance', '--format', 'csv');
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^pack,region,account/);
    expect(lines).toHaveLength(doc.compliance.rules.length + 1);
  });

  it('plan on a machine without the database shows no change (deployment records in S3)', async () => {
    rmSync(join(repo, '.packsmith'), { recursive: true, force: true });
    const r = await cli('plan', '--format', 'json');
    expect(r.code).toBe(0);
    const plan = json(r) as {
      summary: Record<string, number>;
      packs: Array<{ regions: Array<{ template: string; reasons: string[] }> }>;
    };
    expect(plan.summary).toEqual({ create: 0, update: 0, unchanged: 2 });
    expect(plan.packs[0]?.regions.map((x) => x.template)).toEqual(['same', 'same']);
    expect(existsSync(statePath())).toBe(false); // plan never creates the database
    const text = await cli('plan');
    expect(text.stdout).toMatch(/0 to create, 0 to update, 2 unchanged/);
  });

  it('destroy removes the pack in both Regions and records it in a new history', async () => {
    const r = await cli(
      'destroy',
      PACK,
      '--yes',
      '--poll-interval',
      '0.1',
      '--timeout',
      '2',
      '--format',
      'json',
    );
    expect(r.code).toBe(0);
    expect(sandbox.emulator.packNames('us-east-1')).toEqual([]);
    expect(sandbox.emulator.packNames('eu-west-1')).toEqual([]);
    const history = json(await cli('history', '--format', 'json')) as {
      deployments: Array<{ operation: string; outcome: string; counts: Record<string, number> }>;
    };
    expect(history.deployments.map((d) => [d.operation, d.outcome, d.counts.DELETE_SUCCESSFUL])).toEqual([
      ['delete', 'succeeded', 50],
      ['delete', 'succeeded', 50],
    ]);
    const plan = json(await cli('plan', '--format', 'json')) as {
      summary: Record<string, number>;
      orphans: unknown[];
    };
    expect(plan.summary).toEqual({ create: 2, update: 0, unchanged: 0 });
    expect(plan.orphans).toEqual([]);
  });

  it('every AWS action called equals the documented least-privilege policy', async () => {
    // unlock reads the lock object: part of what the policy must allow.
    expect((await cli('unlock', PACK, '--yes')).code).toBe(0);
    const called = (identity: AwsCall['identity']) =>
      [...new Set(calls.filter((c) => c.identity === identity).map((c) => c.iamAction))].sort();
    const policy = actionsCalledByPackSmith();
    expect(called('deployer')).toEqual(policy.deployer);
    expect(called('account-check')).toEqual(policy.accountCheck);
  });

  it('no credential reaches the output, the records or the database', async () => {
    const secret = sandbox.env.AWS_SECRET_ACCESS_KEY as string;
    const key = sandbox.env.AWS_ACCESS_KEY_ID as string;
    for (const file of [statePath(), `${statePath()}-wal`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file, 'latin1');
      expect(bytes).not.toContain(secret);
      expect(bytes).not.toContain(key);
    }
    const r = await cli('status', '--format', 'json', '--debug');
    expect(r.stdout + r.stderr).not.toContain(secret);
    expect(r.stderr).toMatch(
      /aws config:GetOrganizationConformancePackDetailedStatus|aws config:DescribeOrganizationConformancePacks/,
    );
  });
});
