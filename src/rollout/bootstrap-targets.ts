/**
 * Where `packsmith bootstrap` deploys (issue 16), pure: exactly the accounts the packs deploy to.
 * An organization pack reaches its `targets` less `excludeOus` / `excludeAccounts`
 * (`resolveTargets`); a stack set pack, its stages' accounts (`stageTargets`). Service-managed stack
 * sets never deploy to the management account (CloudFormation User Guide, "Create a stack set with
 * service-managed permissions"), so it is never a bootstrap target: a role or recorder an
 * organization pack needs there is the management account's own to create.
 *
 * The stage that reaches them: the OUs the deployment names with AccountFilterType NONE when they
 * hold exactly those accounts, DIFFERENCE with the accounts to leave out when they hold more
 * (exclusions), else (accounts named outside the OUs) INTERSECTION of the root with the accounts.
 */
import { engineOf, type PackDeployment, type Stage } from '../org/deploy-config.js';
import type { OrgTree } from '../org/discover.js';
import { resolveTargets } from '../org/targeting.js';
import { stageTargets } from './stackset-plan.js';

/** The active accounts a pack deploys to, management account excepted (sorted). */
export function packTargetAccounts(tree: OrgTree, deployment: PackDeployment): string[] {
  const out = new Set<string>();
  if (engineOf(deployment) === 'stackset') {
    for (const stage of deployment.stages ?? [])
      for (const a of stageTargets(tree, stage).accounts) out.add(a.id);
  } else {
    for (const a of resolveTargets(tree, deployment.targets ?? {}).included) out.add(a.id);
  }
  out.delete(tree.managementAccountId);
  return [...out].sort();
}

export interface BootstrapTargets {
  stage: Stage;
  /** The accounts the stage reaches: the union of the packs' target accounts (sorted). */
  accounts: string[];
}

/** The one stage bootstrap deploys in, reaching exactly the union of the packs' target accounts. */
export function bootstrapTargets(tree: OrgTree, deployments: readonly PackDeployment[]): BootstrapTargets {
  const ous: string[] = [];
  const wanted = new Set<string>();
  const add = (items: readonly string[] | undefined) => {
    for (const i of items ?? []) if (!ous.includes(i)) ous.push(i);
  };
  for (const d of deployments) {
    if (engineOf(d) === 'stackset') for (const s of d.stages ?? []) add(s.ous);
    else add(d.targets?.ous);
    for (const id of packTargetAccounts(tree, d)) wanted.add(id);
  }
  const accounts = [...wanted].sort();
  const common = {
    name: 'all',
    maxConcurrent: '100%',
    failureTolerance: 0,
    concurrencyMode: 'SOFT' as const,
  };
  if (accounts.length === 0) return { stage: { ...common, ous }, accounts };
  const reached = ous.length ? stageTargets(tree, { name: 'all', ous }).accounts.map((a) => a.id) : [];
  const reachedSet = new Set(reached);
  if (ous.length && accounts.every((id) => reachedSet.has(id))) {
    const extra = reached.filter((id) => !wanted.has(id)).sort();
    return {
      stage: {
        ...common,
        ous,
        ...(extra.length ? { accounts: extra, accountFilter: 'DIFFERENCE' as const } : {}),
      },
      accounts,
    };
  }
  return {
    stage: { ...common, ous: ['/Root'], accounts, accountFilter: 'INTERSECTION' as const },
    accounts,
  };
}
