/**
 * Issue 10, an interrupted wave said as it is: Ctrl-C in the middle of a wave leaves its accounts
 * in progress, so the wave is neither done (✓) nor stopped by failures; the rollout core says
 * `interrupted` with the number still in progress, and the CLI formats just that.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { painter } from '../../src/cli/terminal.js';
import { formatWaves, waveEndText, type PackRegionResult } from '../../src/cli/run/rollout-runner.js';
import type { OrgAccount } from '../../src/org/discover.js';
import { sha256Hex } from '../../src/rollout/records.js';
import { runRegionRollout, type PlannedWave, type WaveEvent } from '../../src/rollout/rollout.js';
import { startConfigEmulator, type ConfigEmulator } from '../../src/sandbox/config-emulator/index.js';

const template = `Resources:
  IamPasswordPolicy:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: iam-password-policy
      Source:
        Owner: AWS
        SourceIdentifier: IAM_PASSWORD_POLICY
`;

const account = (i: number): OrgAccount => ({
  id: String(200000000000 + i),
  name: `member-${i}`,
  email: `${i}@example.com`,
  status: 'ACTIVE',
  parentId: 'ou-root-00000001',
  ouPath: i < 3 ? '/Root/ou1' : '/Root/ou2',
  ancestorIds: ['r-root'],
});
const accounts = Array.from({ length: 5 }, (_, i) => account(i));
const ids = (list: OrgAccount[]) => list.map((a) => a.id);

/** An S3 bucket in memory: PutObject and GetObject, NoSuchKey for what is not there. */
function memoryS3() {
  const objects = new Map<string, string>();
  return {
    objects,
    async send(command: unknown): Promise<unknown> {
      if (command instanceof PutObjectCommand) {
        const { Bucket, Key, Body, IfNoneMatch } = command.input;
        const key = `${Bucket}/${Key}`;
        if (IfNoneMatch === '*' && objects.has(key))
          throw Object.assign(new Error('exists'), {
            name: 'PreconditionFailed',
            $metadata: { httpStatusCode: 412 },
          });
        objects.set(key, String(Body));
        return {};
      }
      if (command instanceof GetObjectCommand) {
        const text = objects.get(`${command.input.Bucket}/${command.input.Key}`);
        if (text === undefined)
          throw Object.assign(new Error('missing'), {
            name: 'NoSuchKey',
            $metadata: { httpStatusCode: 404 },
          });
        const bytes = new TextEncoder().encode(text);
        return {
          ContentLength: bytes.byteLength,
          Body: { transformToByteArray: async () => bytes, transformToString: async () => text },
        };
      }
      throw new Error(`unexpected S3 call ${String((command as object).constructor.name)}`);
    },
  };
}

let emulator: ConfigEmulator | undefined;
const clients: ConfigServiceClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await emulator?.close();
  emulator = undefined;
});

/** A rollout in two waves whose first wave is cancelled (Ctrl-C) after its put, accounts still in progress. */
async function interruptedRollout() {
  const s3 = memoryS3();
  // A manual clock that never moves: every account of the wave stays in progress.
  emulator = await startConfigEmulator({
    accounts: async () => accounts.map((a) => ({ id: a.id, status: 'ACTIVE' as const })),
    clock: 'manual',
    readTemplate: async (uri) => {
      const text = s3.objects.get(uri.replace(/^s3:\/\//, ''));
      if (text === undefined) throw new Error(`no template at ${uri}`);
      return text;
    },
  });
  const config = new ConfigServiceClient({
    endpoint: emulator.endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIAEMULATORTEST0000', secretAccessKey: 'not-a-secret' },
  });
  clients.push(config);
  const first = accounts.slice(0, 3);
  const rest = accounts.slice(3);
  const waves: PlannedWave[] = [
    {
      name: 'ou1',
      index: 0,
      implicit: false,
      accounts: ids(first),
      excludedAccounts: ids(rest),
      allowedFailures: 0,
      tolerance: 0,
    },
    {
      name: 'rest',
      index: 1,
      implicit: true,
      accounts: ids(rest),
      excludedAccounts: [],
      allowedFailures: 0,
      tolerance: 0,
    },
  ];
  const controller = new AbortController();
  const events: WaveEvent[] = [];
  const result = await runRegionRollout({
    pack: 'p',
    orgPackName: 'p',
    region: 'us-east-1',
    bucket: 'templates-bucket',
    owner: '123456789012',
    config,
    s3,
    tracking: {
      intervalMs: 10,
      timeoutMs: 600_000,
      signal: controller.signal,
      // The first wait of the tracking is where the user presses Ctrl-C.
      sleep: async () => controller.abort(),
    },
    onEvent: (e) => {
      if (e.kind === 'wave-start' || e.kind === 'wave-end') events.push(e);
    },
    desired: {
      templateBody: template,
      templateSha256: sha256Hex(template),
      parameters: {},
      excludedAccounts: [],
      included: accounts,
    },
    accounts,
    waves,
    covered: [],
    followCovered: false,
    exists: false,
  });
  return { result, events };
}

describe('an interrupted wave', () => {
  it('[10] the rollout core says the wave was interrupted with its accounts in progress, not stopped by failures', async () => {
    const { result, events } = await interruptedRollout();
    expect(result.outcome).toBe('cancelled');
    expect(result.stoppedAt).toBeUndefined();
    expect(result.waves).toHaveLength(1); // the second wave was never put
    const [wave] = result.waves;
    expect(wave).toMatchObject({ name: 'ou1', interrupted: true, inProgress: 3, failedInWave: [] });
    const end = events.find((e) => e.kind === 'wave-end');
    expect(end).toMatchObject({ wave: 'ou1', interrupted: true, stopped: false, inProgress: 3, failed: 0 });
  }, 30_000);

  it('[10] the CLI says "interrupted, N in progress" with --resume, never ✓ or "stopped the rollout"', async () => {
    const { result, events } = await interruptedRollout();
    const end = events.find((e): e is Extract<WaveEvent, { kind: 'wave-end' }> => e.kind === 'wave-end')!;
    expect(waveEndText(end)).toBe('wave ou1 interrupted: 3 account(s) still in progress, 0 failed so far');
    const text = formatWaves({ pack: 'p', rollout: result } as unknown as PackRegionResult, painter(false));
    expect(text).toContain(
      '… ou1: 3 account(s), interrupted, 3 in progress, 0 failed so far; continue with `packsmith deploy p --resume`',
    );
    expect(text).not.toContain('✓');
    expect(text).not.toContain('stopped');
    // A wave that did finish keeps its ✓, one stopped by failures its ✗.
    const done = { ...result.waves[0]!, interrupted: false, inProgress: 0 };
    const failed = { ...done, failedInWave: ['200000000000'] };
    const plain = formatWaves(
      { pack: 'p', rollout: { ...result, waves: [done, failed] } } as unknown as PackRegionResult,
      painter(false),
    );
    expect(plain).toContain('✓ ou1: 3 account(s), 0 failed (tolerance 0)');
    expect(plain).toContain('✗ ou1: 3 account(s), 1 failed (tolerance 0)');
  }, 30_000);
});
