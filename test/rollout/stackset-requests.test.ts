/**
 * Issue 16, the bench's request targets pinned by `npm test` (counted, not timed): the stack set
 * engine against the StackSets emulator over HTTP (manual clock, the real CloudFormationClient),
 * requests counted per action at the emulator between two polls. While a stage's operation runs,
 * a poll is one DescribeStackSetOperation; after it ends, the instances it reached are read in
 * ⌈n / 100⌉ ListStackSetOperationResults pages (AWS's MaxResults is 100), with no
 * ListStackInstances over the whole stack set. `npm run bench -- stackset` measures the same at
 * 5,000 instances.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { PackDeployment } from '../../src/org/deploy-config.js';
import type { OrgAccount, OrgTree } from '../../src/org/discover.js';
import { applyStackSet, planAgainstAws } from '../../src/rollout/stackset.js';
import type { StackSetPlan } from '../../src/rollout/stackset-plan.js';
import { stackSetTemplate } from '../../src/rollout/stackset-template.js';
import { startStackSetEmulator, type StackSetEmulator } from '../../src/sandbox/stackset-emulator/index.js';
import type { OrganizationSnapshot } from '../../src/sandbox/stackset-emulator/index.js';
import { openStatusStore, type StatusStore } from '../../src/state/store.js';

const ROOT = 'r-reqs';
const MANAGEMENT = '100000000000';
const ous = ['ou-reqs-00000000', 'ou-reqs-00000001', 'ou-reqs-00000002'];
const INTERVAL = 1000;

/** `n` accounts over the three OUs, as the emulator's snapshot and as discovery's tree. */
function organization(n: number): { snapshot: OrganizationSnapshot; tree: OrgTree } {
  const ids = Array.from({ length: n }, (_, i) => ({
    id: String(500000000000 + i),
    ou: ous[i % ous.length]!,
  }));
  return {
    snapshot: {
      rootId: ROOT,
      managementAccountId: MANAGEMENT,
      ous: ous.map((id) => ({ id, parentId: ROOT })),
      accounts: ids.map((a) => ({ id: a.id, status: 'ACTIVE', parentId: a.ou })),
    },
    tree: {
      organizationId: 'o-reqs',
      managementAccountId: MANAGEMENT,
      featureSet: 'ALL',
      root: { id: ROOT, name: 'Root', path: '/Root' },
      ous: ous.map((id) => ({ id, name: id, parentId: ROOT, path: `/Root/${id}`, depth: 1 })),
      accounts: ids
        .map((a): OrgAccount => ({
          id: a.id,
          name: `a-${a.id}`,
          email: '',
          status: 'ACTIVE',
          parentId: a.ou,
          ouPath: `/Root/${a.ou}`,
          ancestorIds: [ROOT, a.ou],
        }))
        .sort((x, y) => (x.id < y.id ? -1 : 1)),
    },
  };
}

const deployment = {
  engine: 'stackset',
  stages: [{ name: 'all', ous: ['/Root'], maxConcurrent: '100%', concurrencyMode: 'SOFT' }],
} as PackDeployment;

const templateOf = (version: number) =>
  stackSetTemplate({
    packName: 'reqs',
    packTemplate: `Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      ConfigRuleName: rule-v${version}\n      Source: { Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED }\n`,
    parameters: [],
  }).body;

type Counts = Record<string, number>;
const diff = (after: Counts, before: Counts): Counts => {
  const out: Counts = {};
  for (const [k, v] of Object.entries(after)) if (v > (before[k] ?? 0)) out[k] = v - (before[k] ?? 0);
  return out;
};

let emulator: StackSetEmulator | undefined;
let store: StatusStore | undefined;
afterEach(async () => {
  store?.close();
  store = undefined;
  await emulator?.close();
  emulator = undefined;
});

async function setUp(org: { snapshot: OrganizationSnapshot }) {
  emulator = await startStackSetEmulator({
    organization: async () => org.snapshot,
    clock: 'manual',
    delay: { baseMs: 1500, jitterMs: 0 },
  });
  const emu = emulator;
  const cf = new CloudFormationClient({
    endpoint: emu.endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIAEMULATORTEST0000', secretAccessKey: 'not-a-secret' },
  });
  store = openStatusStore(':memory:');
  const s = store;

  /** Observe, plan and apply as deploy does; the requests of each poll and after the end, counted at the emulator. */
  const deploy = async (tree: OrgTree, regions: string[], version: number) => {
    const config = { regions, role: 'management' } as const;
    const templateBody = templateOf(version);
    const plan: StackSetPlan = await planAgainstAws(cf, {
      pack: 'reqs',
      deployment,
      config,
      tree,
      templateBody,
    });
    const polls: Counts[] = [];
    const start = emu.stats().requests;
    let last = start;
    const result = await applyStackSet({
      cf,
      plan,
      callerAccount: MANAGEMENT,
      store: s,
      follow: {
        intervalMs: INTERVAL,
        timeoutMs: 600_000,
        now: () => 0,
        sleep: async (ms) => {
          const now = emu.stats().requests;
          polls.push(diff(now, last));
          last = now;
          emu.tick!(ms);
        },
      },
    });
    const issued = (c: Counts) =>
      Object.fromEntries(
        Object.entries(c).filter(([k]) => !k.startsWith('Describe') && !k.startsWith('List')),
      );
    const end = emu.stats().requests;
    const tail = diff(end, last);
    // Every poll after the first (which also issued the operation) is exactly one describe.
    const [first, ...rest] = polls;
    return {
      plan,
      result,
      /** Every request of the apply, per action. */
      all: diff(end, start),
      firstPoll: first,
      laterPolls: rest,
      issuedInFirstPoll: issued(first ?? {}),
      // The last poll saw the end: one describe, then the reads of the instances the operation reached.
      afterEnd: { ...tail, DescribeStackSetOperation: (tail.DescribeStackSetOperation ?? 0) - 1 },
    };
  };
  return { cf, emu, store: s, deploy };
}

describe('[16] stack set requests per poll (counted at the emulator)', () => {
  it('a stage operation over 300 instances: one DescribeStackSetOperation per poll, then ⌈300/100⌉ result pages and no ListStackInstances', async () => {
    const org = organization(150);
    const { deploy } = await setUp(org);
    const create = await deploy(org.tree, ['us-east-1', 'eu-west-1'], 1);
    expect(create.result.outcome).toBe('succeeded');
    expect(create.plan.stages[0]!.create).toHaveLength(300);
    // Two Regions one after the other, 1.5 s each, polled every second: polls while it runs.
    expect(create.laterPolls.length).toBeGreaterThanOrEqual(2);
    expect(create.issuedInFirstPoll).toEqual({ CreateStackSet: 1, CreateStackInstances: 1 });
    expect(create.firstPoll).toEqual({
      CreateStackSet: 1,
      CreateStackInstances: 1,
      DescribeStackSetOperation: 1,
    });
    for (const poll of create.laterPolls) expect(poll).toEqual({ DescribeStackSetOperation: 1 });
    expect(create.afterEnd).toEqual({ DescribeStackSetOperation: 0, ListStackSetOperationResults: 3 });

    const update = await deploy(org.tree, ['us-east-1', 'eu-west-1'], 2);
    expect(update.result.outcome).toBe('succeeded');
    expect(update.plan.stages[0]!.update).toHaveLength(300);
    expect(update.firstPoll).toEqual({ UpdateStackSet: 1, DescribeStackSetOperation: 1 });
    for (const poll of update.laterPolls) expect(poll).toEqual({ DescribeStackSetOperation: 1 });
    expect(update.afterEnd).toEqual({ DescribeStackSetOperation: 0, ListStackSetOperationResults: 3 });
  });

  it('a Region added to the stage reads the results of its new instances only, not every instance of the stack set; the store records those under the create', async () => {
    const org = organization(150);
    const { deploy, store: s } = await setUp(org);
    await deploy(org.tree, ['us-east-1', 'eu-west-1'], 1);
    const added = await deploy(org.tree, ['us-east-1', 'eu-west-1', 'us-west-2'], 1);
    expect(added.result.outcome).toBe('succeeded');
    expect(added.plan.stages[0]!.create).toHaveLength(150);
    expect(added.issuedInFirstPoll).toEqual({ CreateStackInstances: 1 });
    for (const poll of added.laterPolls) expect(poll).toEqual({ DescribeStackSetOperation: 1 });
    // Before: the 300 instances of the other Regions were "missing" from the results, so all 450
    // were listed again (5 ListStackInstances pages) and recorded under this CreateStackInstances.
    expect(added.afterEnd).toEqual({ DescribeStackSetOperation: 0, ListStackSetOperationResults: 2 });
    const [operation] = s.stackSetOperations({ pack: 'reqs' });
    expect(operation!.kind).toBe('create-instances');
    const recorded = s.stackInstances(operation!.id);
    expect(recorded).toHaveLength(150);
    expect(new Set(recorded.map((r) => r.region))).toEqual(new Set(['us-west-2']));
  });

  it('a template update that also reaches new accounts records only the instances each operation was planned for: no ListStackInstances', async () => {
    const before = organization(150);
    const { deploy, store: s } = await setUp(before);
    await deploy(before.tree, ['us-east-1', 'eu-west-1'], 1);
    // Three accounts join the OUs; the emulator reads the organization when an operation is accepted.
    const after = organization(153);
    before.snapshot = after.snapshot;
    const update = await deploy(after.tree, ['us-east-1', 'eu-west-1'], 2);
    expect(update.result.outcome).toBe('succeeded');
    const stage = update.plan.stages[0]!;
    expect([stage.update.length, stage.create.length]).toEqual([300, 6]);
    expect(update.result.stages[0]!.operations.map((o) => o.kind)).toEqual([
      'update-stack-set',
      'create-instances',
    ]);
    const all = s.stackSetOperations({ pack: 'reqs' });
    const sizes = Object.fromEntries(all.slice(0, 2).map((o) => [o.kind, s.stackInstances(o.id).length]));
    expect(sizes).toEqual({ 'update-stack-set': 300, 'create-instances': 6 });
    // Before: each operation's results lacked instances of the other (the 300 for the create, the
    // 6 new for the update), so each listed all 306 instances again (2 × 4 pages).
    expect(update.all.ListStackInstances ?? 0).toBe(0);
    // The results of each: 300 instances (3 pages), then 306 (4 pages: the emulator's
    // CreateStackInstances over the stage's OUs redeploys the existing instances too).
    expect(update.all.ListStackSetOperationResults).toBe(3 + 4);
  });
});
