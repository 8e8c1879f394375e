/**
 * The emulated service: organization conformance packs, their per-account deployments and the
 * five operations. Transport-free (the HTTP edge is `server.ts`); statuses are derived from the
 * injected clock on every read (see `status.ts`).
 */
import type { OrganizationAccountStatus } from '../../facts/enums.js';
import { limits, orgPackApiLimits } from '../../facts/limits.js';
import { EmulatorError } from './errors.js';
import type { Faults } from './faults.js';
import { paginate } from './pagination.js';
import { randomSuffix } from './random.js';
import type { Random } from './random.js';
import { accountStatus, aggregateStatus, isInProgress } from './status.js';
import type { AccountDeployment, PackOperation } from './status.js';
import {
  validateDescribeNames,
  validateDetailedFilters,
  validatePackName,
  validatePutRequest,
  validateTemplate,
} from './validation.js';
import type { PutRequest } from './validation.js';

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

export interface EngineOptions {
  accounts: AccountSource;
  recorders: RecorderSource;
  readTemplate?: TemplateReader;
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
  lastUpdateTime: number;
  operation: PackOperation;
  operationStartedAt: number;
  deployments: Map<string, AccountDeployment>;
}

type Body = Record<string, unknown>;

const seconds = (ms: number): number => ms / 1000;

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
    return [...this.packs.keys()].sort();
  }

  private settle(): void {
    const now = this.options.now();
    for (const [name, pack] of this.packs) {
      if (pack.operation !== 'DELETE') continue;
      const real = aggregateStatus('DELETE', pack.operationStartedAt, [...pack.deployments.values()], now);
      if (real.status === 'DELETE_SUCCESSFUL' && now >= real.lastUpdateTime + this.options.retainDeletedMs) {
        this.packs.delete(name);
      }
    }
  }

  private inProgress(pack: StoredPack): boolean {
    const now = this.options.now();
    return [...pack.deployments.values()].some((d) => isInProgress(accountStatus(d, now).status));
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
      validateTemplate(template, request.inputParameters);
      const excluded = new Set(request.excludedAccounts);
      const targets = (await this.options.accounts()).filter(
        (a) => a.status === 'ACTIVE' && !excluded.has(a.id),
      );
      const recorded = await Promise.all(
        targets.map((a) => this.options.recorders(a.id, this.options.region)),
      );
      const now = this.options.now();
      const operation: PackOperation = existing === undefined ? 'CREATE' : 'UPDATE';
      const memberPackName =
        existing?.memberPackName ?? `OrgConformsPack-${request.name}-${randomSuffix(this.options.random, 8)}`;
      const deployments = new Map<string, AccountDeployment>();
      targets.forEach((account, i) => {
        // An account that joined since the last Put gets CREATE_* inside an update.
        const accountOperation: PackOperation = existing?.deployments.has(account.id) ? 'UPDATE' : 'CREATE';
        const override = this.options.faults.accountFailure(account.id, accountOperation);
        const failure = override ?? (recorded[i] ? undefined : noRecorderFailure);
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
        `arn:aws:config:${this.options.region}:${this.options.managementAccountId}:organization-conformance-pack/${request.name}-${randomSuffix(this.options.random, 8)}`;
      this.packs.set(request.name, {
        request,
        arn,
        memberPackName,
        lastUpdateTime: now,
        operation,
        operationStartedAt: now,
        deployments,
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
    const all = [...this.packs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const page = paginate(all, scope, body.Limit, body.NextToken);
    return { packs: page.items, ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }) };
  }

  private describe(body: Body): Body {
    const { packs, nextToken } = this.selectPacks(body, 'DescribeOrganizationConformancePacks');
    return {
      OrganizationConformancePacks: packs.map(([name, pack]) => ({
        OrganizationConformancePackName: name,
        OrganizationConformancePackArn: pack.arn,
        ...(pack.request.deliveryS3Bucket === undefined
          ? {}
          : { DeliveryS3Bucket: pack.request.deliveryS3Bucket }),
        ...(pack.request.deliveryS3KeyPrefix === undefined
          ? {}
          : { DeliveryS3KeyPrefix: pack.request.deliveryS3KeyPrefix }),
        ...(pack.request.inputParameters.length === 0
          ? {}
          : { ConformancePackInputParameters: pack.request.inputParameters }),
        ...(pack.request.excludedAccounts.length === 0
          ? {}
          : { ExcludedAccounts: pack.request.excludedAccounts }),
        LastUpdateTime: seconds(pack.lastUpdateTime),
      })),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    };
  }

  private describeStatuses(body: Body): Body {
    const { packs, nextToken } = this.selectPacks(body, 'DescribeOrganizationConformancePackStatuses');
    const now = this.options.now();
    return {
      OrganizationConformancePackStatuses: packs.map(([name, pack]) => {
        const s = aggregateStatus(
          pack.operation,
          pack.operationStartedAt,
          [...pack.deployments.values()],
          now,
          this.options.faults.aggregateStuck,
        );
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
    const rows = [...pack.deployments.values()]
      .sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0))
      .map((d) => ({ d, s: accountStatus(d, now) }))
      .filter(
        ({ d, s }) =>
          (filters.accountId ?? d.accountId) === d.accountId && (filters.status ?? s.status) === s.status,
      );
    const scope = `GetOrganizationConformancePackDetailedStatus:${name}:${filters.accountId ?? ''}:${filters.status ?? ''}`;
    const page = paginate(rows, scope, body.Limit, body.NextToken);
    return {
      OrganizationConformancePackDetailedStatuses: page.items.map(({ d, s }) => ({
        AccountId: d.accountId,
        ConformancePackName: d.memberPackName,
        Status: s.status,
        ...(s.errorCode === undefined ? {} : { ErrorCode: s.errorCode }),
        ...(s.errorMessage === undefined ? {} : { ErrorMessage: s.errorMessage }),
        LastUpdateTime: seconds(s.lastUpdateTime),
      })),
      ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }),
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
      const failure = this.options.faults.accountFailure(id, 'DELETE');
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
    this.settle();
    return {};
  }
}
