/**
 * Issue 16: the stack set engine against moto's CloudFormation through the real SDK: a pack with
 * `engine: stackset` to 2 OUs in 2 stages with a production override; each account's instance has
 * its stage's parameters; operations are followed by DescribeStackSetOperation; a re-run with
 * `resume` issues nothing that already SUCCEEDED; the StackSets IAM statement lists exactly what is called.
 */
import { DescribeStackInstanceCommand, ListStackInstancesCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionsCalledByPackSmith } from '../../src/aws/iam-policy.js';
import { createAws, onAwsCall, type Aws, type AwsCall } from '../../src/aws/clients.js';
import type { PackDeployment } from '../../src/org/deploy-config.js';
import { discoverOrganization, type OrgTree } from '../../src/org/discover.js';
import { applyStackSet, observeStackSet, overrideSamples, runKeyOf } from '../../src/rollout/stackset.js';
import { planStackSet } from '../../src/rollout/stackset-plan.js';
import { stackSetTemplate } from '../../src/rollout/stackset-template.js';
import { openStatusStore, type StatusStore } from '../../src/state/store.js';
import { createOrganization, type OrgTree as FixtureTree } from '../support/org-fixture.js';
import { FAKE_CREDENTIALS, motoSkipNote, motoStatus, useMoto } from '../support/moto.js';
import { accessKeysPackTemplate } from '../support/templates.js';

const REGIONS = ['us-east-1', 'eu-west-1'];
const packTemplate = accessKeysPackTemplate();
const deployment: PackDeployment = {
  engine: 'stackset',
  parameters: { MaxAccessKeyAge: 90 },
  stages: [
    { name: 'canary', ous: ['/Root/ou-1'], failureTolerance: 0 },
    { name: 'production', ous: ['/Root/ou-2'], parameters: { MaxAccessKeyAge: 30 }, maxConcurrent: '100%' },
  ],
};
const config = { regions: REGIONS, role: 'management' as const };
const body = stackSetTemplate({
  packName: 'baseline',
  packTemplate,
  parameters: [{ name: 'MaxAccessKeyAge', default: '90' }],
}).body;
const follow = { intervalMs: 10, timeoutMs: 10_000 };

describe.skipIf(!motoStatus().available)(`stack set engine against moto${motoSkipNote()}`, () => {
  const moto = useMoto({ resetBeforeEach: false });
  let fixture: FixtureTree;
  let tree: OrgTree;
  let aws: Aws;
  let store: StatusStore;
  const calls: AwsCall[] = [];
  let stop = () => undefined as unknown;

  beforeAll(async () => {
    fixture = await createOrganization({ endpoint: moto.endpoint, accounts: 4, depth: 1, fanout: 2 });
    aws = createAws({
      endpointUrl: moto.endpoint,
      defaultRegion: 'us-east-1',
      credentials: async () => FAKE_CREDENTIALS,
      maxAttempts: 1,
    });
    tree = await discoverOrganization(aws.organizations());
    store = openStatusStore(':memory:');
    stop = onAwsCall((c) => calls.push(c));
  }, 60_000);
  afterAll(() => {
    stop();
    store?.close();
    aws?.destroy();
  });

  const observe = async (stages = deployment.stages!.length) => {
    const draft = planStackSet({
      pack: 'baseline',
      deployment,
      config,
      tree,
      templateBody: body,
      observed: {
        name: 'packsmith-baseline',
        exists: false,
        parameters: [],
        instances: [],
        overrides: new Map(),
      },
    });
    return observeStackSet(aws.cloudformation(REGIONS[0]!), {
      stackSetName: 'packsmith-baseline',
      callAs: 'SELF',
      samples: overrideSamples(draft.stages.slice(0, stages), REGIONS),
    });
  };

  it('deploys 2 stages in order; each account has its stage parameters', async () => {
    const observed = await observe();
    expect(observed.exists).toBe(false);
    const plan = planStackSet({ pack: 'baseline', deployment, config, tree, templateBody: body, observed });
    expect(plan.stages.map((s) => s.action)).toEqual(['create', 'create']);
    const events: string[] = [];
    const result = await applyStackSet({
      cf: aws.cloudformation(REGIONS[0]!),
      plan,
      callerAccount: fixture.managementAccountId,
      store,
      follow,
      onEvent: (e) => events.push(e.kind === 'operation' ? `${e.stage}:${e.operation}` : e.kind),
    });
    expect(result.outcome).toBe('succeeded');
    expect(events.filter((e) => e.includes(':'))).toEqual([
      'canary:create-instances',
      'production:create-instances',
    ]);
    expect(result.stages.map((s) => s.outcome)).toEqual(['succeeded', 'succeeded']);

    const cf = aws.cloudformation(REGIONS[0]!);
    const listed = await cf.send(new ListStackInstancesCommand({ StackSetName: 'packsmith-baseline' }));
    const byOu = (ou: string) =>
      tree.accounts.filter((a) => a.ouPath === ou && a.status === 'ACTIVE').map((a) => a.id);
    const production = new Set(byOu('/Root/ou-2'));
    const accounts = new Set((listed.Summaries ?? []).map((s) => s.Account!));
    expect([...accounts].sort()).toEqual([...byOu('/Root/ou-1'), ...production].sort());
    for (const s of listed.Summaries ?? []) {
      const d = await cf.send(
        new DescribeStackInstanceCommand({
          StackSetName: 'packsmith-baseline',
          StackInstanceAccount: s.Account,
          StackInstanceRegion: s.Region,
        }),
      );
      const overrides = d.StackInstance?.ParameterOverrides ?? [];
      expect(overrides, `${s.Account} ${s.Region}`).toEqual(
        production.has(s.Account!) ? [{ ParameterKey: 'MaxAccessKeyAge', ParameterValue: '30' }] : [],
      );
    }
    // The store has each stage's operation and each instance's status.
    const ops = store.stackSetOperations({ pack: 'baseline', runKey: result.runKey });
    expect(ops.map((o) => [o.stage, o.kind, o.status])).toEqual([
      ['production', 'create-instances', 'SUCCEEDED'],
      ['canary', 'create-instances', 'SUCCEEDED'],
    ]);
    expect(
      store
        .stackInstances(ops[0]!.id)
        .map((i) => `${i.accountId}/${i.region}`)
        .sort(),
    ).toEqual([...production].flatMap((a) => REGIONS.map((r) => `${a}/${r}`)).sort());
  });

  it('observed again, nothing changes: both stages unchanged, no operation', async () => {
    const observed = await observe();
    const plan = planStackSet({ pack: 'baseline', deployment, config, tree, templateBody: body, observed });
    expect(plan.stackSet).toBe('unchanged');
    expect(plan.stages.map((s) => s.action)).toEqual(['unchanged', 'unchanged']);
  });

  it('resume: an operation the store shows SUCCEEDED for the same run is not reissued', async () => {
    const plan = planStackSet({
      pack: 'baseline',
      deployment,
      config,
      tree,
      templateBody: body,
      observed: {
        name: 'packsmith-baseline',
        exists: true,
        templateBody: body,
        parameters: [],
        instances: [],
        overrides: new Map(),
      },
    });
    const before = calls.filter((c) => c.operation === 'CreateStackInstances').length;
    const result = await applyStackSet({
      cf: aws.cloudformation(REGIONS[0]!),
      plan: { ...plan, stackSet: 'unchanged' },
      callerAccount: fixture.managementAccountId,
      store,
      follow,
      resume: true,
    });
    expect(runKeyOf(plan)).toBe(result.runKey);
    expect(result.outcome).toBe('succeeded');
    expect(calls.filter((c) => c.operation === 'CreateStackInstances').length).toBe(before);
  });

  it('the StackSets IAM statement lists exactly the CloudFormation actions called', () => {
    const called = [
      ...new Set(calls.filter((c) => c.service === 'cloudformation').map((c) => c.iamAction)),
    ].sort();
    // The statement's S3 action (GetBucketPolicy, preflight PS549) is not called by the engine.
    const listed = actionsCalledByPackSmith().stackSet.filter((a) => a.startsWith('cloudformation:'));
    expect(actionsCalledByPackSmith().stackSet.filter((a) => !listed.includes(a))).toEqual([
      's3:GetBucketPolicy',
    ]);
    // Updates and destroy are not exercised here: every action called is listed, and the listed
    // ones not yet called are the update and delete operations (destroy's are called in
    // test/rollout/cli-stackset-destroy.test.ts).
    expect(called.filter((a) => !listed.includes(a))).toEqual([]);
    expect(listed.filter((a) => !called.includes(a))).toEqual([
      'cloudformation:DeleteStackInstances',
      'cloudformation:DeleteStackSet',
      'cloudformation:UpdateStackInstances',
      'cloudformation:UpdateStackSet',
    ]);
  });
});
