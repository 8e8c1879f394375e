/**
 * Builds an AWS Organization in moto through the real SDK, for the sandbox and rollout tests:
 *
 *   const org = await createOrganization({ endpoint: proxy.endpoint, accounts: 50, depth: 3,
 *     regions: ['us-east-1', 'eu-west-1'], withoutRecorder: ['member-07'], closed: ['member-50'] });
 *
 * - The caller (moto's default account 123456789012) creates the organization and becomes its
 *   management account; CreateAccount is synchronous in moto, so no status polling.
 * - OUs: `depth` levels below the root, `fanout` children each (depth 3, fanout 2 → 14 OUs), named
 *   by their position: `ou-1`, `ou-1-2`, `ou-1-2-1`, ...
 * - Member accounts `member-01`..`member-NN` are spread round-robin over the root and every OU
 *   (CreateAccount puts them in the root; MoveAccount moves them); with `membersInRoot: false`,
 *   over the OUs only (1,200 accounts in 4 OUs: depth 1, fanout 4 → 300 in each).
 * - `closed` accounts are closed with CloseAccount: moto marks them SUSPENDED at once (AWS passes
 *   through PENDING_CLOSURE first) and they stay listed by ListAccounts, as in AWS.
 * - Per account and Region: a configuration recorder `default` and a delivery channel `default`
 *   (to one bucket in the management account), started, created through moto's Config API acting
 *   as that account (`x-moto-account-id`) — except the `withoutRecorder` accounts and closed ones.
 *   The management account (name `management`) counts as an account here and gets one too.
 * - Every list call uses MaxResults 20, so it works through the moto proxy that enforces it.
 * Accounts are referred to by name in the options because moto chooses the account ids.
 */
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  MoveAccountCommand,
  type OrganizationsClient,
  paginateListRoots,
} from '@aws-sdk/client-organizations';
import {
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import {
  configClient,
  createBucketIn,
  MOTO_DEFAULT_ACCOUNT_ID,
  organizationsClient,
  s3Client,
  type MotoClientOptions,
} from './moto.js';
import { mapLimit } from '../util/map-limit.js';
import { arnPrefix, partitionOf } from '../facts/partitions.js';
export { mapLimit };

export const PAGE_SIZE = 20;
export const RECORDER_NAME = 'default';
export const DELIVERY_CHANNEL_NAME = 'default';
export const MANAGEMENT_ACCOUNT_NAME = 'management';

export interface CreateOrganizationOptions {
  /** moto's endpoint or, better, the proxy's (it enforces MaxResults ≤ 20). */
  endpoint: string;
  /** Member accounts besides the management account; default 50. */
  accounts?: number;
  /** OU levels below the root; default 3. */
  depth?: number;
  /** Child OUs per OU (and of the root); default 2. */
  fanout?: number;
  /** Regions that get a recorder and a delivery channel; default ['us-east-1']. */
  regions?: string[];
  /** Account names (member-07, management) that get no recorder. */
  withoutRecorder?: string[];
  /** Account names to close (SUSPENDED). They get no recorder either. */
  closed?: string[];
  /** Requests in flight at once; default 8. */
  concurrency?: number;
  /** Whether members are spread over the root too (default) or over the OUs only. */
  membersInRoot?: boolean;
}

export interface OrgUnit {
  id: string;
  name: string;
  parentId: string;
  /** 1 for a child of the root */
  depth: number;
  /** '/Root/ou-1/ou-1-2' */
  path: string;
}

export interface OrgAccount {
  id: string;
  name: string;
  email: string;
  /** Root or OU id; the management account sits in the root. */
  parentId: string;
  /** Path of the parent: '/Root' or '/Root/ou-1/ou-1-2' */
  path: string;
  status: 'ACTIVE' | 'SUSPENDED';
  management: boolean;
  /** True when recorders and delivery channels were created in every Region. */
  hasRecorder: boolean;
}

export interface OrgTree {
  organizationId: string;
  managementAccountId: string;
  rootId: string;
  regions: string[];
  /** Breadth-first: level 1 first. */
  ous: OrgUnit[];
  /** Management account first, then member-01.. in creation order. */
  accounts: OrgAccount[];
  /** The accounts' ids that got a recorder in every Region. */
  recorderAccountIds: string[];
  deliveryBucket: string;
  /** Wall-clock build time. */
  elapsedMs: number;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export async function createOrganization(options: CreateOrganizationOptions): Promise<OrgTree> {
  const started = Date.now();
  const memberCount = options.accounts ?? 50;
  const depth = options.depth ?? 3;
  const fanout = options.fanout ?? 2;
  const regions = options.regions ?? ['us-east-1'];
  const limit = options.concurrency ?? 8;
  const withoutRecorder = new Set(options.withoutRecorder ?? []);
  const closed = new Set(options.closed ?? []);
  // moto keeps one organization (and one S3) per partition, taken from the request's Region: the
  // organization is created in its partition's Organizations Region (a GovCloud or China sandbox).
  const partition = partitionOf(regions[0] ?? 'us-east-1');
  const base: MotoClientOptions = {
    endpoint: options.endpoint,
    accountId: MOTO_DEFAULT_ACCOUNT_ID,
    region: partition.organizationsRegion,
  };
  const org = organizationsClient(base);
  const clients: { destroy(): void }[] = [org];

  try {
    const created = await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const organizationId = created.Organization?.Id;
    const managementAccountId = created.Organization?.MasterAccountId;
    if (!organizationId || !managementAccountId) throw new Error('CreateOrganization returned no ids');
    const rootId = await onlyRoot(org);

    // OUs, level by level (a level's parents must exist first).
    const ous: OrgUnit[] = [];
    let parents: { id: string; name: string; path: string }[] = [{ id: rootId, name: 'Root', path: '/Root' }];
    for (let level = 1; level <= depth; level++) {
      const wanted = parents.flatMap((p) =>
        Array.from({ length: fanout }, (_, k) => {
          const name = level === 1 ? `ou-${k + 1}` : `${p.name}-${k + 1}`;
          return { parent: p, name };
        }),
      );
      const made = await mapLimit(wanted, limit, async ({ parent, name }) => {
        const r = await org.send(new CreateOrganizationalUnitCommand({ ParentId: parent.id, Name: name }));
        const id = r.OrganizationalUnit?.Id;
        if (!id) throw new Error(`CreateOrganizationalUnit ${name} returned no id`);
        const ou: OrgUnit = { id, name, parentId: parent.id, depth: level, path: `${parent.path}/${name}` };
        return ou;
      });
      ous.push(...made);
      parents = made;
    }

    // Member accounts, round-robin over the root and every OU.
    const homes = options.membersInRoot === false ? ous : [{ id: rootId, path: '/Root' }, ...ous];
    if (homes.length === 0) throw new Error('createOrganization: membersInRoot: false needs at least one OU');
    const width = Math.max(2, String(memberCount).length);
    const members = await mapLimit(
      Array.from({ length: memberCount }, (_, i) => i),
      limit,
      async (i): Promise<OrgAccount> => {
        const name = `member-${pad(i + 1, width)}`;
        const email = `${name}@example.com`;
        const r = await org.send(new CreateAccountCommand({ AccountName: name, Email: email }));
        const id = r.CreateAccountStatus?.AccountId;
        if (r.CreateAccountStatus?.State !== 'SUCCEEDED' || !id) {
          throw new Error(
            `CreateAccount ${name}: ${r.CreateAccountStatus?.State} ${r.CreateAccountStatus?.FailureReason}`,
          );
        }
        const home = homes[i % homes.length] as { id: string; path: string };
        if (home.id !== rootId) {
          await org.send(
            new MoveAccountCommand({ AccountId: id, SourceParentId: rootId, DestinationParentId: home.id }),
          );
        }
        if (closed.has(name)) await org.send(new CloseAccountCommand({ AccountId: id }));
        return {
          id,
          name,
          email,
          parentId: home.id,
          path: home.path,
          status: closed.has(name) ? 'SUSPENDED' : 'ACTIVE',
          management: false,
          hasRecorder: !closed.has(name) && !withoutRecorder.has(name),
        };
      },
    );
    const management: OrgAccount = {
      id: managementAccountId,
      name: MANAGEMENT_ACCOUNT_NAME,
      email: created.Organization?.MasterAccountEmail ?? '',
      parentId: rootId,
      path: '/Root',
      status: 'ACTIVE',
      management: true,
      hasRecorder: !withoutRecorder.has(MANAGEMENT_ACCOUNT_NAME),
    };
    const accounts = [management, ...members];
    const unknown = [...withoutRecorder, ...closed].filter((n) => !accounts.some((a) => a.name === n));
    if (unknown.length > 0) throw new Error(`createOrganization: no account named ${unknown.join(', ')}`);

    // One delivery bucket in the management account (moto does not check that it exists, AWS does).
    const deliveryBucket = `packsmith-config-${managementAccountId}`;
    const bucketRegion = partition.organizationsRegion;
    const s3 = s3Client({ ...base, region: bucketRegion });
    clients.push(s3);
    await createBucketIn(s3, deliveryBucket, bucketRegion);

    const jobs = accounts
      .filter((a) => a.hasRecorder)
      .flatMap((account) => regions.map((region) => ({ account, region })));
    await mapLimit(jobs, limit, async ({ account, region }) => {
      const config = configClient({ endpoint: options.endpoint, accountId: account.id, region });
      clients.push(config);
      await config.send(
        new PutConfigurationRecorderCommand({
          ConfigurationRecorder: {
            name: RECORDER_NAME,
            roleARN: `${arnPrefix(region)}iam::${account.id}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
            recordingGroup: { allSupported: true, includeGlobalResourceTypes: region === 'us-east-1' },
          },
        }),
      );
      await config.send(
        new PutDeliveryChannelCommand({
          DeliveryChannel: {
            name: DELIVERY_CHANNEL_NAME,
            s3BucketName: deliveryBucket,
            s3KeyPrefix: account.id,
          },
        }),
      );
      await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: RECORDER_NAME }));
    });

    return {
      organizationId,
      managementAccountId,
      rootId,
      regions,
      ous,
      accounts,
      recorderAccountIds: accounts.filter((a) => a.hasRecorder).map((a) => a.id),
      deliveryBucket,
      elapsedMs: Date.now() - started,
    };
  } finally {
    for (const c of clients) c.destroy();
  }
}

async function onlyRoot(org: OrganizationsClient): Promise<string> {
  const ids: string[] = [];
  for await (const page of paginateListRoots({ client: org, pageSize: PAGE_SIZE }, {})) {
    for (const r of page.Roots ?? []) if (r.Id) ids.push(r.Id);
  }
  if (ids.length !== 1 || !ids[0]) throw new Error(`expected one root, got ${ids.length}`);
  return ids[0];
}
