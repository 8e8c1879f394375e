/**
 * The emulated service in ONE Region: organization conformance packs, their per-account
 * deployments and the five operations (AWS Config is regional: the same pack name in two Regions
 * is two packs; `server.ts` keeps one engine per Region). Transport-free; statuses are derived
 * from the injected clock on every read (see `status.ts`). Sized for 5,000 accounts: each pack
 * keeps its account IDs sorted and a rollout summary, so a page of detailed status derives only
 * the statuses it returns and the aggregate costs O(1).
 */
import type { OrganizationAccountStatus } from '../../facts/enums.js';
import { limits, orgPackApiLimits } from '../../facts/limits.js';
import { EmulatorError } from './errors.js';
import type { Faults } from './faults.js';
import { decodeToken, encodeToken, paginate, resolveLimit } from './pagination.js';
import { randomSuffix } from './random.js';
import type { Random } from './random.js';
import { accountStatus, aggregateFromSummary, summarize } from './status.js';
import type { AccountDeployment, DerivedStatus, PackOperation, RolloutSummary } from './status.js';
import {
  validateDescribeNames,
  validateDetailedFilters,
  validatePackName,
  validatePutRequest,
  validateTemplate,
  managedRuleIdentifiers,
} from './validation.js';
import type { PutRequest } from './validation.js';
import { mapLimit } from '../../util/map-limit.js';
import { loadCatalog } from '../../catalog/catalog.js';
import type { RuleAvailability } from '../../catalog/types.js';
import { arnPrefix } from '../../facts/partitions.js';

export interface OrganizationAccount {
  id: string;
  status: OrganizationAccountStatus | (string & {});
}
/** The organization's accounts (a later step wires moto's Organizations ListAccounts). */
export type AccountSource = () => Promise<OrganizationAccount[]>;
/** Whether the account has a configuration recorder in the Region. */
export type RecorderSource = (accountId: string, region: string) => Promise<boolean>;
/** Reads a template behind a TemplateS3Uri; a rejection is answered as InsufficientPermissionsException. */
export type TemplateReader = (uri: string) => Promise<string>;

/** [DG]/aws-devsecops-workshop#7: what AWS reports for an account without a recorder. */
export const noRecorderFailure = {
  errorCode: 'NoAvailableConfigurationRecorderException',
  errorMessage: 'You must create a configuration recorder before you can create or update a Config rule.',
} as const;

/**
 * A pack holding a managed rule that does not exist in the Region fails in every account. Modelled
 * behaviour: AWS does not document the error code or text of this per-account failure; the text
 * below follows what PutConfigRule answers for a SourceIdentifier unknown in the Region.
 */
export function unavailableRuleFailure(identifiers: readonly string[]): {
  errorCode: string;
  errorMessage: string;
} {
  return {
    errorCode: 'InvalidParameterValueException',
    errorMessage: `The sourceIdentifier ${identifiers.join(', ')} is invalid. Please refer to the documentation for a list of valid sourceIdentifiers that can be used when AWS is the Owner.`,
  };
}

/** Whether a managed rule exists in a Region; default packsmith's catalog (unknown passes). */
export type RuleAvailabilitySource = (identifier: string, region: string) => RuleAvailability;

export interface EngineOptions {
  /** Which managed rules exist in which Region; default packsmith's catalog. */
  ruleAvailability?: RuleAvailabilitySource;
  accounts: AccountSource;
  recorders: RecorderSource;
  readTemplate?: TemplateReader;
  /** The Region this engine serves: asked of the RecorderSource, written in ARNs. */
  region: string;
  /** The calling (management) account, used in ARNs. */
  managementAccountId: string;
  /** Per-account completion delay: `baseMs + random() * jitterMs`. */
  delay: { baseMs: number; jitterMs: number };
  /** How long a fully deleted pack stays visible as DELETE_SUCCESSFUL before it disappears. */
  retainDeletedMs: number;
  now: () => number;
  random: Random;
  faults: Faults;
}

interface StoredPack {
  request: PutRequest;
  arn: string;
  memberPackName: string;
  /** The template's rule names, read at the Put (the aggregator's compliance rows come from them). */
  ruleNames: string[];
  lastUpdateTime: number;
  operation: PackOperation;
  operationStartedAt: number;
  deployments: Map<string, AccountDeployment>;
  /** The deployments' account IDs, sorted: the order of GetOrganizationConformancePackDetailedStatus. */
  order: string[];
  /** Of the current operation; the aggregate status is derived from it alone. */
  summary: RolloutSummary;
  /**
   * The describe-lag fault (faults.ts `describeLagAfterPut`): how many more Describe calls show the
   * pack as before its last put, and what they show (undefined: the pack did not exist yet).
   */
  lag?: { remaining: number; before?: Body };
}

type Body = Record<string, unknown>;

/** A pack as an aggregator sees it (see `deployedPacks`). */
export interface DeployedPack {
  /** The organization conformance pack's name. */
  name: string;
  memberPackName: string;
  ruleNames: readonly string[];
  /** Sorted account IDs whose member pack is CREATE_SUCCESSFUL or UPDATE_SUCCESSFUL. */
  accounts: string[];
}

const seconds = (ms: number): number => ms / 1000;
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Recorder look-ups in flight per Put: 5,000 accounts must not open 5,000 sockets to moto at once. */
const RECORDER_CONCURRENCY = 16;

export class OrgConformancePackEngine {
  private readonly packs = new Map<string, StoredPack>();
  private readonly pendingPuts = new Set<string>();

  constructor(private readonly options: EngineOptions) {}

  /** Dispatches one API operation; unknown ones are `UnknownOperationException`. */
  async handle(operation: string, body: Body): Promise<Body> {
    switch (operation) {
      case 'PutOrganizationConformancePack':
        return this.put(body);
      case 'DescribeOrganizationConformancePacks':
        return this.describe(body);
      case 'DescribeOrganizationConformancePackStatuses':
        return this.describeStatuses(body);
      case 'GetOrganizationConformancePackDetailedStatus':
        return this.detailedStatus(body);
      case 'DeleteOrganizationConformancePack':
        return this.delete(body);
      default:
        throw new EmulatorError(
          'UnknownOperationException',
          `Operation ${operation} is not supported by the emulator`,
        );
    }
  }

  /** Packs currently stored (after settling deletes), for tests and debugging. */
  packNames(): string[] {
    this.settle();
    return [...this.packs.keys()].sort(byCodeUnit);
  }

  /**
   * What an aggregator sees of this Region's packs: for each pack, its member pack name, rule names
   * and the accounts whose member pack is CREATE_/UPDATE_SUCCESSFUL now (the only ones with
   * evaluated rules in the emulator; see README "Aggregator compliance").
   */
  deployedPacks(): DeployedPack[] {
    this.settle();
    const now = this.options.now();
    const out: DeployedPack[] = [];
    for (const [name, pack] of [...this.packs.entries()].sort(([a], [b]) => byCodeUnit(a, b))) {
      const accounts = pack.order.filter((id) => {
        const status = accountStatus(pack.deployments.get(id) as AccountDeployment, now).status;
        return status === 'CREATE_SUCCESSFUL' || status === 'UPDATE_SUCCESSFUL';
      });
      out.push({ name, memberPackName: pack.memberPackName, ruleNames: pack.ruleNames, accounts });
    }
    return out;
  }

  /** The true aggregate (the stuck-aggregate fault only shows in DescribeOrganizationConformancePackStatuses). */
  private aggregate(pack: StoredPack, now: number, stuck = false): DerivedStatus {
    return aggregateFromSummary(pack.operation, pack.operationStartedAt, pack.summary, now, stuck);
  }

  private settle(): void {
    const now = this.options.now();
    for (const [name, pack] of this.packs) {
      if (pack.operation !== 'DELETE') continue;
      const real = this.aggregate(pack, now);
      if (real.status === 'DELETE_SUCCESSFUL' && now >= real.lastUpdateTime + this.options.retainDeletedMs) {
        this.packs.delete(name);
      }
    }
  }

  private inProgress(pack: StoredPack): boolean {
    return this.options.now() < pack.summary.doneAt;
  }

  private resourceInUse(name: string): EmulatorError {
    return new EmulatorError(
      'ResourceInUseException',
      `The organization conformance pack ${name} is currently being created, updated or deleted. Try again later.`,
    );
  }

  private noSuchPack(name: string): EmulatorError {
    return new EmulatorError(
      'NoSuchOrganizationConformancePackException',
      `Could not find an OrganizationConformancePack with the name: ${name}`,
    );
  }

  private completion(start: number): number {
    const { baseMs, jitterMs } = this.options.delay;
    return start + baseMs + Math.floor(this.options.random() * jitterMs);
  }

  private async put(body: Body): Promise<Body> {
    const request = validatePutRequest(body);
    this.settle();
    const existing = this.packs.get(request.name);
    if (this.pendingPuts.has(request.name) || (existing !== undefined && this.inProgress(existing))) {
      throw this.resourceInUse(request.name);
    }
    if (this.options.faults.takeResourceInUse()) throw this.resourceInUse(request.name);
    if (
      existing === undefined &&
      this.packs.size + this.pendingPuts.size >= orgPackApiLimits.orgPacksPerOrganization
    ) {
      throw new EmulatorError(
        'MaxNumberOfOrganizationConformancePacksExceededException',
        `You have reached the limit of ${orgPackApiLimits.orgPacksPerOrganization} organization conformance packs in this organization.`,
      );
    }
    this.pendingPuts.add(request.name);
    try {
      const template = await this.loadTemplate(request);
      const ruleNames = validateTemplate(template, request.inputParameters);
      const availability =
        this.options.ruleAvailability ?? ((id: string, r: string) => loadCatalog().availability(id, r));
      const missingRules = managedRuleIdentifiers(template).filter(
        (id) => availability(id, this.options.region) === 'unavailable',
      );
      const missingFailure = missingRules.length > 0 ? unavailableRuleFailure(missingRules) : undefined;
      const excluded = new Set(request.excludedAccounts);
      const targets = (await this.options.accounts()).filter(
        (a) => a.status === 'ACTIVE' && !excluded.has(a.id),
      );
      const { region } = this.options;
      const recorded = await mapLimit(targets, RECORDER_CONCURRENCY, (a) =>
        this.options.recorders(a.id, region),
      );
      const now = this.options.now();
      const operation: PackOperation = existing === undefined ? 'CREATE' : 'UPDATE';
      const memberPackName =
        existing?.memberPackName ?? `OrgConformsPack-${request.name}-${randomSuffix(this.options.random, 8)}`;
      const deployments = new Map<string, AccountDeployment>();
      targets.forEach((account, i) => {
        // An account that joined since the last Put gets CREATE_* inside an update.
        const accountOperation: PackOperation = existing?.deployments.has(account.id) ? 'UPDATE' : 'CREATE';
        const override = this.options.faults.accountFailure(account.id, accountOperation, region);
        const failure = override ?? (recorded[i] ? missingFailure : noRecorderFailure);
        deployments.set(account.id, {
          accountId: account.id,
          memberPackName,
          operation: accountOperation,
          outcome: failure === undefined ? 'SUCCESSFUL' : 'FAILED',
          ...(failure === undefined
            ? {}
            : { errorCode: failure.errorCode, errorMessage: failure.errorMessage }),
          startedAt: now,
          completesAt: this.completion(now),
        });
      });
      const arn =
        existing?.arn ??
        `${arnPrefix(region)}config:${region}:${this.options.managementAccountId}:organization-conformance-pack/${request.name}-${randomSuffix(this.options.random, 8)}`;
      const lag = this.options.faults.describeLag;
      this.packs.set(request.name, {
        ...(lag > 0
          ? {
              lag: {
                remaining: lag,
                ...(existing ? { before: this.describeEntry(request.name, existing) } : {}),
              },
            }
          : {}),
        request,
        arn,
        memberPackName,
        ruleNames,
        lastUpdateTime: now,
        operation,
        operationStartedAt: now,
        deployments,
        order: [...deployments.keys()].sort(byCodeUnit),
        summary: summarize(now, deployments.values()),
      });
      return { OrganizationConformancePackArn: arn };
    } finally {
      this.pendingPuts.delete(request.name);
    }
  }

  private async loadTemplate(request: PutRequest): Promise<string> {
    // [BC:PutOrganizationConformancePack] when both are given, TemplateS3Uri wins.
    if (request.templateS3Uri === undefined) return request.templateBody ?? '';
    const reader = this.options.readTemplate;
    let text: string;
    try {
      if (reader === undefined) throw new Error('no template reader is configured');
      text = await reader(request.templateS3Uri);
    } catch (error) {
      throw new EmulatorError(
        'InsufficientPermissionsException',
        `Unable to read the template at ${request.templateS3Uri}: ${(error as Error).message}`,
      );
    }
    if (Buffer.byteLength(text, 'utf8') > limits.templateS3Bytes) {
      throw new EmulatorError(
        'OrganizationConformancePackTemplateValidationException',
        `Invalid conformance pack template provided. Errors found: [The template at ${request.templateS3Uri} exceeds ${limits.templateS3Bytes} bytes]`,
      );
    }
    if (text.length === 0) {
      throw new EmulatorError(
        'OrganizationConformancePackTemplateValidationException',
        'Invalid conformance pack template provided. Errors found: [The template is empty]',
      );
    }
    return text;
  }

  private selectPacks(body: Body, scope: string): { packs: [string, StoredPack][]; nextToken?: string } {
    const names = validateDescribeNames(body.OrganizationConformancePackNames);
    this.settle();
    if (names.length > 0) {
      // [BC:DescribeOrganizationConformancePacks] Limit and NextToken are ignored when names are given.
      const packs = [...new Set(names)].map((name): [string, StoredPack] => {
        const pack = this.packs.get(name);
        if (pack === undefined) throw this.noSuchPack(name);
        return [name, pack];
      });
      return { packs };
    }
    const all = [...this.packs.entries()].sort(([a], [b]) => byCodeUnit(a, b));
    const page = paginate(all, scope, body.Limit, body.NextToken);
    return { packs: page.items, ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }) };
  }

  private describe(body: Body): Body {
    const { packs, nextToken } = this.selectPacks(body, 'DescribeOrganizationConformancePacks');
    const named = validateDescribeNames(body.OrganizationConformancePackNames).length > 0;
    const entries: Body[] = [];
    for (const [name, pack] of packs) {
      const lag = pack.lag;
      // Turning the fault off ends the lags in progress too.
      if (lag === undefined || lag.remaining <= 0 || this.options.faults.describeLag === 0) {
        entries.push(this.describeEntry(name, pack));
        continue;
      }
      // The describe-lag fault: the pack as it was before its last put.
      lag.remaining -= 1;
      if (lag.before !== undefined) entries.push(lag.before);
      else if (named) throw this.noSuchPack(name);
    }
    return {
      OrganizationConformancePacks: entries,
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    };
  }

  private describeEntry(name: string, pack: StoredPack): Body {
    return {
      OrganizationConformancePackName: name,
      OrganizationConformancePackArn: pack.arn,
      ...(pack.request.deliveryS3Bucket === undefined
        ? {}
        : { DeliveryS3Bucket: pack.request.deliveryS3Bucket }),
      ...(pack.request.deliveryS3KeyPrefix === undefined
        ? {}
        : { DeliveryS3KeyPrefix: pack.request.deliveryS3KeyPrefix }),
      // Always present (empty when none were given), so a client can compare them with its desired state.
      ConformancePackInputParameters: pack.request.inputParameters,
      ExcludedAccounts: pack.request.excludedAccounts,
      // The last accepted Put (or Delete), even one with identical input: AWS re-deploys then.
      LastUpdateTime: seconds(pack.lastUpdateTime),
    };
  }

  private describeStatuses(body: Body): Body {
    const { packs, nextToken } = this.selectPacks(body, 'DescribeOrganizationConformancePackStatuses');
    const now = this.options.now();
    return {
      OrganizationConformancePackStatuses: packs.map(([name, pack]) => {
        const s = this.aggregate(pack, now, this.options.faults.aggregateStuck);
        return {
          OrganizationConformancePackName: name,
          Status: s.status,
          ...(s.errorCode === undefined ? {} : { ErrorCode: s.errorCode }),
          ...(s.errorMessage === undefined ? {} : { ErrorMessage: s.errorMessage }),
          LastUpdateTime: seconds(s.lastUpdateTime),
        };
      }),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    };
  }

  private detailedStatus(body: Body): Body {
    const name = validatePackName(body.OrganizationConformancePackName);
    const filters = validateDetailedFilters(body.Filters);
    this.settle();
    const pack = this.packs.get(name);
    if (pack === undefined) throw this.noSuchPack(name);
    const now = this.options.now();
    // The token's offset is a position in the pack's sorted account IDs (not in the filtered
    // list), so each page scans only from there: O(page) unfiltered, O(N) in total over all
    // pages of a status filter, and never a re-sort or a derivation of every status per page.
    const scope = `GetOrganizationConformancePackDetailedStatus:${this.options.region}:${name}:${filters.accountId ?? ''}:${filters.status ?? ''}`;
    const limit = resolveLimit(body.Limit);
    const start =
      body.NextToken === undefined || body.NextToken === null ? 0 : decodeToken(body.NextToken, scope);
    const ids =
      filters.accountId === undefined
        ? pack.order
        : pack.deployments.has(filters.accountId)
          ? [filters.accountId]
          : [];
    if (start > ids.length)
      throw new EmulatorError('InvalidNextTokenException', 'The nextToken provided is invalid');
    const match = (id: string): { d: AccountDeployment; s: DerivedStatus } | undefined => {
      const d = pack.deployments.get(id) as AccountDeployment;
      const s = accountStatus(d, now);
      return filters.status === undefined || filters.status === s.status ? { d, s } : undefined;
    };
    const rows: { d: AccountDeployment; s: DerivedStatus }[] = [];
    let i = start;
    for (; i < ids.length && rows.length < limit; i += 1) {
      const row = match(ids[i] as string);
      if (row !== undefined) rows.push(row);
    }
    // A token only when another row follows, so the last page carries none.
    while (filters.status !== undefined && i < ids.length && match(ids[i] as string) === undefined) i += 1;
    return {
      OrganizationConformancePackDetailedStatuses: rows.map(({ d, s }) => ({
        AccountId: d.accountId,
        ConformancePackName: d.memberPackName,
        Status: s.status,
        ...(s.errorCode === undefined ? {} : { ErrorCode: s.errorCode }),
        ...(s.errorMessage === undefined ? {} : { ErrorMessage: s.errorMessage }),
        LastUpdateTime: seconds(s.lastUpdateTime),
      })),
      ...(i < ids.length ? { NextToken: encodeToken(scope, i) } : {}),
    };
  }

  private delete(body: Body): Body {
    const name = validatePackName(body.OrganizationConformancePackName);
    this.settle();
    const pack = this.packs.get(name);
    if (pack === undefined) throw this.noSuchPack(name);
    if (this.pendingPuts.has(name) || this.inProgress(pack)) throw this.resourceInUse(name);
    const now = this.options.now();
    for (const [id, d] of pack.deployments) {
      const failure = this.options.faults.accountFailure(id, 'DELETE', this.options.region);
      pack.deployments.set(id, {
        accountId: id,
        memberPackName: d.memberPackName,
        operation: 'DELETE',
        outcome: failure === undefined ? 'SUCCESSFUL' : 'FAILED',
        ...(failure === undefined
          ? {}
          : { errorCode: failure.errorCode, errorMessage: failure.errorMessage }),
        startedAt: now,
        completesAt: this.completion(now),
      });
    }
    pack.operation = 'DELETE';
    pack.operationStartedAt = now;
    pack.lastUpdateTime = now;
    pack.summary = summarize(now, pack.deployments.values());
    this.settle();
    return {};
  }
}
