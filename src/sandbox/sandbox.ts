/**
 * The rehearsal sandbox: moto_server (Organizations, STS, S3, Config recorders) plus the Config
 * emulator (organization conformance packs) and the StackSets emulator wired to it, with an
 * organization built in moto.
 * `npm run sandbox` (run.ts) is the command-line front; tests call startSandbox() directly.
 */
import { GetObjectCommand, PutPublicAccessBlockCommand } from '@aws-sdk/client-s3';
import { EnableAWSServiceAccessCommand } from '@aws-sdk/client-organizations';
import {
  startConfigEmulator,
  type ConfigEmulator,
  type ConfigEmulatorOptions,
} from './config-emulator/index.js';
import {
  createBucketIn,
  FAKE_CREDENTIALS,
  organizationsClient,
  s3Client,
  startMoto,
  type MotoServer,
} from './moto.js';
import { startDelegatedAdminShim, type DelegatedAdminShim } from './delegated-admin-shim.js';
import { createOrganization, type OrgTree } from './organization.js';
import {
  STACKSETS_SERVICE_PRINCIPAL,
  startStackSetEmulator,
  type StackSetEmulator,
  type StackSetEmulatorOptions,
} from './stackset-emulator/index.js';
import {
  motoOrganizationSource,
  motoStackSetsTrustedAccess,
  motoTemplateUrlReader,
  motoWiring,
} from './wiring.js';
import { partitionOf } from '../facts/partitions.js';

export interface SandboxOptions {
  /** Member accounts besides the management account; default 50. */
  accounts?: number;
  /**
   * Regions with recorders, all served by the one emulator endpoint (each request's SigV4 Region
   * picks its Region; recorders are read from moto in that Region). The first is AWS_REGION and
   * the emulator's default. Default us-east-1.
   */
  regions?: string[];
  /** How many member accounts get no recorder (spread over the members); default 0. */
  withoutRecorder?: number;
  /** How many member accounts are closed (SUSPENDED); default 0. Taken from the end. */
  suspended?: number;
  /** OU levels below the root (default 3) and children per OU (default 2). */
  depth?: number;
  fanout?: number;
  /** Members spread over the root and the OUs (default) or, `false`, over the OUs only. */
  membersInRoot?: boolean;
  /** Passed to the emulator (per-account delay, seed, clock, faults, aggregators: default [SANDBOX_AGGREGATOR]...). */
  emulator?: Omit<
    ConfigEmulatorOptions,
    'accounts' | 'recorders' | 'readTemplate' | 'region' | 'regions' | 'managementAccountId'
  >;
  /** Passed to the StackSets emulator (per-instance delay, seed, clock, faults). */
  stackSets?: Omit<
    StackSetEmulatorOptions,
    'organization' | 'readTemplateUrl' | 'recorders' | 'region' | 'managementAccountId'
  >;
}

/** Buckets the sandbox creates in the management account (private, Block Public Access on). */
export const sandboxTemplateBucket = (region: string): string => `packsmith-sandbox-templates-${region}`;
export const SANDBOX_DELIVERY_BUCKET = 'awsconfigconforms-packsmith-sandbox';
/**
 * The organization aggregator the sandbox's emulator answers for (`complianceAggregator: {name:
 * packsmith-sandbox}` in packsmith.deploy.yaml); `emulator.aggregators` replaces the list.
 */
export const SANDBOX_AGGREGATOR = 'packsmith-sandbox';

export interface Sandbox {
  moto: MotoServer;
  emulator: ConfigEmulator;
  /** CloudFormation StackSets (service-managed) on moto's organization: AWS_ENDPOINT_URL_CLOUDFORMATION. */
  stackSets: StackSetEmulator;
  /**
   * Organizations (AWS_ENDPOINT_URL_ORGANIZATIONS): moto's, with the delegated administrators of
   * StackSets that moto 5.2 refuses kept by the shim (delegated-admin-shim.ts).
   */
  organizations: DelegatedAdminShim;
  org: OrgTree;
  /** The first Region (AWS_REGION). */
  region: string;
  /** Every Region the sandbox serves. */
  regions: string[];
  /** Environment to point packsmith (or the AWS CLI) at the sandbox. */
  env: Record<string, string>;
  /** Stops the emulator and moto (waits for moto's exit). Safe to call twice. */
  stop(): Promise<void>;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Member names chosen without a recorder: `count` of them spread evenly over members 1..total. */
export function spreadMembers(count: number, total: number, skip: ReadonlySet<number> = new Set()): number[] {
  const picked: number[] = [];
  const candidates = Array.from({ length: total }, (_, i) => i + 1).filter((n) => !skip.has(n));
  if (count > candidates.length) throw new Error(`cannot pick ${count} of ${candidates.length} accounts`);
  for (let k = 0; k < count; k++) {
    const index = Math.floor(((k + 0.5) * candidates.length) / count);
    picked.push(candidates[index] as number);
  }
  return picked;
}

/** Reads `s3://bucket/key` templates from moto's S3 as the management account, in the sandbox's partition. */
function s3TemplateReader(endpoint: string, accountId: string, region: string) {
  return async (uri: string): Promise<string> => {
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    if (!m) throw new Error(`not an s3:// URI: ${uri}`);
    const s3 = s3Client({ endpoint, accountId, region });
    try {
      const r = await s3.send(new GetObjectCommand({ Bucket: m[1], Key: m[2] }));
      return (await r.Body?.transformToString('utf8')) ?? '';
    } finally {
      s3.destroy();
    }
  };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const memberCount = options.accounts ?? 50;
  const regions =
    options.regions && options.regions.length > 0 ? [...new Set(options.regions)] : ['us-east-1'];
  const region = regions[0] as string;
  const width = Math.max(2, String(memberCount).length);
  const name = (n: number) => `member-${pad(n, width)}`;
  const suspendedCount = options.suspended ?? 0;
  if (suspendedCount > memberCount)
    throw new Error(`--suspended ${suspendedCount} exceeds --accounts ${memberCount}`);
  const suspended = Array.from({ length: suspendedCount }, (_, i) => memberCount - i);
  const withoutRecorder = spreadMembers(options.withoutRecorder ?? 0, memberCount, new Set(suspended));

  const moto = await startMoto();
  let emulator: ConfigEmulator | undefined;
  let stackSets: StackSetEmulator | undefined;
  let organizations: DelegatedAdminShim | undefined;
  let wiring: ReturnType<typeof motoWiring> | undefined;
  let orgSource: ReturnType<typeof motoOrganizationSource> | undefined;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      wiring?.destroy();
      orgSource?.destroy();
      try {
        await emulator?.close();
        await stackSets?.close();
        await organizations?.close();
      } finally {
        await moto.stop();
      }
    })());
  try {
    const org = await createOrganization({
      endpoint: moto.endpoint,
      accounts: memberCount,
      regions,
      withoutRecorder: withoutRecorder.map(name),
      closed: suspended.map(name),
      ...(options.depth === undefined ? {} : { depth: options.depth }),
      ...(options.fanout === undefined ? {} : { fanout: options.fanout }),
      ...(options.membersInRoot === undefined ? {} : { membersInRoot: options.membersInRoot }),
    });
    await prepareManagementAccount(moto.endpoint, org.managementAccountId, regions);
    wiring = motoWiring({
      endpoint: moto.endpoint,
      managementAccountId: org.managementAccountId,
      organizationsRegion: partitionOf(region).organizationsRegion,
    });
    emulator = await startConfigEmulator({
      aggregators: [SANDBOX_AGGREGATOR],
      ...options.emulator,
      accounts: wiring.accounts,
      recorders: wiring.recorders,
      readTemplate: s3TemplateReader(moto.endpoint, org.managementAccountId, region),
      region,
      // Another Region would have no recorder in moto anyway; refusing it says so plainly.
      regions,
      managementAccountId: org.managementAccountId,
      // Configuration recorders and delivery channels are moto's.
      upstream: moto.endpoint,
    });
    // Organizations and S3 in the sandbox's partition, like the Config emulator's wiring.
    const inPartition = {
      endpoint: moto.endpoint,
      managementAccountId: org.managementAccountId,
      organizationsRegion: partitionOf(region).organizationsRegion,
    };
    orgSource = motoOrganizationSource(inPartition);
    stackSets = await startStackSetEmulator({
      ...options.stackSets,
      organization: orgSource.organization,
      readTemplateUrl: motoTemplateUrlReader({ ...inPartition, region }),
      recorders: wiring.recorders,
      trustedAccess: motoStackSetsTrustedAccess(inPartition),
      region,
      managementAccountId: org.managementAccountId,
    });
    organizations = await startDelegatedAdminShim({
      target: moto.endpoint,
      managementAccountId: org.managementAccountId,
    });
    const env = {
      AWS_ENDPOINT_URL_ORGANIZATIONS: organizations.endpoint,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      AWS_ENDPOINT_URL_S3: moto.endpoint,
      AWS_ENDPOINT_URL_CONFIG_SERVICE: emulator.endpoint,
      AWS_ENDPOINT_URL_CLOUDFORMATION: stackSets.endpoint,
      AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
      AWS_REGION: region,
    };
    return { moto, emulator, stackSets, organizations, org, region, regions, env, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * What a real organization has before its first rollout: trusted access for Config's multi-account
 * setup and for StackSets, a template bucket per Region and a delivery bucket, all private.
 */
async function prepareManagementAccount(
  endpoint: string,
  accountId: string,
  regions: readonly string[],
): Promise<void> {
  const org = organizationsClient({
    endpoint,
    accountId,
    region: partitionOf(regions[0] ?? 'us-east-1').organizationsRegion,
  });
  try {
    for (const principal of ['config-multiaccountsetup.amazonaws.com', STACKSETS_SERVICE_PRINCIPAL]) {
      await org.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: principal }));
    }
  } finally {
    org.destroy();
  }
  const buckets = [
    ...regions.map((region) => ({ bucket: sandboxTemplateBucket(region), region })),
    { bucket: SANDBOX_DELIVERY_BUCKET, region: regions[0] as string },
  ];
  for (const { bucket, region } of buckets) {
    const s3 = s3Client({ endpoint, accountId, region });
    try {
      await createBucketIn(s3, bucket, region);
      await s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: bucket,
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
          },
        }),
      );
    } finally {
      s3.destroy();
    }
  }
}

/** A `packsmith.deploy.yaml` for the sandbox: every given pack to the whole organization. */
export function sandboxDeployConfig(
  sandbox: Pick<Sandbox, 'org' | 'regions'>,
  packs: readonly string[],
): string {
  const lines = [
    '# yaml-language-server: $schema=./schemas/deploy.schema.json',
    '# Written by `npm run sandbox`: points packsmith at the rehearsal organization.',
    `deployingAccount: '${sandbox.org.managementAccountId}'`,
    'role: management',
    'regions:',
    ...sandbox.regions.map((r) => `  - ${r}`),
    'templateBuckets:',
    ...sandbox.regions.map((r) => `  ${r}: ${sandboxTemplateBucket(r)}`),
    'statePath: .packsmith/sandbox-state.db',
    'complianceAggregator:',
    `  name: ${SANDBOX_AGGREGATOR}`,
    'packs:',
    ...packs.flatMap((p) => [
      `  ${p}:`,
      '    targets:',
      '      ous: [/Root]',
      `    deliveryBucket: ${SANDBOX_DELIVERY_BUCKET}`,
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

const shellQuote = (v: string) => (/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

/** `export NAME=value` lines for a POSIX shell. */
export function formatEnv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
    .join('\n');
}

/**
 * Management account, OU tree with account counts, accounts without a recorder, suspended ones.
 * Recorders are per Region, and the emulator consults them in the Region of each request.
 */
export function formatSummary(org: OrgTree): string {
  const lines: string[] = [];
  const mgmt = org.accounts.find((a) => a.management);
  lines.push(`organization ${org.organizationId}, root ${org.rootId}, regions ${org.regions.join(', ')}`);
  lines.push(`management account: ${org.managementAccountId}${mgmt?.email ? ` (${mgmt.email})` : ''}`);
  const count = (parentId: string) => org.accounts.filter((a) => a.parentId === parentId).length;
  lines.push('OU tree:');
  lines.push(`  Root ${org.rootId} (${count(org.rootId)} accounts)`);
  const walk = (parentId: string, indent: string) => {
    for (const ou of org.ous.filter((o) => o.parentId === parentId)) {
      lines.push(`${indent}${ou.name} ${ou.id} (${count(ou.id)} accounts)`);
      walk(ou.id, `${indent}  `);
    }
  };
  walk(org.rootId, '    ');
  const members = org.accounts.filter((a) => !a.management);
  lines.push(`member accounts: ${members.length}`);
  const noRecorder = org.accounts.filter((a) => a.status === 'ACTIVE' && !a.hasRecorder);
  lines.push(
    `accounts without a recorder (${noRecorder.length}), in every Region (${org.regions.join(', ')}):`,
  );
  for (const a of noRecorder) lines.push(`  ${a.id} ${a.name} ${a.path}`);
  const suspended = org.accounts.filter((a) => a.status === 'SUSPENDED');
  if (suspended.length > 0) {
    lines.push(`suspended accounts (${suspended.length}):`);
    for (const a of suspended) lines.push(`  ${a.id} ${a.name} ${a.path}`);
  }
  return lines.join('\n');
}
