/**
 * The organization fixture: a 50-account organization with three levels of OUs, built through the
 * real SDK against moto behind the proxy (MaxResults ≤ 20 enforced), with Config recorders exactly
 * where they should be.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ListAccountsCommand,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  type Account,
} from '@aws-sdk/client-organizations';
import {
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeDeliveryChannelsCommand,
} from '@aws-sdk/client-config-service';
import { configClient, motoSkipNote, motoStatus, organizationsClient, useMoto } from '../support/moto.js';
import { startMotoProxy, type MotoProxy } from '../support/moto-proxy.js';
import { createOrganization, mapLimit, type OrgTree } from '../support/org-fixture.js';

const available = motoStatus().available;
const REGIONS = ['us-east-1', 'eu-west-1'];

describe.skipIf(!available)(`organization fixture${motoSkipNote()}`, () => {
  // One organization for the whole file: the tests only read it.
  const moto = useMoto({ resetBeforeEach: false });
  let proxy: MotoProxy;
  let org: OrgTree;
  beforeAll(async () => {
    proxy = await startMotoProxy({ target: moto.endpoint });
    org = await createOrganization({
      endpoint: proxy.endpoint,
      accounts: 50,
      depth: 3,
      regions: REGIONS,
      withoutRecorder: ['member-07', 'management'],
      closed: ['member-50'],
    });
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('builds 50 member accounts over nested OUs in reasonable time, every list call within 20', () => {
    expect(org.elapsedMs).toBeLessThan(20_000);
    const members = org.accounts.filter((a) => !a.management);
    expect(members).toHaveLength(50);
    expect(new Set(members.map((a) => a.id)).size).toBe(50);
    for (const a of members) expect(a.id).toMatch(/^\d{12}$/);
    // depth 3, fanout 2: 2 + 4 + 8 OUs, with parents one level up.
    expect(org.ous.map((o) => o.depth)).toEqual([1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3]);
    const byId = new Map(org.ous.map((o) => [o.id, o]));
    for (const ou of org.ous) {
      if (ou.depth === 1) expect(ou.parentId).toBe(org.rootId);
      else expect(byId.get(ou.parentId)?.depth).toBe(ou.depth - 1);
      expect(ou.path.split('/')).toHaveLength(ou.depth + 2);
    }
    // Accounts sit in the root and in every OU, down to the third level.
    const homes = new Set(members.map((a) => a.parentId));
    expect(homes).toEqual(new Set([org.rootId, ...org.ous.map((o) => o.id)]));
    expect(org.accounts.find((a) => a.name === 'member-15')?.path).toMatch(
      /^\/Root\/ou-\d\/ou-\d-\d\/ou-\d-\d-\d$/,
    );
    // The fixture's own list calls went through the proxy and none was rejected.
    expect(proxy.count('organizations:ListRoots')).toBeGreaterThan(0);
    expect(proxy.rejectedCounts()).toEqual({});
    expect(proxy.count('organizations:CreateAccount')).toBe(50);
    expect(proxy.count('organizations:CreateOrganizationalUnit')).toBe(14);
  });

  it('ListAccounts with MaxResults 20 returns every account across pages; 21 is rejected', async () => {
    const client = organizationsClient({ endpoint: proxy.endpoint });
    const before = proxy.count('organizations:ListAccounts');
    const pages: Account[][] = [];
    for await (const page of paginateListAccounts({ client, pageSize: 20 }, {}))
      pages.push(page.Accounts ?? []);
    expect(pages.map((p) => p.length)).toEqual([20, 20, 11]);
    const listed = pages.flat();
    expect(new Set(listed.map((a) => a.Id))).toEqual(new Set(org.accounts.map((a) => a.id)));
    expect(listed.find((a) => a.Name === 'member-50')?.Status).toBe('SUSPENDED');
    expect(listed.filter((a) => a.Status === 'ACTIVE')).toHaveLength(50);
    expect(proxy.count('organizations:ListAccounts') - before).toBe(3);

    await expect(client.send(new ListAccountsCommand({ MaxResults: 21 }))).rejects.toMatchObject({
      name: 'InvalidInputException',
    });
    client.destroy();
  });

  it('the OU tree and account placement read back from Organizations match the returned tree', async () => {
    const client = organizationsClient({ endpoint: proxy.endpoint });
    const paths = new Map<string, string>([[org.rootId, '/Root']]);
    let level = [org.rootId];
    while (level.length > 0) {
      const next: string[] = [];
      for (const parent of level) {
        for await (const page of paginateListOrganizationalUnitsForParent(
          { client, pageSize: 20 },
          { ParentId: parent },
        )) {
          for (const ou of page.OrganizationalUnits ?? []) {
            paths.set(ou.Id as string, `${paths.get(parent)}/${ou.Name}`);
            next.push(ou.Id as string);
          }
        }
      }
      level = next;
    }
    expect(new Map(org.ous.map((o) => [o.id, o.path]))).toEqual(
      new Map([...paths].filter(([id]) => id !== org.rootId)),
    );

    const placed = await mapLimit([...paths.keys()], 8, async (parent) => {
      const ids: string[] = [];
      for await (const page of paginateListAccountsForParent(
        { client, pageSize: 20 },
        { ParentId: parent },
      )) {
        ids.push(...(page.Accounts ?? []).map((a) => a.Id as string));
      }
      return ids.map((id) => [id, parent] as const);
    });
    expect(new Map(placed.flat())).toEqual(new Map(org.accounts.map((a) => [a.id, a.parentId])));
    client.destroy();
  });

  it('has a started recorder and a delivery channel exactly in the accounts that should have one', async () => {
    const expected = org.accounts.filter(
      (a) => a.name !== 'member-07' && a.name !== 'member-50' && !a.management,
    );
    expect(org.recorderAccountIds.sort()).toEqual(expected.map((a) => a.id).sort());
    expect(org.accounts.filter((a) => a.hasRecorder)).toHaveLength(48);

    const jobs = org.accounts.flatMap((account) => REGIONS.map((region) => ({ account, region })));
    const seen = await mapLimit(jobs, 8, async ({ account, region }) => {
      const config = configClient({ endpoint: proxy.endpoint, accountId: account.id, region });
      try {
        const recorders =
          (await config.send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders ?? [];
        const channels = (await config.send(new DescribeDeliveryChannelsCommand({}))).DeliveryChannels ?? [];
        const status =
          (await config.send(new DescribeConfigurationRecorderStatusCommand({})))
            .ConfigurationRecordersStatus ?? [];
        if (recorders.length > 0) {
          expect(recorders[0]?.roleARN).toContain(`:${account.id}:`);
          expect(channels[0]?.s3BucketName).toBe(org.deliveryBucket);
          expect(status[0]?.recording).toBe(true);
        }
        return { id: account.id, region, recorders: recorders.length, channels: channels.length };
      } finally {
        config.destroy();
      }
    });
    const have = new Set(expected.map((a) => a.id));
    for (const s of seen) {
      const n = have.has(s.id) ? 1 : 0;
      expect({ ...s, recorders: n, channels: n }).toEqual(s);
    }
    // And one account outside the organization has none.
    const stranger = configClient({ endpoint: proxy.endpoint, accountId: '999999999999' });
    expect(
      (await stranger.send(new DescribeConfigurationRecordersCommand({}))).ConfigurationRecorders,
    ).toEqual([]);
    stranger.destroy();
  });
});
