/**
 * Injectable faults and request statistics. Pure state: the HTTP edge and the engine ask it
 * what to do; the control API (`POST /__emulator/faults`) and the programmatic API set it.
 * Faults are global to the emulator (every Region shares the throttle, the ResourceInUse counter
 * and the stuck aggregate), because they model the caller's experience of the service rather than
 * one Region's state; only an account failure can be limited to some Regions.
 */
import { EmulatorError } from './errors.js';
import type { PackOperation } from './status.js';
import type { Random } from './random.js';

export interface AccountFailure {
  errorCode: string;
  errorMessage: string;
  /** Operations that fail in this account; default CREATE and UPDATE. */
  operations?: PackOperation[];
  /** Regions where it fails; default every Region. */
  regions?: string[];
}

export interface FaultConfig {
  /** Answer this fraction (0–1) of API requests with ThrottlingException "Rate exceeded". */
  throttle?: { rate: number; operations?: string[] };
  /** The next N PutOrganizationConformancePack calls fail with ResourceInUseException. */
  resourceInUseNextPuts?: number;
  /** Per-account outcome overrides (win over the recorder check); `null` removes an entry. */
  accountFailures?: Record<string, AccountFailure | null>;
  /** The aggregate status stays *_IN_PROGRESS after every account has finished. */
  aggregateStuckInProgress?: boolean;
  /** Answer these operations (default all) only after `ms` milliseconds: a slow service; `null` removes it. */
  latency?: { ms: number; operations?: string[] } | null;
  /** Refuse every PutOrganizationConformancePack (in these Regions, default all) with this error; `null` removes it. */
  refusePuts?: { errorCode: string; errorMessage: string; regions?: string[] } | null;
  /**
   * Eventual consistency of a put: after each accepted PutOrganizationConformancePack, the next N
   * DescribeOrganizationConformancePacks calls that would show the pack answer as before the put
   * (a new pack is not there: NoSuchOrganizationConformancePackException when named, left out of a
   * listing; an updated pack shows its previous LastUpdateTime and input).
   *
   * Emulates documented but unquantified AWS behaviour: no AWS page says how long a new org pack
   * takes to appear. The only statement in aws-config-facts.md (§2.4, "Rollout time") is
   * "Terraform polls org status with a 30 s delay and tolerates up to 10 \"not found\" reads right
   * after create (eventual consistency)"; N is the caller's choice, not a measured figure.
   */
  describeLagAfterPut?: number;
}

export interface FaultState {
  throttle?: { rate: number; operations?: string[] };
  latency?: { ms: number; operations?: string[] };
  refusePuts?: { errorCode: string; errorMessage: string; regions?: string[] };
  resourceInUseNextPuts: number;
  accountFailures: Record<string, AccountFailure>;
  aggregateStuckInProgress: boolean;
  describeLagAfterPut: number;
}

const operationsOf = ['CREATE', 'UPDATE', 'DELETE'];

function bad(message: string): EmulatorError {
  return new EmulatorError('ValidationException', `Invalid fault configuration: ${message}`);
}

/** Checks a fault configuration received as JSON. */
export function parseFaultConfig(value: unknown): FaultConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('expected an object');
  const v = value as Record<string, unknown>;
  const known = [
    'throttle',
    'resourceInUseNextPuts',
    'accountFailures',
    'aggregateStuckInProgress',
    'latency',
    'refusePuts',
    'describeLagAfterPut',
  ];
  const unknown = Object.keys(v).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw bad(`unknown keys ${unknown.join(', ')}`);
  const out: FaultConfig = {};
  if (v.throttle !== undefined && v.throttle !== null) {
    const t = v.throttle as { rate?: unknown; operations?: unknown };
    if (typeof t.rate !== 'number' || !(t.rate >= 0 && t.rate <= 1)) throw bad('throttle.rate must be 0–1');
    if (
      t.operations !== undefined &&
      !(Array.isArray(t.operations) && t.operations.every((o) => typeof o === 'string'))
    ) {
      throw bad('throttle.operations must be a list of operation names');
    }
    out.throttle = {
      rate: t.rate,
      ...(t.operations === undefined ? {} : { operations: t.operations as string[] }),
    };
  }
  if (v.resourceInUseNextPuts !== undefined) {
    const n = v.resourceInUseNextPuts;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
      throw bad('resourceInUseNextPuts must be an integer ≥ 0');
    out.resourceInUseNextPuts = n;
  }
  if (v.describeLagAfterPut !== undefined) {
    const n = v.describeLagAfterPut;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
      throw bad('describeLagAfterPut must be an integer ≥ 0');
    out.describeLagAfterPut = n;
  }
  if (v.aggregateStuckInProgress !== undefined) {
    if (typeof v.aggregateStuckInProgress !== 'boolean')
      throw bad('aggregateStuckInProgress must be a boolean');
    out.aggregateStuckInProgress = v.aggregateStuckInProgress;
  }
  if (v.latency !== undefined) out.latency = v.latency === null ? null : parseLatency(v.latency);
  if (v.refusePuts !== undefined) out.refusePuts = v.refusePuts === null ? null : parseRefusal(v.refusePuts);
  if (v.accountFailures !== undefined) {
    const f = v.accountFailures;
    if (typeof f !== 'object' || f === null || Array.isArray(f))
      throw bad('accountFailures must be an object');
    const failures: Record<string, AccountFailure | null> = {};
    for (const [id, entry] of Object.entries(f)) {
      if (entry === null) {
        failures[id] = null;
        continue;
      }
      const e = entry as Record<string, unknown>;
      if (typeof e.errorCode !== 'string' || typeof e.errorMessage !== 'string') {
        throw bad(`accountFailures.${id} needs errorCode and errorMessage strings`);
      }
      const ops = e.operations;
      if (
        ops !== undefined &&
        !(Array.isArray(ops) && ops.every((o) => operationsOf.includes(o as string)))
      ) {
        throw bad(`accountFailures.${id}.operations must list CREATE, UPDATE or DELETE`);
      }
      const regions = e.regions;
      if (
        regions !== undefined &&
        !(Array.isArray(regions) && regions.every((r) => typeof r === 'string' && r.length > 0))
      ) {
        throw bad(`accountFailures.${id}.regions must be a list of Region names`);
      }
      failures[id] = {
        errorCode: e.errorCode,
        errorMessage: e.errorMessage,
        ...(ops === undefined ? {} : { operations: ops as PackOperation[] }),
        ...(regions === undefined ? {} : { regions: regions as string[] }),
      };
    }
    out.accountFailures = failures;
  }
  return out;
}

const stringList = (value: unknown) =>
  value === undefined || (Array.isArray(value) && value.every((o) => typeof o === 'string'));

function parseLatency(value: unknown): { ms: number; operations?: string[] } {
  const l = value as { ms?: unknown; operations?: unknown };
  if (typeof l !== 'object' || l === null || typeof l.ms !== 'number' || !(l.ms >= 0 && l.ms <= 600_000))
    throw bad('latency.ms must be 0–600000');
  if (!stringList(l.operations)) throw bad('latency.operations must be a list of operation names');
  return { ms: l.ms, ...(l.operations === undefined ? {} : { operations: l.operations as string[] }) };
}

function parseRefusal(value: unknown): { errorCode: string; errorMessage: string; regions?: string[] } {
  const r = value as { errorCode?: unknown; errorMessage?: unknown; regions?: unknown };
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.errorCode !== 'string' ||
    typeof r.errorMessage !== 'string'
  )
    throw bad('refusePuts needs errorCode and errorMessage strings');
  if (!stringList(r.regions)) throw bad('refusePuts.regions must be a list of Region names');
  return {
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
    ...(r.regions === undefined ? {} : { regions: r.regions as string[] }),
  };
}

export class Faults {
  private state: FaultState = {
    resourceInUseNextPuts: 0,
    accountFailures: {},
    aggregateStuckInProgress: false,
    describeLagAfterPut: 0,
  };

  constructor(private readonly random: Random) {}

  /** Merges `config` into the current faults (throttle and counters are replaced). */
  set(config: FaultConfig): void {
    const c = parseFaultConfig(config);
    if (c.throttle !== undefined) this.state.throttle = c.throttle;
    if (c.resourceInUseNextPuts !== undefined) this.state.resourceInUseNextPuts = c.resourceInUseNextPuts;
    if (c.aggregateStuckInProgress !== undefined)
      this.state.aggregateStuckInProgress = c.aggregateStuckInProgress;
    if (c.latency === null) delete this.state.latency;
    else if (c.latency !== undefined) this.state.latency = c.latency;
    if (c.refusePuts === null) delete this.state.refusePuts;
    else if (c.refusePuts !== undefined) this.state.refusePuts = c.refusePuts;
    if (c.describeLagAfterPut !== undefined) this.state.describeLagAfterPut = c.describeLagAfterPut;
    for (const [id, failure] of Object.entries(c.accountFailures ?? {})) {
      if (failure === null) delete this.state.accountFailures[id];
      else this.state.accountFailures[id] = failure;
    }
  }

  reset(): void {
    this.state = {
      resourceInUseNextPuts: 0,
      accountFailures: {},
      aggregateStuckInProgress: false,
      describeLagAfterPut: 0,
    };
  }

  get(): FaultState {
    return structuredClone(this.state);
  }

  shouldThrottle(operation: string): boolean {
    const t = this.state.throttle;
    if (t === undefined || t.rate <= 0) return false;
    if (t.operations !== undefined && !t.operations.includes(operation)) return false;
    return this.random() < t.rate;
  }

  /** Milliseconds to wait before answering `operation` (0: at once). */
  latencyOf(operation: string): number {
    const l = this.state.latency;
    if (l === undefined || (l.operations !== undefined && !l.operations.includes(operation))) return 0;
    return l.ms;
  }

  /** The error a put in `region` is refused with, if any. */
  putRefusal(region: string): { errorCode: string; errorMessage: string } | undefined {
    const r = this.state.refusePuts;
    if (r === undefined || (r.regions !== undefined && !r.regions.includes(region))) return undefined;
    return r;
  }

  takeResourceInUse(): boolean {
    if (this.state.resourceInUseNextPuts <= 0) return false;
    this.state.resourceInUseNextPuts -= 1;
    return true;
  }

  /** The failure configured for this account, operation and Region (without `region`: any Region). */
  accountFailure(accountId: string, operation: PackOperation, region?: string): AccountFailure | undefined {
    const f = this.state.accountFailures[accountId];
    if (f === undefined) return undefined;
    if (region !== undefined && f.regions !== undefined && !f.regions.includes(region)) return undefined;
    return (f.operations ?? ['CREATE', 'UPDATE']).includes(operation) ? f : undefined;
  }

  get aggregateStuck(): boolean {
    return this.state.aggregateStuckInProgress;
  }

  /** How many Describe calls after a put still show the pack as before it (see `describeLagAfterPut`). */
  get describeLag(): number {
    return this.state.describeLagAfterPut;
  }
}

export interface OperationCounts {
  /** Requests received per API operation, throttled ones included. */
  requests: Record<string, number>;
  /** Requests answered with the throttling fault, per operation. */
  throttled: Record<string, number>;
  total: number;
}

/** Totals over every Region, and the same counts per Region (the Region of each request). */
export interface EmulatorStats extends OperationCounts {
  byRegion: Record<string, OperationCounts>;
}

const emptyCounts = (): OperationCounts => ({ requests: {}, throttled: {}, total: 0 });

function add(counts: OperationCounts, operation: string, throttled: boolean): void {
  counts.requests[operation] = (counts.requests[operation] ?? 0) + 1;
  if (throttled) counts.throttled[operation] = (counts.throttled[operation] ?? 0) + 1;
  counts.total += 1;
}

export class StatsCounter {
  private stats: EmulatorStats = { ...emptyCounts(), byRegion: {} };

  count(operation: string, throttled: boolean, region: string): void {
    add(this.stats, operation, throttled);
    add((this.stats.byRegion[region] ??= emptyCounts()), operation, throttled);
  }

  get(): EmulatorStats {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = { ...emptyCounts(), byRegion: {} };
  }
}
