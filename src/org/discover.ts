/**
 * Reads an AWS Organization's tree: the root, every OU (nested, breadth-first) and every account
 * with its status and OU path. Every List call asks for pages of at most 20 (the Organizations
 * maximum), keeps paging while a NextToken comes back (pages may be empty), and at most
 * `concurrency` calls are in flight. Retries of throttled calls are the client's (SDK) business.
 */
import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  type Account,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { organizationAccountStatuses, type OrganizationAccountStatus } from '../facts/enums.js';
import { organizationsApiLimits } from '../facts/limits.js';
import { mapLimit } from '../util/map-limit.js';

export type AccountStatus = OrganizationAccountStatus | 'UNKNOWN';

export interface OrgOu {
  id: string;
  name: string;
  /** The root's or another OU's id. */
  parentId: string;
  /** Names from the root: `/Root/Prod/Web`. */
  path: string;
  /** 1 for a child of the root. */
  depth: number;
}

export interface OrgAccount {
  id: string;
  name: string;
  email: string;
  status: AccountStatus;
  /** The root or OU the account sits in. */
  parentId: string;
  /** Path of the parent: `/Root` or `/Root/Prod/Web`. */
  ouPath: string;
  /** Ids from the root down to the parent: every OU (and the root) the account is in. */
  ancestorIds: string[];
}

export interface OrgTree {
  organizationId: string;
  managementAccountId: string;
  /** ALL or CONSOLIDATED_BILLING: org packs need ALL. */
  featureSet: string;
  root: { id: string; name: string; path: string };
  /** Sorted by path. */
  ous: OrgOu[];
  /** Sorted by id. */
  accounts: OrgAccount[];
}

export interface DiscoverOptions {
  /** List calls in flight at once; default 4. */
  concurrency?: number;
}

type OrganizationsSender = Pick<OrganizationsClient, 'send'>;

/** `/Root` is the root's path whatever its display name; OU paths continue with OU names. */
export const ROOT_PATH = '/Root';

export async function discoverOrganization(
  client: OrganizationsSender,
  options: DiscoverOptions = {},
): Promise<OrgTree> {
  const limit = Math.max(1, options.concurrency ?? 4);
  const described = await client.send(new DescribeOrganizationCommand({}));
  const organization = described.Organization;
  if (!organization?.Id || !organization.MasterAccountId) {
    throw new Error('DescribeOrganization returned no organization id or management account id');
  }
  const roots = await pages('ListRoots', async (NextToken) => {
    const r = await client.send(
      new ListRootsCommand({ MaxResults: organizationsApiLimits.listMaxResults, NextToken }),
    );
    return { items: r.Roots ?? [], next: r.NextToken };
  });
  if (roots.length !== 1 || !roots[0]?.Id) {
    throw new Error(`expected exactly one organization root, ListRoots returned ${roots.length}`);
  }
  const root = { id: roots[0].Id, name: roots[0].Name ?? 'Root', path: ROOT_PATH };

  // OUs level by level; the children of one level's parents are listed concurrently.
  const ous: OrgOu[] = [];
  const ancestors = new Map<string, string[]>([[root.id, [root.id]]]);
  let level: Array<{ id: string; path: string; depth: number }> = [
    { id: root.id, path: root.path, depth: 0 },
  ];
  while (level.length > 0) {
    const children = await mapLimit(level, limit, async (parent) => {
      const found = await pages(`ListOrganizationalUnitsForParent ${parent.id}`, async (NextToken) => {
        const r = await client.send(
          new ListOrganizationalUnitsForParentCommand({
            ParentId: parent.id,
            MaxResults: organizationsApiLimits.listMaxResults,
            NextToken,
          }),
        );
        return { items: r.OrganizationalUnits ?? [], next: r.NextToken };
      });
      return found.map((ou): OrgOu => {
        if (!ou.Id)
          throw new Error(`ListOrganizationalUnitsForParent ${parent.id} returned an OU without id`);
        const name = ou.Name ?? ou.Id;
        return {
          id: ou.Id,
          name,
          parentId: parent.id,
          path: `${parent.path}/${name}`,
          depth: parent.depth + 1,
        };
      });
    });
    level = [];
    for (const ou of children.flat()) {
      ous.push(ou);
      ancestors.set(ou.id, [...(ancestors.get(ou.parentId) ?? []), ou.id]);
      level.push(ou);
    }
  }

  const parents = [{ id: root.id, path: root.path }, ...ous];
  const perParent = await mapLimit(parents, limit, async (parent) => {
    const found = await pages(`ListAccountsForParent ${parent.id}`, async (NextToken) => {
      const r = await client.send(
        new ListAccountsForParentCommand({
          ParentId: parent.id,
          MaxResults: organizationsApiLimits.listMaxResults,
          NextToken,
        }),
      );
      return { items: r.Accounts ?? [], next: r.NextToken };
    });
    return found.map((a): OrgAccount => {
      if (!a.Id) throw new Error(`ListAccountsForParent ${parent.id} returned an account without id`);
      return {
        id: a.Id,
        name: a.Name ?? '',
        email: a.Email ?? '',
        status: statusOf(a),
        parentId: parent.id,
        ouPath: parent.path,
        ancestorIds: ancestors.get(parent.id) ?? [root.id],
      };
    });
  });

  return {
    organizationId: organization.Id,
    managementAccountId: organization.MasterAccountId,
    featureSet: organization.FeatureSet ?? 'ALL',
    root,
    ous: ous.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    accounts: perParent.flat().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
}

/** `Status` is the documented field; newer APIs also return `State` (with more values). */
function statusOf(account: Account): AccountStatus {
  const raw = (account.Status ?? (account as { State?: string }).State ?? '') as string;
  return (organizationAccountStatuses as readonly string[]).includes(raw)
    ? (raw as OrganizationAccountStatus)
    : 'UNKNOWN';
}

/**
 * Every item of a paginated call. Keeps going while a NextToken comes back, even after an empty
 * page; a token that comes back twice in a row would loop forever, so it is an error.
 */
export async function pages<T>(
  what: string,
  fetch: (token: string | undefined) => Promise<{ items: T[]; next: string | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  for (;;) {
    const { items, next } = await fetch(token);
    all.push(...items);
    if (!next) return all;
    if (next === token) throw new Error(`${what}: the same NextToken came back twice; stopping`);
    token = next;
  }
}
