/**
 * Reads what is deployed now, per pack and Region: the org pack (DescribeOrganizationConformancePacks),
 * its aggregate status, every account's detailed status, and packsmith's deployment record in the
 * Region's template bucket. Also lists every org pack of the Region, to find orphans.
 */
import {
  DescribeOrganizationConformancePackStatusesCommand,
  DescribeOrganizationConformancePacksCommand,
  type ConfigServiceClient,
  type OrganizationConformancePack,
} from '@aws-sdk/client-config-service';
import type { OrganizationResourceStatus } from '../facts/enums.js';
import { pages } from '../org/discover.js';
import type { ObservedRegion } from './plan.js';
import { fetchDetailedStatus } from './poll.js';
import { readDeploymentRecord, readStagedTemplate, type DeploymentRecord, type S3Sender } from './records.js';

type ConfigSender = Pick<ConfigServiceClient, 'send'>;

/** DescribeOrganizationConformancePacks and ...Statuses take up to 100 per page (aws-config-facts.md §2.2). */
const DESCRIBE_LIMIT = 100;

const isNoSuchPack = (error: unknown) =>
  error instanceof Error && error.name === 'NoSuchOrganizationConformancePackException';

export interface ObserveInput {
  config: ConfigSender;
  s3: S3Sender;
  region: string;
  orgPackName: string;
  bucket: string;
  /** Expected owner of the template bucket: the deploying account. */
  owner: string;
}

function parametersOf(pack: OrganizationConformancePack): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pack.ConformancePackInputParameters ?? []) {
    if (p.ParameterName !== undefined) out[p.ParameterName] = p.ParameterValue ?? '';
  }
  return out;
}

/** The org pack as AWS describes it, or undefined when there is none of that name. */
export async function describePack(
  config: ConfigSender,
  orgPackName: string,
): Promise<ObservedRegion['pack'] | undefined> {
  try {
    const r = await config.send(
      new DescribeOrganizationConformancePacksCommand({ OrganizationConformancePackNames: [orgPackName] }),
    );
    const pack = r.OrganizationConformancePacks?.find(
      (p) => p.OrganizationConformancePackName === orgPackName,
    );
    if (!pack) return undefined;
    return {
      ...(pack.LastUpdateTime ? { lastUpdateTime: pack.LastUpdateTime } : {}),
      excludedAccounts: [...(pack.ExcludedAccounts ?? [])].sort(),
      parameters: parametersOf(pack),
      ...(pack.DeliveryS3Bucket ? { deliveryBucket: pack.DeliveryS3Bucket } : {}),
      ...(pack.DeliveryS3KeyPrefix ? { deliveryKeyPrefix: pack.DeliveryS3KeyPrefix } : {}),
    };
  } catch (error) {
    if (isNoSuchPack(error)) return undefined;
    throw error;
  }
}

export async function observeRegion(input: ObserveInput): Promise<ObservedRegion> {
  const { config, region, orgPackName } = input;
  const [pack, recordResult] = await Promise.all([
    describePack(config, orgPackName),
    readDeploymentRecord(input.s3, { bucket: input.bucket, owner: input.owner, orgPackName }),
  ]);
  const observed: ObservedRegion = { region, rows: [] };
  const record = recordResult.record;
  if (record && record.operation !== 'delete') {
    observed.record = record;
    const staged = await stagedTemplate(input, record);
    if (staged.changed) observed.stagedTemplateChanged = staged.changed;
    if (staged.text !== undefined) observed.deployedTemplate = staged.text;
  }
  if (recordResult.problem) observed.recordProblem = recordResult.problem;
  if (!pack) return observed;
  observed.pack = pack;
  const [aggregate, detailed] = await Promise.all([
    config
      .send(
        new DescribeOrganizationConformancePackStatusesCommand({
          OrganizationConformancePackNames: [orgPackName],
        }),
      )
      .then((r) => r.OrganizationConformancePackStatuses?.[0])
      .catch((error: unknown) => {
        if (isNoSuchPack(error)) return undefined;
        throw error;
      }),
    fetchDetailedStatus(config, orgPackName),
  ]);
  if (aggregate?.Status) {
    observed.aggregate = {
      status: aggregate.Status as OrganizationResourceStatus,
      ...(aggregate.ErrorCode ? { errorCode: aggregate.ErrorCode } : {}),
      ...(aggregate.ErrorMessage ? { errorMessage: aggregate.ErrorMessage } : {}),
    };
  }
  observed.rows = detailed.rows;
  return observed;
}

/**
 * The template the record says was deployed, as staged in the bucket now: its text when it hashes
 * to its name; what is wrong when it does not (changed outside packsmith). A missing one is not
 * drift (the next deploy stages it again).
 */
async function stagedTemplate(
  input: ObserveInput,
  record: DeploymentRecord,
): Promise<{ changed?: string; text?: string }> {
  const { templateKey: key, templateSha256: sha256 } = record;
  if (key === null || sha256 === null) return {};
  const { state, text } = await readStagedTemplate(input.s3, {
    bucket: input.bucket,
    owner: input.owner,
    key,
    sha256,
  });
  if (state === 'mismatch') return { changed: `${key} in bucket ${input.bucket} does not match its hash` };
  return text === undefined ? {} : { text };
}

/** Every org pack the caller can see in the Region (only its own: aws-config-facts.md §3). */
export async function listOrgPacks(config: ConfigSender): Promise<string[]> {
  const found = await pages('DescribeOrganizationConformancePacks', async (NextToken) => {
    const r = await config.send(
      new DescribeOrganizationConformancePacksCommand({ Limit: DESCRIBE_LIMIT, NextToken }),
    );
    return { items: r.OrganizationConformancePacks ?? [], next: r.NextToken };
  });
  return found
    .flatMap((p) => (p.OrganizationConformancePackName ? [p.OrganizationConformancePackName] : []))
    .sort();
}

/** Org packs of the Region that the configuration does not deploy, with their packsmith record when they have one. */
export async function unconfiguredPacks(input: {
  config: ConfigSender;
  s3: S3Sender;
  region: string;
  bucket: string;
  owner: string;
  configured: ReadonlySet<string>;
}): Promise<Array<{ orgPackName: string; region: string; record?: DeploymentRecord }>> {
  const names = (await listOrgPacks(input.config)).filter((n) => !input.configured.has(n));
  const out = [];
  for (const orgPackName of names) {
    const { record } = await readDeploymentRecord(input.s3, {
      bucket: input.bucket,
      owner: input.owner,
      orgPackName,
    });
    out.push({
      orgPackName,
      region: input.region,
      ...(record && record.operation !== 'delete' ? { record } : {}),
    });
  }
  return out;
}
