/**
 * Conformance pack compliance through an organization aggregator: fetchPackCompliance against the
 * Config emulator's aggregator (real ConfigServiceClient over loopback, manual clock), and the pure
 * name mapping and CSV.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigServiceClient,
  DescribeAggregateComplianceByConfigRulesCommand,
  PutOrganizationConformancePackCommand,
  type AggregateComplianceByConfigRule,
} from '@aws-sdk/client-config-service';
import {
  complianceCsv,
  complianceCsvHeader,
  fetchPackCompliance,
  isMemberPackOf,
  mapDeployedRuleName,
  type RuleCompliance,
} from '../../src/rollout/compliance.js';
import { startConfigEmulator, type ConfigEmulator } from '../../src/sandbox/config-emulator/index.js';

const AGGREGATOR = 'org-aggregator';
const REGIONS = ['eu-west-1', 'us-east-1'];
const accountId = (i: number): string => String(100000000000 + i);

const templateOf = (rules: string[]): string =>
  `Resources:\n${rules
    .map(
      (name, i) =>
        `  Rule${i}:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      ConfigRuleName: ${name}\n      Source:\n        Owner: AWS\n        SourceIdentifier: RULE_${i}\n`,
    )
    .join('')}`;

let emulator: ConfigEmulator | undefined;
const clients: ConfigServiceClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await emulator?.close();
  emulator = undefined;
});

function client(emu: ConfigEmulator, region: string): ConfigServiceClient {
  const c = new ConfigServiceClient({
    endpoint: emu.endpoint,
    region,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIAEMULATORTEST0000', secretAccessKey: 'not-a-secret' },
  });
  clients.push(c);
  return c;
}

/** Packs put in every Region and rolled out to `accounts` accounts. */
async function rolledOut(accounts: number, packs: Record<string, string[]>) {
  emulator = await startConfigEmulator({
    accounts: async () =>
      Array.from({ length: accounts }, (_, i) => ({ id: accountId(i), status: 'ACTIVE' })),
    clock: 'manual',
    delay: { baseMs: 1000, jitterMs: 500 },
    aggregators: [AGGREGATOR],
  });
  const emu = emulator;
  for (const region of REGIONS) {
    for (const [name, rules] of Object.entries(packs)) {
      await client(emu, region).send(
        new PutOrganizationConformancePackCommand({
          OrganizationConformancePackName: name,
          TemplateBody: templateOf(rules),
        }),
      );
    }
  }
  emu.tick!(1500);
  return { emu, config: client(emu, 'us-east-1') };
}

async function aggregatorRules(config: ConfigServiceClient): Promise<AggregateComplianceByConfigRule[]> {
  const out: AggregateComplianceByConfigRule[] = [];
  let NextToken: string | undefined;
  do {
    const r = await config.send(
      new DescribeAggregateComplianceByConfigRulesCommand({
        ConfigurationAggregatorName: AGGREGATOR,
        ...(NextToken === undefined ? {} : { NextToken }),
      }),
    );
    out.push(...(r.AggregateComplianceByConfigRules ?? []));
    NextToken = r.NextToken;
  } while (NextToken !== undefined);
  return out;
}

const AUTHORED = [
  { ruleName: 's3-bucket', controls: ['CIS 2.1.1', 'NIST, AC-3'] },
  { ruleName: 's3-bucket-versioning', controls: ['CIS 2.1.3'] },
];

describe('fetchPackCompliance against the emulated aggregator', () => {
  it('maps deployed rules back to the authored rules and Controls, and reports the rest as unmapped', async () => {
    // "Baseline-extra" is a trap for prefix matching of both pack and rule names.
    const { emu, config } = await rolledOut(5, {
      Baseline: ['s3-bucket', 's3-bucket-versioning', 'iam-password-policy'],
      'Baseline-extra': ['ebs-encrypted'],
    });
    const forced = { accountId: accountId(2), region: 'eu-west-1' };
    emu.setCompliance({ ...forced, rule: 's3-bucket-versioning', compliance: 'NON_COMPLIANT' });
    emu.setCompliance({ ...forced, rule: 's3-bucket', compliance: 'COMPLIANT' });
    emu.setCompliance({ ...forced, rule: 'iam-password-policy', compliance: 'COMPLIANT' });

    const result = await fetchPackCompliance(config, {
      aggregator: AGGREGATOR,
      orgPackName: 'Baseline',
      regions: REGIONS,
      rules: AUTHORED,
    });
    const truth = await aggregatorRules(config);
    const places = REGIONS.flatMap((region) =>
      Array.from({ length: 5 }, (_, i) => `${region}|${accountId(i)}`),
    );

    expect(result.packs.map((p) => `${p.region}|${p.accountId}`)).toEqual(places);
    for (const p of result.packs) expect(p.totalRules).toBe(3);
    const forcedPack = result.packs.find(
      (p) => p.accountId === forced.accountId && p.region === forced.region,
    );
    expect(forcedPack).toMatchObject({
      compliance: 'NON_COMPLIANT',
      compliantRules: 2,
      nonCompliantRules: 1,
    });

    // Two mapped rules per account and Region, each with the aggregator's compliance and its Controls.
    expect(result.rules).toHaveLength(places.length * 2);
    for (const r of result.rules) {
      expect(r.deployedRuleName.startsWith(`${r.ruleName}-conformance-pack-`)).toBe(true);
      expect(r.controls).toEqual(AUTHORED.find((a) => a.ruleName === r.ruleName)!.controls);
      const row = truth.find(
        (t) =>
          t.AccountId === r.accountId && t.AwsRegion === r.region && t.ConfigRuleName === r.deployedRuleName,
      );
      expect(r.compliance).toBe(row?.Compliance?.ComplianceType);
    }
    expect(
      result.rules.find(
        (r) =>
          r.accountId === forced.accountId &&
          r.region === forced.region &&
          r.ruleName === 's3-bucket-versioning',
      )?.compliance,
    ).toBe('NON_COMPLIANT');
    // Sorted by Region, account, rule.
    const keys = result.rules.map((r) => [r.region, r.accountId, r.ruleName].join('|'));
    expect(keys).toEqual([...keys].sort());

    // The deployed rule of the pack that is not authored any more is reported; the other pack's is not.
    expect(result.unmapped).toHaveLength(places.length);
    for (const u of result.unmapped)
      expect(u.deployedRuleName).toMatch(/^iam-password-policy-conformance-pack-[a-z0-9]{8}$/);
    expect(result.unmapped.map((u) => `${u.region}|${u.accountId}`)).toEqual(places);
    expect(JSON.stringify(result)).not.toContain('ebs-encrypted');

    // Nothing authored maps: every marker rule where the pack is, so a naming surprise is visible.
    const none = await fetchPackCompliance(config, {
      aggregator: AGGREGATOR,
      orgPackName: 'Baseline',
      regions: ['us-east-1'],
      rules: [{ ruleName: 'something-else', controls: [] }],
    });
    expect(none.rules).toEqual([]);
    expect(
      new Set(none.unmapped.map((u) => u.deployedRuleName.replace(/-conformance-pack-.*$/, ''))),
    ).toEqual(new Set(['s3-bucket', 's3-bucket-versioning', 'iam-password-policy', 'ebs-encrypted']));
  });

  it("[10] a rule block two packs share counts for each pack once, under that pack's own suffix", async () => {
    // Both packs deploy s3-bucket (the shared block); each account then lists it twice.
    const { config } = await rolledOut(3, {
      Storage: ['s3-bucket', 's3-bucket-versioning'],
      Audit: ['s3-bucket', 'cloudtrail-enabled'],
    });
    const storage = await fetchPackCompliance(config, {
      aggregator: AGGREGATOR,
      orgPackName: 'Storage',
      regions: REGIONS,
      rules: AUTHORED,
    });
    const audit = await fetchPackCompliance(config, {
      aggregator: AGGREGATOR,
      orgPackName: 'Audit',
      regions: REGIONS,
      rules: [
        { ruleName: 's3-bucket', controls: ['CIS 2.1.1'] },
        { ruleName: 'cloudtrail-enabled', controls: ['CIS 3.1'] },
      ],
    });
    const places = REGIONS.length * 3;
    const count = (rules: RuleCompliance[], name: string) => rules.filter((r) => r.ruleName === name).length;
    expect(count(storage.rules, 's3-bucket')).toBe(places);
    expect(count(storage.rules, 's3-bucket-versioning')).toBe(places);
    expect(count(audit.rules, 's3-bucket')).toBe(places);
    expect(count(audit.rules, 'cloudtrail-enabled')).toBe(places);
    expect(storage.rules).toHaveLength(places * 2);
    expect(audit.rules).toHaveLength(places * 2);
    expect(storage.unmapped).toEqual([]);
    expect(audit.unmapped).toEqual([]);
    // The shared rule's deployed name differs between the packs in every account and Region.
    const key = (r: RuleCompliance) => `${r.region}|${r.accountId}`;
    const ownOf = (rules: RuleCompliance[]) =>
      new Map(rules.filter((r) => r.ruleName === 's3-bucket').map((r) => [key(r), r.deployedRuleName]));
    const [mine, theirs] = [ownOf(storage.rules), ownOf(audit.rules)];
    for (const [place, name] of mine) expect(theirs.get(place)).not.toBe(name);
    // Each pack's shared rule carries the suffix of that pack's other rule in the same place.
    const suffix = (name: string) => name.slice(name.lastIndexOf('-') + 1);
    for (const r of storage.rules.filter((x) => x.ruleName === 's3-bucket-versioning'))
      expect(suffix(mine.get(key(r))!)).toBe(suffix(r.deployedRuleName));
  });

  it('reads only the requested accounts, one rule listing per account and Region', async () => {
    const { emu, config } = await rolledOut(6, { Baseline: ['s3-bucket', 's3-bucket-versioning'] });
    emu.resetStats();
    const wanted = [accountId(4), accountId(1), '999999999999'];
    const result = await fetchPackCompliance(config, {
      aggregator: AGGREGATOR,
      orgPackName: 'Baseline',
      regions: ['us-east-1'],
      rules: AUTHORED,
      accounts: wanted,
    });
    expect(result.packs.map((p) => p.accountId)).toEqual([accountId(1), accountId(4)]);
    expect(new Set(result.rules.map((r) => r.accountId))).toEqual(new Set([accountId(1), accountId(4)]));
    expect(result.rules).toHaveLength(4);
    expect(result.unmapped).toEqual([]);
    // The account outside the organization has no pack, so it costs no rule listing.
    expect(emu.stats().requests['DescribeAggregateComplianceByConfigRules']).toBe(2);
  });

  it('keeps paging across empty pages that carry a NextToken', async () => {
    // 400 accounts × 3 rules in eu-west-1 fill the first 1,000-row window, and 400 pack rows the
    // first 100-row windows: the us-east-1 listings start with empty pages.
    const { emu, config } = await rolledOut(400, {
      Baseline: ['s3-bucket', 's3-bucket-versioning', 'extra'],
    });
    emu.resetStats();
    const result = await fetchPackCompliance(config, {
      aggregator: AGGREGATOR,
      orgPackName: 'Baseline',
      regions: ['us-east-1'],
      rules: AUTHORED,
    });
    expect(result.packs).toHaveLength(400);
    expect(result.rules).toHaveLength(800);
    expect(result.unmapped).toHaveLength(400);
    const requests = emu.stats().requests;
    expect(requests['DescribeAggregateComplianceByConformancePacks']).toBe(8);
    expect(requests['DescribeAggregateComplianceByConfigRules']).toBe(3);
  });

  it('lets an unknown aggregator fail with AWS’s exception', async () => {
    const { config } = await rolledOut(1, { Baseline: ['s3-bucket'] });
    await expect(
      fetchPackCompliance(config, {
        aggregator: 'nope',
        orgPackName: 'Baseline',
        regions: REGIONS,
        rules: AUTHORED,
      }),
    ).rejects.toMatchObject({ name: 'NoSuchConfigurationAggregatorException' });
  });

  it('stops on a NextToken it has already seen', async () => {
    // No correct server repeats a token, so this defence is tested with a hand-written `send`.
    let calls = 0;
    const send = (async () => {
      calls += 1;
      return { AggregateComplianceByConformancePacks: [], NextToken: 'same' };
    }) as unknown as ConfigServiceClient['send'];
    await expect(
      fetchPackCompliance(
        { send },
        { aggregator: AGGREGATOR, orgPackName: 'Baseline', regions: ['us-east-1'], rules: [] },
      ),
    ).rejects.toThrow(/same NextToken twice/);
    expect(calls).toBe(2);
  });
});

describe('mapDeployedRuleName', () => {
  const authored = ['s3-bucket', 's3-bucket-versioning', 'iam'];
  it('maps a suffixed or identical name to the longest authored name that fits', () => {
    expect(mapDeployedRuleName('s3-bucket-versioning-conformance-pack-ab12cd34', authored)).toBe(
      's3-bucket-versioning',
    );
    expect(mapDeployedRuleName('s3-bucket-conformance-pack-ab12cd34', authored)).toBe('s3-bucket');
    expect(mapDeployedRuleName('s3-bucket-versioning', authored)).toBe('s3-bucket-versioning');
    // Order of the authored list does not matter.
    expect(mapDeployedRuleName('s3-bucket-versioning-conformance-pack-x1', [...authored].reverse())).toBe(
      's3-bucket-versioning',
    );
    // Both fit (one suffixed, one identical): the longer wins.
    expect(mapDeployedRuleName('x-conformance-pack-abc', ['x', 'x-conformance-pack-abc'])).toBe(
      'x-conformance-pack-abc',
    );
    // The id has no hyphen, so `a` cannot claim a name built on `a-conformance-pack-b`.
    expect(
      mapDeployedRuleName('a-conformance-pack-b-conformance-pack-c', ['a', 'a-conformance-pack-b']),
    ).toBe('a-conformance-pack-b');
    expect(mapDeployedRuleName('a-conformance-pack-b-conformance-pack-c', ['a'])).toBeUndefined();
  });
  it('leaves anything else unmapped', () => {
    for (const deployed of [
      's3-bucket-logging-conformance-pack-ab12cd34', // another rule sharing a prefix
      's3-bucket-conformance-pack-', // no id
      's3-bucket-conformance-pack-ab-cd', // not the id format
      's3-bucket-conformance-pack', // no marker
      'awsconfigconforms-s3-bucket', // an older format
      'S3-BUCKET-conformance-pack-ab12cd34', // names are case-sensitive
    ]) {
      expect(mapDeployedRuleName(deployed, authored), deployed).toBeUndefined();
    }
  });
});

describe('isMemberPackOf', () => {
  it('matches the org pack name or OrgConformsPack-<name>-<id>, never a longer pack name', () => {
    expect(isMemberPackOf('OrgConformsPack-Baseline-ab12cd34', 'Baseline')).toBe(true);
    expect(isMemberPackOf('Baseline', 'Baseline')).toBe(true);
    expect(isMemberPackOf('OrgConformsPack-Baseline-extra-ab12cd34', 'Baseline')).toBe(false);
    expect(isMemberPackOf('OrgConformsPack-Baseline-extra-ab12cd34', 'Baseline-extra')).toBe(true);
    expect(isMemberPackOf('OrgConformsPack-Baseline-', 'Baseline')).toBe(false);
    expect(isMemberPackOf('Other-Baseline-ab12cd34', 'Baseline')).toBe(false);
  });
});

/** A strict RFC 4180 reader, to check that what complianceCsv writes reads back as written. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        field += text[i];
        i += 1;
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\n') {
        if (text[i] === '"' || text[i] === '\r') throw new Error(`unquoted special character at ${i}`);
        field += text[i];
        i += 1;
      }
    }
    row.push(field);
    if (text[i] === ',') i += 1;
    else if (text[i] === '\n') {
      rows.push(row);
      row = [];
      i += 1;
    } else if (i < text.length) throw new Error(`unexpected ${text[i]} at ${i}`);
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

describe('complianceCsv', () => {
  const rule = (over: Partial<RuleCompliance>): RuleCompliance => ({
    accountId: '111111111111',
    region: 'us-east-1',
    ruleName: 'r',
    deployedRuleName: 'r-conformance-pack-abcd1234',
    compliance: 'COMPLIANT',
    controls: [],
    ...over,
  });

  it('quotes commas, quotes and line breaks so every field reads back exactly', () => {
    const hostile = ['NIST, AC-3', 'say "hi"', 'line\nbreak', 'cr\r\nlf', 'plain'];
    const rules = [
      rule({ controls: hostile }),
      rule({ accountId: '000000000000', ruleName: 'a,b', deployedRuleName: 'a"b', controls: [] }),
    ];
    const text = complianceCsv(rules);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(complianceCsvHeader);
    expect(rows).toHaveLength(3);
    expect(rows[2]![5]).toBe(hostile.join(';'));
    expect(rows[1]!.slice(0, 4)).toEqual(['us-east-1', '000000000000', 'a,b', 'a"b']);
    expect(rows[1]![5]).toBe('');
    expect(text.endsWith('\n')).toBe(true);
    // A field without special characters stays bare.
    expect(text.split('\n')[0]).toBe(complianceCsvHeader.join(','));
  });

  it('orders rows by Region, account, then rule, whatever the input order', () => {
    const rules = [
      rule({ region: 'us-east-1', accountId: '2', ruleName: 'b' }),
      rule({ region: 'eu-west-1', accountId: '9', ruleName: 'z' }),
      rule({ region: 'us-east-1', accountId: '1', ruleName: 'c' }),
      rule({ region: 'us-east-1', accountId: '2', ruleName: 'a' }),
    ];
    const order = parseCsv(complianceCsv(rules))
      .slice(1)
      .map((r) => `${r[0]}|${r[1]}|${r[2]}`);
    expect(order).toEqual(['eu-west-1|9|z', 'us-east-1|1|c', 'us-east-1|2|a', 'us-east-1|2|b']);
    expect(complianceCsv([...rules].reverse())).toBe(complianceCsv(rules));
  });
});
