/**
 * The emulator's organization aggregator: DescribeAggregateComplianceByConformancePacks and
 * DescribeAggregateComplianceByConfigRules through the real ConfigServiceClient, over packs in two
 * Regions rolled out on a manual clock.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigServiceClient,
  DeleteOrganizationConformancePackCommand,
  DescribeAggregateComplianceByConfigRulesCommand,
  DescribeAggregateComplianceByConformancePacksCommand,
  PutOrganizationConformancePackCommand,
  paginateGetOrganizationConformancePackDetailedStatus,
} from '@aws-sdk/client-config-service';
import type {
  AggregateComplianceByConfigRule,
  AggregateComplianceByConformancePack,
  DescribeAggregateComplianceByConfigRulesCommandInput,
  DescribeAggregateComplianceByConformancePacksCommandInput,
} from '@aws-sdk/client-config-service';
import { rollUp } from '../../src/sandbox/config-emulator/aggregate.js';
import { startConfigEmulator } from '../../src/sandbox/config-emulator/index.js';
import type { ConfigEmulator, ConfigEmulatorOptions } from '../../src/sandbox/config-emulator/index.js';

const RULES = ['s3-bucket', 's3-bucket-versioning', 'iam-password-policy'];
const template = `Resources:
${RULES.map(
  (name, i) => `  Rule${i}:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: ${name}
      Source:
        Owner: AWS
        SourceIdentifier: RULE_${i}
`,
).join('')}  Fix0:
    Type: AWS::Config::RemediationConfiguration
    Properties:
      ConfigRuleName: s3-bucket
      TargetType: SSM_DOCUMENT
      TargetId: AWS-Fix
`;
const AGGREGATOR = 'org-aggregator';
const REGIONS = ['eu-west-1', 'us-east-1'];
const ACCOUNTS = 20;
const EXCLUDED = accountId(3);

function accountId(i: number): string {
  return String(100000000000 + i);
}

let emulator: ConfigEmulator | undefined;
const clients: ConfigServiceClient[] = [];
const servers: http.Server[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) s.close();
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

/** An emulator with the pack put in both Regions and rolled out. */
async function started(options: Partial<ConfigEmulatorOptions> = {}) {
  emulator = await startConfigEmulator({
    accounts: async () =>
      Array.from({ length: ACCOUNTS }, (_, i) => ({ id: accountId(i), status: 'ACTIVE' })),
    clock: 'manual',
    delay: { baseMs: 1000, jitterMs: 500 },
    aggregators: [AGGREGATOR],
    ...options,
  });
  const emu = emulator;
  const byRegion = Object.fromEntries(REGIONS.map((r) => [r, client(emu, r)]));
  for (const r of REGIONS) {
    await byRegion[r]!.send(
      new PutOrganizationConformancePackCommand({
        OrganizationConformancePackName: 'Baseline',
        TemplateBody: template,
        ExcludedAccounts: [EXCLUDED],
      }),
    );
  }
  return { emu, byRegion, aggregatorClient: byRegion['us-east-1']! };
}

async function allRules(
  c: ConfigServiceClient,
  input: Partial<DescribeAggregateComplianceByConfigRulesCommandInput> = {},
  pages: Array<{ size: number; token: boolean }> = [],
): Promise<AggregateComplianceByConfigRule[]> {
  const out: AggregateComplianceByConfigRule[] = [];
  let NextToken: string | undefined;
  do {
    const r = await c.send(
      new DescribeAggregateComplianceByConfigRulesCommand({
        ConfigurationAggregatorName: AGGREGATOR,
        ...input,
        ...(NextToken === undefined ? {} : { NextToken }),
      }),
    );
    const items = r.AggregateComplianceByConfigRules ?? [];
    out.push(...items);
    NextToken = r.NextToken;
    pages.push({ size: items.length, token: NextToken !== undefined });
  } while (NextToken !== undefined);
  return out;
}

async function allPacks(
  c: ConfigServiceClient,
  input: Partial<DescribeAggregateComplianceByConformancePacksCommandInput> = {},
): Promise<AggregateComplianceByConformancePack[]> {
  const out: AggregateComplianceByConformancePack[] = [];
  let NextToken: string | undefined;
  do {
    const r = await c.send(
      new DescribeAggregateComplianceByConformancePacksCommand({
        ConfigurationAggregatorName: AGGREGATOR,
        ...input,
        ...(NextToken === undefined ? {} : { NextToken }),
      }),
    );
    out.push(...(r.AggregateComplianceByConformancePacks ?? []));
    NextToken = r.NextToken;
  } while (NextToken !== undefined);
  return out;
}

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  return 'none';
}

const ruleKey = (r: AggregateComplianceByConfigRule): string =>
  `${r.AwsRegion}|${r.AccountId}|${r.ConfigRuleName}`;
const authoredOf = (deployed: string): string => deployed.replace(/-conformance-pack-[a-z0-9]{8}$/, '');

describe('emulated organization aggregator', () => {
  it('reports nothing while the rollout runs, then every rule of every successful account once, however it is paged', async () => {
    const { emu, byRegion, aggregatorClient } = await started();
    expect(await allRules(aggregatorClient)).toEqual([]);
    expect(await allPacks(aggregatorClient)).toEqual([]);
    emu.tick!(1500);

    const whole = await allRules(aggregatorClient);
    const expectedAccounts = Array.from({ length: ACCOUNTS }, (_, i) => accountId(i)).filter(
      (a) => a !== EXCLUDED,
    );
    expect(whole).toHaveLength(REGIONS.length * expectedAccounts.length * RULES.length);
    expect(new Set(whole.map(ruleKey)).size).toBe(whole.length);
    expect(new Set(whole.map((r) => r.AccountId))).toEqual(new Set(expectedAccounts));
    expect(new Set(whole.map((r) => r.AwsRegion))).toEqual(new Set(REGIONS));
    for (const r of whole) expect(r.ConfigRuleName).toMatch(/^[a-z0-9-]+-conformance-pack-[a-z0-9]{8}$/);
    expect(new Set(whole.map((r) => authoredOf(r.ConfigRuleName!)))).toEqual(new Set(RULES));

    // One suffix per pack and Region, a different one in each Region.
    const suffixes = new Map<string, Set<string>>();
    for (const r of whole) {
      const s = suffixes.get(r.AwsRegion!) ?? new Set();
      s.add(r.ConfigRuleName!.slice(-8));
      suffixes.set(r.AwsRegion!, s);
    }
    expect([...suffixes.values()].map((s) => s.size)).toEqual([1, 1]);
    expect(new Set([...suffixes.values()].map((s) => [...s][0])).size).toBe(2);

    // Mostly compliant, some not, from the three documented values.
    const counts = new Map<string, number>();
    for (const r of whole)
      counts.set(r.Compliance!.ComplianceType!, (counts.get(r.Compliance!.ComplianceType!) ?? 0) + 1);
    expect(
      [...counts.keys()].every((c) => ['COMPLIANT', 'NON_COMPLIANT', 'INSUFFICIENT_DATA'].includes(c)),
    ).toBe(true);
    expect(counts.get('COMPLIANT')!).toBeGreaterThan(whole.length / 2);
    expect(counts.get('NON_COMPLIANT') ?? 0).toBeGreaterThan(0);
    for (const r of whole) {
      if (r.Compliance!.ComplianceType === 'NON_COMPLIANT')
        expect(r.Compliance!.ComplianceContributorCount?.CappedCount).toBeGreaterThan(0);
    }

    const pages: Array<{ size: number; token: boolean }> = [];
    const paged = await allRules(aggregatorClient, { Limit: 7 }, pages);
    expect(paged.map(ruleKey)).toEqual(whole.map(ruleKey));
    expect(pages.every((p) => p.size <= 7)).toBe(true);
    expect(pages.length).toBe(Math.ceil(whole.length / 7));
    // Deterministic: a second read (and a read from another Region) gives the same answer.
    expect(await allRules(byRegion['eu-west-1']!)).toEqual(whole);

    // Packs: one row per account and Region, counts and roll-up consistent with the rule rows.
    const packs = await allPacks(aggregatorClient, { Limit: 3 });
    expect(packs).toHaveLength(REGIONS.length * expectedAccounts.length);
    expect(new Set(packs.map((p) => `${p.AwsRegion}|${p.AccountId}`)).size).toBe(packs.length);
    for (const r of REGIONS) {
      const members = new Set<string>();
      for await (const page of paginateGetOrganizationConformancePackDetailedStatus(
        { client: byRegion[r]! },
        { OrganizationConformancePackName: 'Baseline' },
      )) {
        for (const d of page.OrganizationConformancePackDetailedStatuses ?? [])
          members.add(d.ConformancePackName!);
      }
      expect(new Set(packs.filter((p) => p.AwsRegion === r).map((p) => p.ConformancePackName))).toEqual(
        members,
      );
    }
    for (const p of packs) {
      const own = whole.filter((r) => r.AccountId === p.AccountId && r.AwsRegion === p.AwsRegion);
      const types = own.map((r) => r.Compliance!.ComplianceType!);
      expect(p.Compliance).toEqual({
        ComplianceType: types.includes('NON_COMPLIANT')
          ? 'NON_COMPLIANT'
          : types.every((t) => t === 'INSUFFICIENT_DATA')
            ? 'INSUFFICIENT_DATA'
            : 'COMPLIANT',
        CompliantRuleCount: types.filter((t) => t === 'COMPLIANT').length,
        NonCompliantRuleCount: types.filter((t) => t === 'NON_COMPLIANT').length,
        TotalRuleCount: RULES.length,
      });
    }
  });

  it('applies filters after the page window, so filtered pages can be empty while a NextToken is set', async () => {
    const { emu, aggregatorClient } = await started();
    emu.tick!(1500);
    const whole = await allRules(aggregatorClient);
    const pages: Array<{ size: number; token: boolean }> = [];
    // us-east-1 sorts after eu-west-1: the first pages hold no us-east-1 row.
    const us = await allRules(aggregatorClient, { Limit: 10, Filters: { AwsRegion: 'us-east-1' } }, pages);
    expect(us.map(ruleKey)).toEqual(whole.filter((r) => r.AwsRegion === 'us-east-1').map(ruleKey));
    expect(pages.some((p) => p.size === 0 && p.token)).toBe(true);

    const account = accountId(5);
    const forAccount = await allRules(aggregatorClient, {
      Filters: { AccountId: account, AwsRegion: 'eu-west-1' },
    });
    expect(forAccount.map(ruleKey)).toEqual(
      whole.filter((r) => r.AccountId === account && r.AwsRegion === 'eu-west-1').map(ruleKey),
    );
    const nonCompliant = await allRules(aggregatorClient, { Filters: { ComplianceType: 'NON_COMPLIANT' } });
    expect(nonCompliant.map(ruleKey)).toEqual(
      whole.filter((r) => r.Compliance?.ComplianceType === 'NON_COMPLIANT').map(ruleKey),
    );
    const one = whole[0]!;
    expect(
      (await allRules(aggregatorClient, { Filters: { ConfigRuleName: one.ConfigRuleName } })).every(
        (r) => r.ConfigRuleName === one.ConfigRuleName,
      ),
    ).toBe(true);

    const packs = await allPacks(aggregatorClient);
    const memberName = packs[0]!.ConformancePackName!;
    expect(
      await allPacks(aggregatorClient, {
        Filters: { ConformancePackName: memberName, AwsRegion: 'eu-west-1' },
      }),
    ).toEqual(packs.filter((p) => p.ConformancePackName === memberName && p.AwsRegion === 'eu-west-1'));
    // The filter takes the member pack's name; the org pack's name matches nothing.
    expect(await allPacks(aggregatorClient, { Filters: { ConformancePackName: 'Baseline' } })).toEqual([]);

    // A token belongs to its listing.
    const first = await aggregatorClient.send(
      new DescribeAggregateComplianceByConfigRulesCommand({
        ConfigurationAggregatorName: AGGREGATOR,
        Limit: 5,
      }),
    );
    expect(first.NextToken).toBeDefined();
    expect(
      await errorName(
        aggregatorClient.send(
          new DescribeAggregateComplianceByConfigRulesCommand({
            ConfigurationAggregatorName: AGGREGATOR,
            Filters: { AwsRegion: 'us-east-1' },
            NextToken: first.NextToken,
          }),
        ),
      ),
    ).toBe('InvalidNextTokenException');
  });

  it('answers an unknown aggregator, a bad Limit and a bad filter as AWS does', async () => {
    const { emu, aggregatorClient: c } = await started();
    emu.tick!(1500);
    type Input = { ConfigurationAggregatorName: string; Limit?: number; Filters?: Record<string, string> };
    const calls = [
      (input: Input) => c.send(new DescribeAggregateComplianceByConfigRulesCommand(input)),
      (input: Input) => c.send(new DescribeAggregateComplianceByConformancePacksCommand(input)),
    ];
    for (const call of calls) {
      expect(await errorName(call({ ConfigurationAggregatorName: 'someone-elses' }))).toBe(
        'NoSuchConfigurationAggregatorException',
      );
      expect(await errorName(call({ ConfigurationAggregatorName: 'not a name!' }))).toBe(
        'ValidationException',
      );
      expect(await errorName(call({ ConfigurationAggregatorName: AGGREGATOR, Limit: -1 }))).toBe(
        'InvalidLimitException',
      );
      // The filters accept only COMPLIANT and NON_COMPLIANT.
      expect(
        await errorName(
          call({ ConfigurationAggregatorName: AGGREGATOR, Filters: { ComplianceType: 'INSUFFICIENT_DATA' } }),
        ),
      ).toBe('ValidationException');
      expect(
        await errorName(call({ ConfigurationAggregatorName: AGGREGATOR, Filters: { AccountId: '12345' } })),
      ).toBe('ValidationException');
    }
    // Limits differ: 0–100 for packs, 0–1000 for rules.
    const packs = (Limit: number) =>
      errorName(
        c.send(
          new DescribeAggregateComplianceByConformancePacksCommand({
            ConfigurationAggregatorName: AGGREGATOR,
            Limit,
          }),
        ),
      );
    const rules = (Limit: number) =>
      errorName(
        c.send(
          new DescribeAggregateComplianceByConfigRulesCommand({
            ConfigurationAggregatorName: AGGREGATOR,
            Limit,
          }),
        ),
      );
    expect(await packs(100)).toBe('none');
    expect(await packs(101)).toBe('InvalidLimitException');
    expect(await rules(1000)).toBe('none');
    expect(await rules(1001)).toBe('InvalidLimitException');
    // Without the option there is no aggregator at all.
    await emu.close();
    emulator = await startConfigEmulator({ accounts: async () => [], clock: 'manual' });
    expect(
      await errorName(
        client(emulator, 'us-east-1').send(
          new DescribeAggregateComplianceByConfigRulesCommand({ ConfigurationAggregatorName: AGGREGATOR }),
        ),
      ),
    ).toBe('NoSuchConfigurationAggregatorException');
  });

  it('rolls rule compliance up to the pack as AWS documents, with compliance forced through the control API', async () => {
    const { emu, aggregatorClient: c } = await started();
    emu.tick!(1500);
    const account = accountId(7);
    const region = 'eu-west-1';
    const packOf = async () =>
      (await allPacks(c, { Filters: { AccountId: account, AwsRegion: region } }))[0]?.Compliance;
    const ruleTypes = async () =>
      Object.fromEntries(
        (await allRules(c, { Filters: { AccountId: account, AwsRegion: region } })).map((r) => [
          authoredOf(r.ConfigRuleName!),
          r.Compliance?.ComplianceType,
        ]),
      );
    const seeded = await ruleTypes();
    const elsewhere = async () =>
      (await allRules(c)).filter((r) => r.AccountId !== account || r.AwsRegion !== region);
    const elsewhereBefore = await elsewhere();
    const force = async (rule: string, compliance: string | null) => {
      const res = await fetch(`${emu.endpoint}/__emulator/compliance`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accountId: account, region, rule, compliance }),
      });
      expect(res.status).toBe(200);
    };

    for (const rule of RULES) await force(rule, 'INSUFFICIENT_DATA');
    expect(await packOf()).toEqual({
      ComplianceType: 'INSUFFICIENT_DATA',
      CompliantRuleCount: 0,
      NonCompliantRuleCount: 0,
      TotalRuleCount: 3,
    });
    await force('s3-bucket', 'COMPLIANT'); // compliant + insufficient data → compliant
    expect((await packOf())?.ComplianceType).toBe('COMPLIANT');
    expect((await packOf())?.CompliantRuleCount).toBe(1);
    // By deployed name too: any non-compliant rule makes the pack non-compliant.
    const deployed = (await allRules(c, { Filters: { AccountId: account, AwsRegion: region } })).find(
      (r) => authoredOf(r.ConfigRuleName!) === 'iam-password-policy',
    )!.ConfigRuleName!;
    emu.setCompliance({ accountId: account, region, rule: deployed, compliance: 'NON_COMPLIANT' });
    expect(await packOf()).toEqual({
      ComplianceType: 'NON_COMPLIANT',
      CompliantRuleCount: 1,
      NonCompliantRuleCount: 1,
      TotalRuleCount: 3,
    });
    // Only that account and Region changed.
    expect(await elsewhere()).toEqual(elsewhereBefore);

    const bad = await fetch(`${emu.endpoint}/__emulator/compliance`, {
      method: 'POST',
      body: JSON.stringify({ accountId: account, region, rule: 's3-bucket', compliance: 'MOSTLY' }),
    });
    expect(bad.status).toBe(400);
    // null releases an override; DELETE releases them all: the seeded values come back.
    await force('s3-bucket', null);
    expect((await ruleTypes())['s3-bucket']).toBe(seeded['s3-bucket']);
    const listed = (await (await fetch(`${emu.endpoint}/__emulator/compliance`)).json()) as unknown[];
    expect(listed).toHaveLength(3);
    await fetch(`${emu.endpoint}/__emulator/compliance`, { method: 'DELETE' });
    expect(await ruleTypes()).toEqual(seeded);
  });

  it('keeps deployed names across an update and drops the rows of a deleted pack', async () => {
    const { emu, byRegion, aggregatorClient } = await started();
    emu.tick!(1500);
    const before = (await allRules(aggregatorClient)).map(ruleKey);
    await byRegion['us-east-1']!.send(
      new PutOrganizationConformancePackCommand({
        OrganizationConformancePackName: 'Baseline',
        TemplateBody: template,
      }),
    );
    // During the update the accounts are UPDATE_IN_PROGRESS: only eu-west-1 is reported.
    expect(new Set((await allRules(aggregatorClient)).map((r) => r.AwsRegion))).toEqual(
      new Set(['eu-west-1']),
    );
    emu.tick!(1500);
    const after = (await allRules(aggregatorClient)).map(ruleKey);
    // The excluded account is now included; everything else keeps its name.
    expect(after.filter((k) => !k.includes(`|${EXCLUDED}|`))).toEqual(before);
    expect(after.filter((k) => k.startsWith(`us-east-1|${EXCLUDED}|`))).toHaveLength(RULES.length);

    await byRegion['eu-west-1']!.send(
      new DeleteOrganizationConformancePackCommand({ OrganizationConformancePackName: 'Baseline' }),
    );
    emu.tick!(1500);
    expect(new Set((await allPacks(aggregatorClient)).map((p) => p.AwsRegion))).toEqual(
      new Set(['us-east-1']),
    );
  });

  it('serves the aggregate operations itself instead of forwarding them upstream', async () => {
    let forwarded = 0;
    const upstream = http.createServer((_req, res) => {
      forwarded += 1;
      res.writeHead(500).end();
    });
    servers.push(upstream);
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const { emu, aggregatorClient } = await started({
      upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
    });
    emu.tick!(1500);
    expect((await allRules(aggregatorClient)).length).toBeGreaterThan(0);
    expect((await allPacks(aggregatorClient)).length).toBeGreaterThan(0);
    expect(forwarded).toBe(0);
    expect(emu.stats().requests['DescribeAggregateComplianceByConfigRules']).toBeGreaterThan(0);
  });
});

describe('rollUp', () => {
  it('is non-compliant with any non-compliant rule, insufficient only when every rule lacks data', () => {
    expect(rollUp(['COMPLIANT', 'NON_COMPLIANT', 'INSUFFICIENT_DATA'])).toBe('NON_COMPLIANT');
    expect(rollUp(['INSUFFICIENT_DATA', 'INSUFFICIENT_DATA'])).toBe('INSUFFICIENT_DATA');
    expect(rollUp(['INSUFFICIENT_DATA', 'COMPLIANT'])).toBe('COMPLIANT');
    expect(rollUp(['COMPLIANT'])).toBe('COMPLIANT');
  });
});
