/**
 * Rollout tracking at scale, for `npm run bench`: an organization pack put to N emulated accounts
 * (the emulator runs in another process), followed by packsmith's tracker and poller with a real
 * status database, exactly as `deploy` does. Prints one JSON line:
 *   requestsPerPoll  detailed-status requests counted at the emulator ÷ polls (target ⌈N/100⌉)
 *   cpuMsPerPoll     this process's CPU time ÷ polls
 *   peakRssMb        this process's peak resident memory
 *   reportLagMs      from the last account finishing (its LastUpdateTime) to packsmith reporting the rollout done
 *   planMs           targeting + waves + plan for the same N accounts (pure)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigServiceClient, PutOrganizationConformancePackCommand } from '@aws-sdk/client-config-service';
import type { OrgAccount, OrgTree } from '../src/org/discover.js';
import { resolveTargets } from '../src/org/targeting.js';
import { discoverOrganization } from '../src/org/discover.js';
import { renderHtmlReport } from '../src/report/html-report.js';
import { planRegion } from '../src/rollout/plan.js';
import { trackRollout } from '../src/rollout/poll.js';
import { createTracker } from '../src/rollout/tracker.js';
import { resolveWaves } from '../src/rollout/waves.js';
import { openStatusStore } from '../src/state/store.js';

const accounts = Number(process.argv[2] ?? '1000');
const intervalMs = Number(process.argv[3] ?? '1000');
const template = `Resources:
  S3Versioning:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: s3-bucket-versioning-enabled
      Source:
        Owner: AWS
        SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED
`;

const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(import.meta.dirname, 'emulator-server.ts'), String(accounts), '1000', '4000'],
  {
    stdio: ['pipe', 'pipe', 'inherit'],
  },
);
const endpoint = await new Promise<string>((resolve, reject) => {
  const lines = createInterface({ input: child.stdout });
  lines.once('line', (line) => resolve((JSON.parse(line) as { endpoint: string }).endpoint));
  child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
});
const work = mkdtempSync(join(tmpdir(), 'packsmith-bench-rollout-'));
try {
  const config = new ConfigServiceClient({
    endpoint,
    region: 'us-east-1',
    maxAttempts: 5,
    // The emulator checks no signature; these are not credentials of anything.
    credentials: { accessKeyId: 'AKIABENCHMARK0000000', secretAccessKey: 'bench-not-a-secret' },
  });
  const ids = Array.from({ length: accounts }, (_, i) => String(300000000000 + i));
  const stats = async () =>
    ((await (await fetch(`${endpoint}/__emulator/stats`)).json()) as { requests: Record<string, number> })
      .requests;

  // Planning for the same organization, pure.
  const tree: OrgTree = {
    organizationId: 'o-bench',
    managementAccountId: ids[0] as string,
    featureSet: 'ALL',
    root: { id: 'r-bench', name: 'Root', path: '/Root' },
    ous: [],
    accounts: ids.map((id): OrgAccount => ({
      id,
      name: `a-${id}`,
      email: '',
      status: 'ACTIVE',
      parentId: 'r-bench',
      ouPath: '/Root',
      ancestorIds: ['r-bench'],
    })),
  };
  const planStart = performance.now();
  const resolution = resolveTargets(tree, { ous: ['/Root'] });
  resolveWaves({
    tree,
    included: resolution.included,
    waves: [{ name: 'canary', accounts: ids.slice(0, 3) }],
  });
  planRegion(
    {
      region: 'us-east-1',
      templateBody: template,
      templateSha256: '0'.repeat(64),
      parameters: {},
      excludedAccounts: [],
      included: resolution.included,
      excludedRules: [],
    },
    { region: 'us-east-1', rows: [] },
  );
  const planMs = performance.now() - planStart;

  // Discovery over a fake Organizations API (packsmith's own cost: paging at 20, 50 OUs).
  const ouIds = Array.from({ length: 50 }, (_, i) => `ou-bench-${String(i).padStart(8, '0')}`);
  const perOu = Math.ceil(accounts / ouIds.length);
  const page = <T>(items: T[], token: string | undefined) => {
    const start = Number(token ?? '0');
    const next = start + 20 < items.length ? String(start + 20) : undefined;
    return { items: items.slice(start, start + 20), next };
  };
  let orgRequests = 0;
  const organizations = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      orgRequests += 1;
      const input = command.input as { ParentId?: string; NextToken?: string };
      switch (command.constructor.name) {
        case 'DescribeOrganizationCommand':
          return { Organization: { Id: 'o-bench', MasterAccountId: ids[0], FeatureSet: 'ALL' } };
        case 'ListRootsCommand':
          return { Roots: [{ Id: 'r-bench', Name: 'Root' }] };
        case 'ListOrganizationalUnitsForParentCommand': {
          const children = input.ParentId === 'r-bench' ? ouIds.map((Id) => ({ Id, Name: Id })) : [];
          const p = page(children, input.NextToken);
          return { OrganizationalUnits: p.items, NextToken: p.next };
        }
        case 'ListAccountsForParentCommand': {
          const index = ouIds.indexOf(input.ParentId ?? '');
          const mine = index < 0 ? [] : ids.slice(index * perOu, (index + 1) * perOu);
          const p = page(mine, input.NextToken);
          return {
            Accounts: p.items.map((Id) => ({ Id, Name: `a-${Id}`, Status: 'ACTIVE' })),
            NextToken: p.next,
          };
        }
        default:
          throw new Error(`unexpected ${command.constructor.name}`);
      }
    },
  };
  const discoverStart = performance.now();
  const discovered = await discoverOrganization(organizations as never);
  const discoverMs = performance.now() - discoverStart;
  if (discovered.accounts.length !== accounts) throw new Error('discovery lost accounts');

  await config.send(
    new PutOrganizationConformancePackCommand({
      OrganizationConformancePackName: 'bench',
      TemplateBody: template,
    }),
  );
  const since = new Date(Date.now() - 1000);
  const before = await stats();
  const store = openStatusStore(join(work, 'state.db'));
  const deploymentId = store.startDeployment({
    pack: 'bench',
    orgPackName: 'bench',
    region: 'us-east-1',
    operation: 'create',
    templateSha256: '0'.repeat(64),
    parameters: {},
    excludedAccounts: 0,
    callerAccount: ids[0] as string,
  });
  const tracker = createTracker({
    operation: 'create',
    since,
    targets: resolution.included.map((a) => ({ id: a.id, name: a.name, ouPath: a.ouPath })),
    excluded: [],
  });
  let doneAt = 0;
  const cpuStart = process.cpuUsage();
  const tracked = await trackRollout({
    config,
    orgPackName: 'bench',
    tracker,
    intervalMs,
    timeoutMs: 120_000,
    store: { deploymentId, recordObservations: (d, o, at) => store.recordObservations(d, o, at) },
    onPoll: (s) => {
      if (s.done) doneAt = Date.now();
    },
  });
  const cpu = process.cpuUsage(cpuStart);
  store.close();
  const after = await stats();
  const detailed =
    (after.GetOrganizationConformancePackDetailedStatus ?? 0) -
    (before.GetOrganizationConformancePackDetailedStatus ?? 0);
  const lastFinished = Math.max(...tracker.accounts().map((a) => a.lastUpdateTime?.getTime() ?? 0));
  // The HTML report of this rollout: every account in two Regions.
  const reportStart = performance.now();
  const html = renderHtmlReport({
    title: 'bench',
    generatedAt: new Date().toISOString(),
    packsmithVersion: 'bench',
    packs: [{ pack: 'bench', orgPackName: 'bench', regions: ['us-east-1', 'eu-west-1'], waves: [] }],
    accounts: ['us-east-1', 'eu-west-1'].flatMap((region) =>
      tracker.accounts().map((a) => ({
        pack: 'bench',
        region,
        accountId: a.id,
        status: a.status ?? 'NOT_DEPLOYED',
        target: true,
      })),
    ),
    deployments: [],
    timeline: [],
  });
  const reportMs = performance.now() - reportStart;
  process.stdout.write(
    `${JSON.stringify({
      accounts,
      outcome: tracked.outcome,
      polls: tracked.polls,
      requestsPerPoll: detailed / tracked.polls,
      cpuMsPerPoll: (cpu.user + cpu.system) / 1000 / tracked.polls,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      reportLagMs: doneAt - lastFinished,
      intervalMs,
      planMs,
      discoverMs,
      orgRequests,
      reportMs,
      reportBytes: Buffer.byteLength(html),
    })}\n`,
  );
} finally {
  child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
