/**
 * A small discovered organization for the stack set engine's pure tests: a Canary OU with one
 * account, a Prod OU with two active accounts and a suspended one.
 */
import type { OrgTree } from '../../src/org/discover.js';

export const orgAccount = (id: string, parentId: string, ouPath: string, status = 'ACTIVE') => ({
  id,
  name: `a${id.slice(-2)}`,
  email: `${id}@example.com`,
  status: status as 'ACTIVE',
  parentId,
  ouPath,
  ancestorIds: ['r-root', parentId],
});

export const stackSetTree: OrgTree = {
  organizationId: 'o-example',
  managementAccountId: '111111111111',
  featureSet: 'ALL',
  root: { id: 'r-root', name: 'Root', path: '/Root' },
  ous: [
    { id: 'ou-root-canary01', name: 'Canary', parentId: 'r-root', path: '/Root/Canary', depth: 1 },
    { id: 'ou-root-prod0001', name: 'Prod', parentId: 'r-root', path: '/Root/Prod', depth: 1 },
  ],
  accounts: [
    orgAccount('222222222201', 'ou-root-canary01', '/Root/Canary'),
    orgAccount('333333333301', 'ou-root-prod0001', '/Root/Prod'),
    orgAccount('333333333302', 'ou-root-prod0001', '/Root/Prod'),
    orgAccount('333333333303', 'ou-root-prod0001', '/Root/Prod', 'SUSPENDED'),
  ],
};
