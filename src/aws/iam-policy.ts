/**
 * The least-privilege IAM policies packsmith needs: one source for the README (generated between
 * markers by `npm run docs:generate`), for `packsmith iam-policy` (filled in from the deployment
 * configuration), and for the test that records every AWS call of the end-to-end suite and
 * compares it with the `calledBy: 'packsmith'` statements.
 */

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

interface DescribedStatement {
  statement: PolicyStatement;
  /** `packsmith`: actions packsmith calls itself. `aws`: actions AWS performs with the caller's permissions during a put. */
  calledBy: 'packsmith' | 'aws';
  why: string;
}

export interface PolicyInputs {
  /** Template bucket names (one per Region). Default: a placeholder. */
  templateBuckets?: readonly string[];
  /** Delivery bucket names of the packs. Default: the `awsconfigconforms*` pattern. */
  deliveryBuckets?: readonly string[];
  /** `accountCheckRoleName`; without it the AssumeRole statement is left out. */
  accountCheckRoleName?: string;
  /** The partition of the deployment's Regions (`partitionOf`): ARNs are written for it. Default `aws`. */
  partition?: string;
  /** Some pack deploys by `engine: stackset`: the StackSets statement is added. */
  stackSets?: boolean;
}

/** The stack set engine's calls (issue 16): service-managed stack sets, followed operation by operation. */
export function stackSetStatements(
  partition = 'aws',
  templateBuckets: readonly string[] = ['TEMPLATE-BUCKET'],
): DescribedStatement[] {
  return [
    {
      calledBy: 'packsmith',
      why: "`engine: stackset`: create and update the service-managed stack set `packsmith-*`, add and update its stack instances stage by stage, and follow each operation to its end with each instance's status; `destroy` deletes the instances stage by stage, then the stack set",
      statement: {
        Sid: 'StackSets',
        Effect: 'Allow',
        Action: [
          'cloudformation:CreateStackInstances',
          'cloudformation:CreateStackSet',
          'cloudformation:DeleteStackInstances',
          'cloudformation:DeleteStackSet',
          'cloudformation:DescribeStackInstance',
          'cloudformation:DescribeStackSet',
          'cloudformation:DescribeStackSetOperation',
          'cloudformation:ListStackInstances',
          'cloudformation:ListStackSetOperationResults',
          'cloudformation:UpdateStackInstances',
          'cloudformation:UpdateStackSet',
        ],
        Resource: [
          `arn:${partition}:cloudformation:*:*:stackset/packsmith-*`,
          `arn:${partition}:cloudformation:*:*:stackset-target/packsmith-*`,
          `arn:${partition}:cloudformation:*::type/resource/AWS-Config-ConformancePack`,
        ],
      },
    },
    {
      calledBy: 'packsmith',
      why: '`engine: stackset` preflight: a pack too large to travel inline is read by every member account from the template bucket, so its policy must grant the organization read (PS549)',
      statement: {
        Sid: 'StackSetTemplateBucketPolicy',
        Effect: 'Allow',
        Action: ['s3:GetBucketPolicy'],
        Resource: bucketArns(partition, templateBuckets),
      },
    },
  ];
}

const bucketArns = (partition: string, names: readonly string[]) =>
  names.map((b) => `arn:${partition}:s3:::${b}`);

/** The deploying account's policy (management account or delegated administrator). */
export function deployerStatements(inputs: PolicyInputs = {}): DescribedStatement[] {
  const templates = inputs.templateBuckets?.length ? [...inputs.templateBuckets] : ['TEMPLATE-BUCKET'];
  const delivery = inputs.deliveryBuckets?.length ? [...inputs.deliveryBuckets] : ['awsconfigconforms*'];
  const partition = inputs.partition ?? 'aws';
  const statements: DescribedStatement[] = [
    {
      calledBy: 'packsmith',
      why: 'put, delete and follow organization conformance packs (these actions take no resource ARN)',
      statement: {
        Sid: 'OrganizationConformancePacks',
        Effect: 'Allow',
        Action: [
          'config:DeleteOrganizationConformancePack',
          'config:DescribeOrganizationConformancePackStatuses',
          'config:DescribeOrganizationConformancePacks',
          'config:GetOrganizationConformancePackDetailedStatus',
          'config:PutOrganizationConformancePack',
        ],
        Resource: '*',
      },
    },
    {
      calledBy: 'packsmith',
      why: 'read the organization tree, delegated administrators and trusted access (preflight, targeting)',
      statement: {
        Sid: 'ReadOrganization',
        Effect: 'Allow',
        Action: [
          'organizations:DescribeOrganization',
          'organizations:ListAWSServiceAccessForOrganization',
          'organizations:ListAccountsForParent',
          'organizations:ListDelegatedAdministrators',
          'organizations:ListOrganizationalUnitsForParent',
          'organizations:ListRoots',
        ],
        Resource: '*',
      },
    },
    {
      calledBy: 'packsmith',
      why: "preflight: whether `packsmith bootstrap` created the packs' remediation roles (the stack set `packsmith-bootstrap`; reading its instances needs the StackSets statement, which bootstrap needs anyway)",
      statement: {
        Sid: 'BootstrapStackSet',
        Effect: 'Allow',
        Action: ['cloudformation:DescribeStackSet'],
        Resource: `arn:${partition}:cloudformation:*:*:stackset/packsmith-bootstrap:*`,
      },
    },
    {
      calledBy: 'packsmith',
      why: 'check that the caller is the configured deploying account',
      statement: { Sid: 'CallerIdentity', Effect: 'Allow', Action: ['sts:GetCallerIdentity'], Resource: '*' },
    },
    {
      calledBy: 'packsmith',
      why: 'check the template buckets: Region, owner, not public',
      statement: {
        Sid: 'TemplateBuckets',
        Effect: 'Allow',
        Action: ['s3:GetBucketLocation', 's3:GetBucketPolicyStatus', 's3:GetBucketPublicAccessBlock'],
        Resource: bucketArns(partition, templates),
      },
    },
    {
      calledBy: 'packsmith',
      why: 'stage templates, write deployment records and the deploy lock (only below packsmith/)',
      statement: {
        Sid: 'TemplateBucketObjects',
        Effect: 'Allow',
        Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        Resource: templates.map((b) => `arn:${partition}:s3:::${b}/packsmith/*`),
      },
    },
    {
      calledBy: 'packsmith',
      why: 'check the delivery buckets exist, in which Region, and are not public',
      statement: {
        Sid: 'DeliveryBuckets',
        Effect: 'Allow',
        Action: ['s3:GetBucketLocation', 's3:GetBucketPolicyStatus', 's3:GetBucketPublicAccessBlock'],
        Resource: bucketArns(partition, delivery),
      },
    },
    {
      calledBy: 'packsmith',
      why: '`status --compliance`: read conformance pack and rule compliance through the organization aggregator',
      statement: {
        Sid: 'AggregatorCompliance',
        Effect: 'Allow',
        Action: [
          'config:DescribeAggregateComplianceByConfigRules',
          'config:DescribeAggregateComplianceByConformancePacks',
        ],
        Resource: '*',
      },
    },
    {
      calledBy: 'aws',
      why: "PutOrganizationConformancePack enables trusted access for config-multiaccountsetup.amazonaws.com and creates the AWSServiceRoleForConfigMultiAccountSetup service-linked role with the caller's permissions when they are missing (API reference of PutOrganizationConformancePack); a delegated administrator needs neither once the management account has set them up",
      statement: {
        Sid: 'FirstPutFromManagementAccount',
        Effect: 'Allow',
        Action: ['iam:CreateServiceLinkedRole', 'organizations:EnableAWSServiceAccess'],
        Resource: '*',
        Condition: {
          StringEqualsIfExists: {
            'iam:AWSServiceName': 'config-multiaccountsetup.amazonaws.com',
            'organizations:ServicePrincipal': 'config-multiaccountsetup.amazonaws.com',
          },
        },
      },
    },
  ];
  if (inputs.stackSets) statements.push(...stackSetStatements(partition, templates));
  if (inputs.accountCheckRoleName !== undefined || !inputs.templateBuckets) {
    const role = inputs.accountCheckRoleName ?? 'ACCOUNT-CHECK-ROLE';
    statements.push({
      calledBy: 'packsmith',
      why: '`preflight --check-recorders`: assume the account check role in each target account',
      statement: {
        Sid: 'AssumeAccountCheckRole',
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
        Resource: `arn:${partition}:iam::*:role/${role}`,
      },
    });
  }
  return statements;
}

/** The account check role's policy, in every target account (trusting the deploying account). */
export function accountCheckStatements(): DescribedStatement[] {
  return [
    {
      calledBy: 'packsmith',
      why: 'read the configuration recorder, its status and the delivery channel',
      statement: {
        Sid: 'ReadRecorder',
        Effect: 'Allow',
        Action: [
          'config:DescribeConfigurationRecorderStatus',
          'config:DescribeConfigurationRecorders',
          'config:DescribeDeliveryChannels',
        ],
        Resource: '*',
      },
    },
  ];
}

export const policyDocument = (statements: readonly DescribedStatement[]) => ({
  Version: '2012-10-17',
  Statement: statements.map((s) => s.statement),
});

/** Every action packsmith itself calls, per policy: what the IAM test compares with the recorded calls. */
export function actionsCalledByPackSmith(): {
  deployer: string[];
  accountCheck: string[];
  stackSet: string[];
} {
  const actions = (list: DescribedStatement[]) =>
    [...new Set(list.filter((s) => s.calledBy === 'packsmith').flatMap((s) => s.statement.Action))].sort();
  return {
    deployer: actions(deployerStatements()),
    accountCheck: actions(accountCheckStatements()),
    stackSet: actions(stackSetStatements()),
  };
}

/** The README section (between its markers). */
export function iamPolicyMarkdown(): string {
  const json = (v: unknown) => ['```json', JSON.stringify(v, null, 2), '```'].join('\n');
  const lines = [
    'The deploying account (management account or delegated administrator) needs this policy. Replace',
    "`TEMPLATE-BUCKET` with each Region's template bucket and `ACCOUNT-CHECK-ROLE` with `accountCheckRoleName`",
    '(or leave that statement out when you do not use `preflight --check-recorders`);',
    '`packsmith iam-policy` prints it filled in from `packsmith.deploy.yaml`.',
    '',
    json(policyDocument(deployerStatements())),
    '',
    'Why each statement:',
    '',
    ...deployerStatements().map(
      (s) =>
        `- \`${s.statement.Sid}\`${s.calledBy === 'aws' ? ' (used by AWS during the put, not called by packsmith)' : ''}: ${s.why}.`,
    ),
    '',
    'Packs deployed by `engine: stackset` also need (`packsmith iam-policy` adds it when a pack does):',
    '',
    json(policyDocument(stackSetStatements())),
    '',
    'The account check role (`accountCheckRoleName`, only for `preflight --check-recorders`) exists in every',
    'target account, trusts the deploying account, and needs only:',
    '',
    json(policyDocument(accountCheckStatements())),
  ];
  return lines.join('\n');
}

export const iamPolicyMarkers = {
  start: '<!-- iam-policy:start (generated by npm run docs:generate from src/aws/iam-policy.ts) -->',
  end: '<!-- iam-policy:end -->',
};

/** `readme` with its IAM policy section replaced by the current one. */
export function withIamPolicySection(readme: string): string {
  const start = readme.indexOf(iamPolicyMarkers.start);
  const end = readme.indexOf(iamPolicyMarkers.end);
  if (start < 0 || end < start) throw new Error('README.md has no IAM policy markers');
  return `${readme.slice(0, start + iamPolicyMarkers.start.length)}\n${iamPolicyMarkdown()}\n${readme.slice(end)}`;
}
