/**
 * Wires the Config emulator to moto: the organization's accounts come from moto's Organizations
 * (ListAccounts, MaxResults 20, paginated) and "has a recorder" comes from moto's Config API
 * (DescribeConfigurationRecorders as that account, in that Region). So the emulator's
 * NoAvailableConfigurationRecorderException failures follow moto's state, and an account fixed
 * through moto's Config API (PutConfigurationRecorder) succeeds on the next Put.
 */
import { paginateListAccounts } from '@aws-sdk/client-organizations';
import {
  DescribeConfigurationRecordersCommand,
  type ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import type { AccountSource, OrganizationAccount, RecorderSource } from './config-emulator/index.js';
import { configClient, MOTO_DEFAULT_ACCOUNT_ID, organizationsClient } from './moto.js';

export const LIST_ACCOUNTS_PAGE_SIZE = 20;

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
