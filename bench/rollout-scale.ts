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
    })}\n`,
  );
} finally {
  child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
