/**
 * Wires the Config emulator to moto: the organization's accounts come from moto's Organizations
 * (ListAccounts, MaxResults 20, paginated) and "has a recorder" comes from moto's Config API
 * (DescribeConfigurationRecorders as that account, in that Region). So the emulator's
 * NoAvailableConfigurationRecorderException failures follow moto's state, and an account fixed
 * through moto's Config API (PutConfigurationRecorder) succeeds on the next Put.
 */
import {
  DescribeOrganizationCommand,
  paginateListAccounts,
  paginateListAWSServiceAccessForOrganization,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
} from '@aws-sdk/client-organizations';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  DescribeConfigurationRecordersCommand,
  type ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import type { AccountSource, OrganizationAccount, RecorderSource } from './config-emulator/index.js';
import { configClient, MOTO_DEFAULT_ACCOUNT_ID, organizationsClient, s3Client } from './moto.js';
import type {
  OrganizationSnapshot,
  OrganizationSource,
  TemplateUrlReader,
  TrustedAccessSource,
} from './stackset-emulator/index.js';
import { parseTemplateUrl, STACKSETS_SERVICE_PRINCIPAL } from './stackset-emulator/index.js';
import { mapLimit } from '../util/map-limit.js';

export const LIST_ACCOUNTS_PAGE_SIZE = 20;
/**
 * Page size of the StackSets emulator's organization reads. The service reads the organization
 * inside AWS, not through the public API's MaxResults 20; moto takes any size, and an operation on
 * 1,200 accounts reads the organization in a dozen requests instead of some 70 (emulator's choice).
 */
export const SNAPSHOT_PAGE_SIZE = 1000;
/** Parents whose children are listed at once when reading the organization (packsmith's choice, as discovery's default). */
const PARENTS_AT_ONCE = 4;

export interface MotoWiringOptions {
  /** moto (or moto proxy) endpoint. */
  endpoint: string;
  /** The management account that lists the accounts; default moto's default account. */
  managementAccountId?: string;
  /**
   * Region of the Organizations calls: the partition's Organizations Region (moto keeps one
   * organization per partition and takes the partition from the request's Region). Default us-east-1.
   */
  organizationsRegion?: string;
}

export interface MotoWiring {
  accounts: AccountSource;
  recorders: RecorderSource;
  /** Closes the SDK clients' sockets. */
  destroy(): void;
}

export function motoWiring(options: MotoWiringOptions): MotoWiring {
  const org = organizationsClient({
    endpoint: options.endpoint,
    accountId: options.managementAccountId ?? MOTO_DEFAULT_ACCOUNT_ID,
    ...(options.organizationsRegion ? { region: options.organizationsRegion } : {}),
  });
  // One Config client per account and Region: the account header is set per client.
  const configClients = new Map<string, ConfigServiceClient>();

  const accounts: AccountSource = async () => {
    const out: OrganizationAccount[] = [];
    for await (const page of paginateListAccounts({ client: org, pageSize: LIST_ACCOUNTS_PAGE_SIZE }, {})) {
      for (const a of page.Accounts ?? []) {
        if (a.Id) out.push({ id: a.Id, status: a.Status ?? 'ACTIVE' });
      }
    }
    return out;
  };

  const recorders: RecorderSource = async (accountId, region) => {
    const key = `${accountId}/${region}`;
    let client = configClients.get(key);
    if (!client) {
      client = configClient({ endpoint: options.endpoint, accountId, region });
      configClients.set(key, client);
    }
    const r = await client.send(new DescribeConfigurationRecordersCommand({}));
    return (r.ConfigurationRecorders ?? []).length > 0;
  };

  return {
    accounts,
    recorders,
    destroy() {
      org.destroy();
      for (const c of configClients.values()) c.destroy();
      configClients.clear();
    },
  };
}

/**
 * The organization as the StackSets emulator sees it, read from moto's Organizations as the
 * management account: DescribeOrganization (the management account), ListRoots, then the OU tree
 * breadth-first (ListOrganizationalUnitsForParent, ListAccountsForParent; MaxResults
 * SNAPSHOT_PAGE_SIZE, paginated).
 */
export function motoOrganizationSource(options: MotoWiringOptions): {
  organization: OrganizationSource;
  destroy(): void;
} {
  const org = organizationsClient({
    endpoint: options.endpoint,
    accountId: options.managementAccountId ?? MOTO_DEFAULT_ACCOUNT_ID,
    ...(options.organizationsRegion ? { region: options.organizationsRegion } : {}),
  });
  const pageSize = SNAPSHOT_PAGE_SIZE;
  const organization: OrganizationSource = async () => {
    const described = await org.send(new DescribeOrganizationCommand({}));
    const managementAccountId =
      described.Organization?.MasterAccountId ?? options.managementAccountId ?? MOTO_DEFAULT_ACCOUNT_ID;
    let rootId: string | undefined;
    for await (const page of paginateListRoots({ client: org, pageSize }, {})) {
      rootId ??= page.Roots?.[0]?.Id;
    }
    if (!rootId) throw new Error('moto has no organization root');
    const ous: OrganizationSnapshot['ous'] = [];
    const accounts: OrganizationSnapshot['accounts'] = [];
    // Level by level, the parents of a level listed concurrently (as `discoverOrganization`
    // does): an operation on 1,200 accounts waits for some 70 pages of 20.
    let level = [rootId];
    while (level.length > 0) {
      const listed = await mapLimit(level, PARENTS_AT_ONCE, async (parentId) => {
        const found: { accounts: OrganizationSnapshot['accounts']; ous: string[] } = {
          accounts: [],
          ous: [],
        };
        for await (const page of paginateListAccountsForParent(
          { client: org, pageSize },
          { ParentId: parentId },
        )) {
          for (const a of page.Accounts ?? []) {
            if (a.Id) found.accounts.push({ id: a.Id, status: a.Status ?? 'ACTIVE', parentId });
          }
        }
        for await (const page of paginateListOrganizationalUnitsForParent(
          { client: org, pageSize },
          { ParentId: parentId },
        )) {
          for (const ou of page.OrganizationalUnits ?? []) if (ou.Id) found.ous.push(ou.Id);
        }
        return found;
      });
      const parents = level;
      level = [];
      listed.forEach((found, i) => {
        accounts.push(...found.accounts);
        for (const id of found.ous) {
          ous.push({ id, parentId: parents[i] as string });
          level.push(id);
        }
      });
    }
    return { rootId, managementAccountId, ous, accounts };
  };
  return { organization, destroy: () => org.destroy() };
}

/** Reads a TemplateURL (S3 object URL, see parseTemplateUrl) from moto's S3 as the management account. */
export function motoTemplateUrlReader(
  options: MotoWiringOptions & {
    /** Region of the S3 calls (moto keeps one S3 per partition, taken from it); default us-east-1. */
    region?: string;
  },
): TemplateUrlReader {
  return async (url) => {
    const location = parseTemplateUrl(url);
    if (!location) throw new Error(`not an S3 object URL: ${url}`);
    const s3 = s3Client({
      endpoint: options.endpoint,
      accountId: options.managementAccountId ?? MOTO_DEFAULT_ACCOUNT_ID,
      ...(options.region ? { region: options.region } : {}),
    });
    try {
      const r = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
      return (await r.Body?.transformToString('utf8')) ?? '';
    } finally {
      s3.destroy();
    }
  };
}

/** Whether moto's organization has trusted access for StackSets (ListAWSServiceAccessForOrganization). */
export function motoStackSetsTrustedAccess(options: MotoWiringOptions): TrustedAccessSource {
  return async () => {
    const org = organizationsClient({
      endpoint: options.endpoint,
      accountId: options.managementAccountId ?? MOTO_DEFAULT_ACCOUNT_ID,
      ...(options.organizationsRegion ? { region: options.organizationsRegion } : {}),
    });
    try {
      for await (const page of paginateListAWSServiceAccessForOrganization(
        { client: org, pageSize: LIST_ACCOUNTS_PAGE_SIZE },
        {},
      )) {
        if (
          (page.EnabledServicePrincipals ?? []).some(
            (p) => p.ServicePrincipal === STACKSETS_SERVICE_PRINCIPAL,
          )
        ) {
          return true;
        }
      }
      return false;
    } finally {
      org.destroy();
    }
  };
}
