/**
 * What an AWS Config organization aggregator reports about conformance pack compliance:
 * `DescribeAggregateComplianceByConformancePacks` and `DescribeAggregateComplianceByConfigRules`
 * over the packs of every Region the emulator serves (an organization aggregator sees them all).
 * There is no evaluation: each deployed rule's compliance is drawn from a seeded hash of
 * (account, rule, Region), unless a test forced it (`POST /__emulator/compliance`). Transport-free;
 * rows are derived from the engines' state on every request.
 */
import {
  complianceFilterTypes,
  conformancePackComplianceTypes,
  type ConformancePackComplianceType,
} from '../../facts/enums.js';
import {
  accountIdPattern,
  aggregateComplianceApiLimits,
  aggregatorNamePattern,
  limits,
  orgPackDeployedNames,
} from '../../facts/limits.js';
import type { DeployedPack } from './engine.js';
import { EmulatorError, constraintError } from './errors.js';
import { paginate } from './pagination.js';
import { randomSuffix, seededRandom } from './random.js';

type Body = Record<string, unknown>;

/** A forced compliance; `compliance: null` removes it. `rule` is the authored or the deployed name. */
export interface ComplianceOverride {
  accountId: string;
  region: string;
  rule: string;
  compliance: ConformancePackComplianceType | null;
}

export interface AggregatorOptions {
  /** Names of the aggregators that exist; any other is NoSuchConfigurationAggregatorException. */
  aggregators: readonly string[];
  seed: number;
  /** Every Region's packs, as `[region, packs]`. */
  packsByRegion: () => Array<[string, DeployedPack[]]>;
}

export interface RuleRow {
  region: string;
  accountId: string;
  deployedRuleName: string;
  /** The template's ConfigRuleName. */
  ruleName: string;
  compliance: ConformancePackComplianceType;
  /** Non-compliant resources of a NON_COMPLIANT rule. */
  contributors?: number;
}

export interface PackRow {
  region: string;
  accountId: string;
  memberPackName: string;
  compliance: ConformancePackComplianceType;
  compliant: number;
  nonCompliant: number;
  total: number;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** FNV-1a, 32 bits: a stable seed from text. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * The suffix of a pack's deployed rule names in one Region: 8 lower-case alphanumerics derived
 * from the member pack name (which carries the pack's stored random suffix), so it is stable across
 * reads and updates and differs between Regions and between a pack and its re-creation.
 */
export function deployedRuleSuffix(memberPackName: string, region: string): string {
  return randomSuffix(seededRandom(hash32(`${memberPackName}\u0000${region}`)), 8);
}

export function deployedRuleName(ruleName: string, memberPackName: string, region: string): string {
  return `${ruleName}${orgPackDeployedNames.ruleSuffixMarker}${deployedRuleSuffix(memberPackName, region)}`;
}

/** Mostly COMPLIANT (70 %), some NON_COMPLIANT (20 %), a few INSUFFICIENT_DATA (10 %). */
export function seededCompliance(
  seed: number,
  accountId: string,
  ruleName: string,
  region: string,
): { compliance: ConformancePackComplianceType; contributors?: number } {
  const random = seededRandom(hash32(`${accountId}\u0000${ruleName}\u0000${region}`, seed));
  const x = random();
  if (x < 0.7) return { compliance: 'COMPLIANT' };
  if (x < 0.9) return { compliance: 'NON_COMPLIANT', contributors: 1 + Math.floor(random() * 5) };
  return { compliance: 'INSUFFICIENT_DATA' };
}

/**
 * [DG:compliance-history-conformance-pack] (fact sheet §2.3): any non-compliant rule makes the pack
 * NON_COMPLIANT; INSUFFICIENT_DATA only when every rule lacks data; otherwise COMPLIANT.
 */
export function rollUp(rules: readonly ConformancePackComplianceType[]): ConformancePackComplianceType {
  if (rules.includes('NON_COMPLIANT')) return 'NON_COMPLIANT';
  if (rules.every((c) => c === 'INSUFFICIENT_DATA')) return 'INSUFFICIENT_DATA';
  return 'COMPLIANT';
}

const overrideKey = (accountId: string, region: string, rule: string): string =>
  `${accountId}\u0000${region}\u0000${rule}`;

export function parseComplianceOverride(value: Body): ComplianceOverride {
  const bad = (message: string): EmulatorError =>
    new EmulatorError('ValidationException', `Invalid compliance override: ${message}`);
  const { accountId, region, rule, compliance } = value;
  if (typeof accountId !== 'string' || !accountIdPattern.test(accountId))
    throw bad('accountId must be 12 digits');
  if (typeof region !== 'string' || region === '') throw bad('region must be a Region name');
  if (typeof rule !== 'string' || rule === '') throw bad('rule must be a rule name');
  const allowed: readonly unknown[] = conformancePackComplianceTypes;
  // NOT_APPLICABLE is left out: the pack roll-up (fact sheet §2.3) does not say how it counts.
  if (compliance !== null && !allowed.includes(compliance))
    throw bad(`compliance must be one of ${conformancePackComplianceTypes.join(', ')} or null`);
  return { accountId, region, rule, compliance: compliance as ConformancePackComplianceType | null };
}

interface Filters {
  name?: string;
  complianceType?: string;
  accountId?: string;
  awsRegion?: string;
}

function validateAggregatorName(value: unknown): string {
  const field = 'configurationAggregatorName';
  if (typeof value !== 'string') throw constraintError(field, value, 'Member must not be null');
  if (value.length < 1 || value.length > aggregateComplianceApiLimits.aggregatorNameLength) {
    throw constraintError(
      field,
      value,
      `Member must have length less than or equal to ${aggregateComplianceApiLimits.aggregatorNameLength}`,
    );
  }
  if (!aggregatorNamePattern.test(value))
    throw constraintError(field, value, 'Member must satisfy regular expression pattern: [\\w\\-]+');
  return value;
}

/** `nameKey` is `ConformancePackName` or `ConfigRuleName`; both are 1–`maxName` characters. */
function validateFilters(value: unknown, nameKey: string, maxName: number): Filters {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw constraintError('filters', value, 'Member must be a structure');
  const v = value as Body;
  const out: Filters = {};
  const str = (key: string, field: string, max: number): string | undefined => {
    const x = v[key];
    if (x === undefined || x === null) return undefined;
    if (typeof x !== 'string') throw constraintError(field, x, 'Member must be a string');
    if (x.length < 1) throw constraintError(field, x, 'Member must have length greater than or equal to 1');
    if (x.length > max)
      throw constraintError(field, x, `Member must have length less than or equal to ${max}`);
    return x;
  };
  const name = str(nameKey, `filters.${nameKey[0]?.toLowerCase()}${nameKey.slice(1)}`, maxName);
  if (name !== undefined) out.name = name;
  const accountId = str('AccountId', 'filters.accountId', 12);
  if (accountId !== undefined) {
    if (!accountIdPattern.test(accountId))
      throw constraintError(
        'filters.accountId',
        accountId,
        'Member must satisfy regular expression pattern: \\d{12}',
      );
    out.accountId = accountId;
  }
  const awsRegion = str('AwsRegion', 'filters.awsRegion', aggregateComplianceApiLimits.awsRegionLength);
  if (awsRegion !== undefined) out.awsRegion = awsRegion;
  const type = str('ComplianceType', 'filters.complianceType', 64);
  if (type !== undefined) {
    // The model's doc: these filters support only COMPLIANT and NON_COMPLIANT (fact sheet §2.4).
    const allowed: readonly string[] = complianceFilterTypes;
    if (!allowed.includes(type)) {
      throw constraintError(
        'filters.complianceType',
        type,
        `Member must satisfy enum value set: [${complianceFilterTypes.join(', ')}]`,
      );
    }
    out.complianceType = type;
  }
  return out;
}

export class AggregatorCompliance {
  private readonly overrides = new Map<string, ComplianceOverride>();

  constructor(private readonly options: AggregatorOptions) {}

  setOverride(override: ComplianceOverride): void {
    const key = overrideKey(override.accountId, override.region, override.rule);
    if (override.compliance === null) this.overrides.delete(key);
    else this.overrides.set(key, override);
  }

  resetOverrides(): void {
    this.overrides.clear();
  }

  listOverrides(): ComplianceOverride[] {
    return [...this.overrides.values()];
  }

  /** Every rule row and pack row, sorted by Region, account, then name. */
  rows(): { rules: RuleRow[]; packs: PackRow[] } {
    const rules: RuleRow[] = [];
    const packs: PackRow[] = [];
    for (const [region, deployed] of this.options.packsByRegion()) {
      for (const pack of deployed) {
        const names = pack.ruleNames.map((r) => ({
          ruleName: r,
          deployed: deployedRuleName(r, pack.memberPackName, region),
        }));
        for (const accountId of pack.accounts) {
          const compliances: ConformancePackComplianceType[] = [];
          for (const { ruleName, deployed: deployedName } of names) {
            const forced =
              this.overrides.get(overrideKey(accountId, region, deployedName)) ??
              this.overrides.get(overrideKey(accountId, region, ruleName));
            const c =
              forced?.compliance != null
                ? {
                    compliance: forced.compliance,
                    ...(forced.compliance === 'NON_COMPLIANT' ? { contributors: 1 } : {}),
                  }
                : seededCompliance(this.options.seed, accountId, ruleName, region);
            compliances.push(c.compliance);
            rules.push({ region, accountId, deployedRuleName: deployedName, ruleName, ...c });
          }
          packs.push({
            region,
            accountId,
            memberPackName: pack.memberPackName,
            compliance: rollUp(compliances),
            compliant: compliances.filter((c) => c === 'COMPLIANT').length,
            nonCompliant: compliances.filter((c) => c === 'NON_COMPLIANT').length,
            total: compliances.length,
          });
        }
      }
    }
    const order =
      <T extends { region: string; accountId: string }>(name: (row: T) => string) =>
      (a: T, b: T): number =>
        byCodeUnit(a.region, b.region) ||
        byCodeUnit(a.accountId, b.accountId) ||
        byCodeUnit(name(a), name(b));
    rules.sort(order<RuleRow>((r) => r.deployedRuleName));
    packs.sort(order<PackRow>((p) => p.memberPackName));
    return { rules, packs };
  }

  handle(operation: string, body: Body): Body {
    if (operation === 'DescribeAggregateComplianceByConformancePacks') return this.byPacks(body);
    if (operation === 'DescribeAggregateComplianceByConfigRules') return this.byRules(body);
    throw new EmulatorError(
      'UnknownOperationException',
      `Operation ${operation} is not supported by the emulator`,
    );
  }

  private aggregator(body: Body): string {
    const name = validateAggregatorName(body.ConfigurationAggregatorName);
    if (!this.options.aggregators.includes(name)) {
      throw new EmulatorError(
        'NoSuchConfigurationAggregatorException',
        'The configuration aggregator does not exist. Check the configuration aggregator name and try again.',
      );
    }
    return name;
  }

  /**
   * Limit counts the rows scanned and the filters apply to each page afterwards, so a filtered
   * listing has empty pages that still carry a NextToken: the documented behaviour of these
   * APIs (fact sheet §2.3, "a page can be empty while NextToken is still set").
   */
  private page<T>(
    operation: string,
    aggregator: string,
    filters: Filters,
    all: readonly T[],
    keep: (row: T) => boolean,
    body: Body,
    max: number,
  ): { items: T[]; nextToken?: string } {
    const scope = `${operation}:${aggregator}:${JSON.stringify(filters)}`;
    const page = paginate(all, scope, body.Limit, body.NextToken, max);
    return {
      items: page.items.filter(keep),
      ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }),
    };
  }

  private byPacks(body: Body): Body {
    const aggregator = this.aggregator(body);
    const filters = validateFilters(body.Filters, 'ConformancePackName', limits.packNameLength);
    const { items, nextToken } = this.page(
      'DescribeAggregateComplianceByConformancePacks',
      aggregator,
      filters,
      this.rows().packs,
      (p) =>
        (filters.name === undefined || filters.name === p.memberPackName) &&
        (filters.accountId === undefined || filters.accountId === p.accountId) &&
        (filters.awsRegion === undefined || filters.awsRegion === p.region) &&
        (filters.complianceType === undefined || filters.complianceType === p.compliance),
      body,
      aggregateComplianceApiLimits.conformancePacksPageLimit,
    );
    return {
      AggregateComplianceByConformancePacks: items.map((p) => ({
        ConformancePackName: p.memberPackName,
        Compliance: {
          ComplianceType: p.compliance,
          CompliantRuleCount: p.compliant,
          NonCompliantRuleCount: p.nonCompliant,
          TotalRuleCount: p.total,
        },
        AccountId: p.accountId,
        AwsRegion: p.region,
      })),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    };
  }

  private byRules(body: Body): Body {
    const aggregator = this.aggregator(body);
    const filters = validateFilters(body.Filters, 'ConfigRuleName', limits.ruleNameLength);
    const { items, nextToken } = this.page(
      'DescribeAggregateComplianceByConfigRules',
      aggregator,
      filters,
      this.rows().rules,
      (r) =>
        (filters.name === undefined || filters.name === r.deployedRuleName) &&
        (filters.accountId === undefined || filters.accountId === r.accountId) &&
        (filters.awsRegion === undefined || filters.awsRegion === r.region) &&
        (filters.complianceType === undefined || filters.complianceType === r.compliance),
      body,
      aggregateComplianceApiLimits.configRulesPageLimit,
    );
    return {
      AggregateComplianceByConfigRules: items.map((r) => ({
        ConfigRuleName: r.deployedRuleName,
        Compliance: {
          ComplianceType: r.compliance,
          ...(r.contributors === undefined
            ? {}
            : { ComplianceContributorCount: { CappedCount: r.contributors, CapExceeded: false } }),
        },
        AccountId: r.accountId,
        AwsRegion: r.region,
      })),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    };
  }
}
