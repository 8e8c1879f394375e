/**
 * Deployment targets → accounts, as a pure function over an organization snapshot.
 * AWS documents (CloudFormation API reference, DeploymentTargets):
 * - an OU target covers the accounts in that OU and in every OU below it;
 * - AccountFilterType: NONE (all accounts of the OUs; Accounts not allowed beside it),
 *   INTERSECTION (only the listed accounts that are in the OUs), DIFFERENCE (the OUs' accounts
 *   except the listed ones), UNION (the OUs' accounts plus the listed ones);
 * - StackSets never deploys to the organization's management account through service-managed
 *   targeting, even when it sits in a targeted OU.
 */
import { validationError } from './query.js';

export interface OrgAccount {
  id: string;
  /** ACTIVE, SUSPENDED, PENDING_CLOSURE (Organizations' Account.Status). */
  status: string;
  /** The root or OU that holds the account. */
  parentId: string;
}

export interface OrgUnit {
  id: string;
  parentId: string;
}

export interface OrganizationSnapshot {
  rootId: string;
  managementAccountId: string;
  ous: OrgUnit[];
  accounts: OrgAccount[];
}

export type AccountFilterType = 'NONE' | 'INTERSECTION' | 'DIFFERENCE' | 'UNION';
export const accountFilterTypes: readonly AccountFilterType[] = [
  'NONE',
  'INTERSECTION',
  'DIFFERENCE',
  'UNION',
];

export interface DeploymentTargets {
  organizationalUnitIds: string[];
  accounts: string[];
  accountFilterType?: AccountFilterType;
}

export interface TargetAccount {
  account: OrgAccount;
  /** The targeted OU (or root) the account was reached through; its parent when listed only by id. */
  organizationalUnitId: string;
}

/**
 * At most 50 OUs per call: from the project's prior-art notes (§1.3, "CreateStackInstances accepts
 * at most 50 OUs per call"); the API reference gives no maximum for OrganizationalUnitIds. Emulator
 * choice to enforce it on every call that takes DeploymentTargets.
 */
export const MAX_OUS_PER_CALL = 50;

const ouPattern = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;
const accountPattern = /^[0-9]{12}$/;

/** Checks the shape of DeploymentTargets (AWS's patterns); the OUs' existence is checked on expansion. */
export function checkTargets(targets: DeploymentTargets): void {
  if (targets.organizationalUnitIds.length > MAX_OUS_PER_CALL) {
    throw validationError(
      `DeploymentTargets.OrganizationalUnitIds lists ${targets.organizationalUnitIds.length} OUs; at most ${MAX_OUS_PER_CALL} per call`,
    );
  }
  for (const ou of targets.organizationalUnitIds) {
    if (!ouPattern.test(ou)) {
      throw validationError(
        `1 validation error detected: Value '${ou}' at 'deploymentTargets.organizationalUnitIds' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ouPattern.source}`,
      );
    }
  }
  for (const a of targets.accounts) {
    if (!accountPattern.test(a)) {
      throw validationError(
        `1 validation error detected: Value '${a}' at 'deploymentTargets.accounts' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9]{12}$`,
      );
    }
  }
  const filter = targets.accountFilterType ?? 'NONE';
  if (targets.organizationalUnitIds.length === 0 && targets.accounts.length === 0) {
    throw validationError('DeploymentTargets must name OrganizationalUnitIds or Accounts');
  }
  if (filter === 'NONE' && targets.accounts.length > 0 && targets.organizationalUnitIds.length > 0) {
    throw validationError(
      'AccountFilterType NONE does not take Accounts beside OrganizationalUnitIds; use INTERSECTION, DIFFERENCE or UNION',
    );
  }
  if (filter !== 'NONE' && filter !== 'UNION' && targets.accounts.length === 0) {
    throw validationError(`AccountFilterType ${filter} needs Accounts`);
  }
}

/**
 * The accounts a DeploymentTargets reaches, sorted by id, with the OU each was reached through.
 * An OU that does not exist is a ValidationError (emulator's wording; AWS's is not documented).
 */
export function expandTargets(org: OrganizationSnapshot, targets: DeploymentTargets): TargetAccount[] {
  checkTargets(targets);
  const children = new Map<string, string[]>();
  const known = new Set<string>([org.rootId]);
  for (const ou of org.ous) {
    known.add(ou.id);
    const list = children.get(ou.parentId) ?? [];
    list.push(ou.id);
    children.set(ou.parentId, list);
  }
  const accountsIn = new Map<string, OrgAccount[]>();
  const byId = new Map<string, OrgAccount>();
  for (const a of org.accounts) {
    byId.set(a.id, a);
    const list = accountsIn.get(a.parentId) ?? [];
    list.push(a);
    accountsIn.set(a.parentId, list);
  }
  const fromOus = new Map<string, TargetAccount>();
  for (const ou of targets.organizationalUnitIds) {
    if (!known.has(ou)) throw validationError(`OrganizationalUnitId ${ou} is not in the organization`);
    const queue = [ou];
    while (queue.length > 0) {
      const current = queue.shift() as string;
      for (const a of accountsIn.get(current) ?? []) {
        if (!fromOus.has(a.id)) fromOus.set(a.id, { account: a, organizationalUnitId: ou });
      }
      queue.push(...(children.get(current) ?? []));
    }
  }
  const listed = new Set(targets.accounts);
  const filter = targets.accountFilterType ?? 'NONE';
  let chosen: TargetAccount[];
  if (targets.organizationalUnitIds.length === 0) {
    chosen = [];
    for (const id of listed) {
      const a = byId.get(id);
      if (a) chosen.push({ account: a, organizationalUnitId: a.parentId });
    }
  } else if (filter === 'INTERSECTION') {
    chosen = [...fromOus.values()].filter((t) => listed.has(t.account.id));
  } else if (filter === 'DIFFERENCE') {
    chosen = [...fromOus.values()].filter((t) => !listed.has(t.account.id));
  } else if (filter === 'UNION') {
    chosen = [...fromOus.values()];
    for (const id of listed) {
      const a = byId.get(id);
      if (a && !fromOus.has(id)) chosen.push({ account: a, organizationalUnitId: a.parentId });
    }
  } else {
    chosen = [...fromOus.values()];
  }
  return chosen
    .filter((t) => t.account.id !== org.managementAccountId)
    .sort((a, b) => (a.account.id < b.account.id ? -1 : a.account.id > b.account.id ? 1 : 0));
}
