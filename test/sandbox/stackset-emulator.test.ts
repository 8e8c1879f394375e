/**
 * The StackSets emulator driven by the real CloudFormationClient over HTTP (awsQuery), with a
 * manual clock so operations complete on `tick`, over an organization snapshot held in memory.
 * The moto-backed organization is covered in stackset-emulator-moto.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ActivateOrganizationsAccessCommand,
  CloudFormationClient,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DeleteStackInstancesCommand,
  DeactivateOrganizationsAccessCommand,
  DeleteStackSetCommand,
  DescribeOrganizationsAccessCommand,
  DescribeStackInstanceCommand,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
  ListStackSetOperationsCommand,
  ListStackSetsCommand,
  StopStackSetOperationCommand,
  UpdateStackInstancesCommand,
  UpdateStackSetCommand,
  paginateListStackInstances,
  paginateListStackSetOperationResults,
  type StackInstanceSummary,
  type StackSetOperationPreferences,
} from '@aws-sdk/client-cloudformation';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { startStackSetEmulator } from '../../src/sandbox/stackset-emulator/index.js';
import type {
  OrganizationSnapshot,
  StackSetEmulator,
  StackSetEmulatorOptions,
} from '../../src/sandbox/stackset-emulator/index.js';

const ROOT = 'r-root';
const MANAGEMENT = '123456789012';
const ou = (n: number): string => `ou-root-${String(n).padStart(8, '0')}`;
const accountId = (i: number): string => String(200000000000 + i);

/** `perOu` accounts in each of `ous` OUs under the root (OU 1 has a child OU 5 holding 2 more). */
function organization(ous: number, perOu: number, suspended: string[] = []): OrganizationSnapshot {
  const accounts: OrganizationSnapshot['accounts'] = [{ id: MANAGEMENT, status: 'ACTIVE', parentId: ou(1) }];
  let i = 0;
  for (let o = 1; o <= ous; o += 1) {
    for (let k = 0; k < perOu; k += 1) {
      const id = accountId(i++);
      accounts.push({ id, status: suspended.includes(id) ? 'SUSPENDED' : 'ACTIVE', parentId: ou(o) });
    }
  }
  accounts.push({ id: accountId(9000), status: 'ACTIVE', parentId: ou(99) });
  accounts.push({ id: accountId(9001), status: 'ACTIVE', parentId: ou(99) });
  return {
    rootId: ROOT,
    managementAccountId: MANAGEMENT,
    ous: [
      ...Array.from({ length: ous }, (_, k) => ({ id: ou(k + 1), parentId: ROOT })),
      { id: ou(99), parentId: ou(1) },
    ],
    accounts,
  };
}

const packTemplate = `Parameters:
  MaxAge:
    Type: String
    Default: '90'
  Tier:
    Type: String
Resources:
  Pack:
    Type: AWS::Config::ConformancePack
    Properties:
      ConformancePackName: !Sub 'packsmith-\${Tier}'
      TemplateS3Uri: s3://packsmith-templates/pack.yaml
      ConformancePackInputParameters:
        - ParameterName: MaxAge
          ParameterValue: !Ref MaxAge
        - ParameterName: Account
          ParameterValue: !Ref AWS::AccountId
`;

const roleTemplate = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: packsmith-remediation
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: ssm.amazonaws.com }
            Action: sts:AssumeRole
`;

/** Every account of a Region at once, never stopping on failures. */
const allAtOnce: StackSetOperationPreferences = {
  MaxConcurrentPercentage: 100,
  FailureTolerancePercentage: 100,
  ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
};

let emulator: StackSetEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(
  options: Partial<StackSetEmulatorOptions> & { org?: OrganizationSnapshot } = {},
): Promise<{ emu: StackSetEmulator; cfn: CloudFormationClient; tick: (ms: number) => void }> {
  const org = options.org ?? organization(4, 3);
  emulator = await startStackSetEmulator({
    organization: async () => org,
    clock: 'manual',
    delay: { baseMs: 1000, jitterMs: 0 },
    ...options,
  });
  const emu = emulator;
  const cfn = new CloudFormationClient({
    endpoint: emu.endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIAEMULATORTEST0000', secretAccessKey: 'not-a-secret' },
  });
  if (!emu.tick) throw new Error('manual clock expected');
  return { emu, cfn, tick: emu.tick };
}

async function createSet(
  cfn: CloudFormationClient,
  name = 'pack',
  template = packTemplate,
  extra: object = {},
): Promise<void> {
  await cfn.send(
    new CreateStackSetCommand({
      StackSetName: name,
      TemplateBody: template,
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Parameters: [{ ParameterKey: 'Tier', ParameterValue: 'standard' }],
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      ...extra,
    }),
  );
}

async function instances(
  cfn: CloudFormationClient,
  name = 'pack',
  pageSize = 7,
): Promise<StackInstanceSummary[]> {
  const out: StackInstanceSummary[] = [];
  for await (const page of paginateListStackInstances({ client: cfn, pageSize }, { StackSetName: name })) {
    out.push(...(page.Summaries ?? []));
  }
  return out;
}

async function operationStatus(
  cfn: CloudFormationClient,
  id: string,
  name = 'pack',
): Promise<string | undefined> {
  const r = await cfn.send(new DescribeStackSetOperationCommand({ StackSetName: name, OperationId: id }));
  return r.StackSetOperation?.Status;
}

async function errorOf(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const counts = (list: StackInstanceSummary[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const i of list) {
    const s = i.StackInstanceStatus?.DetailedStatus ?? '?';
    out[s] = (out[s] ?? 0) + 1;
  }
  return out;
};

describe('StackSets emulator over the CloudFormation wire protocol', () => {
  it('creates, describes and lists a service-managed stack set', async () => {
    const { cfn } = await start();
    await createSet(cfn, 'pack', packTemplate, {
      Description: 'a pack',
      ManagedExecution: { Active: false },
    });
    const d = await cfn.send(new DescribeStackSetCommand({ StackSetName: 'pack' }));
    expect(d.StackSet).toMatchObject({
      StackSetName: 'pack',
      Status: 'ACTIVE',
      PermissionModel: 'SERVICE_MANAGED',
      Description: 'a pack',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      ManagedExecution: { Active: false },
      Parameters: [{ ParameterKey: 'Tier', ParameterValue: 'standard' }],
      TemplateBody: packTemplate,
    });
    expect(d.StackSet?.StackSetId).toMatch(/^pack:[0-9a-f-]{36}$/);
    expect(d.StackSet?.StackSetARN).toBe(
      `arn:aws:cloudformation:us-east-1:${MANAGEMENT}:stackset/${d.StackSet?.StackSetId}`,
    );
    const l = await cfn.send(new ListStackSetsCommand({}));
    expect(l.Summaries?.map((s) => s.StackSetName)).toEqual(['pack']);
    const again = await errorOf(createSet(cfn));
    expect(again.name).toBe('NameAlreadyExistsException');
    expect(again.$metadata?.httpStatusCode).toBe(409);
    const missing = await errorOf(cfn.send(new DescribeStackSetCommand({ StackSetName: 'nope' })));
    expect(missing.name).toBe('StackSetNotFoundException');
  });

  it('ActivateOrganizationsAccess / DeactivateOrganizationsAccess gate service-managed stack sets', async () => {
    const { cfn } = await start({ trustedAccess: async () => false });
    expect((await cfn.send(new DescribeOrganizationsAccessCommand({}))).Status).toBe('DISABLED');
    const refused = await errorOf(createSet(cfn));
    expect(refused.message).toBe(
      'You must enable organizations access to operate a service managed stack set',
    );
    await cfn.send(new ActivateOrganizationsAccessCommand({}));
    expect((await cfn.send(new DescribeOrganizationsAccessCommand({}))).Status).toBe('ENABLED');
    await createSet(cfn);
    await cfn.send(new DeactivateOrganizationsAccessCommand({}));
    const instancesRefused = await errorOf(
      cfn.send(
        new CreateStackInstancesCommand({
          StackSetName: 'pack',
          DeploymentTargets: { OrganizationalUnitIds: [ou(1)] },
          Regions: ['us-east-1'],
        }),
      ),
    );
    expect(instancesRefused.name).toBe('ValidationError');
  });

  it('refuses what it does not emulate, and IAM resources without the capability', async () => {
    const { cfn } = await start();
    const self = await errorOf(
      cfn.send(new CreateStackSetCommand({ StackSetName: 's', TemplateBody: packTemplate })),
    );
    expect(self.name).toBe('ValidationError');
    expect(self.message).toMatch(/emulator limit/);
    const noAuto = await errorOf(
      cfn.send(
        new CreateStackSetCommand({
          StackSetName: 's',
          TemplateBody: packTemplate,
          PermissionModel: 'SERVICE_MANAGED',
        }),
      ),
    );
    expect(noAuto.name).toBe('ValidationError');
    expect(noAuto.message).toMatch(/AutoDeployment must be specified/);
    const noCap = await errorOf(createSet(cfn, 'roles', roleTemplate, { Capabilities: [] }));
    expect(noCap.name).toBe('InsufficientCapabilitiesException');
    expect(noCap.message).toBe('Requires capabilities : [CAPABILITY_NAMED_IAM]');
  });

  it('expands an OU to its accounts and those of its child OUs, never the management account; completes on the clock', async () => {
    const { emu, cfn, tick } = await start();
    await createSet(cfn);
    const op = await cfn.send(
      new CreateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [ou(1)] },
        Regions: ['us-east-1', 'eu-west-1'],
        OperationPreferences: {
          MaxConcurrentCount: 10,
          FailureToleranceCount: 9,
          RegionConcurrencyType: 'PARALLEL',
        },
      }),
    );
    const id = op.OperationId as string;
    expect(await operationStatus(cfn, id)).toBe('RUNNING');
    const before = await instances(cfn);
    // 3 accounts in ou-1, 2 in its child ou-99; the management account (in ou-1) is left out.
    expect(new Set(before.map((i) => i.Account))).toEqual(
      new Set([accountId(0), accountId(1), accountId(2), accountId(9000), accountId(9001)]),
    );
    expect(before).toHaveLength(10);
    expect(counts(before)).toEqual({ RUNNING: 10 });
    expect(before.every((i) => i.Status === 'OUTDATED' && i.LastOperationId === id)).toBe(true);
    expect(before.find((i) => i.Account === accountId(9000))?.OrganizationalUnitId).toBe(ou(1));
    tick(1000);
    expect(await operationStatus(cfn, id)).toBe('SUCCEEDED');
    const after = await instances(cfn);
    expect(counts(after)).toEqual({ SUCCEEDED: 10 });
    expect(after.every((i) => i.Status === 'CURRENT')).toBe(true);
    const d = await cfn.send(new DescribeStackSetCommand({ StackSetName: 'pack' }));
    expect(d.StackSet?.OrganizationalUnitIds).toEqual([ou(1)]);
    expect(d.StackSet?.Regions).toEqual(['eu-west-1', 'us-east-1']);
    const deployed = emu.deployed(accountId(1), 'eu-west-1');
    expect(deployed).toHaveLength(1);
    expect(deployed[0]?.resources.conformancePacks[0]).toMatchObject({
      name: 'packsmith-standard',
      templateS3Uri: 's3://packsmith-templates/pack.yaml',
      inputParameters: [
        { ParameterName: 'MaxAge', ParameterValue: '90' },
        { ParameterName: 'Account', ParameterValue: accountId(1) },
      ],
    });
  });

  it('applies AccountFilterType INTERSECTION, DIFFERENCE and UNION', async () => {
    const { cfn, tick } = await start();
    await createSet(cfn);
    const run = async (targets: object): Promise<string[]> => {
      const before = new Set((await instances(cfn)).map((i) => i.Account));
      await cfn.send(
        new CreateStackInstancesCommand({
          StackSetName: 'pack',
          DeploymentTargets: targets,
          Regions: ['us-east-1'],
          OperationPreferences: { MaxConcurrentCount: 20 },
        }),
      );
      tick(5000);
      return (await instances(cfn))
        .map((i) => i.Account as string)
        .filter((a) => !before.has(a))
        .sort();
    };
    expect(
      await run({
        OrganizationalUnitIds: [ou(2)],
        Accounts: [accountId(3), accountId(0)],
        AccountFilterType: 'INTERSECTION',
      }),
    ).toEqual([accountId(3)]);
    expect(
      await run({
        OrganizationalUnitIds: [ou(2)],
        Accounts: [accountId(3)],
        AccountFilterType: 'DIFFERENCE',
      }),
    ).toEqual([accountId(4), accountId(5)]);
    expect(
      await run({ OrganizationalUnitIds: [ou(3)], Accounts: [accountId(9)], AccountFilterType: 'UNION' }),
    ).toEqual([accountId(6), accountId(7), accountId(8), accountId(9)]);
    const bad = await errorOf(
      cfn.send(
        new CreateStackInstancesCommand({
          StackSetName: 'pack',
          DeploymentTargets: { OrganizationalUnitIds: Array.from({ length: 51 }, (_, k) => ou(k + 1)) },
          Regions: ['us-east-1'],
        }),
      ),
    );
    expect(bad.name).toBe('ValidationError');
    expect(bad.message).toMatch(/at most 50/);
  });

  it('runs Regions in RegionOrder one after the other, in batches of MaxConcurrentCount', async () => {
    const { cfn, tick } = await start({ org: organization(1, 4) });
    await createSet(cfn);
    const op = await cfn.send(
      new CreateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { Accounts: [accountId(0), accountId(1), accountId(2), accountId(3)] },
        Regions: ['us-east-1', 'eu-west-1'],
        OperationPreferences: {
          RegionConcurrencyType: 'SEQUENTIAL',
          RegionOrder: ['eu-west-1', 'us-east-1'],
          MaxConcurrentCount: 2,
          FailureToleranceCount: 3,
        },
      }),
    );
    const byRegion = async (): Promise<Record<string, Record<string, number>>> => {
      const out: Record<string, Record<string, number>> = {};
      for (const i of await instances(cfn)) {
        const r = (out[i.Region as string] ??= {});
        const s = i.StackInstanceStatus?.DetailedStatus as string;
        r[s] = (r[s] ?? 0) + 1;
      }
      return out;
    };
    expect(await byRegion()).toEqual({
      'eu-west-1': { RUNNING: 2, PENDING: 2 },
      'us-east-1': { PENDING: 4 },
    });
    tick(1000);
    expect(await byRegion()).toEqual({
      'eu-west-1': { SUCCEEDED: 2, RUNNING: 2 },
      'us-east-1': { PENDING: 4 },
    });
    tick(1000);
    expect(await byRegion()).toEqual({
      'eu-west-1': { SUCCEEDED: 4 },
      'us-east-1': { RUNNING: 2, PENDING: 2 },
    });
    tick(2000);
    expect(await operationStatus(cfn, op.OperationId as string)).toBe('SUCCEEDED');
  });

  it('STRICT failure tolerance: concurrency drops with failures, the Region stops past the tolerance, the rest is CANCELLED and later Regions are not attempted', async () => {
    const org = organization(1, 10);
    const { emu, cfn, tick } = await start({ org });
    await createSet(cfn);
    emu.faults.set({
      accountFailures: {
        [accountId(0)]: { reason: 'Injected failure 0' },
        [accountId(1)]: { reason: 'Injected failure 1', regions: ['us-east-1'] },
        [accountId(2)]: { reason: 'Injected failure 2' },
      },
    });
    const prefs: StackSetOperationPreferences = {
      RegionOrder: ['us-east-1', 'eu-west-1'],
      MaxConcurrentCount: 5,
      FailureToleranceCount: 1,
      ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE',
    };
    const op = await cfn.send(
      new CreateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [ou(1)] },
        Regions: ['us-east-1', 'eu-west-1'],
        OperationPreferences: prefs,
      }),
    );
    const id = op.OperationId as string;
    // 12 accounts (10 in the OU, 2 in its child OU) × 2 Regions.
    // min(MaxConcurrent 5, tolerance 1 + 1) = 2 at first: accounts 0 and 1 (both fail).
    expect(counts(await instances(cfn))).toEqual({ RUNNING: 2, PENDING: 22 });
    tick(1000);
    expect(await operationStatus(cfn, id)).toBe('FAILED');
    const all = await instances(cfn);
    expect(counts(all)).toEqual({ FAILED: 2, CANCELLED: 22 });
    const failed = all.find((i) => i.Account === accountId(0) && i.Region === 'us-east-1');
    expect(failed).toMatchObject({ Status: 'OUTDATED', StatusReason: 'Injected failure 0' });
    expect(
      all
        .filter((i) => i.Region === 'eu-west-1')
        .every((i) => i.StackInstanceStatus?.DetailedStatus === 'CANCELLED'),
    ).toBe(true);
    const results: string[] = [];
    for await (const page of paginateListStackSetOperationResults(
      { client: cfn },
      { StackSetName: 'pack', OperationId: id },
    )) {
      for (const r of page.Summaries ?? []) results.push(`${r.Account}/${r.Region}:${r.Status}`);
    }
    expect(results).toContain(`${accountId(0)}/us-east-1:FAILED`);
    expect(results).toContain(`${accountId(5)}/eu-west-1:CANCELLED`);
    const d = await cfn.send(new DescribeStackSetOperationCommand({ StackSetName: 'pack', OperationId: id }));
    expect(d.StackSetOperation).toMatchObject({
      Action: 'CREATE',
      Status: 'FAILED',
      StatusDetails: { FailedStackInstancesCount: 2 },
      OperationPreferences: {
        MaxConcurrentCount: 5,
        FailureToleranceCount: 1,
        RegionOrder: ['us-east-1', 'eu-west-1'],
      },
    });
    expect(d.StackSetOperation?.EndTimestamp?.toISOString()).toBe('2026-01-01T00:00:01.000Z');
  });

  it('SOFT failure tolerance keeps MaxConcurrent whatever the failures', async () => {
    const { emu, cfn, tick } = await start({ org: organization(1, 10) });
    await createSet(cfn);
    emu.faults.set({ accountFailures: { [accountId(0)]: { reason: 'x' }, [accountId(6)]: { reason: 'y' } } });
    const op = await cfn.send(
      new CreateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [ou(1)] },
        Regions: ['us-east-1'],
        OperationPreferences: {
          MaxConcurrentCount: 5,
          FailureToleranceCount: 1,
          ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
        },
      }),
    );
    expect(counts(await instances(cfn))).toEqual({ RUNNING: 5, PENDING: 7 });
    tick(1000);
    // Batch 1 (accounts 0-4): one failure, within tolerance; batch 2 (5-9): a second one, past it.
    expect(counts(await instances(cfn))).toEqual({ FAILED: 1, SUCCEEDED: 4, RUNNING: 5, PENDING: 2 });
    tick(1000);
    expect(counts(await instances(cfn))).toEqual({ FAILED: 2, SUCCEEDED: 8, CANCELLED: 2 });
    expect(await operationStatus(cfn, op.OperationId as string)).toBe('FAILED');
  });

  it('failures within a percentage tolerance leave the operation SUCCEEDED', async () => {
    const { emu, cfn, tick } = await start({ org: organization(1, 10) });
    await createSet(cfn);
    emu.faults.set({ accountFailures: { [accountId(3)]: { reason: 'x' } } });
    const op = await cfn.send(
      new CreateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [ou(1)] },
        Regions: ['us-east-1'],
        // 12 accounts: 25 % → 3 concurrent, 10 % → tolerance 1 (rounded down).
        OperationPreferences: { MaxConcurrentPercentage: 25, FailureTolerancePercentage: 10 },
      }),
    );
    expect(counts(await instances(cfn))).toEqual({ RUNNING: 2, PENDING: 10 });
    tick(10_000);
    expect(await operationStatus(cfn, op.OperationId as string)).toBe('SUCCEEDED');
    expect(counts(await instances(cfn))).toEqual({ FAILED: 1, SUCCEEDED: 11 });
  });

  it('skips suspended accounts (SKIPPED_SUSPENDED_ACCOUNT) without counting them as failures', async () => {
    const org = organization(1, 3, [accountId(1)]);
    const { cfn, tick } = await start({ org });
    await createSet(cfn);
    const op = await cfn.send(
      new CreateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [ou(1)] },
        Regions: ['us-east-1'],
        OperationPreferences: { MaxConcurrentCount: 10 },
      }),
    );
    // STRICT with the default tolerance 0: one account at a time, 4 active accounts.
    tick(3000);
    expect(await operationStatus(cfn, op.OperationId as string)).toBe('RUNNING');
    tick(1000);
    expect(await operationStatus(cfn, op.OperationId as string)).toBe('SUCCEEDED');
    const skipped = (await instances(cfn)).find((i) => i.Account === accountId(1));
    expect(skipped?.StackInstanceStatus?.DetailedStatus).toBe('SKIPPED_SUSPENDED_ACCOUNT');
    expect(skipped?.Status).toBe('OUTDATED');
    // An account closed after its instance was deployed is skipped by the next update.
    const closing = org.accounts.find((a) => a.id === accountId(2));
    if (!closing) throw new Error('fixture');
    closing.status = 'PENDING_CLOSURE';
    await cfn.send(
      new UpdateStackSetCommand({
        StackSetName: 'pack',
        UsePreviousTemplate: true,
        OperationPreferences: allAtOnce,
      }),
    );
    tick(1000);
    const after = await instances(cfn);
    expect(after.find((i) => i.Account === accountId(2))).toMatchObject({
      StackInstanceStatus: { DetailedStatus: 'SKIPPED_SUSPENDED_ACCOUNT' },
      StatusReason: `Account ${accountId(2)} is PENDING_CLOSURE: skipped`,
    });
    expect(after.find((i) => i.Account === accountId(0))?.Status).toBe('CURRENT');
  });

  it('one operation at a time: OperationInProgressException until it ends; OperationId reuse is refused', async () => {
    const { cfn, tick } = await start();
    await createSet(cfn);
    const targets = { DeploymentTargets: { OrganizationalUnitIds: [ou(2)] }, Regions: ['us-east-1'] };
    await cfn.send(
      new CreateStackInstancesCommand({ StackSetName: 'pack', OperationId: 'op-1', ...targets }),
    );
    const busy = await errorOf(
      cfn.send(new CreateStackInstancesCommand({ StackSetName: 'pack', ...targets })),
    );
    expect(busy.name).toBe('OperationInProgressException');
    expect(busy.$metadata?.httpStatusCode).toBe(409);
    const busyUpdate = await errorOf(
      cfn.send(new UpdateStackSetCommand({ StackSetName: 'pack', UsePreviousTemplate: true })),
    );
    expect(busyUpdate.name).toBe('OperationInProgressException');
    const busyDelete = await errorOf(cfn.send(new DeleteStackSetCommand({ StackSetName: 'pack' })));
    expect(busyDelete.name).toBe('OperationInProgressException');
    tick(3000);
    const reused = await errorOf(
      cfn.send(new CreateStackInstancesCommand({ StackSetName: 'pack', OperationId: 'op-1', ...targets })),
    );
    expect(reused.name).toBe('OperationIdAlreadyExistsException');
    const notEmpty = await errorOf(cfn.send(new DeleteStackSetCommand({ StackSetName: 'pack' })));
    expect(notEmpty.name).toBe('StackSetNotEmptyException');
    const del = await cfn.send(
      new DeleteStackInstancesCommand({ StackSetName: 'pack', RetainStacks: false, ...targets }),
    );
    expect(await operationStatus(cfn, del.OperationId as string)).toBe('RUNNING');
    tick(3000);
    expect(await instances(cfn)).toEqual([]);
    await cfn.send(new DeleteStackSetCommand({ StackSetName: 'pack' }));
    const l = await cfn.send(new ListStackSetsCommand({ Status: 'ACTIVE' }));
    expect(l.Summaries).toEqual([]);
    const ops = await cfn
      .send(new ListStackSetOperationsCommand({ StackSetName: 'pack' }))
      .catch((e: Error) => e);
    expect((ops as Error).name).toBe('StackSetNotFoundException');
  });

  it('StopStackSetOperation: running instances finish, unstarted ones are CANCELLED; STOPPING then STOPPED', async () => {
    const { cfn, tick } = await start({ org: organization(1, 3) });
    await createSet(cfn);
    const op = await cfn.send(
      new CreateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [ou(1)] },
        Regions: ['us-east-1'],
      }),
    );
    const id = op.OperationId as string;
    tick(1500);
    expect(counts(await instances(cfn))).toEqual({ SUCCEEDED: 1, RUNNING: 1, PENDING: 3 });
    await cfn.send(new StopStackSetOperationCommand({ StackSetName: 'pack', OperationId: id }));
    expect(await operationStatus(cfn, id)).toBe('STOPPING');
    expect(counts(await instances(cfn))).toEqual({ SUCCEEDED: 1, RUNNING: 1, CANCELLED: 3 });
    const busy = await errorOf(
      cfn.send(new UpdateStackSetCommand({ StackSetName: 'pack', UsePreviousTemplate: true })),
    );
    expect(busy.name).toBe('OperationInProgressException');
    tick(500);
    expect(await operationStatus(cfn, id)).toBe('STOPPED');
    expect(counts(await instances(cfn))).toEqual({ SUCCEEDED: 2, CANCELLED: 3 });
    const again = await errorOf(
      cfn.send(new StopStackSetOperationCommand({ StackSetName: 'pack', OperationId: id })),
    );
    expect(again.name).toBe('InvalidOperationException');
    const missing = await errorOf(
      cfn.send(new StopStackSetOperationCommand({ StackSetName: 'pack', OperationId: 'nope' })),
    );
    expect(missing.name).toBe('OperationNotFoundException');
  });

  it('auto-deployment (on demand) deploys to accounts that joined a targeted OU and removes those that left', async () => {
    const org = organization(2, 2);
    const { emu, cfn, tick } = await start({ org });
    await createSet(cfn, 'pack', packTemplate, {
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
    });
    await createSet(cfn, 'manual', packTemplate, { AutoDeployment: { Enabled: false } });
    for (const name of ['pack', 'manual']) {
      await cfn.send(
        new CreateStackInstancesCommand({
          StackSetName: name,
          DeploymentTargets: { OrganizationalUnitIds: [ou(2)] },
          Regions: ['us-east-1', 'eu-west-1'],
          OperationPreferences: { MaxConcurrentPercentage: 100, ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE' },
        }),
      );
    }
    tick(2000); // two Regions one after the other
    expect(await emu.autoDeploy()).toEqual([]);
    // One account joins OU 2, one moves from OU 2 to OU 1.
    org.accounts.push({ id: accountId(777), status: 'ACTIVE', parentId: ou(2) });
    const mover = org.accounts.find((a) => a.id === accountId(2));
    if (!mover) throw new Error('fixture');
    mover.parentId = ou(1);
    const res = await fetch(`${emu.endpoint}/__emulator/auto-deploy`, { method: 'POST' });
    const { operationIds } = (await res.json()) as { operationIds: string[] };
    expect(operationIds).toHaveLength(2);
    // The DELETE queues behind the CREATE.
    expect(await operationStatus(cfn, operationIds[1] as string)).toBe('QUEUED');
    tick(2000);
    for (const id of operationIds) expect(await operationStatus(cfn, id)).toBe('SUCCEEDED');
    const accounts = (await instances(cfn)).map((i) => `${i.Account}/${i.Region}`).sort();
    expect(accounts).toEqual([
      `${accountId(3)}/eu-west-1`,
      `${accountId(3)}/us-east-1`,
      `${accountId(777)}/eu-west-1`,
      `${accountId(777)}/us-east-1`,
    ]);
    // RetainStacksOnAccountRemoval: the stack stays in the account that left.
    expect(emu.deployed(accountId(2), 'us-east-1')).toHaveLength(2);
    expect((await instances(cfn, 'manual')).map((i) => i.Account)).not.toContain(accountId(777));
  });

  it('DeleteStackInstances: a failed delete leaves the instance INOPERABLE; RetainStacks keeps the stack; DETAILED_STATUS filter', async () => {
    const { emu, cfn, tick } = await start({ org: organization(1, 3) });
    await createSet(cfn);
    await cfn.send(
      new CreateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [ou(1)] },
        Regions: ['us-east-1'],
        OperationPreferences: allAtOnce,
      }),
    );
    tick(1000);
    emu.faults.set({
      accountFailures: { [accountId(0)]: { reason: 'Stack deletion failed', actions: ['DELETE'] } },
    });
    await cfn.send(
      new DeleteStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { Accounts: [accountId(0), accountId(1)] },
        Regions: ['us-east-1'],
        RetainStacks: false,
        OperationPreferences: allAtOnce,
      }),
    );
    tick(1000);
    const left = await instances(cfn);
    expect(left.map((i) => i.Account).sort()).toEqual([
      accountId(0),
      accountId(2),
      accountId(9000),
      accountId(9001),
    ]);
    const broken = left.find((i) => i.Account === accountId(0));
    expect(broken).toMatchObject({
      Status: 'INOPERABLE',
      StatusReason: 'Stack deletion failed',
      StackInstanceStatus: { DetailedStatus: 'INOPERABLE' },
    });
    expect(emu.deployed(accountId(1), 'us-east-1')).toEqual([]);
    const inoperable = await cfn.send(
      new ListStackInstancesCommand({
        StackSetName: 'pack',
        Filters: [{ Name: 'DETAILED_STATUS', Values: 'INOPERABLE' }],
      }),
    );
    expect(inoperable.Summaries?.map((i) => i.Account)).toEqual([accountId(0)]);
    // Inoperable instances are left out of UpdateStackSet (documented); RetainStacks keeps the stack.
    const upd = await cfn.send(
      new UpdateStackSetCommand({
        StackSetName: 'pack',
        UsePreviousTemplate: true,
        OperationPreferences: allAtOnce,
      }),
    );
    tick(1000);
    const results = await cfn.send(
      new ListStackSetOperationResultsCommand({ StackSetName: 'pack', OperationId: upd.OperationId }),
    );
    expect(results.Summaries?.map((r) => r.Account).sort()).toEqual([
      accountId(2),
      accountId(9000),
      accountId(9001),
    ]);
    emu.faults.reset();
    await cfn.send(
      new DeleteStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { Accounts: [accountId(0), accountId(2)] },
        Regions: ['us-east-1'],
        RetainStacks: true,
        OperationPreferences: allAtOnce,
      }),
    );
    tick(1000);
    expect(emu.deployed(accountId(2), 'us-east-1')).toHaveLength(1);
    expect((await instances(cfn)).map((i) => i.Account).sort()).toEqual([accountId(9000), accountId(9001)]);
  });

  it('managed execution queues a conflicting operation (QUEUED) and runs it after the first', async () => {
    const { cfn, tick } = await start();
    await createSet(cfn, 'pack', packTemplate, { ManagedExecution: { Active: true } });
    const targets = { DeploymentTargets: { OrganizationalUnitIds: [ou(2)] }, Regions: ['us-east-1'] };
    const first = await cfn.send(new CreateStackInstancesCommand({ StackSetName: 'pack', ...targets }));
    const second = await cfn.send(
      new UpdateStackInstancesCommand({
        StackSetName: 'pack',
        ...targets,
        ParameterOverrides: [{ ParameterKey: 'MaxAge', ParameterValue: '30' }],
      }),
    );
    const other = await cfn.send(
      new CreateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [ou(3)] },
        Regions: ['us-east-1'],
      }),
    );
    expect(await operationStatus(cfn, first.OperationId as string)).toBe('RUNNING');
    expect(await operationStatus(cfn, second.OperationId as string)).toBe('QUEUED');
    // No shared instance: runs at once beside the first.
    expect(await operationStatus(cfn, other.OperationId as string)).toBe('RUNNING');
    tick(3000);
    expect(await operationStatus(cfn, first.OperationId as string)).toBe('SUCCEEDED');
    expect(await operationStatus(cfn, second.OperationId as string)).toBe('RUNNING');
    tick(3000);
    expect(await operationStatus(cfn, second.OperationId as string)).toBe('SUCCEEDED');
    const ops = await cfn.send(new ListStackSetOperationsCommand({ StackSetName: 'pack' }));
    expect(ops.Summaries?.map((o) => o.Action)).toEqual(['CREATE', 'UPDATE', 'CREATE']);
  });

  it('parameter overrides per instance reach the deployed pack; UpdateStackSet to some targets leaves the others OUTDATED', async () => {
    const { emu, cfn, tick } = await start();
    await createSet(cfn);
    await cfn.send(
      new CreateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [ou(1), ou(2)] },
        Regions: ['us-east-1'],
        OperationPreferences: { MaxConcurrentPercentage: 100, ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE' },
      }),
    );
    tick(1000);
    const upd = await cfn.send(
      new UpdateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [ou(2)] },
        Regions: ['us-east-1'],
        ParameterOverrides: [{ ParameterKey: 'MaxAge', ParameterValue: '30' }],
        OperationPreferences: { MaxConcurrentPercentage: 100, ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE' },
      }),
    );
    tick(1000);
    expect(await operationStatus(cfn, upd.OperationId as string)).toBe('SUCCEEDED');
    const d = await cfn.send(
      new DescribeStackInstanceCommand({
        StackSetName: 'pack',
        StackInstanceAccount: accountId(3),
        StackInstanceRegion: 'us-east-1',
      }),
    );
    expect(d.StackInstance?.ParameterOverrides).toEqual([{ ParameterKey: 'MaxAge', ParameterValue: '30' }]);
    const maxAge = (a: string): string | undefined =>
      emu
        .deployed(a, 'us-east-1')[0]
        ?.resources.conformancePacks[0]?.inputParameters.find((p) => p.ParameterName === 'MaxAge')
        ?.ParameterValue;
    expect(maxAge(accountId(3))).toBe('30');
    expect(maxAge(accountId(0))).toBe('90');
    // A template update to OU 1 only (canary): OU 2 stays on the old template, OUTDATED.
    const canary = await cfn.send(
      new UpdateStackSetCommand({
        StackSetName: 'pack',
        TemplateBody: packTemplate.replace("Default: '90'", "Default: '60'"),
        Parameters: [{ ParameterKey: 'Tier', UsePreviousValue: true }],
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        DeploymentTargets: { OrganizationalUnitIds: [ou(1)] },
        Regions: ['us-east-1'],
        OperationPreferences: { MaxConcurrentPercentage: 100, ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE' },
      }),
    );
    tick(1000);
    expect(await operationStatus(cfn, canary.OperationId as string)).toBe('SUCCEEDED');
    const all = await instances(cfn);
    const status = (a: string): string | undefined => all.find((i) => i.Account === a)?.Status;
    expect(status(accountId(0))).toBe('CURRENT');
    expect(status(accountId(3))).toBe('OUTDATED');
    expect(maxAge(accountId(0))).toBe('60');
    expect(maxAge(accountId(3))).toBe('30');
    const filtered = await cfn.send(
      new ListStackInstancesCommand({
        StackSetName: 'pack',
        Filters: [{ Name: 'LAST_OPERATION_ID', Values: canary.OperationId }],
      }),
    );
    expect(filtered.Summaries?.map((i) => i.Account).sort()).toEqual([
      accountId(0),
      accountId(1),
      accountId(2),
      accountId(9000),
      accountId(9001),
    ]);
    const noTemplate = await errorOf(cfn.send(new UpdateStackSetCommand({ StackSetName: 'pack' })));
    expect(noTemplate.name).toBe('ValidationError');
    expect(noTemplate.message).toMatch(/exactly one of TemplateBody, TemplateURL or UsePreviousTemplate/);
    const missing = await errorOf(
      cfn.send(
        new DescribeStackInstanceCommand({
          StackSetName: 'pack',
          StackInstanceAccount: accountId(3),
          StackInstanceRegion: 'eu-west-1',
        }),
      ),
    );
    expect(missing.name).toBe('StackInstanceNotFoundException');
  });

  it('staged update: canary OU, then production stops past its tolerance leaving the rest on the old template; after the fix UpdateStackInstances finishes', async () => {
    const { emu, cfn, tick } = await start({ org: organization(2, 6) });
    await createSet(cfn);
    await cfn.send(
      new CreateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [ou(1), ou(2)] },
        Regions: ['us-east-1'],
        OperationPreferences: allAtOnce,
      }),
    );
    tick(1000);
    const newTemplate = packTemplate.replace("Default: '90'", "Default: '45'");
    const canary = await cfn.send(
      new UpdateStackSetCommand({
        StackSetName: 'pack',
        TemplateBody: newTemplate,
        Parameters: [{ ParameterKey: 'Tier', UsePreviousValue: true }],
        DeploymentTargets: { OrganizationalUnitIds: [ou(2)] },
        Regions: ['us-east-1'],
        OperationPreferences: allAtOnce,
      }),
    );
    tick(1000);
    expect(await operationStatus(cfn, canary.OperationId as string)).toBe('SUCCEEDED');
    // Production (OU 1: 6 accounts + 2 in its child OU): 2 fail, tolerance 1, 2 at a time.
    emu.faults.set({
      accountFailures: { [accountId(1)]: { reason: 'boom' }, [accountId(2)]: { reason: 'boom' } },
    });
    const prod = await cfn.send(
      new UpdateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [ou(1)] },
        Regions: ['us-east-1'],
        OperationPreferences: {
          MaxConcurrentCount: 2,
          FailureToleranceCount: 1,
          ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
        },
      }),
    );
    tick(10_000);
    expect(await operationStatus(cfn, prod.OperationId as string)).toBe('FAILED');
    const maxAge = (a: string): string | undefined =>
      emu
        .deployed(a, 'us-east-1')[0]
        ?.resources.conformancePacks[0]?.inputParameters.find((p) => p.ParameterName === 'MaxAge')
        ?.ParameterValue;
    // Batch 1 (accounts 0, 1): one failure; batch 2 (2, 3): a second, past the tolerance; 4, 5, 9000, 9001 cancelled.
    expect([0, 1, 2, 3, 4, 5, 9000, 9001].map((i) => maxAge(accountId(i)))).toEqual([
      '45',
      '90',
      '90',
      '45',
      '90',
      '90',
      '90',
      '90',
    ]);
    expect(maxAge(accountId(6))).toBe('45');
    emu.faults.reset();
    const resume = await cfn.send(
      new UpdateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [ou(1)] },
        Regions: ['us-east-1'],
        OperationPreferences: allAtOnce,
      }),
    );
    tick(1000);
    expect(await operationStatus(cfn, resume.OperationId as string)).toBe('SUCCEEDED');
    const final = await instances(cfn);
    expect(final.every((i) => i.Status === 'CURRENT')).toBe(true);
    expect(final.map((i) => maxAge(i.Account as string)).every((v) => v === '45')).toBe(true);
  });

  it('an unsupported resource type fails the instance with a reason naming the emulator limit; a role lands in every account', async () => {
    const { emu, cfn, tick } = await start({ org: organization(1, 2) });
    await createSet(cfn, 'bad', 'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n');
    await createSet(cfn, 'roles', roleTemplate);
    const targets = {
      DeploymentTargets: { OrganizationalUnitIds: [ou(1)] },
      Regions: ['us-east-1'],
      OperationPreferences: { MaxConcurrentCount: 5, FailureToleranceCount: 5 },
    };
    await cfn.send(new CreateStackInstancesCommand({ StackSetName: 'bad', ...targets }));
    await cfn.send(new CreateStackInstancesCommand({ StackSetName: 'roles', ...targets }));
    tick(1000);
    const bad = await instances(cfn, 'bad');
    expect(bad[0]?.StatusReason).toMatch(
      /AWS::SQS::Queue is not supported by the StackSets emulator \(emulator limit/,
    );
    expect(emu.roleExists(accountId(0), 'packsmith-remediation')).toBe(true);
    expect(emu.roleExists(accountId(0), 'other')).toBe(false);
    expect(emu.roleExists(MANAGEMENT, 'packsmith-remediation')).toBe(false);
    const res = await fetch(
      `${emu.endpoint}/__emulator/accounts/${accountId(1)}/roles/packsmith-remediation`,
    );
    expect(await res.json()).toEqual({ exists: true, regions: ['us-east-1'] });
    const everywhere = await fetch(`${emu.endpoint}/__emulator/roles/packsmith-remediation`);
    // 2 accounts in the OU, 2 in its child OU; never the management account.
    expect(await everywhere.json()).toEqual({
      accounts: [accountId(0), accountId(1), accountId(9000), accountId(9001)],
    });
    const deployed = (await (await fetch(`${emu.endpoint}/__emulator/deployed`)).json()) as {
      account: string;
      region: string;
      stacks: { stackSetName: string }[];
    }[];
    expect(
      deployed.map((d) => `${d.account}/${d.region}:${d.stacks.map((x) => x.stackSetName).join(',')}`),
    ).toEqual([
      `${accountId(0)}/us-east-1:roles`,
      `${accountId(1)}/us-east-1:roles`,
      `${accountId(9000)}/us-east-1:roles`,
      `${accountId(9001)}/us-east-1:roles`,
    ]);
    // IAM is global: the same role name from a second Region fails there.
    await cfn.send(
      new CreateStackInstancesCommand({ StackSetName: 'roles', ...targets, Regions: ['eu-west-1'] }),
    );
    tick(1000);
    const eu = (await instances(cfn, 'roles')).filter((i) => i.Region === 'eu-west-1');
    expect(
      eu.every(
        (i) =>
          i.StackInstanceStatus?.DetailedStatus === 'FAILED' && /already exists/.test(i.StatusReason ?? ''),
      ),
    ).toBe(true);
  });

  it('paginates with MaxResults and NextToken; refuses a token from another listing', async () => {
    const { cfn, tick } = await start({ org: organization(2, 10) });
    await createSet(cfn);
    await cfn.send(
      new CreateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [ou(1), ou(2)] },
        Regions: ['us-east-1', 'eu-west-1'],
        OperationPreferences: { MaxConcurrentPercentage: 100, RegionConcurrencyType: 'PARALLEL' },
      }),
    );
    tick(1000);
    const first = await cfn.send(new ListStackInstancesCommand({ StackSetName: 'pack', MaxResults: 10 }));
    expect(first.Summaries).toHaveLength(10);
    expect(first.NextToken).toBeDefined();
    const all = await instances(cfn);
    expect(all).toHaveLength(44);
    expect(new Set(all.map((i) => `${i.Account}/${i.Region}`)).size).toBe(44);
    const wrong = await errorOf(cfn.send(new ListStackSetsCommand({ NextToken: first.NextToken })));
    expect(wrong.name).toBe('ValidationError');
    const tooMany = await errorOf(
      cfn.send(new ListStackInstancesCommand({ StackSetName: 'pack', MaxResults: 101 })),
    );
    expect(tooMany.name).toBe('ValidationError');
  });

  it('counts requests per action and throttles on demand (control API)', async () => {
    const { emu, cfn } = await start();
    await createSet(cfn);
    await cfn.send(new DescribeStackSetCommand({ StackSetName: 'pack' }));
    await cfn.send(new DescribeStackSetCommand({ StackSetName: 'pack' }));
    const res = await fetch(`${emu.endpoint}/__emulator/stats`);
    expect(await res.json()).toEqual({
      requests: { CreateStackSet: 1, DescribeStackSet: 2 },
      throttled: {},
      operations: {},
      total: 3,
    });
    await fetch(`${emu.endpoint}/__emulator/stats`, { method: 'DELETE' });
    expect(emu.stats().total).toBe(0);
    // Accepted operations apart from requests: the same OperationId again starts none.
    const create = new CreateStackInstancesCommand({
      StackSetName: 'pack',
      DeploymentTargets: { OrganizationalUnitIds: [ou(1)] },
      Regions: ['us-east-1'],
      OperationId: 'counted-once',
    });
    await cfn.send(create);
    expect((await errorOf(cfn.send(create))).name).toBe('OperationIdAlreadyExistsException');
    expect(emu.stats()).toMatchObject({
      requests: { CreateStackInstances: 2 },
      operations: { CreateStackInstances: 1 },
    });
    emu.resetStats();
    expect(emu.stats()).toEqual({ requests: {}, throttled: {}, operations: {}, total: 0 });
    // Throttling: the SDK classifies CloudFormation's "Throttling" code and retries it.
    await fetch(`${emu.endpoint}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ throttle: { rate: 1, actions: ['DescribeStackSet'] } }),
    });
    const throttledError = await errorOf(cfn.send(new DescribeStackSetCommand({ StackSetName: 'pack' })));
    expect(throttledError.name).toBe('Throttling');
    expect(throttledError.message).toBe('Rate exceeded');
    const retrying = new CloudFormationClient({
      endpoint: emu.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAEMULATORTEST0000', secretAccessKey: 'not-a-secret' },
      retryStrategy: new ConfiguredRetryStrategy(3, () => 0),
    });
    const retried = await errorOf(retrying.send(new DescribeStackSetCommand({ StackSetName: 'pack' })));
    expect((retried as { $metadata?: { attempts?: number } }).$metadata?.attempts).toBe(3);
    expect(emu.stats().throttled).toEqual({ DescribeStackSet: 4 });
    emu.faults.set({ throttle: null, latency: { ms: 300, actions: ['DescribeStackSet'] } });
    const began = Date.now();
    await cfn.send(new ListStackSetsCommand({}));
    expect(Date.now() - began).toBeLessThan(300);
    await cfn.send(new DescribeStackSetCommand({ StackSetName: 'pack' }));
    expect(Date.now() - began).toBeGreaterThanOrEqual(300);
    emu.faults.set({ latency: null });
    expect(
      (await retrying.send(new DescribeStackSetCommand({ StackSetName: 'pack' }))).StackSet?.StackSetName,
    ).toBe('pack');
  });

  it('1,200 accounts in 4 OUs, 2 Regions: accepted, listed and completed within seconds', async () => {
    const { cfn, tick } = await start({
      org: organization(4, 300),
      delay: { baseMs: 30_000, jitterMs: 30_000 },
    });
    await createSet(cfn);
    const began = Date.now();
    const op = await cfn.send(
      new CreateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [ou(1), ou(2), ou(3), ou(4)] },
        Regions: ['us-east-1', 'eu-west-1'],
        OperationPreferences: {
          MaxConcurrentPercentage: 10,
          FailureTolerancePercentage: 5,
          ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
        },
      }),
    );
    tick(24 * 3600 * 1000);
    expect(await operationStatus(cfn, op.OperationId as string)).toBe('SUCCEEDED');
    const all = await instances(cfn, 'pack', 100);
    expect(all).toHaveLength(2 * 1202);
    expect(counts(all)).toEqual({ SUCCEEDED: 2404 });
    expect(Date.now() - began).toBeLessThan(10_000);
  });
});
