/**
 * Rollout commands through the CLI against the sandbox, beyond the happy path: a stuck aggregate
 * status, saved plans (`plan --out` / `deploy --plan`), ResourceInUseException retried, usage
 * errors, a put refused by AWS in one Region, and the text tables of `status` and `history`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeOrganizationConformancePackStatusesCommand } from '@aws-sdk/client-config-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { configClient, motoSkipNote, motoStatus } from '../support/moto.js';
import { deployArgs, startRolloutFixture, type RolloutFixture } from '../support/rollout-fixture.js';

const available = motoStatus().available;
const PACK = 's3-data-protection';
const REGIONS = ['us-east-1', 'eu-west-1'];

interface PlanFile {
  packs: Array<{
    regions: Array<{
      region: string;
      action: string;
      templateBody: string;
      desired: { templateSha256: string };
    }>;
  }>;
}
interface HistoryDoc {
  deployments: Array<{
    id: number;
    region: string;
    operation: string;
    outcome: string | null;
    templateSha256: string;
  }>;
}

describe.skipIf(!available)(`rollout commands through the CLI${motoSkipNote()}`, () => {
  let f: RolloutFixture;
  let scratch: string;
  const puts = () =>
    REGIONS.map((r) => f.sandbox.emulator.stats().byRegion[r]?.requests.PutOrganizationConformancePack ?? 0);
  const withPack = (extra: string) => f.writeConfig(f.config.replace(`  ${PACK}:\n`, `  ${PACK}:\n${extra}`));
  const history = async () => JSON.parse((await f.cli('history', '--format', 'json')).stdout) as HistoryDoc;

  beforeAll(async () => {
    f = await startRolloutFixture({ accounts: 8, regions: REGIONS, delay: { baseMs: 100, jitterMs: 200 } });
    scratch = mkdtempSync(join(tmpdir(), 'packsmith-cli-rollout-plans-'));
  }, 60_000);
  afterAll(async () => {
    await f?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('(a) a stuck aggregate status: the deploy ends from the per-account statuses', async () => {
    f.sandbox.emulator.faults.set({ aggregateStuckInProgress: true });
    try {
      const r = await f.cli(...deployArgs('--format', 'json'));
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as {
        regions: Array<{ region: string; outcome: string; counts: { succeeded: number } }>;
      };
      expect(result.regions.map((x) => [x.region, x.outcome, x.counts.succeeded]).sort()).toEqual([
        ['eu-west-1', 'succeeded', 9],
        ['us-east-1', 'succeeded', 9],
      ]);
      for (const region of REGIONS) {
        const client = configClient({ endpoint: f.sandbox.emulator.endpoint, region });
        const s = await client.send(
          new DescribeOrganizationConformancePackStatusesCommand({
            OrganizationConformancePackNames: [PACK],
          }),
        );
        client.destroy();
        expect(s.OrganizationConformancePackStatuses?.[0]?.Status).toBe('CREATE_IN_PROGRESS');
      }
    } finally {
      f.sandbox.emulator.faults.reset();
    }
  });

  it('(b) deploy --plan applies exactly the saved plan, and refuses it once stale or edited', async () => {
    // The plan leaves a rule out in eu-west-1; the deploy applies the plan's template.
    withPack('    excludeRules:\n      eu-west-1: [s3-bucket-logging-enabled]\n');
    const file = join(scratch, 'plan.json');
    const made = await f.cli('plan', '--out', file);
    expect(made.code, made.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(file, 'utf8')) as PlanFile;
    const planned = plan.packs[0]!.regions;
    expect(planned.map((r) => [r.region, r.action])).toEqual([
      ['us-east-1', 'unchanged'],
      ['eu-west-1', 'update'],
    ]);
    const eu = planned[1]!;
    expect(eu.templateBody).not.toContain('s3-bucket-logging-enabled');

    // packsmith compares LastUpdateTime to the second (AWS's precision in its answers): let this put
    // fall in a later second than the previous one, or the move below cannot be told from no move.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const applied = await f.cli(...deployArgs('--plan', file));
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/update in eu-west-1 succeeded: 9 of 9/);
    expect(applied.stdout).toMatch(/s3-data-protection in us-east-1: unchanged, nothing to do/);
    const [last] = (await history()).deployments;
    expect(last).toMatchObject({ region: 'eu-west-1', operation: 'update', outcome: 'succeeded' });
    expect(last?.templateSha256).toBe(eu.desired.templateSha256);
    f.writeConfig(f.config);

    // The pack moved since the plan (our own deploy just put it): refused, nothing put.
    const before = puts();
    const stale = await f.cli(...deployArgs('--plan', file));
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/s3-data-protection in eu-west-1 changed since the plan was made/);
    expect(puts()).toEqual(before);

    // A plan whose template was edited by hand no longer matches its hash: a usage error.
    const edited = JSON.parse(readFileSync(file, 'utf8')) as PlanFile;
    edited.packs[0]!.regions[1]!.templateBody += '\n# edited\n';
    const editedFile = join(scratch, 'edited.json');
    writeFileSync(editedFile, JSON.stringify(edited));
    const refused = await f.cli(...deployArgs('--plan', editedFile));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('does not match its hash: the file was edited');
    expect(puts()).toEqual(before);
  });

  it('(c) ResourceInUseException on the put is retried and the deploy succeeds', async () => {
    withPack('    deliveryKeyPrefix: in-use\n');
    f.sandbox.emulator.resetStats();
    f.sandbox.emulator.faults.set({ resourceInUseNextPuts: 1 });
    try {
      const r = await f.cli(...deployArgs());
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/ResourceInUseException, trying again in \d+ s/);
      expect(r.stdout.match(/update in \S+ succeeded: 9 of 9/g)).toHaveLength(2);
      // One refused put and one accepted in one Region, one accepted in the other.
      expect(puts().sort()).toEqual([1, 2]);
      expect(f.sandbox.emulator.faults.get().resourceInUseNextPuts).toBe(0);
    } finally {
      f.sandbox.emulator.faults.reset();
    }
  }, 60_000);

  it('(d) usage errors exit 2 and say what to do', async () => {
    const empty = mkdtempSync(join(scratch, 'empty-'));
    const none = await runCli(['deploy', '--yes', '--root', empty], { env: f.env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(join(empty, 'packsmith.deploy.yaml').split('/').pop()!);
    expect(none.stderr).toMatch(/no deployment configuration at \S*packsmith\.deploy\.yaml/);
    expect(none.stderr).toContain(empty.split('/').pop()!);

    const unknown = await f.cli('deploy', 's3-data-protectoin', '--yes');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('(did you mean "s3-data-protection"?)');

    const zero = await f.cli(...deployArgs('--poll-interval', '0'));
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--poll-interval must be a number from 0.1 to 300 s, got "0"');

    // Something to deploy, no --yes, and stdin is not a terminal (a pipe): refused before any put.
    withPack('    deliveryKeyPrefix: needs-yes\n');
    const before = puts();
    const child = f.spawnCli(['deploy', '--poll-interval', '0.1']);
    const exit = await child.exited;
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('there is no terminal to ask on: pass --yes (for CI)');
    expect(puts()).toEqual(before);
  }, 60_000);

  it('(e) a put refused by AWS is reported with its code; the other Region still reports', async () => {
    f.sandbox.emulator.resetStats();
    f.writeConfig(f.config.replace(`  ${PACK}:\n`, `  ${PACK}:\n    orgPackName: RefusedInEu\n`));
    f.sandbox.emulator.faults.set({
      refusePuts: {
        errorCode: 'OrganizationConformancePackTemplateValidationException',
        errorMessage: 'Template format error: At least one Resources member must be defined.',
        regions: ['eu-west-1'],
      },
    });
    try {
      const r = await f.cli(...deployArgs());
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(
        /s3-data-protection create in eu-west-1 was refused by AWS: OrganizationConformancePackTemplateValidationException\n.*At least one Resources member must be defined/,
      );
      expect(r.stdout).toMatch(/s3-data-protection create in us-east-1 succeeded: 9 of 9/);
      expect(f.sandbox.emulator.packNames('eu-west-1')).not.toContain('RefusedInEu');
      expect(f.sandbox.emulator.packNames('us-east-1')).toContain('RefusedInEu');
      const [last] = (await history()).deployments.filter((d) => d.region === 'eu-west-1');
      expect(last).toMatchObject({ operation: 'create', outcome: 'failed' });
    } finally {
      f.sandbox.emulator.faults.reset();
      f.writeConfig(f.config);
    }
  }, 60_000);

  it('(f) status (a summary; every row with --all) and history tables', async () => {
    const summary = await f.cli('status');
    expect(summary.code, summary.stderr).toBe(0);
    const accounts = f.sandbox.org.accounts.length;
    expect(summary.stdout).toMatch(
      new RegExp(
        `^${accounts} account\\(s\\), ${accounts * 2} row\\(s\\) .*: UPDATE_SUCCESSFUL ${accounts * 2}$`,
        'm',
      ),
    );
    for (const region of REGIONS)
      expect(summary.stdout).toContain(`  ${region}: ${accounts} (UPDATE_SUCCESSFUL ${accounts})`);
    expect(summary.stdout).not.toContain('Failures by cause');
    const status = await f.cli('status', '--all');
    expect(status.code, status.stderr).toBe(0);
    const members = f.sandbox.org.accounts.filter((a) => !a.management);
    for (const region of REGIONS) {
      for (const a of members) {
        const row = status.stdout.split('\n').find((l) => l.includes(region) && l.includes(a.id));
        expect(row, `${a.id} ${region}`).toBeDefined();
        expect(row).toContain(a.name);
        expect(row).toContain(a.path);
        expect(row).toMatch(/UPDATE_SUCCESSFUL/);
      }
    }
    const table = await f.cli('history');
    expect(table.code).toBe(0);
    const deployments = (await history()).deployments;
    expect(deployments.length).toBeGreaterThanOrEqual(5);
    for (const d of deployments) {
      expect(table.stdout).toMatch(new RegExp(`^${d.id} +\\S+ +\\S+ +${d.region} +${d.operation} `, 'm'));
    }
    expect(table.stdout.split('\n')[0]).toMatch(
      /^id +pack +org pack +region +operation +started +ended +outcome +accounts +template/,
    );
  });
});
