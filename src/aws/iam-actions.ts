/**
 * The IAM action each AWS call of packsmith needs. Mostly `service:Operation`; the exceptions are
 * S3 calls whose permission has another name ([S3-AUTH]: "Actions, resources, and condition keys
 * for Amazon S3", https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
 */

/** SDK client class name → IAM service prefix. */
const servicePrefixes: Readonly<Record<string, string>> = {
  ConfigServiceClient: 'config',
  CloudFormationClient: 'cloudformation',
  OrganizationsClient: 'organizations',
  STSClient: 'sts',
  S3Client: 's3',
};

/** S3 operations authorised by a differently named action. */
const s3Actions: Readonly<Record<string, string>> = {
  HeadBucket: 's3:ListBucket',
  HeadObject: 's3:GetObject',
  ListObjectsV2: 's3:ListBucket',
  GetPublicAccessBlock: 's3:GetBucketPublicAccessBlock',
};

/** `ConfigServiceClient` + `PutOrganizationConformancePackCommand` → `config:PutOrganizationConformancePack`. */
export function iamActionOf(clientName: string, commandName: string): string {
  const operation = commandName.replace(/Command$/, '');
  const prefix = servicePrefixes[clientName] ?? clientName.replace(/Client$/, '').toLowerCase();
  if (prefix === 's3') return s3Actions[operation] ?? `s3:${operation}`;
  return `${prefix}:${operation}`;
}

export function serviceOf(clientName: string): string {
  return servicePrefixes[clientName] ?? clientName.replace(/Client$/, '').toLowerCase();
}
