/**
 * Organization discovery: against moto behind the proxy that rejects MaxResults > 20 (a real
 * 50-account organization with nested OUs), and against a scripted client for what moto does not
 * do (empty pages that still carry a NextToken, a NextToken that repeats).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { discoverOrganization, type OrgTree } from '../../src/org/discover.js';
import { resolveTargets } from '../../src/org/targeting.js';
import { motoSkipNote, motoStatus, organizationsClient, useMoto } from '../support/moto.js';
import { startMotoProxy, type MotoProxy } from '../support/moto-proxy.js';
import { createOrganization, type OrgTree as FixtureTree } from '../support/org-fixture.js';

describe.skipIf(!motoStatus().available)(`discoverOrganization against moto${motoSkipNote()}`, () => {
  const moto = useMoto({ resetBeforeEach: false });
  let proxy: MotoProxy;
  let fixture: FixtureTree;
  let tree: OrgTree;
  let client: OrganizationsClient;
  beforeAll(async () => {
    proxy = await startMotoProxy({ target: moto.endpoint });
    fixture = await createOrganization({
      endpoint: proxy.endpoint,
      accounts: 50,
      depth: 3,
      closed: ['member-05', 'member-50'],
    });
    client = organizationsClient({ endpoint: proxy.endpoint });
    proxy.resetCounts();
    tree = await discoverOrganization(client, { concurrency: 4 });
  });
  afterAll(async () => {
    client?.destroy();
    await proxy?.close();
  });

  it('reads the organization, its root and every nested OU with its path', () => {
    expect(tree.organizationId).toBe(fixture.organizationId);
    expect(tree.managementAccountId).toBe(fixture.managementAccountId);
    expect(tree.featureSet).toBe('ALL');
    expect(tree.root.id).toBe(fixture.rootId);
    expect(tree.ous).toHaveLength(14);
    const expected = fixture.ous
      .map((o) => ({ id: o.id, name: o.name, parentId: o.parentId, path: o.path, depth: o.depth }))
      .sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(tree.ous).toEqual(expected);
  });

  it('reads all 51 accounts with their OU path, ancestors and status', () => {
    expect(tree.accounts).toHaveLength(51);
    const ousById = new Map(tree.ous.map((o) => [o.id, o]));
    for (const want of fixture.accounts) {
      const got = tree.accounts.find((a) => a.id === want.id);
      expect(got, want.name).toMatchObject({
        // moto names the management account "master"; the fixture calls it "management".
        ...(want.management ? {} : { name: want.name }),
        status: want.status,
        parentId: want.parentId,
        ouPath: want.path,
      });
      // Ancestors: the root, then one OU per level down to the parent.
      expect(got!.ancestorIds[0]).toBe(fixture.rootId);
      expect(got!.ancestorIds.at(-1)).toBe(want.parentId);
      expect(got!.ancestorIds).toHaveLength(want.path.split('/').length - 1);
      for (const id of got!.ancestorIds.slice(1))
        expect(want.path.startsWith(ousById.get(id)!.path)).toBe(true);
    }
    expect(
      tree.accounts
        .filter((a) => a.status === 'SUSPENDED')
        .map((a) => a.name)
        .sort(),
    ).toEqual(['member-05', 'member-50']);
  });

  it('asked for pages of at most 20 (the proxy rejected nothing) and listed each parent once', () => {
    expect(proxy.rejectedCounts()).toEqual({});
    // 15 parents (root + 14 OUs), each with fewer than 20 children and accounts: one page each.
    expect(proxy.count('organizations:ListOrganizationalUnitsForParent')).toBe(15);
    expect(proxy.count('organizations:ListAccountsForParent')).toBe(15);
    expect(proxy.count('organizations:DescribeOrganization')).toBe(1);
  });

  it('the tree resolves targets by path: a level-1 OU includes its nested OUs', () => {
    const r = resolveTargets(tree, { ous: ['/Root/ou-1'] });
    const wanted = fixture.accounts.filter((a) => a.path.startsWith('/Root/ou-1') && a.status === 'ACTIVE');
    expect(r.included.map((a) => a.id).sort()).toEqual(wanted.map((a) => a.id).sort());
    expect(r.included.length + r.excluded.length).toBe(51);
  });
});

describe('discoverOrganization paging (scripted client)', () => {
  /** Answers by command name; list calls are served from `pages` in order, keyed by ParentId. */
  function scripted(pages: Record<string, Array<{ items: unknown[]; next?: string }>>) {
    const calls: Array<{ command: string; input: Record<string, unknown> }> = [];
    const send = (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      calls.push({ command: name, input: command.input });
      if (name === 'DescribeOrganization') {
        return Promise.resolve({
          Organization: { Id: 'o-1', MasterAccountId: '100000000000', FeatureSet: 'ALL' },
        });
      }
      const key = `${name} ${String(command.input.ParentId ?? '')}`.trim();
      const list = pages[key] ?? [{ items: [] }];
      const token = command.input.NextToken as string | undefined;
      const index = token ? Number(token.split(':')[1]) : 0;
      const page = list[index] ?? { items: [] };
      const field =
        name === 'ListRoots'
          ? 'Roots'
          : name === 'ListAccountsForParent'
            ? 'Accounts'
            : 'OrganizationalUnits';
      return Promise.resolve({ [field]: page.items, NextToken: page.next });
    };
    return { client: { send } as unknown as OrganizationsClient, calls };
  }
  const account = (id: string, status = 'ACTIVE') => ({
    Id: id,
    Name: `a${id}`,
    Email: 'x@y',
    Status: status,
  });

  it('keeps paging through empty pages that carry a NextToken, always with MaxResults 20', async () => {
    const { client, calls } = scripted({
      ListRoots: [{ items: [], next: 't:1' }, { items: [{ Id: 'r-ab12', Name: 'Root' }] }],
      'ListOrganizationalUnitsForParent r-ab12': [
        { items: [], next: 't:1' },
        { items: [], next: 't:2' },
        { items: [{ Id: 'ou-ab12-11111111', Name: 'Prod' }] },
      ],
      'ListAccountsForParent r-ab12': [{ items: [account('100000000000')], next: 't:1' }, { items: [] }],
      'ListAccountsForParent ou-ab12-11111111': [
        { items: [], next: 't:1' },
        { items: [account('200000000000', 'PENDING_CLOSURE')], next: 't:2' },
        { items: [account('300000000000', 'SOMETHING_NEW')] },
      ],
    });
    const tree = await discoverOrganization(client);
    expect(tree.ous.map((o) => o.path)).toEqual(['/Root/Prod']);
    expect(tree.accounts.map((a) => [a.id, a.status, a.ouPath])).toEqual([
      ['100000000000', 'ACTIVE', '/Root'],
      ['200000000000', 'PENDING_CLOSURE', '/Root/Prod'],
      ['300000000000', 'UNKNOWN', '/Root/Prod'],
    ]);
    const lists = calls.filter((c) => c.command.startsWith('List'));
    expect(lists.every((c) => c.input.MaxResults === 20)).toBe(true);
    expect(calls.filter((c) => c.command === 'ListAccountsForParent')).toHaveLength(5);
  });

  it('stops when a NextToken comes back unchanged instead of looping', async () => {
    const { client } = scripted({
      ListRoots: [{ items: [{ Id: 'r-ab12', Name: 'Root' }] }],
      'ListAccountsForParent r-ab12': [
        { items: [], next: 't:1' },
        { items: [], next: 't:1' },
      ],
    });
    await expect(discoverOrganization(client)).rejects.toThrow(/same NextToken came back twice/);
  });

  it('never has more than `concurrency` list calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const ous = Array.from({ length: 12 }, (_, i) => ({
      Id: `ou-ab12-${String(i).padStart(8, '0')}`,
      Name: `ou${i}`,
    }));
    const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      const name = command.constructor.name;
      if (name === 'DescribeOrganizationCommand')
        return { Organization: { Id: 'o-1', MasterAccountId: '100000000000' } };
      if (name === 'ListRootsCommand') return { Roots: [{ Id: 'r-ab12', Name: 'Root' }] };
      if (name === 'ListOrganizationalUnitsForParentCommand') {
        return { OrganizationalUnits: command.input.ParentId === 'r-ab12' ? ous : [] };
      }
      return { Accounts: [] };
    };
    const tree = await discoverOrganization({ send } as unknown as OrganizationsClient, { concurrency: 3 });
    expect(tree.ous).toHaveLength(12);
    expect(most).toBe(3);
  });
});
