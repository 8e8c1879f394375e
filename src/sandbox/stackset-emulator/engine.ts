/**
 * The StackSets engine: stack sets, their operations and stack instances, and what each instance
 * deployed in its account and Region. Time comes from `now()` (a manual clock in tests); nothing
 * runs on timers. An operation's whole timeline is computed when it is accepted (schedule.ts) and
 * its events (instances PENDING → RUNNING → final) are applied lazily, in time order, whenever
 * the engine is asked anything (`settle`).
 */
import { randomUUID } from 'node:crypto';
import { arnPrefix } from '../../facts/partitions.js';
import { mapLimit } from '../../util/map-limit.js';
import type { Random } from '../config-emulator/random.js';
import {
  bool,
  int,
  list,
  requiredStr,
  stackSetsError,
  str,
  strList,
  struct,
  validationError,
  type QueryParams,
} from './query.js';
import {
  scheduleOperation,
  type FinalStatus,
  type Outcome,
  type PlannedInstance,
  type Preferences,
} from './schedule.js';
import {
  accountFilterTypes,
  expandTargets,
  type AccountFilterType,
  type DeploymentTargets,
  type OrganizationSnapshot,
} from './targets.js';
import { interpretTemplate, parseTemplate, type DeployedResources, type Parameter } from './template.js';

export type OrganizationSource = () => Promise<OrganizationSnapshot>;
/** Reads a TemplateURL (https S3 URL) as the management account. */
export type TemplateUrlReader = (url: string) => Promise<string>;
/** Whether the account has a configuration recorder in the Region (outside any stack set). */
export type RecorderSource = (accountId: string, region: string) => Promise<boolean>;
/** Whether trusted access for StackSets (`member.org.stacksets.cloudformation.amazonaws.com`) is enabled. */
export type TrustedAccessSource = () => Promise<boolean>;

export const STACKSETS_SERVICE_PRINCIPAL = 'member.org.stacksets.cloudformation.amazonaws.com';

export type OperationAction = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AccountFailure {
  /** The StatusReason of the failed instance. */
  reason: string;
  /** Regions where it fails; default every Region. */
  regions?: string[];
  /** Operations that fail; default CREATE and UPDATE (a failed DELETE leaves the instance INOPERABLE). */
  actions?: OperationAction[];
}

export interface FaultConfig {
  /** Per-account failures; `null` removes an entry. */
  accountFailures?: Record<string, AccountFailure | null>;
  /**
   * Answer this fraction (0–1) of requests (of these actions, default all) with HTTP 400
   * `Throttling` "Rate exceeded" (CloudFormation's throttling code; the SDK retries it); `null` removes it.
   */
  throttle?: { rate: number; actions?: string[] } | null;
  /** Answer these actions (default all) only after `ms` milliseconds of wall time: a slow service; `null` removes it. */
  latency?: { ms: number; actions?: string[] } | null;
}

export interface FaultState {
  accountFailures: Record<string, AccountFailure>;
  throttle?: { rate: number; actions?: string[] };
  latency?: { ms: number; actions?: string[] };
}

export interface EngineOptions {
  organization: OrganizationSource;
  readTemplateUrl?: TemplateUrlReader;
  /** Without it every account has a recorder. */
  recorders?: RecorderSource;
  /** Without it trusted access counts as enabled. */
  trustedAccess?: TrustedAccessSource;
  managementAccountId: string;
  now: () => number;
  random: Random;
  /** Draws throttling decisions, apart from `random` so timings do not depend on the throttle. */
  throttleRandom: Random;
  delay: { baseMs: number; jitterMs: number };
}

type DetailedStatus = 'PENDING' | 'RUNNING' | FinalStatus | 'INOPERABLE';

interface InstanceRecord {
  account: string;
  region: string;
  organizationalUnitId: string;
  stackId: string;
  overrides: Parameter[];
  detailed: DetailedStatus;
  reason?: string;
  lastOperationId?: string;
  /** The stack set version last deployed successfully. */
  deployedVersion?: number;
  inoperable?: boolean;
}

interface ScheduledEvent {
  t: number;
  kind: 'pending' | 'start' | 'end';
  index: number;
}

interface OperationRecord {
  id: string;
  action: OperationAction;
  created: number;
  start: number;
  end: number;
  status: 'SUCCEEDED' | 'FAILED' | 'STOPPED';
  statusReason?: string;
  preferences: Record<string, unknown>;
  retainStacks?: boolean;
  deploymentTargets?: Record<string, unknown>;
  /** The stack set version it deploys. */
  version: number;
  /** Per instance: its key, OU, final status, timings and what it deploys. */
  instances: {
    key: string;
    account: string;
    region: string;
    organizationalUnitId: string;
    start?: number;
    end: number;
    status: FinalStatus;
    reason?: string;
    resources?: DeployedResources;
    /** The instance's parameter overrides from this operation on (set when it turns PENDING). */
    overrides?: Parameter[];
  }[];
  events: ScheduledEvent[];
  cursor: number;
  /** A whole-stack-set operation (UpdateStackSet): conflicts with every other one. */
  wide: boolean;
}

interface StackSetRecord {
  id: string;
  name: string;
  adminRegion: string;
  arn: string;
  description?: string;
  status: 'ACTIVE' | 'DELETED';
  templateBody: string;
  parameters: Parameter[];
  capabilities: string[];
  tags: { Key: string; Value: string }[];
  autoDeployment?: { Enabled: boolean; RetainStacksOnAccountRemoval?: boolean };
  managedExecution: boolean;
  version: number;
  ous: Set<string>;
  instances: Map<string, InstanceRecord>;
  operations: OperationRecord[];
}

/** What one stack instance put in its account and Region (the control API's view). */
export interface DeployedStack {
  stackSetName: string;
  stackSetId: string;
  stackId: string;
  resources: DeployedResources;
}

const instanceKey = (account: string, region: string): string => `${account}/${region}`;
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const namePattern = /^[a-zA-Z][-a-zA-Z0-9]*$/;
const pageMax = 100;

/** Default MaxResults 100 (the API's maximum; AWS's default is not documented). */
function paginate<T>(all: readonly T[], scope: string, params: QueryParams): { items: T[]; next?: string } {
  const max = int(params, 'MaxResults') ?? pageMax;
  if (max < 1 || max > pageMax) {
    throw validationError(
      `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${pageMax}`,
    );
  }
  const token = str(params, 'NextToken');
  let start = 0;
  if (token !== undefined && token !== '') {
    let parsed: { s?: unknown; o?: unknown } | undefined;
    try {
      parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s?: unknown; o?: unknown };
    } catch {
      parsed = undefined;
    }
    if (parsed?.s !== scope || typeof parsed.o !== 'number' || parsed.o < 0 || parsed.o > all.length) {
      throw validationError('Invalid NextToken');
    }
    start = parsed.o;
  }
  const items = all.slice(start, start + max);
  const end = start + items.length;
  return end < all.length
    ? { items, next: Buffer.from(JSON.stringify({ s: scope, o: end }), 'utf8').toString('base64url') }
    : { items };
}

function parameters(params: QueryParams, key: string): Parameter[] {
  return list(params, key).map((p) => {
    const q = (typeof p === 'object' && !Array.isArray(p) ? p : {}) as QueryParams;
    const k = requiredStr(q, 'ParameterKey');
    const v = str(q, 'ParameterValue');
    const prev = bool(q, 'UsePreviousValue');
    return {
      ParameterKey: k,
      ...(v === undefined ? {} : { ParameterValue: v }),
      ...(prev ? { UsePreviousValue: true } : {}),
    };
  });
}

function deploymentTargets(params: QueryParams): DeploymentTargets | undefined {
  const t = struct(params, 'DeploymentTargets');
  if (!t) return undefined;
  const filter = str(t, 'AccountFilterType');
  if (filter !== undefined && !(accountFilterTypes as readonly string[]).includes(filter)) {
    throw validationError(
      `1 validation error detected: Value '${filter}' at 'deploymentTargets.accountFilterType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, INTERSECTION, DIFFERENCE, UNION]`,
    );
  }
  if (str(t, 'AccountsUrl') !== undefined)
    throw validationError(
      'DeploymentTargets.AccountsUrl is not supported by the StackSets emulator (emulator limit)',
    );
  return {
    organizationalUnitIds: strList(t, 'OrganizationalUnitIds'),
    accounts: strList(t, 'Accounts'),
    ...(filter === undefined ? {} : { accountFilterType: filter as AccountFilterType }),
  };
}

function targetsOutput(t: DeploymentTargets | undefined): Record<string, unknown> | undefined {
  if (!t) return undefined;
  return {
    ...(t.accounts.length > 0 ? { Accounts: t.accounts } : {}),
    ...(t.organizationalUnitIds.length > 0 ? { OrganizationalUnitIds: t.organizationalUnitIds } : {}),
    ...(t.accountFilterType ? { AccountFilterType: t.accountFilterType } : {}),
  };
}

function preferences(params: QueryParams): { prefs: Preferences; output: Record<string, unknown> } {
  const p = struct(params, 'OperationPreferences');
  const rct = str(p, 'RegionConcurrencyType') ?? 'SEQUENTIAL';
  if (rct !== 'SEQUENTIAL' && rct !== 'PARALLEL')
    throw validationError(`RegionConcurrencyType must be SEQUENTIAL or PARALLEL, got ${rct}`);
  const mode = str(p, 'ConcurrencyMode') ?? 'STRICT_FAILURE_TOLERANCE';
  if (mode !== 'STRICT_FAILURE_TOLERANCE' && mode !== 'SOFT_FAILURE_TOLERANCE') {
    throw validationError(
      `ConcurrencyMode must be STRICT_FAILURE_TOLERANCE or SOFT_FAILURE_TOLERANCE, got ${mode}`,
    );
  }
  const ftc = int(p, 'FailureToleranceCount');
  const ftp = int(p, 'FailureTolerancePercentage');
  const mcc = int(p, 'MaxConcurrentCount');
  const mcp = int(p, 'MaxConcurrentPercentage');
  // Documented: each pair is either a count or a percentage, not both.
  if (ftc !== undefined && ftp !== undefined)
    throw validationError('Specify FailureToleranceCount or FailureTolerancePercentage, not both');
  if (mcc !== undefined && mcp !== undefined)
    throw validationError('Specify MaxConcurrentCount or MaxConcurrentPercentage, not both');
  if ((ftc ?? 0) < 0 || (mcc ?? 1) < 1)
    throw validationError('FailureToleranceCount must be ≥ 0 and MaxConcurrentCount ≥ 1');
  for (const [name, v, min] of [
    ['FailureTolerancePercentage', ftp, 0],
    ['MaxConcurrentPercentage', mcp, 1],
  ] as const) {
    if (v !== undefined && (v < min || v > 100))
      throw validationError(`${name} must be between ${min} and 100`);
  }
  const order = strList(p, 'RegionOrder');
  const prefs: Preferences = {
    regionConcurrencyType: rct,
    regionOrder: order,
    concurrencyMode: mode,
    ...(ftc === undefined ? {} : { failureToleranceCount: ftc }),
    ...(ftp === undefined ? {} : { failureTolerancePercentage: ftp }),
    ...(mcc === undefined ? {} : { maxConcurrentCount: mcc }),
    ...(mcp === undefined ? {} : { maxConcurrentPercentage: mcp }),
  };
  const output: Record<string, unknown> = {
    RegionConcurrencyType: rct,
    ...(order.length > 0 ? { RegionOrder: order } : {}),
    ...(ftc === undefined ? {} : { FailureToleranceCount: ftc }),
    ...(ftp === undefined ? {} : { FailureTolerancePercentage: ftp }),
    ...(mcc === undefined ? {} : { MaxConcurrentCount: mcc }),
    ...(mcp === undefined ? {} : { MaxConcurrentPercentage: mcp }),
    ConcurrencyMode: mode,
  };
  return { prefs, output };
}

function checkCallAs(params: QueryParams): void {
  const callAs = str(params, 'CallAs');
  if (callAs !== undefined && callAs !== 'SELF' && callAs !== 'DELEGATED_ADMIN') {
    throw validationError(
      `1 validation error detected: Value '${callAs}' at 'callAs' failed to satisfy constraint: Member must satisfy enum value set: [SELF, DELEGATED_ADMIN]`,
    );
  }
}

function checkRegions(regions: string[]): void {
  if (regions.length === 0)
    throw validationError(
      "1 validation error detected: Value null at 'regions' failed to satisfy constraint: Member must not be null",
    );
  for (const r of regions) {
    if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(r))
      throw validationError(`Region ${r} is not a valid Region name`);
  }
}

export class StackSetEngine {
  private readonly stackSets = new Map<string, StackSetRecord>();
  private readonly operationIds = new Set<string>();
  /** account → Region → stack set id → what its instance deployed. */
  private readonly deployed = new Map<string, Map<string, Map<string, DeployedStack>>>();
  private faultState: FaultState = { accountFailures: {} };

  constructor(private readonly options: EngineOptions) {}

  setFaults(config: FaultConfig): void {
    if (config.latency === null) delete this.faultState.latency;
    else if (config.latency !== undefined) {
      const ms = config.latency.ms;
      if (typeof ms !== 'number' || !(ms >= 0)) throw validationError('latency.ms must be a number ≥ 0');
      this.faultState.latency = config.latency;
    }
    if (config.throttle === null) delete this.faultState.throttle;
    else if (config.throttle !== undefined) {
      const rate = config.throttle.rate;
      if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1))
        throw validationError('throttle.rate must be between 0 and 1');
      this.faultState.throttle = config.throttle;
    }
    for (const [id, f] of Object.entries(config.accountFailures ?? {})) {
      if (f === null) delete this.faultState.accountFailures[id];
      else {
        if (typeof f?.reason !== 'string')
          throw validationError(`accountFailures.${id} needs {"reason": "..."}`);
        this.faultState.accountFailures[id] = f;
      }
    }
  }

  /** How long to hold this request's answer (the latency fault), in wall-clock ms. */
  latencyOf(action: string): number {
    const l = this.faultState.latency;
    return l && (l.actions === undefined || l.actions.includes(action)) ? l.ms : 0;
  }

  /** Whether to answer this request with Throttling (seeded, its own random stream). */
  throttled(action: string): boolean {
    const t = this.faultState.throttle;
    if (!t || (t.actions !== undefined && !t.actions.includes(action))) return false;
    return this.options.throttleRandom() < t.rate;
  }

  resetFaults(): void {
    this.faultState = { accountFailures: {} };
  }

  faults(): FaultState {
    return structuredClone(this.faultState);
  }

  /** What the stack instances deployed in this account and Region (settled to now). */
  deployedIn(account: string, region: string): DeployedStack[] {
    this.settle();
    const stacks = this.deployed.get(account)?.get(region);
    return stacks ? [...stacks.values()].sort((a, b) => byString(a.stackSetName, b.stackSetName)) : [];
  }

  /** Every account and Region where a stack instance deployed something, sorted. */
  allDeployed(): { account: string; region: string; stacks: DeployedStack[] }[] {
    this.settle();
    const out: { account: string; region: string; stacks: DeployedStack[] }[] = [];
    for (const [account, regions] of this.deployed) {
      for (const [region, stacks] of regions) {
        if (stacks.size === 0) continue;
        out.push({
          account,
          region,
          stacks: [...stacks.values()].sort((a, b) => byString(a.stackSetName, b.stackSetName)),
        });
      }
    }
    return out.sort((a, b) => byString(a.account, b.account) || byString(a.region, b.region));
  }

  /** The accounts where a stack instance created IAM role `roleName`, sorted. */
  roleAccounts(roleName: string): string[] {
    this.settle();
    const out: string[] = [];
    for (const [account, regions] of this.deployed) {
      const has = [...regions.values()].some((stacks) =>
        [...stacks.values()].some((st) => st.resources.roles.some((r) => r.roleName === roleName)),
      );
      if (has) out.push(account);
    }
    return out.sort(byString);
  }

  /** The Regions whose stack instances created IAM role `roleName` in `account` (IAM is global). */
  roleRegions(account: string, roleName: string): string[] {
    this.settle();
    const out: string[] = [];
    for (const [region, stacks] of this.deployed.get(account) ?? []) {
      for (const s of stacks.values())
        if (s.resources.roles.some((r) => r.roleName === roleName)) out.push(region);
    }
    return out.sort(byString);
  }

  async handle(action: string, params: QueryParams, region: string): Promise<Record<string, unknown>> {
    this.settle();
    checkCallAs(params);
    switch (action) {
      case 'CreateStackSet':
        return this.createStackSet(params, region);
      case 'UpdateStackSet':
        return this.updateStackSet(params, region);
      case 'DeleteStackSet':
        return this.deleteStackSet(params, region);
      case 'DescribeStackSet':
        return { StackSet: this.stackSetOutput(this.find(params, region)) };
      case 'ListStackSets':
        return this.listStackSets(params, region);
      case 'CreateStackInstances':
        return this.instancesOperation('CREATE', params, region);
      case 'UpdateStackInstances':
        return this.instancesOperation('UPDATE', params, region);
      case 'DeleteStackInstances':
        return this.instancesOperation('DELETE', params, region);
      case 'DescribeOrganizationsAccess':
        return { Status: (await this.trustedAccessEnabled()) ? 'ENABLED' : 'DISABLED' };
      case 'ActivateOrganizationsAccess':
        this.organizationsAccess = true;
        return {};
      case 'DeactivateOrganizationsAccess':
        this.organizationsAccess = false;
        return {};
      case 'StopStackSetOperation':
        return this.stopOperation(params, region);
      case 'DescribeStackSetOperation':
        return this.describeOperation(params, region);
      case 'ListStackSetOperations':
        return this.listOperations(params, region);
      case 'ListStackSetOperationResults':
        return this.listOperationResults(params, region);
      case 'ListStackInstances':
        return this.listInstances(params, region);
      case 'DescribeStackInstance':
        return this.describeInstance(params, region);
      default:
        throw stackSetsError(
          'InvalidAction',
          `The action ${action} is not valid for this web service (StackSets emulator: not emulated)`,
        );
    }
  }

  // ---- time ----

  /** Applies every scheduled event up to now, operation by operation in creation order. */
  settle(): void {
    const now = this.options.now();
    for (const set of this.stackSets.values()) {
      for (const op of set.operations) {
        while (op.cursor < op.events.length && (op.events[op.cursor] as ScheduledEvent).t <= now) {
          this.apply(set, op, op.events[op.cursor] as ScheduledEvent);
          op.cursor += 1;
        }
      }
    }
  }

  private apply(set: StackSetRecord, op: OperationRecord, event: ScheduledEvent): void {
    const planned = op.instances[event.index];
    if (!planned) return;
    let inst = set.instances.get(planned.key);
    if (event.kind === 'pending') {
      if (!inst) {
        if (op.action !== 'CREATE') return;
        inst = {
          account: planned.account,
          region: planned.region,
          organizationalUnitId: planned.organizationalUnitId,
          stackId: `${arnPrefix(planned.region)}cloudformation:${planned.region}:${planned.account}:stack/StackSet-${set.name}-${randomUUID()}/${randomUUID()}`,
          overrides: [],
          detailed: 'PENDING',
        };
        set.instances.set(planned.key, inst);
      }
      inst.detailed = 'PENDING';
      if (planned.overrides) inst.overrides = planned.overrides;
      delete inst.reason;
      inst.lastOperationId = op.id;
      return;
    }
    if (!inst) return;
    if (event.kind === 'start') {
      inst.detailed = 'RUNNING';
      return;
    }
    // end
    if (planned.reason === undefined) delete inst.reason;
    else inst.reason = planned.reason;
    if (op.action === 'DELETE') {
      if (planned.status === 'SUCCEEDED') {
        set.instances.delete(planned.key);
        if (!op.retainStacks) this.deployed.get(planned.account)?.get(planned.region)?.delete(set.id);
        return;
      }
      if (planned.status === 'FAILED') {
        inst.detailed = 'INOPERABLE';
        inst.inoperable = true;
        return;
      }
      inst.detailed = planned.status;
      return;
    }
    inst.detailed = planned.status;
    if (planned.status === 'SUCCEEDED' && planned.resources) {
      inst.deployedVersion = op.version;
      let regions = this.deployed.get(planned.account);
      if (!regions) this.deployed.set(planned.account, (regions = new Map()));
      let stacks = regions.get(planned.region);
      if (!stacks) regions.set(planned.region, (stacks = new Map()));
      stacks.set(set.id, {
        stackSetName: set.name,
        stackSetId: set.id,
        stackId: inst.stackId,
        resources: planned.resources,
      });
    }
  }

  private operationStatus(op: OperationRecord): string {
    const now = this.options.now();
    if (now < op.start) return 'QUEUED';
    if (now < op.end || op.cursor < op.events.length) return op.status === 'STOPPED' ? 'STOPPING' : 'RUNNING';
    return op.status;
  }

  private unfinished(set: StackSetRecord): OperationRecord[] {
    return set.operations.filter((op) => {
      const s = this.operationStatus(op);
      return s === 'RUNNING' || s === 'QUEUED' || s === 'STOPPING';
    });
  }

  /**
   * StopStackSetOperation (documented: the instances not yet started are cancelled, those running
   * finish; STOPPING until they have, then STOPPED). A queued operation stops at once, its
   * instances CANCELLED without turning PENDING first (emulator's choice). Operations queued behind
   * it keep their start times.
   */
  private stopOperation(params: QueryParams, region: string): Record<string, unknown> {
    const set = this.find(params, region);
    const op = this.findOperation(set, params);
    const status = this.operationStatus(op);
    if (status !== 'RUNNING' && status !== 'QUEUED') {
      throw stackSetsError(
        'InvalidOperationException',
        `Operation ${op.id} is ${status}: only a RUNNING or QUEUED operation can be stopped`,
      );
    }
    const now = this.options.now();
    const queued = status === 'QUEUED';
    const kept = queued ? [] : op.events.slice(0, op.cursor);
    const future: ScheduledEvent[] = [];
    let end = now;
    op.instances.forEach((inst, index) => {
      const started = !queued && inst.start !== undefined && inst.start <= now;
      if (started || inst.end <= now) {
        if (inst.end > now) future.push({ t: inst.end, kind: 'end', index });
        end = Math.max(end, inst.end);
        return;
      }
      delete inst.start;
      delete inst.resources;
      inst.end = now;
      inst.status = 'CANCELLED';
      inst.reason = 'Cancelled since the operation was stopped';
      future.push({ t: now, kind: 'end', index });
    });
    future.sort((a, b) => a.t - b.t || a.index - b.index);
    op.events = [...kept, ...future];
    op.cursor = kept.length;
    if (queued) op.start = now;
    op.end = end;
    op.status = 'STOPPED';
    op.statusReason = 'The operation was stopped';
    this.settle();
    return {};
  }

  /**
   * Auto-deployment, on demand (the emulator does not watch the organization): for every stack set
   * with AutoDeployment enabled, re-reads the organization and starts one CREATE operation for the
   * accounts now in its OUs that have no instance in its Regions, and one DELETE operation
   * (RetainStacks = RetainStacksOnAccountRemoval) for the instances reached through its OUs whose
   * account left them. As documented, OperationPreferences do not apply: every account at once,
   * nothing stops on failures (emulator's choice). They queue behind unfinished operations.
   */
  async autoDeploy(): Promise<string[]> {
    this.settle();
    const started: string[] = [];
    const sets = [...this.stackSets.values()].filter(
      (s) => s.status === 'ACTIVE' && s.autoDeployment?.Enabled === true && s.ous.size > 0,
    );
    if (sets.length === 0) return started;
    const org = await this.options.organization();
    const prefs: Preferences = {
      regionConcurrencyType: 'PARALLEL',
      regionOrder: [],
      concurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      maxConcurrentPercentage: 100,
      failureTolerancePercentage: 100,
    };
    for (const set of sets) {
      const targets = { organizationalUnitIds: [...set.ous].sort(byString), accounts: [] };
      const reached = expandTargets(org, targets);
      const inOus = new Set(reached.map((t) => t.account.id));
      const regions = [...new Set([...set.instances.values()].map((i) => i.region))].sort(byString);
      const create: (PlannedInstance & { ou: string })[] = [];
      for (const r of regions) {
        for (const t of reached) {
          if (set.instances.has(instanceKey(t.account.id, r))) continue;
          create.push({
            account: t.account.id,
            region: r,
            ou: t.organizationalUnitId,
            outcome: skipUnlessActive(t.account.id, t.account.status),
          });
        }
      }
      const remove = [...set.instances.values()]
        .filter((i) => set.ous.has(i.organizationalUnitId) && !inOus.has(i.account))
        .map((i) => ({
          account: i.account,
          region: i.region,
          ou: i.organizationalUnitId,
          outcome: { kind: 'succeed' as const },
        }));
      const output = {
        RegionConcurrencyType: 'PARALLEL',
        MaxConcurrentPercentage: 100,
        FailureTolerancePercentage: 100,
      };
      if (create.length > 0) {
        const op = await this.startOperation(
          set,
          randomUUID(),
          'CREATE',
          create,
          prefs,
          output,
          targets,
          false,
          undefined,
          undefined,
          true,
        );
        started.push(op.id);
      }
      if (remove.length > 0) {
        const retain = set.autoDeployment?.RetainStacksOnAccountRemoval === true;
        const op = await this.startOperation(
          set,
          randomUUID(),
          'DELETE',
          remove,
          prefs,
          output,
          undefined,
          false,
          retain,
          undefined,
          true,
        );
        started.push(op.id);
      }
    }
    return started;
  }

  // ---- stack sets ----

  private find(params: QueryParams, region: string): StackSetRecord {
    const name = requiredStr(params, 'StackSetName');
    for (const set of this.stackSets.values()) {
      if (set.adminRegion === region && set.status === 'ACTIVE' && (set.name === name || set.id === name))
        return set;
    }
    throw stackSetsError('StackSetNotFoundException', `StackSet ${name} not found`);
  }

  private async templateOf(params: QueryParams): Promise<string | undefined> {
    const body = str(params, 'TemplateBody');
    const url = str(params, 'TemplateURL');
    if (body !== undefined && url !== undefined)
      throw validationError('Specify either TemplateBody or TemplateURL, not both');
    let text = body;
    if (url !== undefined) {
      const reader = this.options.readTemplateUrl;
      if (!reader)
        throw validationError(
          `TemplateURL must be a supported URL (the emulator has no S3 to read ${url} from)`,
        );
      try {
        text = await reader(url);
      } catch (error) {
        throw validationError(`TemplateURL ${url} could not be read: ${(error as Error).message}`);
      }
    }
    if (text === undefined) return undefined;
    try {
      parseTemplate(text);
    } catch (error) {
      throw validationError((error as Error).message);
    }
    return text;
  }

  /** CloudFormation's capability check for IAM resources (documented: CAPABILITY_NAMED_IAM for named roles). */
  private checkCapabilities(body: string, capabilities: string[]): void {
    const template = parseTemplate(body);
    const resources = (template.Resources ?? {}) as Record<
      string,
      { Type?: unknown; Properties?: { RoleName?: unknown } }
    >;
    let needed: string | undefined;
    for (const r of Object.values(resources)) {
      if (r?.Type === 'AWS::IAM::Role') {
        if (r.Properties?.RoleName !== undefined) needed = 'CAPABILITY_NAMED_IAM';
        else needed ??= 'CAPABILITY_IAM';
      }
    }
    if (needed === undefined) return;
    const ok =
      needed === 'CAPABILITY_IAM'
        ? capabilities.includes('CAPABILITY_IAM') || capabilities.includes('CAPABILITY_NAMED_IAM')
        : capabilities.includes(needed);
    if (!ok) throw stackSetsError('InsufficientCapabilitiesException', `Requires capabilities : [${needed}]`);
  }

  /**
   * Service-managed stack sets need trusted access with Organizations (documented); AWS's answer
   * without it is "You must enable organizations access to operate a service managed stack set"
   * (seen in public reports; the code is the emulator's choice: ValidationError).
   */
  private async trustedAccessEnabled(): Promise<boolean> {
    if (this.organizationsAccess !== undefined) return this.organizationsAccess;
    const source = this.options.trustedAccess;
    return source === undefined || (await source());
  }

  /**
   * Set by ActivateOrganizationsAccess / DeactivateOrganizationsAccess; wins over the
   * `trustedAccess` source from then on (the emulator does not write it back to Organizations).
   */
  private organizationsAccess: boolean | undefined;

  private async checkTrustedAccess(): Promise<void> {
    if (!(await this.trustedAccessEnabled())) {
      throw validationError('You must enable organizations access to operate a service managed stack set');
    }
  }

  private async createStackSet(params: QueryParams, region: string): Promise<Record<string, unknown>> {
    const name = requiredStr(params, 'StackSetName');
    if (!namePattern.test(name) || name.length > 128) {
      throw validationError(
        `1 validation error detected: Value '${name}' at 'stackSetName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`,
      );
    }
    const model = str(params, 'PermissionModel') ?? 'SELF_MANAGED';
    if (model !== 'SERVICE_MANAGED') {
      throw validationError(
        `PermissionModel ${model} is not supported by the StackSets emulator (emulator limit: SERVICE_MANAGED only)`,
      );
    }
    const auto = struct(params, 'AutoDeployment');
    if (auto === undefined || bool(auto, 'Enabled') === undefined) {
      // Documented (CreateStackSet): "Required if the permissions model is SERVICE_MANAGED"; the wording is the emulator's.
      throw validationError('AutoDeployment must be specified when PermissionModel is SERVICE_MANAGED');
    }
    await this.checkTrustedAccess();
    const body = await this.templateOf(params);
    if (body === undefined) throw validationError('Either TemplateBody or TemplateURL must be specified');
    const capabilities = strList(params, 'Capabilities');
    this.checkCapabilities(body, capabilities);
    for (const set of this.stackSets.values()) {
      if (set.adminRegion === region && set.status === 'ACTIVE' && set.name === name) {
        throw stackSetsError('NameAlreadyExistsException', `StackSet ${name} already exists`);
      }
    }
    const id = `${name}:${randomUUID()}`;
    const enabled = bool(auto, 'Enabled') === true;
    const retain = bool(auto, 'RetainStacksOnAccountRemoval');
    const record: StackSetRecord = {
      id,
      name,
      adminRegion: region,
      arn: `${arnPrefix(region)}cloudformation:${region}:${this.options.managementAccountId}:stackset/${id}`,
      ...(str(params, 'Description') === undefined
        ? {}
        : { description: str(params, 'Description') as string }),
      status: 'ACTIVE',
      templateBody: body,
      parameters: parameters(params, 'Parameters'),
      capabilities,
      tags: list(params, 'Tags').map((t) => ({
        Key: str(t as QueryParams, 'Key') ?? '',
        Value: str(t as QueryParams, 'Value') ?? '',
      })),
      autoDeployment: {
        Enabled: enabled,
        ...(retain === undefined ? {} : { RetainStacksOnAccountRemoval: retain }),
      },
      managedExecution: bool(struct(params, 'ManagedExecution'), 'Active') === true,
      version: 1,
      ous: new Set(),
      instances: new Map(),
      operations: [],
    };
    this.stackSets.set(id, record);
    return { StackSetId: id };
  }

  private stackSetOutput(set: StackSetRecord): Record<string, unknown> {
    const regions = [...new Set([...set.instances.values()].map((i) => i.region))].sort(byString);
    return {
      StackSetName: set.name,
      StackSetId: set.id,
      ...(set.description === undefined ? {} : { Description: set.description }),
      Status: set.status,
      TemplateBody: set.templateBody,
      Parameters: set.parameters.map((p) => ({
        ParameterKey: p.ParameterKey,
        ParameterValue: p.ParameterValue ?? '',
      })),
      Capabilities: set.capabilities,
      Tags: set.tags,
      StackSetARN: set.arn,
      AutoDeployment: set.autoDeployment,
      PermissionModel: 'SERVICE_MANAGED',
      OrganizationalUnitIds: [...set.ous].sort(byString),
      ManagedExecution: { Active: set.managedExecution },
      Regions: regions,
    };
  }

  private listStackSets(params: QueryParams, region: string): Record<string, unknown> {
    const status = str(params, 'Status');
    const all = [...this.stackSets.values()]
      .filter((s) => s.adminRegion === region && (status === undefined || s.status === status))
      .sort((a, b) => byString(a.name, b.name) || byString(a.id, b.id));
    const page = paginate(all, `ListStackSets/${region}/${status ?? ''}`, params);
    return {
      Summaries: page.items.map((s) => ({
        StackSetName: s.name,
        StackSetId: s.id,
        ...(s.description === undefined ? {} : { Description: s.description }),
        Status: s.status,
        AutoDeployment: s.autoDeployment,
        PermissionModel: 'SERVICE_MANAGED',
        ManagedExecution: { Active: s.managedExecution },
      })),
      ...(page.next === undefined ? {} : { NextToken: page.next }),
    };
  }

  private deleteStackSet(params: QueryParams, region: string): Record<string, unknown> {
    const set = this.find(params, region);
    if (this.unfinished(set).length > 0) {
      throw stackSetsError(
        'OperationInProgressException',
        `Another Operation on StackSet ${set.arn} is in progress`,
      );
    }
    if (set.instances.size > 0) {
      throw stackSetsError(
        'StackSetNotEmptyException',
        `StackSet ${set.name} is not empty: it has ${set.instances.size} stack instances; delete them first`,
      );
    }
    set.status = 'DELETED';
    return {};
  }

  // ---- operations ----

  private checkOperationId(params: QueryParams): string {
    const id = str(params, 'OperationId') ?? randomUUID();
    if (!/^[a-zA-Z0-9][-a-zA-Z0-9]*$/.test(id) || id.length > 128) {
      throw validationError(
        `1 validation error detected: Value '${id}' at 'operationId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9][-a-zA-Z0-9]*`,
      );
    }
    if (this.operationIds.has(id))
      throw stackSetsError('OperationIdAlreadyExistsException', `The operation id ${id} already exists`);
    return id;
  }

  private async updateStackSet(params: QueryParams, region: string): Promise<Record<string, unknown>> {
    const set = this.find(params, region);
    const operationId = this.checkOperationId(params);
    const { prefs, output } = preferences(params);
    const usePrevious = bool(params, 'UsePreviousTemplate') === true;
    // Documented: exactly one of TemplateBody, TemplateURL, UsePreviousTemplate true.
    const sources = [str(params, 'TemplateBody'), str(params, 'TemplateURL')].filter(
      (v) => v !== undefined,
    ).length;
    if (sources + (usePrevious ? 1 : 0) !== 1) {
      throw validationError('Specify exactly one of TemplateBody, TemplateURL or UsePreviousTemplate=true');
    }
    const body = usePrevious ? set.templateBody : ((await this.templateOf(params)) as string);
    const capabilities =
      list(params, 'Capabilities').length > 0 ? strList(params, 'Capabilities') : set.capabilities;
    this.checkCapabilities(body, capabilities);
    const given = parameters(params, 'Parameters');
    const nextParams = given.map((p) =>
      p.UsePreviousValue ? { ParameterKey: p.ParameterKey, ...this.previousValue(set, p.ParameterKey) } : p,
    );
    const targets = deploymentTargets(params);
    const regions = strList(params, 'Regions');
    if ((targets === undefined) !== (regions.length === 0)) {
      throw validationError(
        'DeploymentTargets and Regions go together: give both to update some stack instances, or neither to update all',
      );
    }
    let keys: Set<string>;
    const org = await this.options.organization();
    if (targets) {
      checkRegions(regions);
      const accounts = expandTargets(org, targets);
      keys = new Set();
      for (const a of accounts)
        for (const r of regions)
          if (set.instances.has(instanceKey(a.account.id, r))) keys.add(instanceKey(a.account.id, r));
    } else {
      keys = new Set([...set.instances.entries()].filter(([, i]) => !i.inoperable).map(([k]) => k));
    }
    this.checkNotBusy(set);
    const description = str(params, 'Description');
    // The stack set itself changes at once; its instances follow through the operation.
    set.templateBody = body;
    set.capabilities = capabilities;
    if (given.length > 0 || list(params, 'Parameters').length > 0) set.parameters = nextParams;
    if (description !== undefined) set.description = description;
    const auto = struct(params, 'AutoDeployment');
    if (auto) {
      const retain = bool(auto, 'RetainStacksOnAccountRemoval');
      set.autoDeployment = {
        Enabled: bool(auto, 'Enabled') === true,
        ...(retain === undefined ? {} : { RetainStacksOnAccountRemoval: retain }),
      };
    }
    const managed = bool(struct(params, 'ManagedExecution'), 'Active');
    if (managed !== undefined) set.managedExecution = managed;
    set.version += 1;
    const statusOf = new Map(org.accounts.map((a) => [a.id, a.status]));
    const planned: (PlannedInstance & { ou: string })[] = [...keys].map((k) => {
      const inst = set.instances.get(k) as InstanceRecord;
      return {
        account: inst.account,
        region: inst.region,
        ou: inst.organizationalUnitId,
        outcome: skipUnlessActive(inst.account, statusOf.get(inst.account) ?? 'ACTIVE'),
      };
    });
    const op = await this.startOperation(set, operationId, 'UPDATE', planned, prefs, output, targets, true);
    return { OperationId: op.id };
  }

  private previousValue(set: StackSetRecord, key: string): { ParameterValue?: string } {
    const p = set.parameters.find((x) => x.ParameterKey === key);
    return p?.ParameterValue === undefined ? {} : { ParameterValue: p.ParameterValue };
  }

  /** Without managed execution, one operation at a time per stack set. */
  private checkNotBusy(set: StackSetRecord): void {
    if (set.managedExecution) return;
    if (this.unfinished(set).length > 0) {
      throw stackSetsError(
        'OperationInProgressException',
        `Another Operation on StackSet ${set.arn} is in progress`,
      );
    }
  }

  private async instancesOperation(
    action: OperationAction,
    params: QueryParams,
    region: string,
  ): Promise<Record<string, unknown>> {
    const set = this.find(params, region);
    const operationId = this.checkOperationId(params);
    const { prefs, output } = preferences(params);
    const targets = deploymentTargets(params);
    if (!targets) throw validationError('DeploymentTargets are required for a SERVICE_MANAGED stack set');
    const regions = strList(params, 'Regions');
    checkRegions(regions);
    let retainStacks: boolean | undefined;
    if (action === 'DELETE') {
      retainStacks = bool(params, 'RetainStacks');
      if (retainStacks === undefined)
        throw validationError(
          "1 validation error detected: Value null at 'retainStacks' failed to satisfy constraint: Member must not be null",
        );
    }
    const overrides = action === 'DELETE' ? [] : parameters(params, 'ParameterOverrides');
    const hasOverrides = action !== 'DELETE' && list(params, 'ParameterOverrides').length > 0;
    this.checkNotBusy(set);
    await this.checkTrustedAccess();
    const org = await this.options.organization();
    const accounts = expandTargets(org, targets);
    const planned: (PlannedInstance & { ou: string })[] = [];
    for (const r of regions) {
      for (const t of accounts) {
        const key = instanceKey(t.account.id, r);
        const existing = set.instances.get(key);
        if (action !== 'CREATE' && !existing) continue;
        planned.push({
          account: t.account.id,
          region: r,
          ou: existing?.organizationalUnitId ?? t.organizationalUnitId,
          outcome: skipUnlessActive(t.account.id, t.account.status),
        });
      }
    }
    if (action !== 'CREATE' && planned.length === 0) {
      throw stackSetsError(
        'StackInstanceNotFoundException',
        `No stack instances of StackSet ${set.name} match the given DeploymentTargets and Regions`,
      );
    }
    this.checkNotBusy(set);
    const pendingOverrides = hasOverrides ? overrides : undefined;
    const filter = targets.accountFilterType ?? 'NONE';
    if (action === 'CREATE') for (const ou of targets.organizationalUnitIds) set.ous.add(ou);
    if (action === 'DELETE' && filter === 'NONE')
      for (const ou of targets.organizationalUnitIds) set.ous.delete(ou);
    const op = await this.startOperation(
      set,
      operationId,
      action,
      planned,
      prefs,
      output,
      targets,
      false,
      retainStacks,
      pendingOverrides,
    );
    return { OperationId: op.id };
  }

  /** Decides each instance's outcome (faults, template, recorder, IAM name clash), then schedules. */
  private async startOperation(
    set: StackSetRecord,
    id: string,
    action: OperationAction,
    planned: (PlannedInstance & { ou: string })[],
    prefs: Preferences,
    prefsOutput: Record<string, unknown>,
    targets: DeploymentTargets | undefined,
    wide: boolean,
    retainStacks?: boolean,
    newOverrides?: Parameter[],
    autoDeployment = false,
  ): Promise<OperationRecord> {
    const resources = new Map<string, DeployedResources>();
    // Roles claimed in this operation, per account (IAM is global: a fixed RoleName in two Regions clashes).
    const claimed = new Map<string, Set<string>>();
    const needRecorder: { p: PlannedInstance; index: number }[] = [];
    const overridesOf = new Map<string, Parameter[]>();
    planned.forEach((p, index) => {
      if (p.outcome.kind !== 'succeed') return;
      const failure = this.faultState.accountFailures[p.account];
      if (
        failure &&
        (failure.regions === undefined || failure.regions.includes(p.region)) &&
        (failure.actions ?? ['CREATE', 'UPDATE']).includes(action)
      ) {
        p.outcome = { kind: 'fail', reason: failure.reason };
        return;
      }
      if (action === 'DELETE') return;
      const key = instanceKey(p.account, p.region);
      const inst = set.instances.get(key);
      const stackName = `StackSet-${set.name}`;
      const merged = newOverrides ? mergeOverrides(inst?.overrides ?? [], newOverrides) : undefined;
      if (merged) overridesOf.set(key, merged);
      const result = interpretTemplate(set.templateBody, set.parameters, merged ?? inst?.overrides ?? [], {
        account: p.account,
        region: p.region,
        stackName,
        stackId:
          inst?.stackId ?? `${arnPrefix(p.region)}cloudformation:${p.region}:${p.account}:stack/${stackName}`,
      });
      if (!result.ok) {
        p.outcome = { kind: 'fail', reason: result.reason };
        return;
      }
      for (const role of result.resources.roles) {
        const owners = this.roleOwners(p.account, role.roleName).filter(
          (o) => !(o.stackSetId === set.id && o.region === p.region),
        );
        const mine = claimed.get(p.account) ?? new Set<string>();
        if (owners.length > 0 || mine.has(role.roleName)) {
          p.outcome = {
            kind: 'fail',
            reason: `Resource handler returned message: "Role with name ${role.roleName} already exists." (AWS::IAM::Role ${role.logicalId}; IAM roles are global to the account)`,
          };
          return;
        }
      }
      for (const role of result.resources.roles) {
        const mine = claimed.get(p.account) ?? new Set<string>();
        mine.add(role.roleName);
        claimed.set(p.account, mine);
      }
      resources.set(key, result.resources);
      if (result.resources.conformancePacks.length > 0 && result.resources.recorders.length === 0)
        needRecorder.push({ p, index });
    });
    const recorders = this.options.recorders;
    if (recorders && needRecorder.length > 0) {
      const has = await mapLimit(needRecorder, 16, async ({ p }) =>
        this.recorderDeployed(p.account, p.region) ? true : recorders(p.account, p.region),
      );
      needRecorder.forEach(({ p }, i) => {
        if (!has[i]) {
          p.outcome = {
            kind: 'fail',
            reason: `Resource handler returned message: "NoAvailableConfigurationRecorderException: Config recorder is not available in account ${p.account} Region ${p.region}" (AWS::Config::ConformancePack)`,
          };
        }
      });
    }
    // Accepted: from here on nothing awaits, so the busy check and the queue position hold.
    const keys = new Set(planned.map((p) => instanceKey(p.account, p.region)));
    if (this.operationIds.has(id))
      throw stackSetsError('OperationIdAlreadyExistsException', `The operation id ${id} already exists`);
    if (!autoDeployment) this.checkNotBusy(set);
    const now = this.options.now();
    let start = now;
    if (autoDeployment) {
      // Auto-deployment waits for every unfinished operation (emulator's choice).
      for (const other of this.unfinished(set)) start = Math.max(start, other.end);
    } else if (set.managedExecution) {
      // Managed execution: conflicting operations (a whole-stack-set one, or sharing an instance) queue.
      for (const other of this.unfinished(set)) {
        const conflicts = wide || other.wide || other.instances.some((i) => keys.has(i.key));
        if (conflicts) start = Math.max(start, other.end);
      }
    }
    const { baseMs, jitterMs } = this.options.delay;
    const schedule = scheduleOperation(
      start,
      planned,
      prefs,
      () => baseMs + this.options.random() * jitterMs,
    );
    const ouOf = new Map(planned.map((p) => [instanceKey(p.account, p.region), p.ou]));
    const instances = schedule.instances.map((s) => {
      const key = instanceKey(s.account, s.region);
      const res = resources.get(key);
      return {
        key,
        account: s.account,
        region: s.region,
        organizationalUnitId: ouOf.get(key) ?? '',
        ...(s.start === undefined ? {} : { start: s.start }),
        end: s.end,
        status: s.status,
        ...(s.reason === undefined ? {} : { reason: s.reason }),
        ...(res === undefined ? {} : { resources: res }),
        ...(overridesOf.has(key) ? { overrides: overridesOf.get(key) as Parameter[] } : {}),
      };
    });
    const events: ScheduledEvent[] = [];
    instances.forEach((inst, index) => {
      events.push({ t: start, kind: 'pending', index });
      if (inst.start !== undefined) events.push({ t: inst.start, kind: 'start', index });
      events.push({ t: inst.end, kind: 'end', index });
    });
    const order = { pending: 0, start: 1, end: 2 };
    events.sort((a, b) => a.t - b.t || order[a.kind] - order[b.kind] || a.index - b.index);
    const failed = schedule.failedRegions;
    const op: OperationRecord = {
      id,
      action,
      created: now,
      start,
      end: schedule.end,
      status: schedule.status,
      ...(failed.length > 0
        ? { statusReason: `The operation stopped: failure tolerance exceeded in ${failed.join(', ')}` }
        : {}),
      preferences: prefsOutput,
      ...(retainStacks === undefined ? {} : { retainStacks }),
      ...(targetsOutput(targets) === undefined ? {} : { deploymentTargets: targetsOutput(targets) }),
      version: set.version,
      instances,
      events,
      cursor: 0,
      wide,
    };
    this.operationIds.add(id);
    set.operations.push(op);
    this.settle();
    return op;
  }

  private roleOwners(account: string, roleName: string): { stackSetId: string; region: string }[] {
    const out: { stackSetId: string; region: string }[] = [];
    for (const [region, stacks] of this.deployed.get(account) ?? []) {
      for (const s of stacks.values())
        if (s.resources.roles.some((r) => r.roleName === roleName))
          out.push({ stackSetId: s.stackSetId, region });
    }
    return out;
  }

  private recorderDeployed(account: string, region: string): boolean {
    for (const s of this.deployed.get(account)?.get(region)?.values() ?? [])
      if (s.resources.recorders.length > 0) return true;
    return false;
  }

  private findOperation(set: StackSetRecord, params: QueryParams): OperationRecord {
    const id = requiredStr(params, 'OperationId');
    const op = set.operations.find((o) => o.id === id);
    if (!op)
      throw stackSetsError(
        'OperationNotFoundException',
        `Operation ${id} not found for StackSet ${set.name}`,
      );
    return op;
  }

  private operationSummary(op: OperationRecord): Record<string, unknown> {
    const status = this.operationStatus(op);
    const done = status === 'SUCCEEDED' || status === 'FAILED' || status === 'STOPPED';
    const failedCount = done
      ? op.instances.filter((i) => i.status === 'FAILED').length
      : op.instances.filter((i) => i.status === 'FAILED' && i.end <= this.options.now()).length;
    return {
      OperationId: op.id,
      Action: op.action,
      Status: status,
      CreationTimestamp: new Date(op.created),
      ...(done ? { EndTimestamp: new Date(op.end) } : {}),
      ...(done && op.statusReason ? { StatusReason: op.statusReason } : {}),
      StatusDetails: { FailedStackInstancesCount: failedCount },
      OperationPreferences: op.preferences,
    };
  }

  private describeOperation(params: QueryParams, region: string): Record<string, unknown> {
    const set = this.find(params, region);
    const op = this.findOperation(set, params);
    const s = this.operationSummary(op);
    return {
      StackSetOperation: {
        OperationId: op.id,
        StackSetId: set.id,
        Action: op.action,
        Status: s.Status,
        OperationPreferences: op.preferences,
        ...(op.retainStacks === undefined ? {} : { RetainStacks: op.retainStacks }),
        CreationTimestamp: s.CreationTimestamp,
        ...(s.EndTimestamp === undefined ? {} : { EndTimestamp: s.EndTimestamp }),
        ...(op.deploymentTargets === undefined ? {} : { DeploymentTargets: op.deploymentTargets }),
        ...(s.StatusReason === undefined ? {} : { StatusReason: s.StatusReason }),
        StatusDetails: s.StatusDetails,
      },
    };
  }

  private listOperations(params: QueryParams, region: string): Record<string, unknown> {
    const set = this.find(params, region);
    // Newest first (AWS does not document the order).
    const all = [...set.operations].reverse();
    const page = paginate(all, `ListStackSetOperations/${set.id}`, params);
    return {
      Summaries: page.items.map((op) => this.operationSummary(op)),
      ...(page.next === undefined ? {} : { NextToken: page.next }),
    };
  }

  private listOperationResults(params: QueryParams, region: string): Record<string, unknown> {
    const set = this.find(params, region);
    const op = this.findOperation(set, params);
    const now = this.options.now();
    const rows = [...op.instances].sort(
      (a, b) => byString(a.account, b.account) || byString(a.region, b.region),
    );
    const filters = list(params, 'Filters').map((f) => f as QueryParams);
    const wanted = filters.find((f) => str(f, 'Name') === 'OPERATION_RESULT_STATUS');
    const statusOf = (i: OperationRecord['instances'][number]): string => {
      if (now < op.start || (i.start !== undefined && now < i.start)) return 'PENDING';
      if (now < i.end) return i.start === undefined ? 'PENDING' : 'RUNNING';
      return i.status === 'SKIPPED_SUSPENDED_ACCOUNT' ? 'CANCELLED' : i.status;
    };
    const filtered = wanted ? rows.filter((i) => statusOf(i) === str(wanted, 'Values')) : rows;
    const page = paginate(
      filtered,
      `ListStackSetOperationResults/${op.id}/${str(wanted, 'Values') ?? ''}`,
      params,
    );
    return {
      Summaries: page.items.map((i) => {
        const status = statusOf(i);
        const final = status !== 'PENDING' && status !== 'RUNNING';
        return {
          Account: i.account,
          Region: i.region,
          Status: status,
          ...(final && i.reason !== undefined ? { StatusReason: i.reason } : {}),
          AccountGateResult: {
            Status: 'SKIPPED',
            StatusReason: 'No account gate function in the account (emulator)',
          },
          OrganizationalUnitId: i.organizationalUnitId,
        };
      }),
      ...(page.next === undefined ? {} : { NextToken: page.next }),
    };
  }

  // ---- instances ----

  private instanceStatus(set: StackSetRecord, i: InstanceRecord): string {
    if (i.inoperable) return 'INOPERABLE';
    return i.detailed === 'SUCCEEDED' && i.deployedVersion === set.version ? 'CURRENT' : 'OUTDATED';
  }

  private instanceSummary(set: StackSetRecord, i: InstanceRecord): Record<string, unknown> {
    return {
      StackSetId: set.id,
      Region: i.region,
      Account: i.account,
      StackId: i.stackId,
      Status: this.instanceStatus(set, i),
      ...(i.reason === undefined ? {} : { StatusReason: i.reason }),
      StackInstanceStatus: { DetailedStatus: i.detailed },
      OrganizationalUnitId: i.organizationalUnitId,
      DriftStatus: 'NOT_CHECKED',
      ...(i.lastOperationId === undefined ? {} : { LastOperationId: i.lastOperationId }),
    };
  }

  private listInstances(params: QueryParams, region: string): Record<string, unknown> {
    const set = this.find(params, region);
    const account = str(params, 'StackInstanceAccount');
    const instRegion = str(params, 'StackInstanceRegion');
    const filters = list(params, 'Filters').map((f) => f as QueryParams);
    for (const f of filters) {
      const n = str(f, 'Name');
      if (n !== 'DETAILED_STATUS' && n !== 'LAST_OPERATION_ID' && n !== 'DRIFT_STATUS') {
        throw validationError(
          `1 validation error detected: Value '${n ?? ''}' at 'filters.member.name' failed to satisfy constraint: Member must satisfy enum value set: [DETAILED_STATUS, LAST_OPERATION_ID, DRIFT_STATUS]`,
        );
      }
    }
    const match = (i: InstanceRecord): boolean =>
      (account === undefined || i.account === account) &&
      (instRegion === undefined || i.region === instRegion) &&
      filters.every((f) => {
        const v = str(f, 'Values');
        const n = str(f, 'Name');
        if (n === 'DETAILED_STATUS') return i.detailed === v;
        if (n === 'LAST_OPERATION_ID') return i.lastOperationId === v;
        return v === 'NOT_CHECKED';
      });
    // Order: account, then Region (AWS does not document one).
    const all = [...set.instances.values()]
      .filter(match)
      .sort((a, b) => byString(a.account, b.account) || byString(a.region, b.region));
    const scope = `ListStackInstances/${set.id}/${account ?? ''}/${instRegion ?? ''}/${JSON.stringify(filters)}`;
    const page = paginate(all, scope, params);
    return {
      Summaries: page.items.map((i) => this.instanceSummary(set, i)),
      ...(page.next === undefined ? {} : { NextToken: page.next }),
    };
  }

  private describeInstance(params: QueryParams, region: string): Record<string, unknown> {
    const set = this.find(params, region);
    const account = requiredStr(params, 'StackInstanceAccount');
    const instRegion = requiredStr(params, 'StackInstanceRegion');
    const inst = set.instances.get(instanceKey(account, instRegion));
    if (!inst)
      throw stackSetsError(
        'StackInstanceNotFoundException',
        `Stack instance for account ${account} in Region ${instRegion} not found for StackSet ${set.name}`,
      );
    return {
      StackInstance: {
        ...this.instanceSummary(set, inst),
        ParameterOverrides: inst.overrides.map((p) => ({
          ParameterKey: p.ParameterKey,
          ParameterValue: p.ParameterValue ?? '',
        })),
      },
    };
  }
}

/** An account that is not ACTIVE (SUSPENDED, PENDING_CLOSURE) is skipped: SKIPPED_SUSPENDED_ACCOUNT. */
function skipUnlessActive(account: string, status: string): Outcome {
  return status === 'ACTIVE'
    ? { kind: 'succeed' }
    : { kind: 'skip', reason: `Account ${account} is ${status}: skipped` };
}

/** Overrides replace by key; a key sent without a value and without UsePreviousValue is removed. */
function mergeOverrides(current: readonly Parameter[], next: readonly Parameter[]): Parameter[] {
  const out = new Map(current.map((p) => [p.ParameterKey, p]));
  for (const p of next) {
    if (p.UsePreviousValue) continue;
    if (p.ParameterValue === undefined) out.delete(p.ParameterKey);
    else out.set(p.ParameterKey, { ParameterKey: p.ParameterKey, ParameterValue: p.ParameterValue });
  }
  return [...out.values()].sort((a, b) => byString(a.ParameterKey, b.ParameterKey));
}
