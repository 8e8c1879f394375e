/**
 * The StackSets emulator wired to moto: the organization (OU tree, suspended accounts) from moto's
 * Organizations, TemplateURL templates from moto's S3, recorders from moto's Config API; driven by
 * the real CloudFormationClient over HTTP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  CloudFormationClient,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DescribeOrganizationsAccessCommand,
  DescribeStackSetOperationCommand,
  paginateListStackInstances,
  type StackInstanceSummary,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { startStackSetEmulator, type StackSetEmulator } from '../../src/sandbox/stackset-emulator/index.js';
import {
  motoOrganizationSource,
  motoStackSetsTrustedAccess,
  motoTemplateUrlReader,
  motoWiring,
} from '../../src/sandbox/wiring.js';
import { EnableAWSServiceAccessCommand } from '@aws-sdk/client-organizations';
import { STACKSETS_SERVICE_PRINCIPAL } from '../../src/sandbox/stackset-emulator/index.js';
import { sandboxTemplateBucket, startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { motoSkipNote, motoStatus, organizationsClient, s3Client, useMoto } from '../support/moto.js';
import { createOrganization } from '../support/org-fixture.js';

const packTemplate = `Parameters:
  MaxAge:
    Type: String
    Default: '90'
Resources:
  Pack:
    Type: AWS::Config::ConformancePack
    Properties:
      ConformancePackName: packsmith-baseline
      TemplateS3Uri: s3://packsmith-templates/pack.yaml
      ConformancePackInputParameters:
        - ParameterName: MaxAge
          ParameterValue: !Ref MaxAge
`;

async function instances(cfn: CloudFormationClient): Promise<StackInstanceSummary[]> {
  const out: StackInstanceSummary[] = [];
  for await (const page of paginateListStackInstances({ client: cfn }, { StackSetName: 'pack' })) {
    out.push(...(page.Summaries ?? []));
  }
  return out;
}

describe.skipIf(!motoStatus().available)(`StackSets emulator on moto's organization${motoSkipNote()}`, () => {
  const moto = useMoto();
  let emulator: StackSetEmulator | undefined;
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
    for (const c of cleanups.splice(0)) c();
  });

  it('targets an OU subtree, skips the suspended account, fails where moto has no recorder, reads the TemplateURL from S3', async () => {
    const org = await createOrganization({
      endpoint: moto.endpoint,
      accounts: 8,
      depth: 2,
      fanout: 2,
      closed: ['member-05'],
      withoutRecorder: ['member-07'],
    });
    const source = motoOrganizationSource({ endpoint: moto.endpoint });
    const wiring = motoWiring({ endpoint: moto.endpoint });
    cleanups.push(source.destroy, wiring.destroy);
    emulator = await startStackSetEmulator({
      organization: source.organization,
      readTemplateUrl: motoTemplateUrlReader({ endpoint: moto.endpoint }),
      recorders: wiring.recorders,
      trustedAccess: motoStackSetsTrustedAccess({ endpoint: moto.endpoint }),
      clock: 'manual',
      delay: { baseMs: 1000, jitterMs: 0 },
    });
    const s3 = s3Client({ endpoint: moto.endpoint });
    cleanups.push(() => s3.destroy());
    await s3.send(
      new PutObjectCommand({ Bucket: org.deliveryBucket, Key: 'stackset/pack.yaml', Body: packTemplate }),
    );
    const cfn = new CloudFormationClient({
      endpoint: emulator.endpoint,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIAEMULATORTEST0000', secretAccessKey: 'not-a-secret' },
    });
    cleanups.push(() => cfn.destroy());
    const create = new CreateStackSetCommand({
      StackSetName: 'pack',
      TemplateURL: `https://${org.deliveryBucket}.s3.us-east-1.amazonaws.com/stackset/pack.yaml`,
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
    });
    // Without trusted access for StackSets, AWS refuses service-managed stack sets.
    const refused = await cfn.send(create).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(refused?.name).toBe('ValidationError');
    expect(refused?.message).toBe(
      'You must enable organizations access to operate a service managed stack set',
    );
    expect((await cfn.send(new DescribeOrganizationsAccessCommand({}))).Status).toBe('DISABLED');
    const organizations = organizationsClient({ endpoint: moto.endpoint });
    cleanups.push(() => organizations.destroy());
    await organizations.send(
      new EnableAWSServiceAccessCommand({ ServicePrincipal: STACKSETS_SERVICE_PRINCIPAL }),
    );
    expect((await cfn.send(new DescribeOrganizationsAccessCommand({}))).Status).toBe('ENABLED');
    await cfn.send(create);
    const tops = org.ous.filter((o) => o.depth === 1);
    expect(tops.map((o) => o.name).sort()).toEqual(['ou-1', 'ou-2']);
    // Every member below the two top OUs (at any depth), none of those in the root.
    const expected = org.accounts
      .filter((a) => !a.management && a.path !== '/Root')
      .map((a) => a.id)
      .sort();
    expect(expected.length).toBeGreaterThan(4);
    expect(org.accounts.filter((a) => a.path === '/Root').length).toBeGreaterThan(1);
    const op = await cfn.send(
      new CreateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: tops.map((o) => o.id) },
        Regions: ['us-east-1'],
        OperationPreferences: { MaxConcurrentPercentage: 100, FailureTolerancePercentage: 100 },
      }),
    );
    emulator.tick?.(60_000);
    const d = await cfn.send(
      new DescribeStackSetOperationCommand({ StackSetName: 'pack', OperationId: op.OperationId }),
    );
    expect(d.StackSetOperation?.Status).toBe('SUCCEEDED');
    const all = await instances(cfn);
    expect(all.map((i) => i.Account).sort()).toEqual(expected);
    const byName = new Map(org.accounts.map((a) => [a.name, a]));
    const statusOf = (name: string): StackInstanceSummary | undefined =>
      all.find((i) => i.Account === byName.get(name)?.id);
    for (const a of org.accounts.filter((x) => expected.includes(x.id))) {
      const inst = statusOf(a.name);
      if (a.status === 'SUSPENDED') {
        expect(inst?.StackInstanceStatus?.DetailedStatus).toBe('SKIPPED_SUSPENDED_ACCOUNT');
      } else if (!a.hasRecorder) {
        expect(inst?.StackInstanceStatus?.DetailedStatus).toBe('FAILED');
        expect(inst?.StatusReason).toMatch(/NoAvailableConfigurationRecorderException/);
      } else {
        expect(inst?.StackInstanceStatus?.DetailedStatus).toBe('SUCCEEDED');
        expect(emulator.deployed(a.id, 'us-east-1')[0]?.resources.conformancePacks[0]?.name).toBe(
          'packsmith-baseline',
        );
      }
    }
    expect(statusOf('member-05')?.StackInstanceStatus?.DetailedStatus).toBe('SKIPPED_SUSPENDED_ACCOUNT');
    expect(statusOf('member-07')?.StackInstanceStatus?.DetailedStatus).toBe('FAILED');
  });
});

describe.skipIf(!motoStatus().available)(`the sandbox serves StackSets${motoSkipNote()}`, () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });

  it('points AWS_ENDPOINT_URL_CLOUDFORMATION at the emulator, wired to the organization, the template buckets and the recorders', async () => {
    sandbox = await startSandbox({
      accounts: 6,
      depth: 1,
      fanout: 2,
      withoutRecorder: 1,
      stackSets: { clock: 'manual', delay: { baseMs: 1000, jitterMs: 0 } },
    });
    expect(sandbox.env.AWS_ENDPOINT_URL_CLOUDFORMATION).toBe(sandbox.stackSets.endpoint);
    const bucket = sandboxTemplateBucket(sandbox.region);
    const s3 = s3Client({ endpoint: sandbox.moto.endpoint, accountId: sandbox.org.managementAccountId });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'pack.yaml', Body: packTemplate }));
    s3.destroy();
    const cfn = new CloudFormationClient({
      endpoint: sandbox.env.AWS_ENDPOINT_URL_CLOUDFORMATION,
      region: sandbox.env.AWS_REGION,
      maxAttempts: 1,
    });
    await cfn.send(
      new CreateStackSetCommand({
        StackSetName: 'pack',
        TemplateURL: `https://${bucket}.s3.${sandbox.region}.amazonaws.com/pack.yaml`,
        PermissionModel: 'SERVICE_MANAGED',
        AutoDeployment: { Enabled: false },
      }),
    );
    const op = await cfn.send(
      new CreateStackInstancesCommand({
        StackSetName: 'pack',
        DeploymentTargets: { OrganizationalUnitIds: [sandbox.org.rootId] },
        Regions: [sandbox.region],
        OperationPreferences: { MaxConcurrentPercentage: 100, FailureTolerancePercentage: 100 },
      }),
    );
    sandbox.stackSets.tick?.(10_000);
    const d = await cfn.send(
      new DescribeStackSetOperationCommand({ StackSetName: 'pack', OperationId: op.OperationId }),
    );
    expect(d.StackSetOperation?.Status).toBe('SUCCEEDED');
    const all = await instances(cfn);
    cfn.destroy();
    const members = sandbox.org.accounts.filter((a) => !a.management);
    expect(all).toHaveLength(members.length);
    const failed = all
      .filter((i) => i.StackInstanceStatus?.DetailedStatus === 'FAILED')
      .map((i) => i.Account);
    expect(failed).toEqual(members.filter((a) => !a.hasRecorder).map((a) => a.id));
    expect(failed).toHaveLength(1);
  });
});
