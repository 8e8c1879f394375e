/**
 * A database written before waves existed (schema version 1) is migrated in place when opened:
 * nothing recorded is lost, and old deployments simply have no wave.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../../src/state/schema.js';
import { latestSchemaVersion, openStatusStore } from '../../src/state/store.js';
import { tempDir } from './helpers.js';

describe('status store migrations', () => {
  let dir: { dir: string; cleanup: () => void };
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('brings a version 1 database to the latest version and keeps every row', () => {
    const path = join(dir.dir, 'state.db');
    const v1 = migrations.find((m) => m.version === 1);
    expect(v1).toBeDefined();
    const db = new Database(path);
    db.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    db.exec(v1!.sql);
    db.prepare("INSERT INTO schema_version VALUES (1, '2026-01-01T00:00:00.000Z')").run();
    db.prepare(
      `INSERT INTO deployments (pack, org_pack_name, region, operation, template_sha256, parameters_json,
         excluded_accounts, caller_account, started_at, ended_at, outcome)
       VALUES ('baseline', 'baseline', 'us-east-1', 'create', NULL, '{"A":"1"}', 2, '123456789012',
         '2026-01-01T00:00:00.000Z', '2026-01-01T00:10:00.000Z', 'failed')`,
    ).run();
    db.prepare(
      `INSERT INTO status_transitions (deployment_id, account_id, status, observed_at)
       VALUES (1, '111111111111', 'CREATE_FAILED', '2026-01-01T00:05:00.000Z')`,
    ).run();
    db.close();

    const store = openStatusStore(path);
    try {
      expect(store.schemaVersion).toBe(latestSchemaVersion);
      expect(latestSchemaVersion).toBeGreaterThanOrEqual(2);
      const [old] = store.history();
      expect(old).toMatchObject({
        pack: 'baseline',
        outcome: 'failed',
        parameters: { A: '1' },
        excludedAccounts: 2,
        wave: null,
        waveIndex: null,
      });
      expect(store.transitions(old!.id)).toHaveLength(1);
      // [10] The rebuilt deployments table keeps its references and accepts "interrupted".
      const open = store.startDeployment({
        pack: 'baseline',
        orgPackName: 'baseline',
        region: 'us-east-1',
        operation: 'update',
        templateSha256: null,
        parameters: {},
        excludedAccounts: 0,
        callerAccount: '123456789012',
      });
      expect(open).toBe(old!.id + 1);
      expect(store.interruptUnfinished('baseline')).toEqual([open]);
      // New deployments carry their wave next to the old ones.
      const id = store.startDeployment({
        pack: 'baseline',
        orgPackName: 'baseline',
        region: 'us-east-1',
        operation: 'update',
        templateSha256: null,
        parameters: {},
        excludedAccounts: 0,
        callerAccount: '123456789012',
        wave: { name: 'canary', index: 0 },
      });
      expect(store.history()[0]).toMatchObject({ id, wave: 'canary', waveIndex: 0 });
    } finally {
      store.close();
    }
  });

  it('brings a version 5 database (stack set operations) to version 6: rows kept, delete kinds accepted', () => {
    const path = join(dir.dir, 'state.db');
    const db = new Database(path);
    db.exec('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    for (const m of migrations.filter((m) => m.version <= 5)) {
      db.exec(m.sql);
      db.prepare("INSERT INTO schema_version VALUES (?, '2026-01-01T00:00:00.000Z')").run(m.version);
    }
    db.prepare(
      `INSERT INTO stackset_operations (pack, stack_set_name, run_key, stage, stage_index, kind, operation_id,
         attempt, status, caller_account, started_at)
       VALUES ('baseline', 'packsmith-baseline', 'k', 'canary', 0, 'create-instances', 'op-1', 1, 'SUCCEEDED',
         '123456789012', '2026-01-01T00:00:00.000Z')`,
    ).run();
    db.prepare(
      `INSERT INTO stack_instance_status (operation_row, account_id, region, status, detailed_status, observed_at)
       VALUES (1, '111111111111', 'us-east-1', 'CURRENT', 'SUCCEEDED', '2026-01-01T00:05:00.000Z')`,
    ).run();
    // Version 5 refuses the kinds destroy records.
    expect(() =>
      db
        .prepare(
          `INSERT INTO stackset_operations (pack, stack_set_name, run_key, stage, stage_index, kind, operation_id,
             attempt, status, caller_account, started_at)
           VALUES ('baseline', 'packsmith-baseline', 'd', 'canary', 0, 'delete-instances', 'op-2', 1, 'ISSUING',
             '123456789012', '2026-01-01T00:00:00.000Z')`,
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();

    const store = openStatusStore(path);
    try {
      expect(store.schemaVersion).toBe(latestSchemaVersion);
      const [old] = store.stackSetOperations({ pack: 'baseline' });
      expect(old).toMatchObject({
        id: 1,
        kind: 'create-instances',
        status: 'SUCCEEDED',
        operationId: 'op-1',
      });
      expect(store.stackInstances(1)).toMatchObject([
        { accountId: '111111111111', detailedStatus: 'SUCCEEDED' },
      ]);
      for (const kind of ['delete-instances', 'delete-stack-set'] as const) {
        const row = store.startStackSetOperation({
          pack: 'baseline',
          stackSetName: 'packsmith-baseline',
          runKey: 'd',
          stage: 'canary',
          stageIndex: 0,
          kind,
          operationId: `op-${kind}`,
          attempt: 1,
          callerAccount: '123456789012',
        });
        // The instances still reference the rebuilt table.
        store.recordStackInstances(row, [
          {
            accountId: '111111111111',
            region: 'us-east-1',
            status: 'INOPERABLE',
            detailedStatus: 'INOPERABLE',
          },
        ]);
        expect(store.stackInstances(row)).toHaveLength(1);
      }
      expect(store.stackSetOperations({ pack: 'baseline', runKey: 'd' }).map((o) => o.kind)).toEqual([
        'delete-stack-set',
        'delete-instances',
      ]);
    } finally {
      store.close();
    }
  });
});
