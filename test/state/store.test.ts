import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrganizationResourceStatus } from '../../src/facts/enums.js';
import {
  StatusStoreError,
  StatusStoreSchemaError,
  latestSchemaVersion,
  openStatusStore,
  type AccountObservation,
  type StatusStore,
} from '../../src/state/store.js';
import { openSqlite, type SqlDatabase, type SqliteBackend } from '../../src/state/sqlite.js';
import { account, deploymentInput, sqliteBackends, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
let dbPath: string;
let store: StatusStore;

let backend: SqliteBackend;
/**
 * A second, independent connection to the file, through the other binding where this Node.js has
 * both (PACKSMITH_TEST_RAW_SQLITE picks one): what is committed, read across bindings.
 */
function rawConnection(readonly: boolean): SqlDatabase {
  const other = sqliteBackends().find((b) => b.name !== backend && b.available)?.name ?? backend;
  const chosen = (process.env.PACKSMITH_TEST_RAW_SQLITE as SqliteBackend | undefined) ?? other;
  return openSqlite(dbPath, { readonly }, chosen);
}
const openStore = (): StatusStore => openStatusStore(dbPath, { backend });

/** Reads the file through a second, independent connection: what is committed, not what is cached. */
function count(table: string, where = '1'): number {
  const raw = rawConnection(true);
  try {
    return (raw.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get() as { n: number }).n;
  } finally {
    raw.close();
  }
}

const observe = (status: OrganizationResourceStatus, n: number, from = 0): AccountObservation[] =>
  Array.from({ length: n }, (_, i) => ({ accountId: account(from + i), status }));

// Every behaviour on each SQLite binding this Node.js has (node:sqlite from Node 22.13); the raw
// reads go through better-sqlite3, an independent connection, so each file is also read across bindings.
describe.each(sqliteBackends())('$name', ({ name, available, reason }) => {
  beforeEach((context) => {
    if (!available) context.skip(reason);
    backend = name;
    ({ dir, cleanup } = tempDir());
    dbPath = join(dir, 'nested', 'folder', 'state.db');
    store = openStore();
  });

  afterEach(() => {
    if (!available) return;
    store.close();
    cleanup();
  });

  describe('status store: deployments and transitions', () => {
    it('creates the folders and the file, in WAL mode', () => {
      expect(existsSync(dbPath)).toBe(true);
      const raw = rawConnection(true);
      expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      raw.close();
    });

    it('round-trips a deployment from start to finish', () => {
      const id = store.startDeployment(
        deploymentInput({ parameters: { Z: '1', A: 'two' }, operation: 'update', excludedAccounts: 3 }),
      );
      let [record] = store.history();
      expect(record).toEqual({
        id,
        pack: 'baseline',
        orgPackName: 'packsmith-baseline',
        region: 'us-east-1',
        operation: 'update',
        templateSha256: 'a'.repeat(64),
        parameters: { A: 'two', Z: '1' },
        excludedAccounts: 3,
        callerAccount: '123456789012',
        startedAt: '2026-01-01T00:00:00.000Z',
        endedAt: null,
        outcome: null,
        redacted: false,
        wave: null,
        waveIndex: null,
        unavailableRules: [],
      });
      store.finishDeployment(id, 'failed', new Date('2026-01-01T01:00:00.000Z'));
      [record] = store.history();
      expect(record).toMatchObject({ endedAt: '2026-01-01T01:00:00.000Z', outcome: 'failed' });
      // A wave's put carries its wave.
      const waveId = store.startDeployment(deploymentInput({ wave: { name: 'canary', index: 0 } }));
      expect(store.history().find((d) => d.id === waveId)).toMatchObject({ wave: 'canary', waveIndex: 0 });
      expect(() => store.finishDeployment(id, 'succeeded')).toThrow(/already finished \(failed/);
      expect(() => store.finishDeployment(id + 100, 'succeeded')).toThrow(StatusStoreError);
      // A delete has no template.
      const del = store.startDeployment(deploymentInput({ operation: 'delete', templateSha256: null }));
      expect(store.history({ limit: 1 })[0]).toMatchObject({
        id: del,
        operation: 'delete',
        templateSha256: null,
      });
    });

    it('keeps the rules a put left out as unavailable in its Region, with their controls, per deployment', () => {
      const left = [
        { rule: 'root-account-mfa-enabled', identifier: 'ROOT_ACCOUNT_MFA_ENABLED', controls: ['IA-2'] },
      ];
      const gov = store.startDeployment(deploymentInput({ region: 'us-gov-west-1', unavailableRules: left }));
      const east = store.startDeployment(deploymentInput({ region: 'us-east-1' }));
      store.close();
      store = openStatusStore(dbPath, { readonly: true, backend });
      const byId = new Map(store.history().map((d) => [d.id, d]));
      expect(byId.get(gov)?.unavailableRules).toEqual(left);
      expect(byId.get(east)?.unavailableRules).toEqual([]);
    });

    it('survives close and reopen', () => {
      const id = store.startDeployment(deploymentInput());
      store.recordObservations(id, observe('CREATE_IN_PROGRESS', 2));
      store.close();
      store = openStore();
      expect(store.transitions(id)).toHaveLength(2);
      // The status read back is the base for the next poll: unchanged writes nothing after reopening too.
      expect(store.recordObservations(id, observe('CREATE_IN_PROGRESS', 2))).toMatchObject({
        transitions: 0,
      });
    });

    it('refuses bad deployment input, including caller identities other than an account id', () => {
      expect(() =>
        store.startDeployment(deploymentInput({ callerAccount: 'arn:aws:iam::123456789012:user/x' })),
      ).toThrow(/12-digit/);
      expect(() => store.startDeployment(deploymentInput({ templateSha256: 'ABC' }))).toThrow(/hex/);
      expect(() => store.startDeployment(deploymentInput({ region: 'Virginia' }))).toThrow(/Region/);
      expect(() => store.startDeployment(deploymentInput({ excludedAccounts: -1 }))).toThrow(
        /excludedAccounts/,
      );
      expect(count('deployments')).toBe(0);
    });

    it('writes only transitions: an unchanged status writes nothing', () => {
      const id = store.startDeployment(deploymentInput());
      const t0 = new Date('2026-01-01T00:00:10.000Z');
      expect(store.recordObservations(id, observe('CREATE_IN_PROGRESS', 3), t0)).toEqual({
        transitions: 3,
        unchanged: 0,
        redacted: 0,
      });
      expect(count('status_transitions')).toBe(3);
      expect(store.recordObservations(id, observe('CREATE_IN_PROGRESS', 3))).toEqual({
        transitions: 0,
        unchanged: 3,
        redacted: 0,
      });
      expect(count('status_transitions')).toBe(3);
      // The unchanged poll did not touch the current-status row either.
      expect(store.currentStatuses({ account: account(0) })[0]?.observedAt).toBe(t0.toISOString());

      const lastUpdate = new Date('2026-01-01T00:00:55.000Z');
      const result = store.recordObservations(
        id,
        [
          { accountId: account(0), status: 'CREATE_IN_PROGRESS' },
          {
            accountId: account(1),
            status: 'CREATE_FAILED',
            errorCode: 'Custom free-text code',
            errorMessage: 'Recorder is not enabled',
            lastUpdateTime: lastUpdate,
          },
          { accountId: account(2), status: 'CREATE_SUCCESSFUL' },
        ],
        new Date('2026-01-01T00:01:00.000Z'),
      );
      expect(result).toEqual({ transitions: 2, unchanged: 1, redacted: 0 });
      expect(count('status_transitions')).toBe(5);
      expect(count('account_status')).toBe(3);
      expect(store.transitions(id, account(1))).toMatchObject([
        { status: 'CREATE_IN_PROGRESS', previousStatus: null, errorCode: null },
        {
          status: 'CREATE_FAILED',
          previousStatus: 'CREATE_IN_PROGRESS',
          errorCode: 'Custom free-text code',
          errorMessage: 'Recorder is not enabled',
          observedAt: '2026-01-01T00:01:00.000Z',
          awsLastUpdateTime: lastUpdate.toISOString(),
          redacted: false,
        },
      ]);
      expect(store.transitions(id).map((t) => t.accountId)).toEqual([
        account(0),
        account(1),
        account(2),
        account(1),
        account(2),
      ]);
    });

    it('[10] closes the unfinished deployments of one org pack as interrupted, and only those', () => {
      const killedA = store.startDeployment(deploymentInput({ region: 'us-east-1' }));
      const killedB = store.startDeployment(deploymentInput({ region: 'eu-west-1' }));
      const done = store.startDeployment(deploymentInput());
      store.finishDeployment(done, 'succeeded');
      const other = store.startDeployment(deploymentInput({ orgPackName: 'OtherPack' }));
      expect(store.interruptUnfinished('packsmith-baseline', new Date('2026-01-02T00:00:00.000Z'))).toEqual([
        killedA,
        killedB,
      ]);
      const byId = new Map(store.history().map((d) => [d.id, d]));
      expect(byId.get(killedA)).toMatchObject({
        outcome: 'interrupted',
        endedAt: '2026-01-02T00:00:00.000Z',
      });
      expect(byId.get(killedB)?.outcome).toBe('interrupted');
      expect(byId.get(done)?.outcome).toBe('succeeded');
      expect(byId.get(other)).toMatchObject({ outcome: null, endedAt: null });
      expect(store.interruptUnfinished('packsmith-baseline')).toEqual([]);
      expect(count('deployments', "outcome = 'interrupted'")).toBe(2);
    });

    it('refuses observations for a deployment that does not exist', () => {
      expect(() => store.recordObservations(42, observe('CREATE_IN_PROGRESS', 1))).toThrow(
        /no deployment 42/,
      );
      expect(count('status_transitions')).toBe(0);
    });
  });

  describe('status store: one transaction per poll', () => {
    it('records 1,000 observations as one poll', () => {
      const id = store.startDeployment(deploymentInput());
      const started = performance.now();
      const result = store.recordObservations(id, observe('CREATE_IN_PROGRESS', 1000));
      const elapsed = performance.now() - started;
      console.log(`1,000 observations in one poll: ${elapsed.toFixed(1)} ms`);
      expect(result.transitions).toBe(1000);
      expect(count('status_transitions')).toBe(1000);
      expect(count('account_status')).toBe(1000);
      expect(new Set(store.transitions(id).map((t) => t.observedAt)).size).toBe(1);
    });

    it('rolls back the whole poll when one observation in it fails', () => {
      const id = store.startDeployment(deploymentInput());
      store.recordObservations(id, observe('CREATE_IN_PROGRESS', 10));
      const batch = [
        ...observe('CREATE_SUCCESSFUL', 999),
        { accountId: account(5000), status: 'NOT_A_STATUS' as OrganizationResourceStatus },
      ];
      expect(() => store.recordObservations(id, batch)).toThrow(
        /observation 999: unknown status NOT_A_STATUS/,
      );
      // Nothing of the failed poll is there, and the earlier poll is intact.
      expect(count('status_transitions')).toBe(10);
      expect(count('account_status', "status = 'CREATE_SUCCESSFUL'")).toBe(0);
      expect(store.currentStatuses().map((s) => s.status)).toEqual(Array(10).fill('CREATE_IN_PROGRESS'));
      expect(() => store.recordObservations(id, [{ accountId: '12345', status: 'CREATE_FAILED' }])).toThrow(
        /12-digit/,
      );
      // After a failed poll the next one still works and sees the committed statuses.
      expect(store.recordObservations(id, observe('CREATE_SUCCESSFUL', 10)).transitions).toBe(10);
    });
  });

  describe('status store: queries', () => {
    it('filters current statuses by pack, Region and account, newest deployment first', () => {
      const east1 = store.startDeployment(deploymentInput());
      const west = store.startDeployment(deploymentInput({ region: 'eu-west-1' }));
      const other = store.startDeployment(deploymentInput({ pack: 'other', orgPackName: 'packsmith-other' }));
      store.recordObservations(east1, observe('CREATE_FAILED', 2));
      store.recordObservations(west, observe('CREATE_SUCCESSFUL', 2));
      store.recordObservations(other, observe('CREATE_IN_PROGRESS', 1));
      // A later deployment of the same pack and Region that has observed only account 0 so far.
      const east2 = store.startDeployment(deploymentInput({ operation: 'update' }));
      store.recordObservations(east2, observe('UPDATE_IN_PROGRESS', 1));

      const key = (s: {
        pack: string;
        region: string;
        accountId: string;
        status: string;
        deploymentId: number;
      }) => `${s.pack}/${s.region}/${s.accountId}=${s.status}@${s.deploymentId}`;
      expect(store.currentStatuses().map(key)).toEqual([
        `baseline/eu-west-1/${account(0)}=CREATE_SUCCESSFUL@${west}`,
        `baseline/eu-west-1/${account(1)}=CREATE_SUCCESSFUL@${west}`,
        `baseline/us-east-1/${account(0)}=UPDATE_IN_PROGRESS@${east2}`,
        `baseline/us-east-1/${account(1)}=CREATE_FAILED@${east1}`,
        `other/us-east-1/${account(0)}=CREATE_IN_PROGRESS@${other}`,
      ]);
      expect(store.currentStatuses({ pack: 'other' }).map(key)).toEqual([
        `other/us-east-1/${account(0)}=CREATE_IN_PROGRESS@${other}`,
      ]);
      expect(store.currentStatuses({ region: 'eu-west-1' })).toHaveLength(2);
      expect(
        store.currentStatuses({ pack: 'baseline', region: 'us-east-1', account: account(1) }).map(key),
      ).toEqual([`baseline/us-east-1/${account(1)}=CREATE_FAILED@${east1}`]);
      expect(store.currentStatuses({ account: account(1) })).toHaveLength(2);
      expect(store.currentStatuses({ pack: 'missing' })).toEqual([]);
    });

    it('lists history newest first, filtered by pack and limited', () => {
      const ids = [
        store.startDeployment(deploymentInput()),
        store.startDeployment(deploymentInput({ pack: 'other', orgPackName: 'packsmith-other' })),
        store.startDeployment(deploymentInput({ operation: 'update' })),
      ];
      expect(store.history().map((d) => d.id)).toEqual([ids[2], ids[1], ids[0]]);
      expect(store.history({ pack: 'baseline' }).map((d) => d.id)).toEqual([ids[2], ids[0]]);
      expect(store.history({ limit: 1 }).map((d) => d.id)).toEqual([ids[2]]);
      expect(store.history({ pack: 'nope' })).toEqual([]);
      expect(() => store.history({ limit: 0 })).toThrow(/limit/);
    });

    it('filters transitions by account and keeps deployments apart', () => {
      const a = store.startDeployment(deploymentInput());
      const b = store.startDeployment(deploymentInput({ region: 'eu-west-1' }));
      store.recordObservations(a, observe('CREATE_IN_PROGRESS', 3));
      store.recordObservations(b, observe('CREATE_IN_PROGRESS', 1));
      expect(store.transitions(a)).toHaveLength(3);
      expect(store.transitions(b)).toHaveLength(1);
      expect(store.transitions(a, account(2)).map((t) => t.accountId)).toEqual([account(2)]);
      expect(store.transitions(a, account(9))).toEqual([]);
    });
  });

  describe('status store: schema versioning', () => {
    it('records the schema version once, and keeps it on reopen', () => {
      expect(store.schemaVersion).toBe(latestSchemaVersion);
      store.close();
      store = openStore();
      const raw = rawConnection(true);
      const rows = raw.prepare('SELECT version FROM schema_version ORDER BY version').all() as {
        version: number;
      }[];
      raw.close();
      expect(rows.map((r) => r.version)).toEqual(
        Array.from({ length: latestSchemaVersion }, (_, i) => i + 1),
      );
    });

    it('refuses a database written by a newer packsmith, and leaves it untouched', () => {
      store.close();
      const raw = rawConnection(false);
      raw.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(99, 'future');
      raw.close();
      let error: unknown;
      try {
        store = openStore();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StatusStoreSchemaError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `schema version 99, but this packsmith understands only up to version ${latestSchemaVersion}`,
        ),
      );
      expect(count('schema_version', 'version = 99')).toBe(1);
      store = { close: () => undefined } as StatusStore;
    });
  });

  describe('status store: credential guard', () => {
    const keyId = 'AKIAIOSFODNN7EXAMPLE';
    const tempKeyId = 'ASIAY34FZKBOKMUTVV7A';
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

    it('redacts access keys and secrets in error text and parameters, and flags the rows', () => {
      const id = store.startDeployment(
        deploymentInput({ parameters: { Key: `secret=${secret}`, Plain: 'ok' } }),
      );
      const result = store.recordObservations(id, [
        {
          accountId: account(0),
          status: 'CREATE_FAILED',
          errorCode: `Denied for ${tempKeyId}`,
          errorMessage: `User with key ${keyId} and aws_secret_access_key = ${secret} failed`,
        },
        { accountId: account(1), status: 'CREATE_FAILED', errorMessage: 'Recorder is not enabled' },
      ]);
      expect(result).toMatchObject({ transitions: 2, redacted: 1 });
      const [t0, t1] = store.transitions(id);
      expect(t0).toMatchObject({
        errorCode: 'Denied for [REDACTED:access-key-id]',
        errorMessage:
          'User with key [REDACTED:access-key-id] and aws_secret_access_key = [REDACTED:secret] failed',
        redacted: true,
      });
      expect(t1).toMatchObject({ errorMessage: 'Recorder is not enabled', redacted: false });
      expect(store.currentStatuses({ account: account(0) })[0]?.errorMessage).toContain(
        '[REDACTED:access-key-id]',
      );
      expect(store.history()[0]).toMatchObject({
        parameters: { Key: 'secret=[REDACTED:secret]', Plain: 'ok' },
        redacted: true,
      });

      store.close();
      const bytes = [dbPath, `${dbPath}-wal`]
        .filter((p) => existsSync(p))
        .map((p) => readFileSync(p).toString('latin1'))
        .join('');
      expect(bytes).toContain('Recorder is not enabled');
      for (const s of [keyId, tempKeyId, secret]) expect(bytes).not.toContain(s);
    });

    it('keeps 40-character tokens that are not next to the word "secret" (commit ids, hashes)', async () => {
      const { redactSecrets } = await import('../../src/state/redact.js');
      const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
      expect(redactSecrets(`template at commit ${sha1}`)).toEqual({
        text: `template at commit ${sha1}`,
        redacted: false,
      });
      expect(redactSecrets(`${secret} is the SecretAccessKey`).text).toBe(
        '[REDACTED:secret] is the SecretAccessKey',
      );
      // A key id inside a longer token is not an access key id.
      expect(redactSecrets(`XAKIAIOSFODNN7EXAMPLE1`).redacted).toBe(false);
    });
  });
});
