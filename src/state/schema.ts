import type { SqlDatabase as Database } from './sqlite.js';
import {
  organizationResourceStatuses,
  stackInstanceDetailedStatuses,
  stackSetOperationStatuses,
} from '../facts/enums.js';

/**
 * Forward-only migrations of the status database. Migration N brings a database at version N-1 to
 * version N; released migrations are never edited, only appended. `schema_version` keeps one row
 * per applied migration.
 */

const statusList = organizationResourceStatuses.map((s) => `'${s}'`).join(', ');
const quoted = (list: readonly string[]) => list.map((s) => `'${s}'`).join(', ');

export const migrations: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE deployments (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  pack              TEXT    NOT NULL,
  org_pack_name     TEXT    NOT NULL,
  region            TEXT    NOT NULL,
  operation         TEXT    NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
  template_sha256   TEXT    CHECK (template_sha256 IS NULL OR (length(template_sha256) = 64
                                   AND template_sha256 NOT GLOB '*[^0-9a-f]*')),
  parameters_json   TEXT    NOT NULL CHECK (json_valid(parameters_json)),
  excluded_accounts INTEGER NOT NULL CHECK (excluded_accounts >= 0),
  caller_account    TEXT    NOT NULL CHECK (length(caller_account) = 12
                                   AND caller_account NOT GLOB '*[^0-9]*'),
  started_at        TEXT    NOT NULL,
  ended_at          TEXT,
  outcome           TEXT    CHECK (outcome IS NULL OR outcome IN ('succeeded', 'failed', 'cancelled', 'timed-out')),
  redacted          INTEGER NOT NULL DEFAULT 0 CHECK (redacted IN (0, 1)),
  CHECK ((ended_at IS NULL) = (outcome IS NULL))
);
CREATE INDEX deployments_pack_region ON deployments (pack, region, id);

CREATE TABLE account_status (
  deployment_id        INTEGER NOT NULL REFERENCES deployments (id),
  account_id           TEXT    NOT NULL,
  status               TEXT    NOT NULL CHECK (status IN (${statusList})),
  error_code           TEXT,
  error_message        TEXT,
  observed_at          TEXT    NOT NULL,
  aws_last_update_time TEXT,
  PRIMARY KEY (deployment_id, account_id)
) WITHOUT ROWID;
CREATE INDEX account_status_account ON account_status (account_id);

CREATE TABLE status_transitions (
  id                   INTEGER PRIMARY KEY AUTOINCREMENT,
  deployment_id        INTEGER NOT NULL REFERENCES deployments (id),
  account_id           TEXT    NOT NULL CHECK (length(account_id) = 12 AND account_id NOT GLOB '*[^0-9]*'),
  status               TEXT    NOT NULL CHECK (status IN (${statusList})),
  previous_status      TEXT    CHECK (previous_status IS NULL OR previous_status IN (${statusList})),
  error_code           TEXT,
  error_message        TEXT,
  observed_at          TEXT    NOT NULL,
  aws_last_update_time TEXT,
  redacted             INTEGER NOT NULL DEFAULT 0 CHECK (redacted IN (0, 1))
);
CREATE INDEX status_transitions_deployment ON status_transitions (deployment_id, account_id, id);
`,
  },
  {
    // Rollouts in waves: each wave's put is a deployment of its own.
    version: 2,
    sql: `
ALTER TABLE deployments ADD COLUMN wave TEXT;
ALTER TABLE deployments ADD COLUMN wave_index INTEGER CHECK (wave_index IS NULL OR wave_index >= 0);
`,
  },
  {
    // The outcome "interrupted": a run killed before it could finish its rows, closed by the next
    // deploy that takes over its lock. SQLite cannot alter a CHECK: the table is rebuilt (the
    // documented 12-step procedure; migrate() runs it with foreign keys off and checks them after).
    version: 3,
    sql: `
CREATE TABLE deployments_v3 (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  pack              TEXT    NOT NULL,
  org_pack_name     TEXT    NOT NULL,
  region            TEXT    NOT NULL,
  operation         TEXT    NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
  template_sha256   TEXT    CHECK (template_sha256 IS NULL OR (length(template_sha256) = 64
                                   AND template_sha256 NOT GLOB '*[^0-9a-f]*')),
  parameters_json   TEXT    NOT NULL CHECK (json_valid(parameters_json)),
  excluded_accounts INTEGER NOT NULL CHECK (excluded_accounts >= 0),
  caller_account    TEXT    NOT NULL CHECK (length(caller_account) = 12
                                   AND caller_account NOT GLOB '*[^0-9]*'),
  started_at        TEXT    NOT NULL,
  ended_at          TEXT,
  outcome           TEXT    CHECK (outcome IS NULL OR outcome IN ('succeeded', 'failed', 'cancelled', 'timed-out',
                                   'interrupted')),
  redacted          INTEGER NOT NULL DEFAULT 0 CHECK (redacted IN (0, 1)),
  wave              TEXT,
  wave_index        INTEGER CHECK (wave_index IS NULL OR wave_index >= 0),
  CHECK ((ended_at IS NULL) = (outcome IS NULL))
);
INSERT INTO deployments_v3 SELECT id, pack, org_pack_name, region, operation, template_sha256, parameters_json,
  excluded_accounts, caller_account, started_at, ended_at, outcome, redacted, wave, wave_index FROM deployments;
DROP TABLE deployments;
ALTER TABLE deployments_v3 RENAME TO deployments;
CREATE INDEX deployments_pack_region ON deployments (pack, region, id);
`,
  },
  {
    // The rules a put's template left out because AWS does not document them in the Region
    // (`unavailableRules: exclude`), with their controls: JSON, NULL when none were left out.
    version: 4,
    sql: `
ALTER TABLE deployments ADD COLUMN unavailable_rules_json TEXT
  CHECK (unavailable_rules_json IS NULL OR json_valid(unavailable_rules_json));
`,
  },
  {
    // The stack set engine (issue 16): one row per stack set operation packsmith issued for a stage
    // (its OperationId, so a resumed run follows or skips it), and each stack instance's status and
    // reason as observed when the operation ended. Status 'ISSUING': the row is written before the
    // call, so a run killed in between still knows which OperationId it may have sent.
    version: 5,
    sql: `
CREATE TABLE stackset_operations (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  pack           TEXT    NOT NULL,
  stack_set_name TEXT    NOT NULL,
  run_key        TEXT    NOT NULL,
  stage          TEXT    NOT NULL,
  stage_index    INTEGER NOT NULL CHECK (stage_index >= 0),
  kind           TEXT    NOT NULL CHECK (kind IN ('update-stack-set', 'create-instances', 'update-instances')),
  operation_id   TEXT    NOT NULL,
  attempt        INTEGER NOT NULL CHECK (attempt >= 1),
  status         TEXT    NOT NULL CHECK (status IN ('ISSUING', ${quoted(stackSetOperationStatuses)}, 'TIMED_OUT')),
  status_reason  TEXT,
  caller_account TEXT    NOT NULL CHECK (length(caller_account) = 12 AND caller_account NOT GLOB '*[^0-9]*'),
  started_at     TEXT    NOT NULL,
  ended_at       TEXT
);
CREATE INDEX stackset_operations_pack ON stackset_operations (pack, run_key, id);

CREATE TABLE stack_instance_status (
  operation_row   INTEGER NOT NULL REFERENCES stackset_operations (id),
  account_id      TEXT    NOT NULL CHECK (length(account_id) = 12 AND account_id NOT GLOB '*[^0-9]*'),
  region          TEXT    NOT NULL,
  status          TEXT,
  detailed_status TEXT    CHECK (detailed_status IS NULL OR detailed_status IN (${quoted(stackInstanceDetailedStatuses)})),
  status_reason   TEXT,
  observed_at     TEXT    NOT NULL,
  redacted        INTEGER NOT NULL DEFAULT 0 CHECK (redacted IN (0, 1)),
  PRIMARY KEY (operation_row, account_id, region)
) WITHOUT ROWID;
`,
  },
  {
    // `destroy` of a stack set pack: DeleteStackInstances per stage, then DeleteStackSet (recorded
    // as one row, its OperationId the stack set's name: it has none). SQLite cannot alter a CHECK:
    // the table is rebuilt as in version 3; stack_instance_status keeps referencing it by name.
    version: 6,
    sql: `
CREATE TABLE stackset_operations_v6 (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  pack           TEXT    NOT NULL,
  stack_set_name TEXT    NOT NULL,
  run_key        TEXT    NOT NULL,
  stage          TEXT    NOT NULL,
  stage_index    INTEGER NOT NULL CHECK (stage_index >= 0),
  kind           TEXT    NOT NULL CHECK (kind IN ('update-stack-set', 'create-instances', 'update-instances',
                                 'delete-instances', 'delete-stack-set')),
  operation_id   TEXT    NOT NULL,
  attempt        INTEGER NOT NULL CHECK (attempt >= 1),
  status         TEXT    NOT NULL CHECK (status IN ('ISSUING', ${quoted(stackSetOperationStatuses)}, 'TIMED_OUT')),
  status_reason  TEXT,
  caller_account TEXT    NOT NULL CHECK (length(caller_account) = 12 AND caller_account NOT GLOB '*[^0-9]*'),
  started_at     TEXT    NOT NULL,
  ended_at       TEXT
);
INSERT INTO stackset_operations_v6 SELECT id, pack, stack_set_name, run_key, stage, stage_index, kind, operation_id,
  attempt, status, status_reason, caller_account, started_at, ended_at FROM stackset_operations;
DROP TABLE stackset_operations;
ALTER TABLE stackset_operations_v6 RENAME TO stackset_operations;
CREATE INDEX stackset_operations_pack ON stackset_operations (pack, run_key, id);
`,
  },
];

export const latestSchemaVersion = migrations[migrations.length - 1]?.version ?? 0;

export class StatusStoreSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatusStoreSchemaError';
  }
}

function currentVersion(db: Database): number {
  const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

function newerSchema(path: string, found: number): StatusStoreSchemaError {
  return new StatusStoreSchemaError(
    `status database ${path} has schema version ${found}, but this packsmith understands only up to ` +
      `version ${latestSchemaVersion}. It was written by a newer packsmith: upgrade packsmith, or point ` +
      `the state path at another file (a fresh file starts a new history).`,
  );
}

/**
 * The schema version of a database opened read-only, which is not migrated: a newer one is refused
 * as in `migrate`; one without any table yet (a file created but never migrated) has version 0.
 */
export function readableVersion(db: Database, path: string): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
    .get();
  if (table === undefined) return 0;
  const found = currentVersion(db);
  if (found > latestSchemaVersion) throw newerSchema(path, found);
  return found;
}

/**
 * Brings the database to `latestSchemaVersion`. Each migration runs in its own IMMEDIATE
 * transaction that re-reads the version, so two processes opening a fresh file do not both migrate.
 * A database written by a newer packsmith is refused rather than guessed at.
 */
export function migrate(db: Database, path: string): number {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  const found = currentVersion(db);
  if (found > latestSchemaVersion) throw newerSchema(path, found);
  // A migration may rebuild a table others refer to: foreign keys are off while it runs (the pragma
  // is a no-op inside a transaction) and checked before each migration commits.
  const foreignKeys = (db.prepare('PRAGMA foreign_keys').get() as { foreign_keys: number }).foreign_keys;
  if (found < latestSchemaVersion) db.exec('PRAGMA foreign_keys = OFF');
  try {
    for (const migration of migrations) {
      db.immediate(() => {
        if (currentVersion(db) >= migration.version) return;
        db.exec(migration.sql);
        const broken = db.prepare('PRAGMA foreign_key_check').all();
        if (broken.length > 0)
          throw new Error(`migration ${migration.version} of ${path} broke ${broken.length} reference(s)`);
        db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(
          migration.version,
          new Date().toISOString(),
        );
      });
    }
  } finally {
    if (found < latestSchemaVersion) db.exec(`PRAGMA foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`);
  }
  return currentVersion(db);
}
