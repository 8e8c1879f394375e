import { describe, expect, it } from 'vitest';
import type { OrgAccount, OrgOu, OrgTree } from '../../src/org/discover.js';
import { resolveTargets } from '../../src/org/targeting.js';
import { allowedFailures, resolveWaves } from '../../src/rollout/waves.js';

/** An organization of `perOu` accounts in each of three OUs (Canary, Prod, Dev) plus the management account. */
function org(perOu: number): OrgTree {
  const root = { id: 'r-root', name: 'Root', path: '/Root' };
  const names = ['Canary', 'Prod', 'Dev'];
  const ous: OrgOu[] = names.map((name, i) => ({
    id: `ou-root-${String(i).padStart(8, '0')}`,
    name,
    parentId: 'r-root',
    path: `/Root/${name}`,
    depth: 1,
  }));
  const accounts: OrgAccount[] = [
    {
      id: '100000000000',
      name: 'management',
      email: 'm@example.com',
      status: 'ACTIVE',
      parentId: 'r-root',
      ouPath: '/Root',
      ancestorIds: ['r-root'],
    },
  ];
  ous.forEach((ou, o) => {
    for (let i = 0; i < perOu; i++) {
      accounts.push({
        id: String(200000000000 + o * 100000 + i),
        name: `${ou.name.toLowerCase()}-${i}`,
        email: `${o}-${i}@example.com`,
        status: 'ACTIVE',
        parentId: ou.id,
        ouPath: ou.path,
        ancestorIds: ['r-root', ou.id],
      });
    }
  });
  return {
    organizationId: 'o-x',
    managementAccountId: '100000000000',
    featureSet: 'ALL',
    root,
    ous,
    accounts,
  };
}

const included = (tree: OrgTree) => resolveTargets(tree, { ous: ['/Root'] }).included;

describe('allowedFailures', () => {
  it('takes a count as is and rounds a percentage of the wave down', () => {
    expect(allowedFailures(undefined, 50)).toBe(0);
    expect(allowedFailures(3, 50)).toBe(3);
    expect(allowedFailures('10%', 25)).toBe(2);
    expect(allowedFailures('10%', 9)).toBe(0);
    expect(allowedFailures('100%', 7)).toBe(7);
    expect(() => allowedFailures('ten%', 7)).toThrow(RangeError);
  });
});

describe('resolveWaves', () => {
  it('stages the reach: each wave adds its accounts, the next put excludes fewer, the rest comes last', () => {
    const tree = org(4);
    const canary = tree.accounts.filter((a) => a.ouPath === '/Root/Canary').slice(0, 2);
    const { waves, problems } = resolveWaves({
      tree,
      included: included(tree),
      waves: [
        { name: 'canary', accounts: canary.map((a) => a.id) },
        { name: 'prod', ous: ['/Root/Prod'], failureTolerance: '50%' },
      ],
      defaultTolerance: 1,
    });
    expect(problems).toEqual([]);
    expect(
      waves.map((w) => [w.name, w.accounts.length, w.excludedAccounts.length, w.tolerance.allowed]),
    ).toEqual([
      ['canary', 2, 11, 1],
      ['prod', 4, 7, 2],
      ['rest', 7, 0, 1], // management, 2 more canary, 4 dev
    ]);
    expect(waves[2]?.implicit).toBe(true);
    // Every account is in exactly one wave, and a wave never re-excludes an earlier one's accounts.
    const all = waves.flatMap((w) => w.accounts.map((a) => a.id));
    expect(new Set(all).size).toBe(13);
    for (const [i, w] of waves.entries()) {
      for (const earlier of waves.slice(0, i + 1)) {
        for (const a of earlier.accounts) expect(w.excludedAccounts).not.toContain(a.id);
      }
    }
  });

  it('an account named by two waves stays in the first; accounts that are not targets are ignored', () => {
    const tree = org(3);
    const prod = tree.accounts.filter((a) => a.ouPath === '/Root/Prod');
    const targets = resolveTargets(tree, { ous: ['/Root/Prod', '/Root/Canary'] }).included;
    const dev = tree.accounts.find((a) => a.ouPath === '/Root/Dev') as OrgAccount;
    const { waves } = resolveWaves({
      tree,
      included: targets,
      waves: [
        { name: 'first', accounts: [prod[0]!.id, dev.id] },
        { name: 'second', ous: ['/Root/Prod'] },
      ],
    });
    expect(waves.map((w) => w.accounts.map((a) => a.id))).toEqual([
      [prod[0]!.id],
      [prod[1]!.id, prod[2]!.id],
      tree.accounts.filter((a) => a.ouPath === '/Root/Canary').map((a) => a.id),
    ]);
    expect(waves.every((w) => w.excludedAccounts.includes(dev.id))).toBe(true);
  });

  it('skips accounts that already hold the pack, and drops waves left empty', () => {
    const tree = org(3);
    const canary = tree.accounts.filter((a) => a.ouPath === '/Root/Canary').map((a) => a.id);
    const { waves } = resolveWaves({
      tree,
      included: included(tree),
      waves: [
        { name: 'canary', ous: ['/Root/Canary'] },
        { name: 'prod', ous: ['/Root/Prod'] },
      ],
      covered: new Set(canary),
    });
    expect(waves.map((w) => w.name)).toEqual(['prod', 'rest']);
    expect(waves[0]?.excludedAccounts).not.toContain(canary[0]);
    const all = resolveWaves({
      tree,
      included: included(tree),
      waves: undefined,
      covered: new Set(tree.accounts.map((a) => a.id)),
    });
    expect(all.waves).toEqual([]);
  });

  it('refuses up front when a wave would leave more than 1,000 accounts excluded, with the numbers', () => {
    const tree = org(400); // 1,201 accounts
    const canary = tree.accounts.filter((a) => a.ouPath === '/Root/Canary').slice(0, 3);
    const { problems, waves } = resolveWaves({
      tree,
      included: included(tree),
      waves: [
        { name: 'canary', accounts: canary.map((a) => a.id) },
        { name: 'prod', ous: ['/Root/Prod'] },
      ],
    });
    expect(waves[0]?.excludedAccounts).toHaveLength(1198);
    expect(waves[1]?.excludedAccounts).toHaveLength(798);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.check).toBe('excluded-accounts-limit');
    expect(problems[0]?.message).toMatch(/wave canary leaves 1198 accounts excluded/);
    expect(problems[0]?.message).toMatch(/at least 201 of them/);
  });

  it('reports an unknown OU of a wave with the wave index', () => {
    const tree = org(2);
    const { problems } = resolveWaves({
      tree,
      included: included(tree),
      waves: [{ name: 'x', ous: ['/Root/Prdo'] }],
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ check: 'unknown-target', wave: 0, field: 'ous', index: 0 });
    expect(problems[0]?.message).toMatch(/did you mean \/Root\/Prod/);
  });
});
