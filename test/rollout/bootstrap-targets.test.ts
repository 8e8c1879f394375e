/**
 * Where bootstrap deploys: exactly the accounts the packs deploy to, their exclusions applied
 * (before, the OUs and accounts the packs name were targeted whole).
 */
import { describe, expect, it } from 'vitest';
import type { PackDeployment } from '../../src/org/deploy-config.js';
import { bootstrapTargets, packTargetAccounts } from '../../src/rollout/bootstrap-targets.js';
import { stageTargets } from '../../src/rollout/stackset-plan.js';
import { orgAccount, stackSetTree } from '../support/stackset-tree.js';

const tree = {
  ...stackSetTree,
  accounts: [...stackSetTree.accounts, orgAccount('111111111111', 'r-root', '/Root')],
};
/** What the stage reaches, as the planner resolves it. */
const reached = (deployments: PackDeployment[]) =>
  stageTargets(tree, bootstrapTargets(tree, deployments).stage).accounts.map((a) => a.id);

describe('bootstrapTargets', () => {
  it('the whole organization: the OUs as named, no account filter (the management account is never a target)', () => {
    const t = bootstrapTargets(tree, [{ targets: { ous: ['/Root'] } }]);
    expect(t.stage).toMatchObject({ ous: ['/Root'] });
    expect(t.stage.accounts).toBeUndefined();
    expect(t.accounts).toEqual(['222222222201', '333333333301', '333333333302']);
    expect(reached([{ targets: { ous: ['/Root'] } }])).toEqual(t.accounts);
  });

  it('excludeOus and excludeAccounts are honoured: DIFFERENCE with the accounts left out', () => {
    const d: PackDeployment = {
      targets: { ous: ['/Root'], excludeOus: ['/Root/Canary'], excludeAccounts: ['333333333302'] },
    };
    const t = bootstrapTargets(tree, [d]);
    expect(t.accounts).toEqual(['333333333301']);
    expect(t.stage).toMatchObject({
      ous: ['/Root'],
      accountFilter: 'DIFFERENCE',
      accounts: ['222222222201', '333333333302'],
    });
    expect(reached([d])).toEqual(['333333333301']);
  });

  it('an account named outside the OUs: INTERSECTION of the root with exactly the accounts', () => {
    const packs: PackDeployment[] = [
      { targets: { ous: ['/Root/Prod'], excludeAccounts: ['333333333302'] } },
      { targets: { accounts: ['222222222201'] } },
    ];
    const t = bootstrapTargets(tree, packs);
    expect(t.stage).toMatchObject({
      ous: ['/Root'],
      accountFilter: 'INTERSECTION',
      accounts: ['222222222201', '333333333301'],
    });
    expect(reached(packs)).toEqual(['222222222201', '333333333301']);
  });

  it('stack set packs: the accounts their stages reach (DIFFERENCE stages included)', () => {
    const d: PackDeployment = {
      engine: 'stackset',
      stages: [
        { name: 'prod', ous: ['/Root/Prod'], accounts: ['333333333301'], accountFilter: 'DIFFERENCE' },
      ],
    };
    expect(packTargetAccounts(tree, d)).toEqual(['333333333302']);
    expect(reached([d])).toEqual(['333333333302']);
  });
});
