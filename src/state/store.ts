/**
 * Per-account status store: an embedded SQLite file (by default `.packsmith/state.db`, git-ignored)
 * that records every deployment and every account's status transitions.
 *
 * The database is a local history, never the source of truth: a machine without it (a CI runner)
 * plans and deploys from AWS and the S3 deployment records, and opening a missing file simply starts
 * a new history.
 *
 * Durability: WAL journal with `synchronous = FULL`. A killed process (SIGKILL, OOM) loses nothing
 * that was committed under either NORMAL or FULL in WAL mode, because a commit has reached the
 * operating system before `recordObservations` returns. FULL additionally fsyncs the WAL at every
 * commit, so a power loss or kernel crash does not roll back the last polls either. Writes are
 * batched into one transaction per poll, so that costs one fsync per poll (a few milliseconds every
 * several seconds), which is why FULL was chosen over NORMAL.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  organizationResourceStatuses,
  stackInstanceDetailedStatuses,
  type OrganizationResourceStatus,
  type StackInstanceDetailedStatus,
  type StackSetOperationStatus,
} from '../facts/enums.js';
import { redactOptional, redactSecrets } from './redact.js';
import { migrate, readableVersion } from './schema.js';
import { openSqlite, type SqlDatabase, type SqlStatement, type SqliteBackend } from './sqlite.js';

export { StatusStoreSchemaError, latestSchemaVersion } from './schema.js';

/** Default location of the store, relative to the pack repository. */
export const defaultStatePath = '.packsmith/state.db';

export type DeploymentOperation = 'create' | 'update' | 'delete';
/** `interrupted`: the run was killed before it finished; closed by the next run that took over its lock. */
export type DeploymentOutcome = 'succeeded' | 'failed' | 'cancelled' | 'timed-out' | 'interrupted';

export interface StartDeploymentInput {
  /** The pack's name in the repository. */
  pack: string;
  /** `OrganizationConformancePackName` as deployed. */
  orgPackName: string;
  region: string;
  operation: DeploymentOperation;
  /** sha256 of the template body (lowercase hex); null for a delete. */
  templateSha256: string | null;
  /** `ConformancePackInputParameters` as name → value. Values are checked for credentials. */
  parameters: Readonly<Record<string, string>>;
  excludedAccounts: number;
  /** Account id of the caller (12 digits). Nothing else about the caller's identity is stored. */
  callerAccount: string;
  startedAt?: Date;
  /** The wave this put belongs to, in a rollout in waves. */
  wave?: { name: string; index: number };
  /** Rules the put's template left out because AWS does not document them in the Region. */
  unavailableRules?: readonly NotEvaluatedRule[];
}

/**
 * A rule a put's template left out because AWS does not document its managed rule in the Region
 * (`unavailableRules: exclude`): its controls are not evaluated there by that deployment.
 */
export interface NotEvaluatedRule {
  /** ConfigRuleName. */
  rule: string;
  /** The managed rule's SourceIdentifier. */
  identifier: string;
  controls: string[];
}

export interface DeploymentRecord {
  id: number;
  pack: string;
  orgPackName: string;
  region: string;
  operation: DeploymentOperation;
  templateSha256: string | null;
  parameters: Record<string, string>;
  excludedAccounts: number;
  callerAccount: string;
  startedAt: string;
  endedAt: string | null;
  outcome: DeploymentOutcome | null;
  /** True when a parameter value looked like a credential and was redacted. */
  redacted: boolean;
  wave: string | null;
  waveIndex: number | null;
  /** Rules the template left out in this Region (none: empty). */
  unavailableRules: NotEvaluatedRule[];
}

/** One account's row of `GetOrganizationConformancePackDetailedStatus`. */
export interface AccountObservation {
  accountId: string;
  status: OrganizationResourceStatus;
  /** Free text from AWS, stored raw (after the credential guard). */
  errorCode?: string | null;
  errorMessage?: string | null;
  /** `LastUpdateTime` reported by AWS. */
  lastUpdateTime?: Date | null;
}

export interface PollResult {
  /** Rows written to `status_transitions` (observations whose status changed). */
  transitions: number;
  /** Observations whose status was unchanged since the last observation: nothing written. */
  unchanged: number;
  /** Transitions whose error text was redacted by the credential guard. */
  redacted: number;
}

export interface AccountStatusRecord {
  deploymentId: number;
  pack: string;
  orgPackName: string;
  region: string;
  accountId: string;
  status: OrganizationResourceStatus;
  errorCode: string | null;
  errorMessage: string | null;
  observedAt: string;
  awsLastUpdateTime: string | null;
}

export interface TransitionRecord {
  id: number;
  deploymentId: number;
  accountId: string;
  status: OrganizationResourceStatus;
  previousStatus: OrganizationResourceStatus | null;
  errorCode: string | null;
  errorMessage: string | null;
  observedAt: string;
  awsLastUpdateTime: string | null;
  redacted: boolean;
}

/** The kinds of stack set operation a stage may issue (issue 16), deploy's and destroy's. */
export type StackSetOperationKind =
  | 'update-stack-set'
  | 'create-instances'
  | 'update-instances'
  /** `destroy`: DeleteStackInstances of one stage. */
  | 'delete-instances'
  /** `destroy`: DeleteStackSet once no instance remains (no OperationId: the stack set's name is kept). */
  | 'delete-stack-set';
/** A stack set operation's status as packsmith records it: AWS's, or ISSUING / TIMED_OUT. */
export type StackSetOperationRecordStatus = StackSetOperationStatus | 'ISSUING' | 'TIMED_OUT';

export interface StartStackSetOperationInput {
  pack: string;
  stackSetName: string;
  /** The rollout's key: the same desired state gives the same key (and OperationIds). */
  runKey: string;
  stage: string;
  stageIndex: number;
  kind: StackSetOperationKind;
  operationId: string;
  attempt: number;
  callerAccount: string;
  startedAt?: Date;
}

export interface StackSetOperationRecord {
  id: number;
  pack: string;
  stackSetName: string;
  runKey: string;
  stage: string;
  stageIndex: number;
  kind: StackSetOperationKind;
  operationId: string;
  attempt: number;
  status: StackSetOperationRecordStatus;
  statusReason: string | null;
  callerAccount: string;
  startedAt: string;
  endedAt: string | null;
}

export interface StackInstanceObservation {
  accountId: string;
  region: string;
  status?: string | null;
  detailedStatus?: string | null;
  statusReason?: string | null;
}

export interface StackInstanceRecord {
  accountId: string;
  region: string;
  status: string | null;
  detailedStatus: StackInstanceDetailedStatus | null;
  statusReason: string | null;
  observedAt: string;
  redacted: boolean;
}

export interface StatusStore {
  readonly path: string;
  /** A stack set operation about to be issued (status ISSUING); its row id. */
  startStackSetOperation(input: StartStackSetOperationInput): number;
  /** Its status as followed (RUNNING while it is, then the end status, with ended_at). */
  updateStackSetOperation(
    row: number,
    status: StackSetOperationRecordStatus,
    statusReason?: string | null,
    at?: Date,
  ): void;
  /** Each stack instance's status and reason, replacing what was recorded for the operation. */
  recordStackInstances(row: number, instances: readonly StackInstanceObservation[], at?: Date): void;
  /**
   * Stack set operations, newest first: a pack's (every pack's without `pack`), only those of
   * `runKey` when given, at most `limit`.
   */
  stackSetOperations(filter: { pack?: string; runKey?: string; limit?: number }): StackSetOperationRecord[];
  stackInstances(row: number): StackInstanceRecord[];
  readonly schemaVersion: number;
  startDeployment(input: StartDeploymentInput): number;
  /** Records one poll in ONE transaction: all of it or none of it. Only status changes are written. */
  recordObservations(
    deploymentId: number,
    observations: readonly AccountObservation[],
    observedAt?: Date,
  ): PollResult;
  finishDeployment(id: number, outcome: DeploymentOutcome, endedAt?: Date): void;
  /**
   * Closes as `interrupted` every unfinished deployment of the org pack (the rows of a run that was
   * killed: only the lock holder runs one); the ids closed.
   */
  interruptUnfinished(orgPackName: string, endedAt?: Date): number[];
  /** The latest known status of each account, per pack and Region (from its latest deployment). */
  currentStatuses(filter?: { pack?: string; region?: string; account?: string }): AccountStatusRecord[];
  /** Deployments, newest first (default limit 50). */
  history(options?: { pack?: string; limit?: number }): DeploymentRecord[];
  transitions(deploymentId: number, account?: string): TransitionRecord[];
  /** Accounts per last observed status in one deployment. */
  deploymentCounts(deploymentId: number): Partial<Record<OrganizationResourceStatus, number>>;
  close(): void;
}

export class StatusStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StatusStoreError';
  }
}

const accountIdPattern = /^\d{12}$/;
const sha256Pattern = /^[0-9a-f]{64}$/;
const regionPattern = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const operations: readonly string[] = ['create', 'update', 'delete'];
const outcomes: readonly string[] = ['succeeded', 'failed', 'cancelled', 'timed-out', 'interrupted'];
const statuses: readonly string[] = organizationResourceStatuses;

interface DeploymentRow {
  id: number;
  pack: string;
  org_pack_name: string;
  region: string;
  operation: DeploymentOperation;
  template_sha256: string | null;
  parameters_json: string;
  excluded_accounts: number;
  caller_account: string;
  started_at: string;
  ended_at: string | null;
  outcome: DeploymentOutcome | null;
  redacted: number;
  wave: string | null;
  wave_index: number | null;
  unavailable_rules_json?: string | null;
}

interface StatusRow {
  deployment_id: number;
  pack: string;
  org_pack_name: string;
  region: string;
  account_id: string;
  status: OrganizationResourceStatus;
  error_code: string | null;
  error_message: string | null;
  observed_at: string;
  aws_last_update_time: string | null;
}

interface TransitionRow {
  id: number;
  deployment_id: number;
  account_id: string;
  status: OrganizationResourceStatus;
  previous_status: OrganizationResourceStatus | null;
  error_code: string | null;
  error_message: string | null;
  observed_at: string;
  aws_last_update_time: string | null;
  redacted: number;
}

function toDeployment(row: DeploymentRow): DeploymentRecord {
  return {
    id: row.id,
    pack: row.pack,
    orgPackName: row.org_pack_name,
    region: row.region,
    operation: row.operation,
    templateSha256: row.template_sha256,
    parameters: JSON.parse(row.parameters_json) as Record<string, string>,
    excludedAccounts: row.excluded_accounts,
    callerAccount: row.caller_account,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    outcome: row.outcome,
    redacted: row.redacted === 1,
    // A database at schema version 1 (read without migrating) has no wave columns.
    wave: row.wave ?? null,
    waveIndex: row.wave_index ?? null,
    // Before schema version 4 (read without migrating) there is no such column.
    unavailableRules: row.unavailable_rules_json
      ? (JSON.parse(row.unavailable_rules_json) as NotEvaluatedRule[])
      : [],
  };
}

function toTransition(row: TransitionRow): TransitionRecord {
  return {
    id: row.id,
    deploymentId: row.deployment_id,
    accountId: row.account_id,
    status: row.status,
    previousStatus: row.previous_status,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    observedAt: row.observed_at,
    awsLastUpdateTime: row.aws_last_update_time,
    redacted: row.redacted === 1,
  };
}

function validDate(value: Date, what: string): string {
  if (Number.isNaN(value.getTime())) throw new StatusStoreError(`${what} is not a valid date`);
  return value.toISOString();
}

function validateStart(input: StartDeploymentInput): void {
  if (!input.pack) throw new StatusStoreError('deployment needs a pack name');
  if (!input.orgPackName) throw new StatusStoreError('deployment needs an organization pack name');
  if (!regionPattern.test(input.region)) throw new StatusStoreError(`not a Region: ${input.region}`);
  if (!operations.includes(input.operation))
    throw new StatusStoreError(`unknown operation: ${String(input.operation)}`);
  if (input.templateSha256 !== null && !sha256Pattern.test(input.templateSha256))
    throw new StatusStoreError('templateSha256 must be 64 lowercase hex characters');
  if (!Number.isInteger(input.excludedAccounts) || input.excludedAccounts < 0)
    throw new StatusStoreError('excludedAccounts must be a non-negative integer');
  if (!accountIdPattern.test(input.callerAccount))
    throw new StatusStoreError('callerAccount must be a 12-digit account id (no other identity is stored)');
}

class SqliteStatusStore implements StatusStore {
  readonly schemaVersion: number;
  private readonly db: SqlDatabase;
  private readonly insertDeployment: SqlStatement;
  private readonly selectDeployment: SqlStatement;
  private readonly updateFinish: SqlStatement;
  private readonly selectCurrentForDeployment: SqlStatement;
  private readonly insertTransition: SqlStatement;
  private readonly upsertStatus: SqlStatement;
  private readonly selectTransitions: SqlStatement;
  private readonly selectTransitionsForAccount: SqlStatement;
  private readonly selectCurrent: SqlStatement;
  private readonly selectHistory: SqlStatement;

  constructor(
    readonly path: string,
    readonly: boolean,
    backend: SqliteBackend | undefined,
  ) {
    if (!readonly && path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = openSqlite(path, { readonly }, backend);
    try {
      this.db.exec('PRAGMA busy_timeout = 5000');
      if (readonly) {
        this.schemaVersion = readableVersion(this.db, path);
        if (this.schemaVersion === 0) throw new StatusStoreError(`${path} holds no status history yet`);
      } else {
        this.db.exec('PRAGMA journal_mode = WAL');
        this.db.exec('PRAGMA synchronous = FULL');
        this.db.exec('PRAGMA foreign_keys = ON');
        this.schemaVersion = migrate(this.db, path);
      }
    } catch (error) {
      this.db.close();
      throw error;
    }
    const db = this.db;
    this.insertDeployment = db.prepare(
      `INSERT INTO deployments (pack, org_pack_name, region, operation, template_sha256, parameters_json,
         excluded_accounts, caller_account, started_at, redacted, wave, wave_index, unavailable_rules_json)
       VALUES (@pack, @orgPackName, @region, @operation, @templateSha256, @parametersJson,
         @excludedAccounts, @callerAccount, @startedAt, @redacted, @wave, @waveIndex, @unavailableRulesJson)`,
    );
    this.selectDeployment = db.prepare('SELECT * FROM deployments WHERE id = ?');
    this.updateFinish = db.prepare(
      'UPDATE deployments SET ended_at = @endedAt, outcome = @outcome WHERE id = @id AND ended_at IS NULL',
    );
    this.selectCurrentForDeployment = db.prepare(
      'SELECT account_id, status FROM account_status WHERE deployment_id = ?',
    );
    this.insertTransition = db.prepare(
      `INSERT INTO status_transitions (deployment_id, account_id, status, previous_status, error_code,
         error_message, observed_at, aws_last_update_time, redacted)
       VALUES (@deploymentId, @accountId, @status, @previousStatus, @errorCode, @errorMessage, @observedAt,
         @awsLastUpdateTime, @redacted)`,
    );
    this.upsertStatus = db.prepare(
      `INSERT INTO account_status (deployment_id, account_id, status, error_code, error_message, observed_at,
         aws_last_update_time)
       VALUES (@deploymentId, @accountId, @status, @errorCode, @errorMessage, @observedAt, @awsLastUpdateTime)
       ON CONFLICT (deployment_id, account_id) DO UPDATE SET status = excluded.status,
         error_code = excluded.error_code, error_message = excluded.error_message,
         observed_at = excluded.observed_at, aws_last_update_time = excluded.aws_last_update_time`,
    );
    this.selectTransitions = db.prepare(
      'SELECT * FROM status_transitions WHERE deployment_id = ? ORDER BY id',
    );
    this.selectTransitionsForAccount = db.prepare(
      'SELECT * FROM status_transitions WHERE deployment_id = ? AND account_id = ? ORDER BY id',
    );
    // For each (pack, Region, account) the row of the newest deployment that observed the account.
    this.selectCurrent = db.prepare(
      `SELECT s.deployment_id, d.pack, d.org_pack_name, d.region, s.account_id, s.status, s.error_code,
              s.error_message, s.observed_at, s.aws_last_update_time
         FROM account_status s JOIN deployments d ON d.id = s.deployment_id
        WHERE (@pack IS NULL OR d.pack = @pack)
          AND (@region IS NULL OR d.region = @region)
          AND (@account IS NULL OR s.account_id = @account)
          AND s.deployment_id = (
                SELECT max(s2.deployment_id) FROM account_status s2 JOIN deployments d2 ON d2.id = s2.deployment_id
                 WHERE s2.account_id = s.account_id AND d2.pack = d.pack AND d2.region = d.region)
        ORDER BY d.pack, d.region, s.account_id`,
    );
    this.selectHistory = db.prepare(
      `SELECT * FROM deployments WHERE (@pack IS NULL OR pack = @pack) ORDER BY id DESC LIMIT @limit`,
    );
  }

  startDeployment(input: StartDeploymentInput): number {
    validateStart(input);
    let redacted = false;
    const parameters: Record<string, string> = {};
    for (const name of Object.keys(input.parameters).sort()) {
      const value = input.parameters[name];
      if (typeof value !== 'string') throw new StatusStoreError(`parameter ${name} must be a string`);
      const safe = redactSecrets(value, name);
      redacted ||= safe.redacted;
      parameters[name] = safe.text;
    }
    const result = this.insertDeployment.run({
      pack: input.pack,
      orgPackName: input.orgPackName,
      region: input.region,
      operation: input.operation,
      templateSha256: input.templateSha256,
      parametersJson: JSON.stringify(parameters),
      excludedAccounts: input.excludedAccounts,
      callerAccount: input.callerAccount,
      startedAt: validDate(input.startedAt ?? new Date(), 'startedAt'),
      redacted: redacted ? 1 : 0,
      wave: input.wave?.name ?? null,
      waveIndex: input.wave?.index ?? null,
      unavailableRulesJson: input.unavailableRules?.length
        ? JSON.stringify(
            input.unavailableRules.map((u) => ({
              rule: u.rule,
              identifier: u.identifier,
              controls: [...u.controls],
            })),
          )
        : null,
    });
    return Number(result.lastInsertRowid);
  }

  recordObservations(
    deploymentId: number,
    observations: readonly AccountObservation[],
    observedAt: Date = new Date(),
  ): PollResult {
    const at = validDate(observedAt, 'observedAt');
    return this.db.immediate(() => this.recordPoll(deploymentId, observations, at));
  }

  private recordPoll(
    deploymentId: number,
    observations: readonly AccountObservation[],
    at: string,
  ): PollResult {
    if (this.selectDeployment.get(deploymentId) === undefined)
      throw new StatusStoreError(`no deployment ${deploymentId} in ${this.path}`);
    const current = new Map<string, OrganizationResourceStatus>();
    for (const row of this.selectCurrentForDeployment.all(deploymentId) as {
      account_id: string;
      status: OrganizationResourceStatus;
    }[])
      current.set(row.account_id, row.status);

    const result: PollResult = { transitions: 0, unchanged: 0, redacted: 0 };
    for (const [index, o] of observations.entries()) {
      if (!accountIdPattern.test(o.accountId))
        throw new StatusStoreError(`observation ${index}: not a 12-digit account id: ${String(o.accountId)}`);
      if (!statuses.includes(o.status))
        throw new StatusStoreError(`observation ${index}: unknown status ${String(o.status)}`);
      const previous = current.get(o.accountId) ?? null;
      if (previous === o.status) {
        result.unchanged++;
        continue;
      }
      const code = redactOptional(o.errorCode);
      const message = redactOptional(o.errorMessage);
      const row = {
        deploymentId,
        accountId: o.accountId,
        status: o.status,
        previousStatus: previous,
        errorCode: code.text,
        errorMessage: message.text,
        observedAt: at,
        awsLastUpdateTime: o.lastUpdateTime ? validDate(o.lastUpdateTime, 'lastUpdateTime') : null,
        redacted: code.redacted || message.redacted ? 1 : 0,
      };
      this.insertTransition.run(row);
      const { previousStatus: _p, redacted: _r, ...status } = row;
      this.upsertStatus.run(status);
      current.set(o.accountId, o.status);
      result.transitions++;
      result.redacted += row.redacted;
    }
    return result;
  }

  finishDeployment(id: number, outcome: DeploymentOutcome, endedAt: Date = new Date()): void {
    if (!outcomes.includes(outcome)) throw new StatusStoreError(`unknown outcome: ${String(outcome)}`);
    const changed = Number(
      this.updateFinish.run({ id, outcome, endedAt: validDate(endedAt, 'endedAt') }).changes,
    );
    if (changed === 1) return;
    const row = this.selectDeployment.get(id) as DeploymentRow | undefined;
    throw new StatusStoreError(
      row
        ? `deployment ${id} already finished (${row.outcome} at ${row.ended_at})`
        : `no deployment ${id} in ${this.path}`,
    );
  }

  interruptUnfinished(orgPackName: string, endedAt: Date = new Date()): number[] {
    const at = validDate(endedAt, 'endedAt');
    return this.db.immediate(() => {
      const ids = (
        this.db
          .prepare('SELECT id FROM deployments WHERE org_pack_name = ? AND ended_at IS NULL ORDER BY id')
          .all(orgPackName) as Array<{ id: number }>
      ).map((r) => r.id);
      for (const id of ids) this.updateFinish.run({ id, outcome: 'interrupted', endedAt: at });
      return ids;
    });
  }

  currentStatuses(filter: { pack?: string; region?: string; account?: string } = {}): AccountStatusRecord[] {
    const rows = this.selectCurrent.all({
      pack: filter.pack ?? null,
      region: filter.region ?? null,
      account: filter.account ?? null,
    }) as StatusRow[];
    return rows.map((r) => ({
      deploymentId: r.deployment_id,
      pack: r.pack,
      orgPackName: r.org_pack_name,
      region: r.region,
      accountId: r.account_id,
      status: r.status,
      errorCode: r.error_code,
      errorMessage: r.error_message,
      observedAt: r.observed_at,
      awsLastUpdateTime: r.aws_last_update_time,
    }));
  }

  history(options: { pack?: string; limit?: number } = {}): DeploymentRecord[] {
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1) throw new StatusStoreError('limit must be a positive integer');
    return (this.selectHistory.all({ pack: options.pack ?? null, limit }) as DeploymentRow[]).map(
      toDeployment,
    );
  }

  transitions(deploymentId: number, account?: string): TransitionRecord[] {
    const rows =
      account === undefined
        ? this.selectTransitions.all(deploymentId)
        : this.selectTransitionsForAccount.all(deploymentId, account);
    return (rows as TransitionRow[]).map(toTransition);
  }

  deploymentCounts(deploymentId: number): Partial<Record<OrganizationResourceStatus, number>> {
    const rows = this.db
      .prepare(
        'SELECT status, count(*) AS n FROM account_status WHERE deployment_id = ? GROUP BY status ORDER BY status',
      )
      .all(deploymentId) as Array<{ status: OrganizationResourceStatus; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  startStackSetOperation(input: StartStackSetOperationInput): number {
    if (!/^\d{12}$/.test(input.callerAccount)) throw new StatusStoreError('callerAccount must be 12 digits');
    const result = this.db
      .prepare(
        `INSERT INTO stackset_operations (pack, stack_set_name, run_key, stage, stage_index, kind, operation_id,
           attempt, status, caller_account, started_at)
         VALUES (@pack, @stackSetName, @runKey, @stage, @stageIndex, @kind, @operationId, @attempt, 'ISSUING',
           @callerAccount, @startedAt)`,
      )
      .run({ ...input, startedAt: validDate(input.startedAt ?? new Date(), 'startedAt') });
    return Number(result.lastInsertRowid);
  }

  updateStackSetOperation(
    row: number,
    status: StackSetOperationRecordStatus,
    statusReason: string | null = null,
    at: Date = new Date(),
  ): void {
    const ended =
      status !== 'ISSUING' && status !== 'RUNNING' && status !== 'QUEUED' && status !== 'STOPPING';
    const reason = redactOptional(statusReason);
    this.db
      .prepare(
        `UPDATE stackset_operations SET status = @status, status_reason = @reason,
           ended_at = CASE WHEN @ended = 1 THEN @at ELSE NULL END WHERE id = @row`,
      )
      .run({ row, status, reason: reason.text, ended: ended ? 1 : 0, at: validDate(at, 'at') });
  }

  recordStackInstances(
    row: number,
    instances: readonly StackInstanceObservation[],
    at: Date = new Date(),
  ): void {
    const observedAt = validDate(at, 'observedAt');
    const insert = this.db.prepare(
      `INSERT INTO stack_instance_status (operation_row, account_id, region, status, detailed_status,
         status_reason, observed_at, redacted)
       VALUES (@row, @accountId, @region, @status, @detailedStatus, @statusReason, @observedAt, @redacted)
       ON CONFLICT (operation_row, account_id, region) DO UPDATE SET status = excluded.status,
         detailed_status = excluded.detailed_status, status_reason = excluded.status_reason,
         observed_at = excluded.observed_at, redacted = excluded.redacted`,
    );
    this.db.immediate(() => {
      for (const i of instances) {
        const reason = redactOptional(i.statusReason);
        const detailed = (stackInstanceDetailedStatuses as readonly string[]).includes(i.detailedStatus ?? '')
          ? i.detailedStatus
          : null;
        insert.run({
          row,
          accountId: i.accountId,
          region: i.region,
          status: i.status ?? null,
          detailedStatus: detailed ?? null,
          statusReason: reason.text,
          observedAt,
          redacted: reason.redacted ? 1 : 0,
        });
      }
    });
  }

  stackSetOperations(filter: { pack?: string; runKey?: string; limit?: number }): StackSetOperationRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM stackset_operations WHERE (@pack IS NULL OR pack = @pack)
          AND (@runKey IS NULL OR run_key = @runKey) ORDER BY id DESC LIMIT @limit`,
      )
      .all({ pack: filter.pack ?? null, runKey: filter.runKey ?? null, limit: filter.limit ?? -1 }) as Array<
      Record<string, unknown>
    >;
    return rows.map((r) => ({
      id: r.id as number,
      pack: r.pack as string,
      stackSetName: r.stack_set_name as string,
      runKey: r.run_key as string,
      stage: r.stage as string,
      stageIndex: r.stage_index as number,
      kind: r.kind as StackSetOperationKind,
      operationId: r.operation_id as string,
      attempt: r.attempt as number,
      status: r.status as StackSetOperationRecordStatus,
      statusReason: r.status_reason as string | null,
      callerAccount: r.caller_account as string,
      startedAt: r.started_at as string,
      endedAt: r.ended_at as string | null,
    }));
  }

  stackInstances(row: number): StackInstanceRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM stack_instance_status WHERE operation_row = ? ORDER BY account_id, region')
      .all(row) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      accountId: r.account_id as string,
      region: r.region as string,
      status: r.status as string | null,
      detailedStatus: r.detailed_status as StackInstanceDetailedStatus | null,
      statusReason: r.status_reason as string | null,
      observedAt: r.observed_at as string,
      redacted: r.redacted === 1,
    }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * Opens (creating folders and file when missing) the status database at `path` and migrates it to
 * the current schema. Throws `StatusStoreSchemaError` for a database written by a newer packsmith.
 *
 * `readonly: true` is for commands that only read (`status`, `history`): the file must exist, it is
 * opened read-only (so a read-only file, or one another process holds a write lock on, can be read),
 * never created, migrated or switched to WAL; its schema version is checked but not changed.
 */
export function openStatusStore(
  path: string,
  options: { readonly?: boolean; backend?: SqliteBackend } = {},
): StatusStore {
  return new SqliteStatusStore(path, options.readonly === true, options.backend);
}
