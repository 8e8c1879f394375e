/**
 * The SQLite engine under the status store, behind the few operations the store uses, so that it
 * runs on either of two real SQLite bindings:
 *
 * - `better-sqlite3` (a native addon, compiled at install time): used when it loads. It is an
 *   optional dependency, because an install that runs no install scripts (npm 11 blocks them in
 *   global installs unless allowed) leaves it unbuilt, and packsmith must still work there.
 * - `node:sqlite` (built into Node.js ≥ 22.13 without a flag): used when better-sqlite3 is missing
 *   or unbuilt. Node 22 prints an ExperimentalWarning when it loads; the CLI drops that one warning.
 *
 * Both are SQLite itself, with the same file format, so a state file written through one is read
 * through the other. Node 20 has no `node:sqlite`: there, without a built better-sqlite3, opening
 * the store fails with a message saying how to fix it.
 */
import { createRequire } from 'node:module';

export type SqliteBackend = 'better-sqlite3' | 'node:sqlite';
export const sqliteBackends: readonly SqliteBackend[] = ['better-sqlite3', 'node:sqlite'];

export type SqlValue = string | number | bigint | null | Uint8Array;
export type SqlParameters = readonly SqlValue[] | [Readonly<Record<string, SqlValue>>];

export interface SqlStatement {
  run(...parameters: SqlParameters): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...parameters: SqlParameters): unknown;
  all(...parameters: SqlParameters): unknown[];
}

export interface SqlDatabase {
  readonly backend: SqliteBackend;
  readonly open: boolean;
  prepare(sql: string): SqlStatement;
  exec(sql: string): void;
  /** `fn` inside `BEGIN IMMEDIATE` … `COMMIT`, rolled back when it throws. Not reentrant. */
  immediate<T>(fn: () => T): T;
  close(): void;
}

export interface OpenOptions {
  /** Opened read-only; the file must exist. */
  readonly: boolean;
}

export class SqliteUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqliteUnavailableError';
  }
}

const require = createRequire(import.meta.url);

interface BetterSqliteDatabase {
  readonly open: boolean;
  readonly inTransaction: boolean;
  prepare(sql: string): SqlStatement;
  exec(sql: string): void;
  close(): void;
}
type BetterSqliteConstructor = new (
  path: string,
  options?: { readonly?: boolean; fileMustExist?: boolean },
) => BetterSqliteDatabase;

interface NodeSqliteDatabase {
  readonly isOpen?: boolean;
  readonly isTransaction?: boolean;
  prepare(sql: string): SqlStatement;
  exec(sql: string): void;
  close(): void;
}
type NodeSqliteConstructor = new (path: string, options?: { readOnly?: boolean }) => NodeSqliteDatabase;

function loadBetterSqlite(): BetterSqliteConstructor | Error {
  try {
    return require('better-sqlite3') as BetterSqliteConstructor;
  } catch (error) {
    return error as Error;
  }
}

function loadNodeSqlite(): NodeSqliteConstructor | Error {
  try {
    return (require('node:sqlite') as { DatabaseSync: NodeSqliteConstructor }).DatabaseSync;
  } catch (error) {
    return error as Error;
  }
}

/** Runs `fn` in an IMMEDIATE transaction on a connection that reports whether one is open. */
function inImmediateTransaction<T>(db: { exec(sql: string): void }, active: () => boolean, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    // SQLite may already have rolled back (for example on SQLITE_FULL); only roll back what is open.
    if (active()) db.exec('ROLLBACK');
    throw error;
  }
}

function openBetterSqlite(
  Database: BetterSqliteConstructor,
  path: string,
  options: OpenOptions,
): SqlDatabase {
  const db = options.readonly
    ? new Database(path, { readonly: true, fileMustExist: true })
    : new Database(path);
  return {
    backend: 'better-sqlite3',
    get open() {
      return db.open;
    },
    prepare: (sql) => db.prepare(sql),
    exec: (sql) => db.exec(sql),
    immediate: (fn) => inImmediateTransaction(db, () => db.inTransaction, fn),
    close: () => db.close(),
  };
}

function openNodeSqlite(
  DatabaseSync: NodeSqliteConstructor,
  path: string,
  options: OpenOptions,
): SqlDatabase {
  const db = options.readonly ? new DatabaseSync(path, { readOnly: true }) : new DatabaseSync(path);
  // `isOpen` and `isTransaction` arrived in later 22.x releases than `node:sqlite` itself: track
  // what they would say where they are missing.
  let closed = false;
  let inTransaction = false;
  return {
    backend: 'node:sqlite',
    get open() {
      return db.isOpen ?? !closed;
    },
    prepare: (sql) => db.prepare(sql),
    exec: (sql) => db.exec(sql),
    immediate: (fn) =>
      inImmediateTransaction(
        {
          exec: (sql) => {
            db.exec(sql);
            inTransaction = sql === 'BEGIN IMMEDIATE';
          },
        },
        () => db.isTransaction ?? inTransaction,
        fn,
      ),
    close: () => {
      db.close();
      closed = true;
    },
  };
}

/**
 * Opens the SQLite file at `path` with `backend`, or with the first binding that loads
 * (better-sqlite3, then node:sqlite). Throws `SqliteUnavailableError` when none does.
 */
export function openSqlite(path: string, options: OpenOptions, backend?: SqliteBackend): SqlDatabase {
  const better = backend === 'node:sqlite' ? undefined : loadBetterSqlite();
  if (typeof better === 'function') {
    try {
      return openBetterSqlite(better, path, options);
    } catch (error) {
      // An installed but unbuilt addon fails here, when it loads its binary; any other error is real.
      if (backend === 'better-sqlite3' || !isMissingAddon(error)) throw error;
    }
  } else if (backend === 'better-sqlite3') {
    throw new SqliteUnavailableError(
      `better-sqlite3 cannot be loaded: ${better?.message ?? 'not installed'}`,
    );
  }
  const nodeSqlite = loadNodeSqlite();
  if (typeof nodeSqlite === 'function') return openNodeSqlite(nodeSqlite, path, options);
  throw new SqliteUnavailableError(
    'the status store needs SQLite: this Node.js has no node:sqlite, and better-sqlite3 ' +
      'is not built. Run packsmith on Node.js 22.13 or later, or build better-sqlite3 ' +
      '(npm rebuild better-sqlite3 in the folder packsmith is installed in)',
  );
}

/** better-sqlite3 installed without its compiled addon (install scripts not run). */
function isMissingAddon(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return /Could not locate the bindings file|better_sqlite3\.node|did not self-register|NODE_MODULE_VERSION/.test(
    message,
  );
}
