import { describe, expect, it } from 'vitest';
import type { AccountStatus, OrgAccount, OrgOu, OrgTree } from '../../src/org/discover.js';
import { resolveTargets } from '../../src/org/targeting.js';
import { parseDeployConfig } from '../../src/org/deploy-config.js';
import { targetDiagnostics } from '../../src/org/targeting.js';

/**
 * A synthetic organization:
 *   /Root                 r-root    accounts 100000000000 (management), 100000000001
 *   /Root/Prod            ou-root-prod0000      200000000001, 200000000002 (SUSPENDED)
 *   /Root/Prod/Web        ou-root-web00000      300000000001, 300000000002 (PENDING_CLOSURE)
 *   /Root/Prod/Web/Edge   ou-root-edge0000      400000000001
 *   /Root/Dev             ou-root-dev00000      500000000001
 */
function tree(): OrgTree {
  const root = { id: 'r-root', name: 'Root', path: '/Root' };
  const ous: OrgOu[] = [
    { id: 'ou-root-prod0000', name: 'Prod', parentId: 'r-root', path: '/Root/Prod', depth: 1 },
    { id: 'ou-root-web00000', name: 'Web', parentId: 'ou-root-prod0000', path: '/Root/Prod/Web', depth: 2 },
    {
      id: 'ou-root-edge0000',
      name: 'Edge',
      parentId: 'ou-root-web00000',
      path: '/Root/Prod/Web/Edge',
      depth: 3,
    },
    { id: 'ou-root-dev00000', name: 'Dev', parentId: 'r-root', path: '/Root/Dev', depth: 1 },
  ];
  const chain: Record<string, string[]> = {
    'r-root': ['r-root'],
    'ou-root-prod0000': ['r-root', 'ou-root-prod0000'],
    'ou-root-web00000': ['r-root', 'ou-root-prod0000', 'ou-root-web00000'],
    'ou-root-edge0000': ['r-root', 'ou-root-prod0000', 'ou-root-web00000', 'ou-root-edge0000'],
    'ou-root-dev00000': ['r-root', 'ou-root-dev00000'],
  };
  const account = (id: string, parentId: string, status: AccountStatus = 'ACTIVE'): OrgAccount => ({
    id,
    name: `acct-${id.slice(-2)}`,
    email: `${id}@example.com`,
    status,
    parentId,
    ouPath: parentId === 'r-root' ? '/Root' : ous.find((o) => o.id === parentId)!.path,
    ancestorIds: chain[parentId]!,
  });
  return {
    organizationId: 'o-test',
    managementAccountId: '100000000000',
    featureSet: 'ALL',
    root,
    ous,
    accounts: [
      account('100000000000', 'r-root'),
      account('100000000001', 'r-root'),
      account('200000000001', 'ou-root-prod0000'),
      account('200000000002', 'ou-root-prod0000', 'SUSPENDED'),
      account('300000000001', 'ou-root-web00000'),
      account('300000000002', 'ou-root-web00000', 'PENDING_CLOSURE'),
      account('400000000001', 'ou-root-edge0000'),
      account('500000000001', 'ou-root-dev00000'),
    ],
  };
}
const ids = (accounts: OrgAccount[]) => accounts.map((a) => a.id);
const errors = (r: ReturnType<typeof resolveTargets>) => r.problems.filter((p) => p.severity === 'error');

describe('resolveTargets', () => {
  it('includes nested OUs (by path or id) and excludes every other account of the organization', () => {
    for (const ref of ['/Root/Prod', '/Root/Prod/', 'ou-root-prod0000']) {
      const r = resolveTargets(tree(), { ous: [ref] });
      expect(ids(r.included)).toEqual(['200000000001', '300000000001', '400000000001']);
      // Suspended and closing accounts in the target OU are excluded too, and the list is sorted.
      expect(r.excluded).toEqual([
        '100000000000',
        '100000000001',
        '200000000002',
        '300000000002',
        '500000000001',
      ]);
      expect(r.problems).toEqual([]);
    }
  });

  it('the whole organization excludes only the inactive accounts', () => {
    const r = resolveTargets(tree(), { ous: ['/Root'] });
    expect(r.included).toHaveLength(6);
    expect(r.excluded).toEqual(['200000000002', '300000000002']);
    expect(resolveTargets(tree(), { ous: ['r-root'] }).excluded).toEqual(r.excluded);
  });

  it('excludes by OU (nested too) and by account, and exclusions win over explicit targets', () => {
    const r = resolveTargets(tree(), {
      ous: ['/Root/Prod'],
      accounts: ['500000000001', '400000000001'],
      excludeOus: ['/Root/Prod/Web'],
      excludeAccounts: ['200000000001'],
    });
    expect(ids(r.included)).toEqual(['500000000001']);
    expect(r.excluded).toHaveLength(7);
    expect(r.excluded).not.toContain('500000000001');
    expect(r.problems).toEqual([]);
  });

  it('never includes a suspended account, and warns when one is targeted by id', () => {
    const r = resolveTargets(tree(), { accounts: ['200000000002', '100000000001'] });
    expect(ids(r.included)).toEqual(['100000000001']);
    expect(r.excluded).toContain('200000000002');
    expect(r.problems).toEqual([
      expect.objectContaining({
        check: 'inactive-target-account',
        severity: 'warning',
        field: 'accounts',
        index: 0,
        message: expect.stringContaining('SUSPENDED'),
      }),
    ]);
  });

  it('an all-inactive target is an error: the pack would deploy nowhere', () => {
    const r = resolveTargets(tree(), { accounts: ['300000000002'] });
    expect(r.included).toEqual([]);
    expect(errors(r).map((p) => p.check)).toEqual(['no-included-account']);
  });

  it('names unknown OU ids, paths and accounts, with the closest match', () => {
    const r = resolveTargets(tree(), {
      ous: ['/Root/Prod/Webb', 'ou-root-dev0000x'],
      accounts: ['50000000001', '999999999999'],
      excludeOus: ['/Root/Nope'],
    });
    const unknown = r.problems.filter((p) => p.check === 'unknown-target');
    expect(unknown.map((p) => [p.field, p.index])).toEqual([
      ['ous', 0],
      ['ous', 1],
      ['accounts', 0],
      ['accounts', 1],
      ['excludeOus', 0],
    ]);
    expect(unknown[0]!.message).toBe(
      'no OU at path /Root/Prod/Webb in the organization (did you mean /Root/Prod/Web?)',
    );
    expect(unknown[1]!.message).toContain('(did you mean ou-root-dev00000?)');
    expect(unknown[2]!.message).toContain('no account 50000000001');
    expect(unknown[2]!.message).toContain('did you mean 500000000001?');
    expect(unknown[3]!.message).not.toContain('did you mean');
  });

  it('reports an ambiguous OU path', () => {
    const t = tree();
    t.ous.push({ id: 'ou-root-dev11111', name: 'Dev', parentId: 'r-root', path: '/Root/Dev', depth: 1 });
    const r = resolveTargets(t, { ous: ['/Root/Dev'] });
    expect(r.problems[0]!.message).toContain('ambiguous');
    expect(r.problems[0]!.message).toContain('ou-root-dev11111');
  });

  describe('the 1,000 ExcludedAccounts limit', () => {
    // 1,200 accounts: 600 in OU A, 600 in OU B (10 of them suspended).
    function big(): OrgTree {
      const ous: OrgOu[] = ['A', 'B'].map((n) => ({
        id: `ou-root-${n.toLowerCase()}0000000`,
        name: n,
        parentId: 'r-big',
        path: `/Root/${n}`,
        depth: 1,
      }));
      const accounts: OrgAccount[] = Array.from({ length: 1200 }, (_, i) => {
        const ou = ous[i < 600 ? 0 : 1]!;
        return {
          id: String(700000000000 + i),
          name: `a${i}`,
          email: '',
          status: i >= 1190 ? 'SUSPENDED' : 'ACTIVE',
          parentId: ou.id,
          ouPath: ou.path,
          ancestorIds: ['r-big', ou.id],
        };
      });
      return {
        organizationId: 'o-big',
        managementAccountId: '700000000000',
        featureSet: 'ALL',
        root: { id: 'r-big', name: 'Root', path: '/Root' },
        ous,
        accounts,
      };
    }

    it('stops with the numbers and what to do when more than 1,000 would be excluded', () => {
      const r = resolveTargets(big(), { accounts: ['700000000000', '700000000001'] });
      expect(r.excluded).toHaveLength(1198);
      const [error] = errors(r);
      expect(error?.check).toBe('excluded-accounts-limit');
      expect(error?.message).toContain('include 2 of the organization');
      expect(error?.message).toContain('1200 accounts');
      expect(error?.message).toContain('1198 accounts to exclude (10 of them suspended or closing)');
      expect(error?.message).toContain('at most 1000 ExcludedAccounts');
      expect(error?.message).toContain('ous: [/Root]');
    });

    it('accepts exactly the limit and the whole organization minus a few', () => {
      // OU A (600) minus 400 excluded → 200 included, 1,000 excluded: at the limit, fine.
      const excludeAccounts = Array.from({ length: 400 }, (_, i) => String(700000000000 + i));
      const r = resolveTargets(big(), {
        ous: ['/Root/A', '/Root/B'],
        excludeOus: ['/Root/B'],
        excludeAccounts,
      });
      expect(r.included).toHaveLength(200);
      expect(r.excluded).toHaveLength(1000);
      expect(r.problems).toEqual([]);
      const whole = resolveTargets(big(), { ous: ['/Root'], excludeAccounts: ['700000000005'] });
      expect(whole.excluded).toHaveLength(11);
      expect(whole.problems).toEqual([]);
    });

    it('one account over the limit is an error', () => {
      const excludeAccounts = Array.from({ length: 401 }, (_, i) => String(700000000000 + i));
      const r = resolveTargets(big(), { ous: ['/Root/A'], excludeAccounts });
      expect(r.excluded).toHaveLength(1001);
      expect(errors(r).map((p) => p.check)).toEqual(['excluded-accounts-limit']);
    });
  });

  it('locates target problems at their entry in the deployment configuration', () => {
    const text = [
      'deployingAccount: "100000000000"',
      'role: management',
      'regions: [us-east-1]',
      'templateBuckets: { us-east-1: packsmith-templates-use1 }',
      'packs:',
      '  baseline:',
      '    targets:',
      '      ous:',
      '        - /Root/Prod',
      '        - /Root/Prdo',
      '',
    ].join('\n');
    const loaded = parseDeployConfig('packsmith.deploy.yaml', text);
    expect(loaded.problems).toEqual([]);
    const r = resolveTargets(tree(), loaded.config!.packs.baseline!.targets!);
    const [d] = targetDiagnostics(loaded.source, 'baseline', r.problems);
    expect(d).toMatchObject({
      checkId: 'PS510',
      severity: 'error',
      location: { file: 'packsmith.deploy.yaml', line: 10, column: 11 },
    });
    expect(d?.message).toContain('did you mean /Root/Prod?');
  });
});
