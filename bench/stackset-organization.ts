/**
 * The organization of the stack set benchmark, shared by the emulator process and the benchmark:
 * `accounts` member accounts spread evenly over `ous` OUs under the root, plus a management
 * account outside every OU (service-managed stack sets never reach it anyway).
 */
import type { OrgAccount, OrgTree } from '../src/org/discover.js';

export interface BenchOrganization {
  rootId: string;
  managementAccountId: string;
  ouIds: string[];
  accounts: Array<{ id: string; ouId: string }>;
}

export function benchOrganization(accounts: number, ous: number): BenchOrganization {
  const ouIds = Array.from({ length: ous }, (_, i) => `ou-bnch-${String(i).padStart(8, '0')}`);
  const perOu = Math.ceil(accounts / ous);
  return {
    rootId: 'r-bnch',
    managementAccountId: '100000000000',
    ouIds,
    accounts: Array.from({ length: accounts }, (_, i) => ({
      id: String(400000000000 + i),
      ouId: ouIds[Math.floor(i / perOu)]!,
    })),
  };
}

/** The same organization as packsmith's discovery returns it. */
export function benchTree(org: BenchOrganization): OrgTree {
  return {
    organizationId: 'o-bench',
    managementAccountId: org.managementAccountId,
    featureSet: 'ALL',
    root: { id: org.rootId, name: 'Root', path: '/Root' },
    ous: org.ouIds.map((id) => ({ id, name: id, parentId: org.rootId, path: `/Root/${id}`, depth: 1 })),
    accounts: org.accounts.map((a): OrgAccount => ({
      id: a.id,
      name: `a-${a.id}`,
      email: '',
      status: 'ACTIVE',
      parentId: a.ouId,
      ouPath: `/Root/${a.ouId}`,
      ancestorIds: [org.rootId, a.ouId],
    })),
  };
}
