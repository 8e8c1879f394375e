/**
 * An organization conformance pack's compliance per account, read through an AWS Config
 * organization aggregator, with the deployed rule names mapped back to the authored rules and
 * their Controls (`packsmith status --compliance`). The mapping and the CSV are pure; the fetch
 * takes a `Pick<ConfigServiceClient, 'send'>`.
 *
 * Neither deployed-name format is part of the API model (see `orgPackDeployedNames`), so matching
 * takes the safe side: a name that does not have exactly the expected shape is reported as
 * unmapped rather than guessed.
 */
import {
  DescribeAggregateComplianceByConfigRulesCommand,
  DescribeAggregateComplianceByConformancePacksCommand,
  type AggregateComplianceByConfigRule,
  type AggregateComplianceByConformancePack,
  type ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import { aggregateComplianceApiLimits, orgPackDeployedNames } from '../facts/limits.js';

export interface RuleCompliance {
  accountId: string;
  region: string;
  /** The authored ConfigRuleName. */
  ruleName: string;
  /** As deployed in the account: `<ruleName>-conformance-pack-<id>`, or `ruleName` itself. */
  deployedRuleName: string;
  /** ComplianceType as the aggregator reports it (COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA). */
  compliance: string;
  controls: string[];
}

export interface PackCompliance {
  accountId: string;
  region: string;
  /** ConformancePackComplianceType (COMPLIANT, NON_COMPLIANT, INSUFFICIENT_DATA). */
  compliance: string;
  compliantRules: number;
  nonCompliantRules: number;
  totalRules: number;
}

export interface UnmappedRule {
  accountId: string;
  region: string;
  deployedRuleName: string;
}

export interface PackComplianceResult {
  /** Sorted by Region, account, rule name, deployed name. */
  rules: RuleCompliance[];
  /** Sorted by Region, account. */
  packs: PackCompliance[];
  /** Sorted by Region, account, deployed name. */
  unmapped: UnmappedRule[];
}

export interface FetchPackComplianceInput {
  /** The organization aggregator's name. */
  aggregator: string;
  /** The organization conformance pack's name. */
  orgPackName: string;
  regions: string[];
  /** The authored rules of the pack (ConfigRuleName) and their Controls. */
  rules: Array<{ ruleName: string; controls: string[] }>;
  /** Only these accounts; default every account the aggregator reports. */
  accounts?: string[];
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// Unverified: the id after the marker has been seen as lower-case alphanumerics; accepting only
// alphanumerics keeps `a-conformance-pack-x-conformance-pack-y` from matching `a`.
const suffixPattern = /^[A-Za-z0-9]+$/;

/** The id after `-conformance-pack-` when `deployed` is `<authored>-conformance-pack-<id>`. */
function deployedSuffix(deployed: string, authored: string): string | undefined {
  const prefix = `${authored}${orgPackDeployedNames.ruleSuffixMarker}`;
  if (!deployed.startsWith(prefix)) return undefined;
  const suffix = deployed.slice(prefix.length);
  return suffixPattern.test(suffix) ? suffix : undefined;
}

/**
 * The authored rule name behind a deployed one: the name itself, or the LONGEST authored name
 * followed by `-conformance-pack-<alphanumeric id>` (the exact suffix format is unverified, fact
 * sheet §1.1 and §6). Longest wins so that `s3-bucket` never claims a rule of `s3-bucket-versioning`.
 * Anything else is undefined: the caller reports it as unmapped.
 */
export function mapDeployedRuleName(deployed: string, authored: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const name of authored) {
    if (name === '' || (name !== deployed && deployedSuffix(deployed, name) === undefined)) continue;
    if (best === undefined || name.length > best.length) best = name;
  }
  return best;
}

/**
 * Whether an aggregator's ConformancePackName is the org pack's member pack in an account:
 * `OrgConformsPack-<orgPackName>-<alphanumeric id>` (moto's mock of AWS's naming, unverified), or the
 * org pack name itself. The id must have no `-`, so pack `a` never claims pack `a-b`'s member packs.
 */
export function isMemberPackOf(conformancePackName: string, orgPackName: string): boolean {
  if (conformancePackName === orgPackName) return true;
  const prefix = `${orgPackDeployedNames.memberPackPrefix}${orgPackName}-`;
  return (
    conformancePackName.startsWith(prefix) && suffixPattern.test(conformancePackName.slice(prefix.length))
  );
}

/** One deployed rule of an (account, Region), as the aggregator lists it. */
export interface DeployedRule {
  deployed: string;
  compliance: string;
}

/** The id after the last `-conformance-pack-` of a deployed name, when it has the expected shape. */
function suffixOf(deployed: string): string | undefined {
  const marker = deployed.lastIndexOf(orgPackDeployedNames.ruleSuffixMarker);
  if (marker < 0) return undefined;
  const suffix = deployed.slice(marker + orgPackDeployedNames.ruleSuffixMarker.length);
  return suffixPattern.test(suffix) ? suffix : undefined;
}

/**
 * Which deployed rules of one (account, Region) are the pack's. Every pack deploys its rules with
 * one suffix of its own there (`<rule>-conformance-pack-<id>`), so a rule block shared by two packs
 * shows up twice, once per suffix: the pack's own suffix is the one under which the most authored
 * rules are deployed, then the fewest rules the pack does not author. Only the rules under that
 * suffix are the pack's; a tie is ambiguous and, on the safe side, reported as unmapped. A rule
 * deployed under its bare authored name carries no suffix and is taken as is. The pack's own
 * suffix on a rule it does not author, or every suffixed rule when nothing maps, is unmapped.
 */
export function attributeRules(
  deployedRules: readonly DeployedRule[],
  authored: readonly string[],
): { rules: Array<DeployedRule & { ruleName: string }>; unmapped: string[] } {
  const plain: Array<DeployedRule & { ruleName: string }> = [];
  const bySuffix = new Map<
    string,
    { mapped: Array<DeployedRule & { ruleName: string }>; foreign: string[] }
  >();
  for (const rule of deployedRules) {
    const ruleName = mapDeployedRuleName(rule.deployed, authored);
    const suffix = ruleName === rule.deployed ? undefined : suffixOf(rule.deployed);
    if (ruleName !== undefined && suffix === undefined) {
      plain.push({ ...rule, ruleName });
      continue;
    }
    if (suffix === undefined) continue;
    let group = bySuffix.get(suffix);
    if (group === undefined) bySuffix.set(suffix, (group = { mapped: [], foreign: [] }));
    if (ruleName === undefined) group.foreign.push(rule.deployed);
    else group.mapped.push({ ...rule, ruleName });
  }
  const score = (g: { mapped: Array<{ ruleName: string }>; foreign: string[] }) => [
    new Set(g.mapped.map((r) => r.ruleName)).size,
    -g.foreign.length,
  ];
  const ranked = [...bySuffix.values()]
    .filter((g) => g.mapped.length > 0)
    .sort((x, y) => {
      const [a, b] = [score(x), score(y)];
      return (b[0] as number) - (a[0] as number) || (b[1] as number) - (a[1] as number);
    });
  const [best, next] = ranked;
  const tie = best !== undefined && next !== undefined && score(best).join() === score(next).join();
  if (best === undefined || tie) {
    // Nothing maps (a naming surprise) or two suffixes fit equally: silence would hide it.
    const unmapped = [...bySuffix.values()].flatMap((g) => [
      ...g.mapped.map((r) => r.deployed),
      ...g.foreign,
    ]);
    return { rules: plain, unmapped };
  }
  return { rules: [...plain, ...best.mapped], unmapped: best.foreign };
}

/**
 * Pages until no NextToken comes back. A page may be empty while a NextToken is still set (fact
 * sheet §2.3), so only a token seen before ends the loop early: as an error, because the listing
 * would never finish.
 */
async function pageAll<T>(
  what: string,
  call: (nextToken: string | undefined) => Promise<{ items: T[] | undefined; nextToken: string | undefined }>,
): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await call(token);
    out.push(...(page.items ?? []));
    token = page.nextToken === '' ? undefined : page.nextToken;
    if (token !== undefined) {
      if (seen.has(token)) throw new Error(`${what}: the service returned the same NextToken twice`);
      seen.add(token);
    }
  } while (token !== undefined);
  return out;
}

const placeKey = (accountId: string, region: string): string => `${region}\u0000${accountId}`;

/**
 * The org pack's compliance in every account and Region the aggregator reports it in.
 * Calls per Region: DescribeAggregateComplianceByConformancePacks (Limit 100) for the pack rows,
 * then DescribeAggregateComplianceByConfigRules (Limit 1000; per account when `accounts` is given,
 * else the whole Region). Both filter on AwsRegion only: the member pack's and the rules' names
 * carry suffixes the filters cannot match, so names are matched here (`isMemberPackOf`,
 * `mapDeployedRuleName`).
 *
 * Rules count only in an (account, Region) where the pack is reported, so a same-named rule of
 * another origin elsewhere is not taken for the pack's. There, the aggregator does not say which
 * pack a rule belongs to: `attributeRules` finds the pack's own `-conformance-pack-<id>` (its rules
 * share one id, as far as is known), so a rule block two packs share counts for each pack once.
 * AWS also reports deleted packs here (fact sheet §2.3); they are returned like any other.
 */
export async function fetchPackCompliance(
  config: Pick<ConfigServiceClient, 'send'>,
  input: FetchPackComplianceInput,
): Promise<PackComplianceResult> {
  const accounts = input.accounts === undefined ? undefined : new Set(input.accounts);
  const authored = input.rules.map((r) => r.ruleName);
  const controlsOf = new Map(input.rules.map((r) => [r.ruleName, r.controls]));
  const packs: PackCompliance[] = [];
  const rules: RuleCompliance[] = [];
  const unmapped: UnmappedRule[] = [];

  for (const region of [...new Set(input.regions)]) {
    const packRows = await pageAll<AggregateComplianceByConformancePack>(
      'DescribeAggregateComplianceByConformancePacks',
      async (NextToken) => {
        const r = await config.send(
          new DescribeAggregateComplianceByConformancePacksCommand({
            ConfigurationAggregatorName: input.aggregator,
            Filters: { AwsRegion: region },
            Limit: aggregateComplianceApiLimits.conformancePacksPageLimit,
            ...(NextToken === undefined ? {} : { NextToken }),
          }),
        );
        return { items: r.AggregateComplianceByConformancePacks, nextToken: r.NextToken };
      },
    );
    const present = new Set<string>();
    for (const row of packRows) {
      const accountId = row.AccountId;
      // The filter asked for this Region; a row from another would be the service's mistake.
      if (accountId === undefined || (row.AwsRegion ?? region) !== region) continue;
      if (!isMemberPackOf(row.ConformancePackName ?? '', input.orgPackName)) continue;
      if (accounts !== undefined && !accounts.has(accountId)) continue;
      present.add(placeKey(accountId, region));
      packs.push({
        accountId,
        region,
        compliance: row.Compliance?.ComplianceType ?? 'INSUFFICIENT_DATA',
        compliantRules: row.Compliance?.CompliantRuleCount ?? 0,
        nonCompliantRules: row.Compliance?.NonCompliantRuleCount ?? 0,
        totalRules: row.Compliance?.TotalRuleCount ?? 0,
      });
    }
    if (present.size === 0) continue;

    const listRules = (accountId?: string): Promise<AggregateComplianceByConfigRule[]> =>
      pageAll('DescribeAggregateComplianceByConfigRules', async (NextToken) => {
        const r = await config.send(
          new DescribeAggregateComplianceByConfigRulesCommand({
            ConfigurationAggregatorName: input.aggregator,
            Filters: { AwsRegion: region, ...(accountId === undefined ? {} : { AccountId: accountId }) },
            Limit: aggregateComplianceApiLimits.configRulesPageLimit,
            ...(NextToken === undefined ? {} : { NextToken }),
          }),
        );
        return { items: r.AggregateComplianceByConfigRules, nextToken: r.NextToken };
      });
    const ruleRows: AggregateComplianceByConfigRule[] = [];
    if (accounts === undefined) ruleRows.push(...(await listRules()));
    else {
      for (const accountId of [...accounts].sort(byCodeUnit)) {
        if (present.has(placeKey(accountId, region))) ruleRows.push(...(await listRules(accountId)));
      }
    }

    // Per (account, Region): every deployed rule of the place, attributed below by suffix.
    const byPlace = new Map<string, DeployedRule[]>();
    for (const row of ruleRows) {
      const accountId = row.AccountId;
      const deployed = row.ConfigRuleName;
      if (accountId === undefined || deployed === undefined || (row.AwsRegion ?? region) !== region) continue;
      const key = placeKey(accountId, region);
      if (!present.has(key)) continue;
      let place = byPlace.get(key);
      if (place === undefined) byPlace.set(key, (place = []));
      place.push({ deployed, compliance: row.Compliance?.ComplianceType ?? 'INSUFFICIENT_DATA' });
    }
    for (const [key, deployedRules] of byPlace) {
      const accountId = key.slice(key.indexOf('\u0000') + 1);
      const attributed = attributeRules(deployedRules, authored);
      for (const { deployed, ruleName, compliance } of attributed.rules) {
        rules.push({
          accountId,
          region,
          ruleName,
          deployedRuleName: deployed,
          compliance,
          controls: [...(controlsOf.get(ruleName) ?? [])],
        });
      }
      for (const deployed of attributed.unmapped)
        unmapped.push({ accountId, region, deployedRuleName: deployed });
    }
  }

  const place = (
    a: { region: string; accountId: string },
    b: { region: string; accountId: string },
  ): number => byCodeUnit(a.region, b.region) || byCodeUnit(a.accountId, b.accountId);
  return {
    rules: rules.sort(
      (a, b) =>
        place(a, b) ||
        byCodeUnit(a.ruleName, b.ruleName) ||
        byCodeUnit(a.deployedRuleName, b.deployedRuleName),
    ),
    packs: packs.sort(place),
    unmapped: unmapped.sort((a, b) => place(a, b) || byCodeUnit(a.deployedRuleName, b.deployedRuleName)),
  };
}

/**
 * One CSV field. A value a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab
 * or CR: OWASP "CSV Injection") gets a leading `'`, which spreadsheets show as text. Then RFC 4180
 * quoting: a field with a comma, a quote, CR or LF is quoted, its quotes doubled.
 */
export function csvField(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const complianceCsvHeader = [
  'region',
  'accountId',
  'ruleName',
  'deployedRuleName',
  'compliance',
  'controls',
];

/**
 * Evidence as CSV: a header row, then one row per rule, ordered by Region, account, rule name
 * (then deployed name); controls joined with `;`. Records end with LF, as every packsmith output
 * does (RFC 4180 says CRLF; spreadsheet tools read both), and quoted fields keep their own line breaks.
 */
export function complianceCsv(rules: readonly RuleCompliance[]): string {
  const sorted = [...rules].sort(
    (a, b) =>
      byCodeUnit(a.region, b.region) ||
      byCodeUnit(a.accountId, b.accountId) ||
      byCodeUnit(a.ruleName, b.ruleName) ||
      byCodeUnit(a.deployedRuleName, b.deployedRuleName),
  );
  const lines = [complianceCsvHeader.join(',')];
  for (const r of sorted) {
    lines.push(
      [r.region, r.accountId, r.ruleName, r.deployedRuleName, r.compliance, r.controls.join(';')]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
