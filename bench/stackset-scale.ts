/**
 * The stack set engine at scale, for `npm run bench -- stackset`: a stack set of ACCOUNTS accounts x
 * 2 Regions (5,000 instances by default) in the StackSets emulator, which runs in another process
 * and is reached over HTTP by the real CloudFormationClient (awsQuery). What `deploy` does for a
 * stack set pack, with the engine's own code and a real status store:
 *   create  observe (DescribeStackSet, ListStackInstances, DescribeStackInstance samples) → plan →
 *           applyStackSet: CreateStackSet, CreateStackInstances, followed to its end
 *   update  the same after a template change: observe the 5,000 instances → UpdateStackSet, followed
 *   status  what `packsmith status` reads for the pack: ListStackInstances through observeStackSet,
 *           the store's last recorded instances, merged per instance
 *   region  a third Region for the same stage: CreateStackInstances there, the others untouched
 * Requests are counted at the emulator (GET /__emulator/stats), per poll (a snapshot at each wait
 * between two DescribeStackSetOperation calls) and per phase. Run with --expose-gc. Prints one JSON
 * line.
 *
 *   stackset-scale.ts ACCOUNTS INTERVAL_MS
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { CloudFormationClient, DescribeStackSetOperationCommand } from '@aws-sdk/client-cloudformation';
import type { PackDeployment } from '../src/org/deploy-config.js';
import { applyStackSet, observeStackSet, planAgainstAws } from '../src/rollout/stackset.js';
import { lastRecordedInstances, mergeStackInstance } from '../src/rollout/stackset-status.js';
import { stackSetTemplate } from '../src/rollout/stackset-template.js';
import { openStatusStore } from '../src/state/store.js';
import { benchOrganization, benchTree } from './stackset-organization.js';

const accounts = Number(process.argv[2] ?? '2500');
const intervalMs = Number(process.argv[3] ?? '500');
const ous = 25;
const regions = ['us-east-1', 'eu-west-1'];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    join(import.meta.dirname, 'stackset-emulator-server.ts'),
    String(accounts),
    String(ous),
    '1000',
    '500',
  ],
  { stdio: ['pipe', 'pipe', 'inherit'] },
);
const endpoint = await new Promise<string>((resolve, reject) => {
  const lines = createInterface({ input: child.stdout });
  lines.once('line', (line) => resolve((JSON.parse(line) as { endpoint: string }).endpoint));
  child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
});

type Counts = Record<string, number>;
const stats = async (): Promise<Counts> =>
  ((await (await fetch(`${endpoint}/__emulator/stats`)).json()) as { requests: Counts }).requests;
const diff = (after: Counts, before: Counts): Counts => {
  const out: Counts = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
};
const sum = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);

const work = mkdtempSync(join(tmpdir(), 'packsmith-bench-stackset-'));
try {
  const client = new CloudFormationClient({
    endpoint,
    region: 'us-east-1',
    maxAttempts: 5,
    // The emulator checks no signature; these are not credentials of anything.
    credentials: { accessKeyId: 'AKIABENCHMARK0000000', secretAccessKey: 'bench-not-a-secret' },
  });
  // Heap sampled after every response the engine gets: the peak of a phase, not only its end.
  let heapPeak = 0;
  const sample = () => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  };
  const cf = {
    send: (async (command: never) => {
      const r = await client.send(command);
      sample();
      return r;
    }) as CloudFormationClient['send'],
  };
  const org = benchOrganization(accounts, ous);
  const tree = benchTree(org);
  const store = openStatusStore(join(work, 'state.db'));
  const deployment: PackDeployment = {
    engine: 'stackset',
    stages: [
      {
        name: 'all',
        ous: ['/Root'],
        maxConcurrent: '50%',
        failureTolerance: '10%',
        concurrencyMode: 'SOFT',
        regionConcurrency: 'SEQUENTIAL',
      },
    ],
  } as PackDeployment;
  const packTemplate = (version: number) => `Resources:
  S3Versioning:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: s3-bucket-versioning-enabled-v${version}
      Source:
        Owner: AWS
        SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED
`;
  const templateOf = (version: number) =>
    stackSetTemplate({ packName: 'bench', packTemplate: packTemplate(version), parameters: [] }).body;

  /** observe → plan → apply, as deploy's planOneStackSet and applyStackSet do; counted per poll. */
  const deployPhase = async (version: number, inRegions: string[]) => {
    const config = { regions: inRegions, role: 'management' } as const;
    const templateBody = templateOf(version);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage().rss;
    heapPeak = heapBefore;
    const start = performance.now();
    const s0 = await stats();
    const plan = await planAgainstAws(cf, { pack: 'bench', deployment, config, tree, templateBody });
    const s1 = await stats();
    const observeRequests = diff(s1, s0);
    // Each wait between two DescribeStackSetOperation calls closes a poll: the requests since the
    // previous one are that poll's.
    const polls: Counts[] = [];
    let last = s1;
    let operationId = '';
    let sawEndAt = 0;
    const result = await applyStackSet({
      cf,
      plan,
      callerAccount: org.managementAccountId,
      store,
      follow: {
        intervalMs,
        timeoutMs: 600_000,
        sleep: async (ms) => {
          const now = await stats();
          polls.push(diff(now, last));
          last = now;
          sample();
          await delay(ms);
        },
      },
      onEvent: (e) => {
        if (e.kind === 'operation') operationId = e.operationId;
        // The poll that saw the end; what follows is reading the results and recording them.
        if (e.kind === 'operation-status' && ['SUCCEEDED', 'FAILED', 'STOPPED'].includes(e.status))
          sawEndAt = Date.now();
      },
    });
    const returnedAt = Date.now();
    const wallMs = performance.now() - start;
    const s2 = await stats();
    // The operation's own requests (CreateStackSet, CreateStackInstances, UpdateStackSet, ...).
    const issuedAction = (k: string) => !k.startsWith('Describe') && !k.startsWith('List');
    const issued = Object.fromEntries(Object.entries(diff(s2, s1)).filter(([k]) => issuedAction(k)));
    // The last poll saw the end: its DescribeStackSetOperation, then what was read after the end.
    const tail = diff(s2, last);
    const afterEnd: Counts = {};
    for (const [k, v] of Object.entries(tail)) {
      const n = k === 'DescribeStackSetOperation' ? v - 1 : v;
      if (n > 0 && !issuedAction(k)) afterEnd[k] = n;
    }
    polls.push({ DescribeStackSetOperation: 1 });
    for (const p of polls) for (const k of Object.keys(p)) if (issuedAction(k)) delete p[k];
    const perPollByAction: Counts = {};
    for (const p of polls)
      for (const [k, v] of Object.entries(p)) perPollByAction[k] = Math.max(perPollByAction[k] ?? 0, v);
    const end = (
      await client.send(
        new DescribeStackSetOperationCommand({ StackSetName: plan.stackSetName, OperationId: operationId }),
      )
    ).StackSetOperation?.EndTimestamp;
    const heapPeakDelta = heapPeak - heapBefore;
    gc();
    return {
      outcome: result.outcome,
      instances: plan.stages.reduce((n, s) => n + s.create.length + s.update.length, 0),
      observeRequests,
      issued,
      polls: polls.length,
      perPollMax: perPollByAction,
      maxRequestsInAPoll: Math.max(...polls.map(sum)),
      afterEnd,
      totalRequests: sum(diff(s2, s0)),
      wallMs,
      endToSeenMs: end ? sawEndAt - end.getTime() : null,
      seenToReturnedMs: returnedAt - sawEndAt,
      heapPeakDeltaMb: heapPeakDelta / 2 ** 20,
      heapRetainedDeltaMb: (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20,
      rssDeltaMb: (process.memoryUsage().rss - rssBefore) / 2 ** 20,
    };
  };

  const create = await deployPhase(1, regions);
  const update = await deployPhase(2, regions);

  // status: the pack's live instances merged with what the store last recorded.
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  heapPeak = heapBefore;
  const statusStart = performance.now();
  const s0 = await stats();
  const observed = await observeStackSet(cf, { stackSetName: 'packsmith-bench', callAs: 'SELF' });
  // As `status` does: the rows shown are the stage's accounts x Regions and every live instance.
  const shown = new Set(observed.instances.map((i) => `${i.account}/${i.region}`));
  for (const region of regions) for (const a of org.accounts) shown.add(`${a.id}/${region}`);
  let recordsRead = 0;
  const recorded = lastRecordedInstances(
    store.stackSetOperations({ pack: 'bench' }),
    (row) => {
      const rows = store.stackInstances(row);
      recordsRead += rows.length;
      return rows;
    },
    shown,
  );
  let failed = 0;
  for (const live of observed.instances) {
    const k = `${live.account}/${live.region}`;
    const rec = recorded.get(k);
    const merged = mergeStackInstance({
      accountId: live.account,
      region: live.region,
      live,
      ...(rec ? { recorded: rec } : {}),
    });
    if (merged.status.endsWith('_FAILED')) failed += 1;
  }
  sample();
  const statusMs = performance.now() - statusStart;
  const statusRequests = diff(await stats(), s0);
  // A third Region for the same stage: CreateStackInstances there only, the 5,000 others untouched.
  const addRegion = await deployPhase(2, [...regions, 'us-west-2']);
  store.close();
  process.stdout.write(
    `${JSON.stringify({
      accounts,
      regions: regions.length,
      intervalMs,
      create,
      update,
      status: {
        instances: observed.instances.length,
        recorded: recorded.size,
        recordsRead,
        failed,
        requests: statusRequests,
        ms: statusMs,
        heapPeakDeltaMb: (heapPeak - heapBefore) / 2 ** 20,
      },
      addRegion,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    })}\n`,
  );
} finally {
  child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
