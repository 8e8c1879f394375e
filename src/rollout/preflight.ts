/**
 * `packsmith preflight` (and the start of every deploy): checks the prerequisites of an
 * organization conformance pack rollout (fact sheet §0, §3) and reports EVERY problem at once,
 * before anything is put. Nothing here writes to AWS.
 *
 * Checks, each a `deployChecks` entry (src/checks/deploy.ts, PS520–PS549):
 * 1. the caller is `deployingAccount` (GetCallerIdentity);
 * 2. there is an organization with all features (DescribeOrganization, or the given tree);
 * 3. `role` matches what `deployingAccount` is: the management account, or a registered delegated
 *    administrator of config-multiaccountsetup.amazonaws.com;
 * 4. trusted access for that principal is enabled;
 * 5. template and delivery buckets exist, are in the right Region and are not public;
 * 6. with `checkRecorders`: in every included account × Region, a recording configuration recorder,
 *    a recording group that covers the pack's resource types, and a delivery channel;
 * 7. the remediation roles the packs reference are provided by the bootstrap stack set in every
 *    target account (PS548, a warning);
 * 8. a stack set pack staged by TemplateS3Uri: the template bucket's policy lets the organization
 *    read it (PS549).
 * Stack set packs also: trusted access for StackSets (PS545), and their CallAs against the
 * deploying account (PS546 DELEGATED_ADMIN needs a StackSets delegated administrator, PS547 SELF
 * the management account).
 *
 * A call that is denied turns into a "could not verify" warning; any other failure of one call is
 * reported as a finding and the other checks still run. The role checks are about the configured
 * `deployingAccount`, not the caller, so a wrong caller does not cascade into further errors.
 * The caller builds the clients (and assumes the account check role in `configInAccount`).
 */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import {
  DescribeOrganizationCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeDeliveryChannelsCommand,
  type ConfigServiceClient,
  type ConfigurationRecorder,
} from '@aws-sdk/client-config-service';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { organizationsApiLimits } from '../facts/limits.js';
import { arnPrefix } from '../facts/partitions.js';
import type { DeployConfig, PackDeployment } from '../org/deploy-config.js';
import { pages, type OrgAccount, type OrgTree } from '../org/discover.js';
import { deployChecks, type DeployCheckName } from '../org/problems.js';
import { mapLimit } from '../util/map-limit.js';
import { bootstrapRolesStackSetName } from './bootstrap-template.js';
import { observeStackSet } from './stackset.js';

/**
 * The service principal of organization conformance packs: delegated administrators are registered
 * and trusted access is enabled for it ([BC:PutOrganizationConformancePack], fact sheet §0.6).
 */
export const configMultiAccountSetupPrincipal = 'config-multiaccountsetup.amazonaws.com';

/**
 * The global IAM resource types: `allSupported` records them only with
 * `includeGlobalResourceTypes: true` (Config API, RecordingGroup.includeGlobalResourceTypes).
 */
const globalIamResourceTypes = ['AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::Role', 'AWS::IAM::Policy'];

/** packsmith's own bound: up to this many accounts sharing a problem get one finding each. */
export const aggregateAbove = 20;
const defaultRecorderConcurrency = 8;

export type PreflightSeverity = 'error' | 'warning' | 'notice';

export interface PreflightFinding {
  checkId: string;
  severity: PreflightSeverity;
  message: string;
  fix: string;
  region?: string;
  accountId?: string;
  /** Every account when more than `aggregateAbove` accounts share the problem (one finding then). */
  accountIds?: string[];
  pack?: string;
  /**
   * What the accounts sharing this problem have in common (the message without account and
   * Region): text output names such a problem once with its accounts.
   */
  detail?: string;
}

export interface PreflightPack {
  /** The pack's manifest name (the key under `packs`). */
  name: string;
  orgPackName: string;
  deployment: PackDeployment;
  /** Active accounts it deploys to (resolveTargets). */
  included: OrgAccount[];
  templateBody: string;
  /** What its rules evaluate (resourceTypesEvaluated). */
  resourceTypes: string[];
}

/** A remediation role the packs reference, and where it is needed. */
export interface PreflightRemediationRole {
  name: string;
  /** The packs whose remediations reference it (sorted). */
  packs: string[];
  /** Their target accounts, management account excepted (sorted). */
  accounts: string[];
}

export interface PreflightInput {
  config: DeployConfig;
  packs: PreflightPack[];
  /** The discovered organization; without it DescribeOrganization is called. */
  tree?: OrgTree;
  /** Check recorders in every included account, through this role; default concurrency 8. */
  checkRecorders?: { roleName: string; concurrency?: number };
  /** Packs deployed by `engine: stackset` (their prerequisites are checked too). */
  stackSetPacks?: readonly string[];
  /** The remediation roles the packs reference: checked against the bootstrap stack set. */
  remediationRoles?: readonly PreflightRemediationRole[];
  /** Stack set packs whose template travels by TemplateS3Uri: the organization must read the object. */
  stagedStackSetTemplates?: readonly PreflightStagedTemplate[];
}

/** A stack set pack's staged template: what each member account reads. */
export interface PreflightStagedTemplate {
  pack: string;
  bucket: string;
  /** The template's key (`packsmith/STACKSET/templates/SHA.yaml`). */
  key: string;
  /** The bucket's Region (the stack set's). */
  region: string;
}

type Sender<C extends { send: unknown }> = Pick<C, 'send'>;

export interface PreflightAws {
  sts: Sender<STSClient>;
  organizations: Sender<OrganizationsClient>;
  s3(region: string): Sender<S3Client>;
  /** A Config client in `accountId` and `region`, with the account check role assumed. */
  configInAccount(accountId: string, region: string): Promise<Sender<ConfigServiceClient>>;
  /** CloudFormation in `region` (the bootstrap stack set); without it the remediation roles are not checked. */
  cloudformation?(region: string): Sender<CloudFormationClient>;
}

export async function runPreflight(input: PreflightInput, aws: PreflightAws): Promise<PreflightFinding[]> {
  // Independent groups run concurrently; the result keeps this fixed order.
  const groups = await Promise.all([
    callerChecks(input.config, aws),
    organizationChecks(input, aws),
    bucketChecks(input, aws),
    input.checkRecorders ? recorderChecks(input, input.checkRecorders, aws) : Promise.resolve([]),
    remediationRoleChecks(input, aws),
    stagedTemplateReadChecks(input, aws),
  ]);
  return groups.flat();
}

// ---------------------------------------------------------------------------------------------
// findings and errors

function finding(
  name: DeployCheckName,
  message: string,
  where: Partial<
    Pick<PreflightFinding, 'region' | 'accountId' | 'accountIds' | 'pack' | 'severity' | 'detail'>
  > = {},
): PreflightFinding {
  const check = deployChecks[name];
  const { severity, ...rest } = where;
  return {
    checkId: check.id,
    severity: severity ?? (check.severity === 'info' ? 'notice' : check.severity),
    message,
    fix: check.fix,
    ...rest,
  };
}

interface AwsError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const errorName = (e: unknown): string => {
  const err = e as AwsError;
  return err?.name ?? err?.Code ?? 'Error';
};

/** Denied by IAM, an SCP, or S3's ExpectedBucketOwner (which answers 403 too). */
export function isAccessDenied(e: unknown): boolean {
  const name = errorName(e);
  return (
    name === 'AccessDeniedException' ||
    name === 'AccessDenied' ||
    (e as AwsError)?.$metadata?.httpStatusCode === 403
  );
}

/** The error's name and message; AWS error messages carry no credentials. */
const describeError = (e: unknown): string => {
  const message = (e as AwsError)?.message ?? String(e);
  return `${errorName(e)}: ${message}`;
};

const failed = (what: string, e: unknown, where: Parameters<typeof finding>[2] = {}) =>
  finding('preflight-check-failed', `${what} failed (${describeError(e)})`, where);

const unverified = (what: string, call: string, where: Parameters<typeof finding>[2] = {}) =>
  finding(
    'preflight-unverified',
    `could not verify ${what}: ${call} was denied to the deploying credentials`,
    where,
  );

// ---------------------------------------------------------------------------------------------
// 1. caller identity

async function callerChecks(config: DeployConfig, aws: PreflightAws): Promise<PreflightFinding[]> {
  try {
    const identity = await aws.sts.send(new GetCallerIdentityCommand({}));
    if (identity.Account === config.deployingAccount) return [];
    // The ARN names the principal (role/session name), never its keys: safe to print.
    return [
      finding(
        'preflight-wrong-caller',
        `the credentials belong to account ${identity.Account ?? '(unknown)'} (${identity.Arn ?? 'no ARN'}), ` +
          `but \`deployingAccount\` is ${config.deployingAccount}`,
      ),
    ];
  } catch (e) {
    return [failed('GetCallerIdentity', e)];
  }
}

// ---------------------------------------------------------------------------------------------
// 2–4. organization, role, trusted access

async function organizationChecks(input: PreflightInput, aws: PreflightAws): Promise<PreflightFinding[]> {
  const { config } = input;
  const out: PreflightFinding[] = [];
  let org: { id: string; managementAccountId: string; featureSet: string } | undefined;
  if (input.tree) {
    org = {
      id: input.tree.organizationId,
      managementAccountId: input.tree.managementAccountId,
      featureSet: input.tree.featureSet,
    };
  } else {
    try {
      const o = (await aws.organizations.send(new DescribeOrganizationCommand({}))).Organization;
      if (o?.Id && o.MasterAccountId) {
        org = { id: o.Id, managementAccountId: o.MasterAccountId, featureSet: o.FeatureSet ?? 'ALL' };
      } else {
        out.push(finding('preflight-no-organization', 'DescribeOrganization returned no organization'));
      }
    } catch (e) {
      if (errorName(e) === 'AWSOrganizationsNotInUseException') {
        out.push(
          finding(
            'preflight-no-organization',
            `not in an organization: account ${config.deployingAccount} is not a member of an AWS Organization`,
          ),
        );
        // Role and trusted access mean nothing without an organization: do not cascade.
        return out;
      }
      out.push(
        isAccessDenied(e)
          ? unverified('the organization', 'DescribeOrganization')
          : failed('DescribeOrganization', e),
      );
    }
  }
  if (org && org.featureSet !== 'ALL') {
    out.push(
      finding(
        'preflight-not-all-features',
        `organization ${org.id} has feature set ${org.featureSet}; organization conformance packs need ALL`,
      ),
    );
  }

  const isManagement = org ? org.managementAccountId === config.deployingAccount : undefined;
  const [role, trusted] = await Promise.all([
    roleChecks(config, org, isManagement, aws),
    trustedAccessChecks(config, aws, input.stackSetPacks ?? []),
  ]);
  const stackSetCaller = org ? await stackSetCallerChecks(input, isManagement === true, aws) : [];
  return [...out, ...role, ...trusted, ...stackSetCaller];
}

/** The CallAs a stack set pack's calls use: its `callAs`, else what `role` implies (as the planner). */
export function stackSetCallAs(
  config: Pick<DeployConfig, 'role' | 'packs'>,
  pack: string,
): 'SELF' | 'DELEGATED_ADMIN' {
  return (
    config.packs[pack]?.callAs ?? (config.role === 'delegated-administrator' ? 'DELEGATED_ADMIN' : 'SELF')
  );
}

/**
 * Stack set packs: with CallAs SELF the deploying account must be the management account; with
 * DELEGATED_ADMIN, a registered delegated administrator of StackSets (never the management
 * account). CloudFormation API reference, CreateStackSet `CallAs`. A `role` that already does not
 * match (PS523) is not repeated here.
 */
async function stackSetCallerChecks(
  input: PreflightInput,
  isManagement: boolean,
  aws: PreflightAws,
): Promise<PreflightFinding[]> {
  const { config } = input;
  const account = config.deployingAccount;
  const packs = [...(input.stackSetPacks ?? [])].sort();
  const self = packs.filter((p) => stackSetCallAs(config, p) === 'SELF');
  const delegated = packs.filter((p) => stackSetCallAs(config, p) === 'DELEGATED_ADMIN');
  const out: PreflightFinding[] = [];
  const packList = (list: string[]) => `${list.length === 1 ? 'pack' : 'packs'} ${list.join(', ')}`;
  if (self.length && !isManagement && config.role !== 'management') {
    out.push(
      finding(
        'preflight-stacksets-self-not-management',
        `the stack sets of ${packList(self)} are called with CallAs SELF, but ${account} is not the management account: a delegated administrator calls with DELEGATED_ADMIN`,
      ),
    );
  }
  if (delegated.length === 0) return out;
  if (isManagement) {
    // A management account configured as a delegated administrator is PS523 already.
    if (config.role !== 'management') return out;
    out.push(
      finding(
        'preflight-stacksets-not-delegated-admin',
        `the stack sets of ${packList(delegated)} are called with CallAs DELEGATED_ADMIN, but ${account} is the management account, which cannot be a delegated administrator: use \`callAs: SELF\``,
      ),
    );
    return out;
  }
  try {
    const admins = await listDelegatedAdmins(aws, stackSetsPrincipal);
    if (!admins.includes(account)) {
      out.push(
        finding(
          'preflight-stacksets-not-delegated-admin',
          `the stack sets of ${packList(delegated)} are called with CallAs DELEGATED_ADMIN, but ${account} is not a delegated administrator for ${stackSetsPrincipal}` +
            (admins.length ? ` (registered: ${admins.sort().join(', ')})` : ' (none is registered)'),
        ),
      );
    }
  } catch (e) {
    // A delegated administrator may not be allowed to list them: a warning, not an error.
    out.push(
      isAccessDenied(e)
        ? unverified(
            `that ${account} is a delegated administrator for ${stackSetsPrincipal} (CallAs DELEGATED_ADMIN of ${packList(delegated)})`,
            'ListDelegatedAdministrators',
          )
        : failed(`ListDelegatedAdministrators for ${stackSetsPrincipal}`, e),
    );
  }
  return out;
}

const visibilitySplit =
  'packs put by the management account and by a delegated administrator are invisible to each other, ' +
  'so deploying under the other role would create a second set of packs beside the first';

async function roleChecks(
  config: DeployConfig,
  org: { id: string; managementAccountId: string } | undefined,
  isManagement: boolean | undefined,
  aws: PreflightAws,
): Promise<PreflightFinding[]> {
  const account = config.deployingAccount;
  if (config.role === 'management') {
    if (!org) return [];
    if (isManagement) return delegatedAdminNotice(account, aws);
    return [
      finding(
        'preflight-role-mismatch',
        `\`role\` is management, but ${account} is not the management account of organization ${org.id} ` +
          `(${org.managementAccountId}); if it is a delegated administrator, set \`role: delegated-administrator\` ` +
          `(${visibilitySplit})`,
      ),
    ];
  }
  if (isManagement) {
    return [
      finding(
        'preflight-role-mismatch',
        `\`role\` is delegated-administrator, but ${account} is the management account of organization ` +
          `${org?.id ?? ''}; set \`role: management\` (${visibilitySplit})`,
      ),
    ];
  }
  try {
    const others = await listDelegatedAdmins(aws);
    if (others.includes(account)) return [];
    return [
      finding(
        'preflight-not-delegated-admin',
        `${account} is not a delegated administrator for ${configMultiAccountSetupPrincipal}` +
          (others.length ? ` (registered: ${others.sort().join(', ')})` : ' (none is registered)'),
      ),
    ];
  } catch (e) {
    // A delegated administrator may well not be allowed to list them: not an error.
    if (isAccessDenied(e)) {
      return [unverified(`that ${account} is a delegated administrator`, 'ListDelegatedAdministrators')];
    }
    return [failed('ListDelegatedAdministrators', e)];
  }
}

/** The management account deploys: say so when delegated administrators (whose packs it cannot see) exist. */
async function delegatedAdminNotice(account: string, aws: PreflightAws): Promise<PreflightFinding[]> {
  try {
    const admins = await listDelegatedAdmins(aws);
    if (admins.length === 0) return [];
    return [
      finding(
        'preflight-delegated-admin-exists',
        `management account ${account} deploys, but ${admins.sort().join(', ')} ${admins.length === 1 ? 'is a delegated administrator' : 'are delegated administrators'} for ${configMultiAccountSetupPrincipal}: ${visibilitySplit}`,
      ),
    ];
  } catch (e) {
    return isAccessDenied(e) ? [] : [failed('ListDelegatedAdministrators', e)];
  }
}

async function listDelegatedAdmins(
  aws: PreflightAws,
  servicePrincipal: string = configMultiAccountSetupPrincipal,
): Promise<string[]> {
  const admins = await pages('ListDelegatedAdministrators', async (NextToken) => {
    const r = await aws.organizations.send(
      new ListDelegatedAdministratorsCommand({
        ServicePrincipal: servicePrincipal,
        MaxResults: organizationsApiLimits.listMaxResults,
        NextToken,
      }),
    );
    return { items: r.DelegatedAdministrators ?? [], next: r.NextToken };
  });
  return admins.map((a) => a.Id).filter((id): id is string => !!id);
}

/** The service principal of CloudFormation StackSets' trusted access (service-managed stack sets). */
export const stackSetsPrincipal = 'member.org.stacksets.cloudformation.amazonaws.com';

async function trustedAccessChecks(
  config: DeployConfig,
  aws: PreflightAws,
  stackSetPacks: readonly string[],
): Promise<PreflightFinding[]> {
  try {
    const enabled = await pages('ListAWSServiceAccessForOrganization', async (NextToken) => {
      const r = await aws.organizations.send(
        new ListAWSServiceAccessForOrganizationCommand({
          MaxResults: organizationsApiLimits.listMaxResults,
          NextToken,
        }),
      );
      return { items: r.EnabledServicePrincipals ?? [], next: r.NextToken };
    });
    const stackSets =
      stackSetPacks.length > 0 && !enabled.some((p) => p.ServicePrincipal === stackSetsPrincipal)
        ? [
            finding(
              'preflight-stacksets-trusted-access',
              `trusted access for ${stackSetsPrincipal} is not enabled: the stack sets of ${stackSetPacks.join(', ')} cannot be created`,
            ),
          ]
        : [];
    if (enabled.some((p) => p.ServicePrincipal === configMultiAccountSetupPrincipal)) return stackSets;
    return [
      ...stackSets,
      config.role === 'management'
        ? finding(
            'preflight-trusted-access',
            `trusted access for ${configMultiAccountSetupPrincipal} is not enabled; the management account's first deploy enables it`,
            { severity: 'notice' },
          )
        : finding(
            'preflight-trusted-access',
            `trusted access for ${configMultiAccountSetupPrincipal} is not enabled: a delegated administrator's deploy fails without it`,
          ),
    ];
  } catch (e) {
    if (isAccessDenied(e)) {
      return [
        unverified(
          `trusted access for ${configMultiAccountSetupPrincipal}`,
          'ListAWSServiceAccessForOrganization',
        ),
      ];
    }
    return [failed('ListAWSServiceAccessForOrganization', e)];
  }
}

// ---------------------------------------------------------------------------------------------
// 5. buckets

/**
 * GetBucketLocation's LocationConstraint as a Region: null or '' is us-east-1, and the legacy
 * 'EU' is eu-west-1 (S3 API reference, GetBucketLocation).
 */
export function bucketRegion(locationConstraint: string | null | undefined): string {
  if (!locationConstraint) return 'us-east-1';
  if (locationConstraint === 'EU') return 'eu-west-1';
  return locationConstraint;
}

const elsewhere = '(another Region)';

interface BucketToCheck {
  bucket: string;
  kind: 'template' | 'delivery';
  /** Template bucket: the Regions it serves. Delivery bucket: the deployment Regions. */
  regions: string[];
  /** Delivery bucket: the packs that use it. */
  packs: string[];
}

async function bucketChecks(input: PreflightInput, aws: PreflightAws): Promise<PreflightFinding[]> {
  const { config } = input;
  const template = new Map<string, BucketToCheck>();
  for (const region of config.regions) {
    const bucket = config.templateBuckets[region];
    if (!bucket) continue; // the configuration loader already reports it (PS502)
    const entry = template.get(bucket) ?? { bucket, kind: 'template', regions: [], packs: [] };
    entry.regions.push(region);
    template.set(bucket, entry);
  }
  const delivery = new Map<string, BucketToCheck>();
  for (const pack of input.packs) {
    const bucket = pack.deployment.deliveryBucket;
    if (!bucket) continue;
    const entry = delivery.get(bucket) ?? { bucket, kind: 'delivery', regions: config.regions, packs: [] };
    entry.packs.push(pack.name);
    delivery.set(bucket, entry);
  }
  const all = [...template.values(), ...delivery.values()];
  const results = await Promise.all(all.map((b) => checkBucket(b, config.deployingAccount, aws)));
  return results.flat();
}

async function checkBucket(
  b: BucketToCheck,
  deployingAccount: string,
  aws: PreflightAws,
): Promise<PreflightFinding[]> {
  const out: PreflightFinding[] = [];
  const first = b.regions[0] as string;
  const label =
    b.kind === 'template'
      ? `template bucket ${b.bucket} (${b.regions.join(', ')})`
      : `delivery bucket ${b.bucket} of pack ${b.packs.join(', ')}`;
  const where: Parameters<typeof finding>[2] =
    b.kind === 'template'
      ? b.regions.length === 1
        ? { region: first }
        : {}
      : b.packs.length === 1
        ? { pack: b.packs[0] }
        : {};
  // Template buckets must be deployingAccount's, so an upload never lands in a same-named bucket of
  // someone else. A delivery bucket may live in another (e.g. a log archive) account: no owner.
  const owner = b.kind === 'template' ? { ExpectedBucketOwner: deployingAccount } : {};
  const s3 = aws.s3(first);

  let region: string;
  try {
    const r = await s3.send(new GetBucketLocationCommand({ Bucket: b.bucket, ...owner }));
    region = bucketRegion(r.LocationConstraint);
  } catch (e) {
    const name = errorName(e);
    if (name === 'NoSuchBucket' || name === 'NotFound') {
      return [finding('preflight-bucket-missing', `${label} does not exist`, where)];
    }
    if (isAccessDenied(e)) {
      return [
        b.kind === 'template'
          ? finding(
              'preflight-bucket-access',
              `${label} cannot be read by the deploying credentials, or is not owned by ${deployingAccount} (GetBucketLocation was denied)`,
              where,
            )
          : unverified(`${label}`, 'GetBucketLocation', where),
      ];
    }
    if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed') {
      // S3 redirects to the bucket's own Region: it is not in `first`.
      region = elsewhere;
    } else {
      return [failed(`GetBucketLocation of ${label}`, e, where)];
    }
  }

  if (b.kind === 'template') {
    for (const wanted of b.regions) {
      if (region !== wanted) {
        out.push(
          finding(
            'preflight-bucket-region',
            `template bucket ${b.bucket} for ${wanted} is in ${region}, not in ${wanted}`,
            { region: wanted },
          ),
        );
      }
    }
  } else if (!b.regions.includes(region)) {
    // Unverified for org packs (fact sheet §6 style): take the safe side, but only warn.
    out.push(
      finding(
        'preflight-delivery-bucket-region',
        `${label} is in ${region}, which is none of the deployment Regions (${b.regions.join(', ')})`,
        where,
      ),
    );
  }

  // The bucket answers only in its own Region: the next calls would fail for that reason alone.
  if (region === elsewhere) return out;

  const [policy, block] = await Promise.all([
    s3.send(new GetBucketPolicyStatusCommand({ Bucket: b.bucket, ...owner })).then(
      (r) => ({ ok: true as const, isPublic: r.PolicyStatus?.IsPublic === true }),
      (e: unknown) => ({ ok: false as const, e }),
    ),
    s3.send(new GetPublicAccessBlockCommand({ Bucket: b.bucket, ...owner })).then(
      (r) => ({ ok: true as const, config: r.PublicAccessBlockConfiguration }),
      (e: unknown) => ({ ok: false as const, e }),
    ),
  ]);
  if (policy.ok) {
    if (policy.isPublic)
      out.push(finding('preflight-bucket-public', `${label} is public by its bucket policy`, where));
  } else if (errorName(policy.e) !== 'NoSuchBucketPolicy') {
    // No policy: not public by policy.
    out.push(
      isAccessDenied(policy.e)
        ? unverified(`whether ${label} is public`, 'GetBucketPolicyStatus', where)
        : failed(`GetBucketPolicyStatus of ${label}`, policy.e, where),
    );
  }
  if (block.ok) {
    const c = block.config ?? {};
    const off = (
      ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const
    ).filter((k) => c[k] !== true);
    if (off.length > 0) {
      out.push(
        finding(
          'preflight-bucket-public-access-block',
          `${label} does not block public access: ${off.join(', ')} ${off.length === 1 ? 'is' : 'are'} off`,
          where,
        ),
      );
    }
  } else if (errorName(block.e) === 'NoSuchPublicAccessBlockConfiguration') {
    out.push(
      finding(
        'preflight-bucket-public-access-block',
        `${label} has no Block Public Access configuration`,
        where,
      ),
    );
  } else {
    out.push(
      isAccessDenied(block.e)
        ? unverified(`the Block Public Access settings of ${label}`, 'GetPublicAccessBlock', where)
        : failed(`GetPublicAccessBlock of ${label}`, block.e, where),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 6. recorders in every included account × Region

/** One account's problem before aggregation; `detail` is the same for every account sharing it. */
interface AccountProblem {
  name: DeployCheckName;
  accountId: string;
  region?: string;
  pack?: string;
  detail: string;
}

/**
 * The resource types a recording group records, as a predicate. Covers `allSupported` (the global
 * IAM types only with includeGlobalResourceTypes), `resourceTypes` (inclusion) and the
 * EXCLUSION_BY_RESOURCE_TYPES strategy.
 */
export function recordsType(
  recorder: Pick<ConfigurationRecorder, 'recordingGroup'>,
): (type: string) => boolean {
  const group = recorder.recordingGroup;
  // No recording group: Config's default is allSupported without the global types.
  if (!group) return (t) => !globalIamResourceTypes.includes(t);
  const strategy = group.recordingStrategy?.useOnly;
  if (strategy === 'EXCLUSION_BY_RESOURCE_TYPES') {
    const excluded = new Set<string>(group.exclusionByResourceTypes?.resourceTypes ?? []);
    return (t) => !excluded.has(t);
  }
  if (strategy === 'ALL_SUPPORTED_RESOURCE_TYPES' || (strategy === undefined && group.allSupported)) {
    const global = group.includeGlobalResourceTypes === true;
    return (t) => global || !globalIamResourceTypes.includes(t);
  }
  const included = new Set<string>(group.resourceTypes ?? []);
  return (t) => included.has(t);
}

async function recorderChecks(
  input: PreflightInput,
  options: NonNullable<PreflightInput['checkRecorders']>,
  aws: PreflightAws,
): Promise<PreflightFinding[]> {
  const accounts = new Map<string, { account: OrgAccount; packs: PreflightPack[] }>();
  for (const pack of input.packs) {
    for (const account of pack.included) {
      const entry = accounts.get(account.id) ?? { account, packs: [] };
      entry.packs.push(pack);
      accounts.set(account.id, entry);
    }
  }
  const ids = [...accounts.keys()].sort();
  const jobs = ids.flatMap((accountId) => input.config.regions.map((region) => ({ accountId, region })));
  const assumeFailures = new Map<string, unknown>();
  const problems: AccountProblem[][] = await mapLimit(
    jobs,
    Math.max(1, options.concurrency ?? defaultRecorderConcurrency),
    async ({ accountId, region }) => {
      if (assumeFailures.has(accountId)) return [];
      let config: Sender<ConfigServiceClient>;
      try {
        config = await aws.configInAccount(accountId, region);
      } catch (e) {
        // One finding per account, whatever the number of Regions.
        if (!assumeFailures.has(accountId)) assumeFailures.set(accountId, e);
        return [];
      }
      const { packs } = accounts.get(accountId)!;
      return checkAccountRegion(config, accountId, region, packs, options.roleName);
    },
  );
  const roleProblems: AccountProblem[] = [...assumeFailures.entries()].map(([accountId, e]) => ({
    name: 'preflight-account-check-role',
    accountId,
    detail: `could not assume role ${options.roleName} (${errorName(e)})`,
  }));
  const names = new Map([...accounts.values()].map(({ account }) => [account.id, account.name]));
  return aggregate([...roleProblems, ...problems.flat()], names);
}

async function checkAccountRegion(
  config: Sender<ConfigServiceClient>,
  accountId: string,
  region: string,
  packs: PreflightPack[],
  roleName: string,
): Promise<AccountProblem[]> {
  const problem = (name: DeployCheckName, detail: string, pack?: string): AccountProblem => ({
    name,
    accountId,
    region,
    detail,
    ...(pack ? { pack } : {}),
  });
  let recorders: ConfigurationRecorder[];
  let statuses: Array<{ name?: string; recording?: boolean }>;
  let channels: unknown[];
  try {
    [recorders, statuses, channels] = await Promise.all([
      config.send(new DescribeConfigurationRecordersCommand({})).then((r) => r.ConfigurationRecorders ?? []),
      config
        .send(new DescribeConfigurationRecorderStatusCommand({}))
        .then((r) => r.ConfigurationRecordersStatus ?? []),
      config.send(new DescribeDeliveryChannelsCommand({})).then((r) => r.DeliveryChannels ?? []),
    ]);
  } catch (e) {
    return [
      problem(
        'preflight-account-check-role',
        isAccessDenied(e)
          ? `role ${roleName} may not read Config (${errorName(e)}): allow config:DescribeConfigurationRecorders, DescribeConfigurationRecorderStatus and DescribeDeliveryChannels`
          : `the Config calls failed (${errorName(e)})`,
      ),
    ];
  }
  const out: AccountProblem[] = [];
  // Service-linked recorders (with a servicePrincipal) record for one service only: packs need the
  // account's own, customer-managed recorder.
  const own = recorders.filter((r) => !(r as { servicePrincipal?: string }).servicePrincipal);
  const recorder = own[0];
  if (!recorder) {
    out.push(
      problem(
        'preflight-no-recorder',
        'has no configuration recorder: the deploy would fail there with NoAvailableConfigurationRecorderException',
      ),
    );
  } else {
    const status = statuses.find((s) => s.name === recorder.name);
    if (status?.recording !== true) {
      out.push(
        problem(
          'preflight-recorder-stopped',
          `configuration recorder ${recorder.name ?? ''} is not recording`,
        ),
      );
    }
    const records = recordsType(recorder);
    for (const pack of packs) {
      const missing = pack.resourceTypes.filter((t) => !records(t));
      if (missing.length > 0) {
        out.push(
          problem(
            'preflight-recording-gap',
            `does not record ${missing.join(', ')}, which rules of pack ${pack.name} evaluate: those rules only ever report INSUFFICIENT_DATA`,
            pack.name,
          ),
        );
      }
    }
  }
  if (channels.length === 0) out.push(problem('preflight-no-delivery-channel', 'has no delivery channel'));
  return out;
}

/**
 * One finding per account, or, when more than `aggregateAbove` accounts share a problem (same
 * check, Region, pack and detail), one finding that counts them; its `accountIds` has them all (the
 * message does not repeat them: formats list them once). Sorted by check id, Region, pack, then account.
 */
function aggregate(problems: AccountProblem[], names: Map<string, string>): PreflightFinding[] {
  const groups = new Map<string, AccountProblem[]>();
  for (const p of problems) {
    const key = JSON.stringify([deployChecks[p.name].id, p.region ?? '', p.pack ?? '', p.detail]);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const out: PreflightFinding[] = [];
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key)!.sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
    const { name, region, pack, detail } = group[0]!;
    const where = { ...(region ? { region } : {}), ...(pack ? { pack } : {}), detail };
    const place = region ? ` in ${region}` : '';
    if (group.length > aggregateAbove) {
      const ids = group.map((p) => p.accountId);
      out.push(
        finding(name, `${ids.length} accounts${place}: ${detail}`, {
          ...where,
          accountIds: ids,
        }),
      );
    } else {
      for (const p of group) {
        const label = names.get(p.accountId) ? `${p.accountId} (${names.get(p.accountId)})` : p.accountId;
        out.push(finding(name, `account ${label}${place}: ${detail}`, { ...where, accountId: p.accountId }));
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 7. remediation roles, as the bootstrap stack set provides them

/** The role names an `AWS::IAM::Role` of a stack set template creates. */
function templateRoleNames(body: string | undefined): Set<string> {
  const out = new Set<string>();
  if (!body) return out;
  try {
    const t = JSON.parse(body) as {
      Resources?: Record<string, { Type?: unknown; Properties?: { RoleName?: unknown } }>;
    };
    for (const r of Object.values(t.Resources ?? {})) {
      if (r?.Type === 'AWS::IAM::Role' && typeof r.Properties?.RoleName === 'string')
        out.add(r.Properties.RoleName);
    }
  } catch {
    // Not packsmith's template: no role is known to come from it.
  }
  return out;
}

/**
 * Each referenced remediation role must exist in every target account of its packs. Seen from the
 * deploying account: the stack set `packsmith-bootstrap` (first Region: IAM is global, one instance
 * per account covers every Region) has a template naming the role and a CURRENT instance in the
 * account. Anything else is "not verified" (PS548, a warning: the role may come from elsewhere).
 */
async function remediationRoleChecks(input: PreflightInput, aws: PreflightAws): Promise<PreflightFinding[]> {
  const roles = (input.remediationRoles ?? []).filter((r) => r.accounts.length > 0);
  const region = input.config.regions[0];
  if (roles.length === 0 || !aws.cloudformation || !region) return [];
  const callAs = input.config.role === 'delegated-administrator' ? 'DELEGATED_ADMIN' : 'SELF';
  const where = (role: PreflightRemediationRole) =>
    role.packs.length === 1 ? { pack: role.packs[0] as string } : {};
  let observed;
  try {
    observed = await observeStackSet(aws.cloudformation(region), {
      stackSetName: bootstrapRolesStackSetName,
      callAs,
    });
  } catch (e) {
    const names = roles.map((r) => r.name).join(', ');
    if (isAccessDenied(e)) {
      return [
        finding(
          'preflight-remediation-role',
          `could not verify the remediation roles ${names}: reading stack set ${bootstrapRolesStackSetName} (DescribeStackSet, ListStackInstances) was denied to the deploying credentials`,
        ),
      ];
    }
    return [failed(`reading stack set ${bootstrapRolesStackSetName}`, e)];
  }
  const created = templateRoleNames(observed.templateBody);
  const current = new Set(
    observed.instances.filter((i) => i.region === region && i.status === 'CURRENT').map((i) => i.account),
  );
  const out: PreflightFinding[] = [];
  for (const role of roles) {
    const packs = `${role.packs.length === 1 ? 'pack' : 'packs'} ${role.packs.join(', ')}`;
    const why = !observed.exists
      ? `stack set ${bootstrapRolesStackSetName} does not exist`
      : !created.has(role.name)
        ? `stack set ${bootstrapRolesStackSetName} does not create it`
        : `stack set ${bootstrapRolesStackSetName} has no CURRENT stack instance there (${region})`;
    const missing = created.has(role.name) ? role.accounts.filter((a) => !current.has(a)) : role.accounts;
    if (missing.length === 0) continue;
    const detail = `remediation role ${role.name} of ${packs} is not verified: ${why}`;
    out.push(
      finding(
        'preflight-remediation-role',
        `${detail}, in ${missing.length} of ${role.accounts.length} target account${role.accounts.length === 1 ? '' : 's'}`,
        {
          ...where(role),
          detail,
          ...(missing.length === 1 ? { accountId: missing[0] } : { accountIds: missing }),
        },
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// 8. staged stack set templates: the organization's accounts read them

/** `*` and `?` wildcards as IAM matches ARNs (case-sensitive); linear backtracking on the last `*`. */
export function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p += 1;
      t += 1;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p;
      mark = t;
      p += 1;
    } else if (star !== -1) {
      p = star + 1;
      mark += 1;
      t = mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p += 1;
  return p === pattern.length;
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/**
 * Whether a bucket policy lets every account of organization `orgId` GetObject `objectArn`: an
 * Allow statement for any principal (`*` or `{"AWS": "*"}`), an action covering s3:GetObject, a
 * resource matching the object, and only an aws:PrincipalOrgID (StringEquals/StringLike) or
 * aws:PrincipalOrgPaths condition naming the organization. A Deny statement covering the object
 * for everyone is taken to win. Grants to listed accounts are not counted: new accounts would
 * miss out.
 */
export function policyGrantsOrgRead(policyText: string, orgId: string, objectArn: string): boolean {
  let policy: { Statement?: unknown };
  try {
    policy = JSON.parse(policyText) as { Statement?: unknown };
  } catch {
    return false;
  }
  const statements = asList(policy.Statement) as Array<Record<string, unknown>>;
  const coversAction = (s: Record<string, unknown>) =>
    asList(s.Action).some((a) => typeof a === 'string' && wildcardMatch(a.toLowerCase(), 's3:getobject'));
  const coversObject = (s: Record<string, unknown>) =>
    asList(s.Resource).some((r) => typeof r === 'string' && wildcardMatch(r, objectArn));
  const anyone = (s: Record<string, unknown>) => {
    const p = s.Principal;
    if (p === '*') return true;
    if (typeof p === 'object' && p !== null) return asList((p as Record<string, unknown>).AWS).includes('*');
    return false;
  };
  const orgCondition = (s: Record<string, unknown>): boolean => {
    const condition = s.Condition;
    if (condition === undefined) return false; // no condition: public (PS533), not "the organization"
    if (typeof condition !== 'object' || condition === null) return false;
    const entries = Object.entries(condition as Record<string, Record<string, unknown>>);
    if (entries.length === 0) return false;
    return entries.every(([operator, block]) => {
      const keys = Object.entries(block ?? {});
      if (keys.length === 0) return false;
      return keys.every(([key, value]) => {
        const k = key.toLowerCase();
        const values = asList(value).filter((v): v is string => typeof v === 'string');
        if (k === 'aws:principalorgid')
          return /^String(Equals|Like)$/i.test(operator) && values.includes(orgId);
        if (k === 'aws:principalorgpaths')
          return (
            /^ForAnyValue:String(Equals|Like)$/i.test(operator) &&
            values.some((v) => v.startsWith(`${orgId}/`))
          );
        return false;
      });
    });
  };
  const denied = statements.some(
    (s) =>
      s.Effect === 'Deny' && anyone(s) && s.Condition === undefined && coversAction(s) && coversObject(s),
  );
  if (denied) return false;
  return statements.some(
    (s) => s.Effect === 'Allow' && anyone(s) && coversAction(s) && coversObject(s) && orgCondition(s),
  );
}

/** The statement to add: read of the pack's staged templates for the organization. */
export function orgTemplateReadStatement(bucket: string, key: string, region: string, orgId: string): string {
  const prefix = key.slice(0, key.lastIndexOf('/') + 1);
  return JSON.stringify({
    Sid: 'PacksmithOrganizationReadsTemplates',
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: `${arnPrefix(region)}s3:::${bucket}/${prefix}*`,
    Condition: { StringEquals: { 'aws:PrincipalOrgID': orgId } },
  });
}

async function stagedTemplateReadChecks(
  input: PreflightInput,
  aws: PreflightAws,
): Promise<PreflightFinding[]> {
  const staged = input.stagedStackSetTemplates ?? [];
  const orgId = input.tree?.organizationId;
  if (staged.length === 0 || !orgId) return [];
  const policies = new Map<string, Promise<{ text?: string; error?: unknown }>>();
  const policyOf = (bucket: string, region: string) => {
    let p = policies.get(bucket);
    if (!p) {
      p = aws
        .s3(region)
        .send(
          new GetBucketPolicyCommand({ Bucket: bucket, ExpectedBucketOwner: input.config.deployingAccount }),
        )
        .then(
          (r) => ({ text: r.Policy ?? '' }),
          (error: unknown) => (errorName(error) === 'NoSuchBucketPolicy' ? { text: '' } : { error }),
        );
      policies.set(bucket, p);
    }
    return p;
  };
  const out: PreflightFinding[] = [];
  for (const t of staged) {
    const where = { pack: t.pack, region: t.region };
    const got = await policyOf(t.bucket, t.region);
    if (got.error !== undefined) {
      const name = errorName(got.error);
      // A missing bucket is PS530 already.
      if (name === 'NoSuchBucket' || name === 'NotFound') continue;
      out.push(
        isAccessDenied(got.error)
          ? unverified(
              `that the organization's accounts can read the staged template of pack ${t.pack} in ${t.bucket}`,
              'GetBucketPolicy',
              where,
            )
          : failed(`GetBucketPolicy of template bucket ${t.bucket}`, got.error, where),
      );
      continue;
    }
    const objectArn = `${arnPrefix(t.region)}s3:::${t.bucket}/${t.key}`;
    if (got.text && policyGrantsOrgRead(got.text, orgId, objectArn)) continue;
    out.push(
      finding(
        'preflight-template-bucket-org-read',
        `pack ${t.pack} is over the inline template limit and deploys from s3://${t.bucket}/${t.key}, but ` +
          `${got.text ? "the bucket's policy does not let" : 'the bucket has no policy, so nothing lets'} the accounts of organization ${orgId} read it: ` +
          `every stack instance would fail. Add to the bucket policy: ${orgTemplateReadStatement(t.bucket, t.key, t.region, orgId)}`,
        where,
      ),
    );
  }
  return out;
}
