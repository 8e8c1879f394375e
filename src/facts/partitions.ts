/**
 * AWS partitions: which a Region belongs to, its ARN prefix, and where its global services answer.
 * [ARN] https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html (partition: aws,
 *   aws-cn, aws-us-gov; the ISO partitions)
 * [ORG] https://docs.aws.amazon.com/general/latest/gr/ao.html (Organizations endpoints:
 *   organizations.us-east-1.amazonaws.com; GovCloud organizations.us-gov-west-1.amazonaws.com;
 *   China organizations.cn-northwest-1.amazonaws.com.cn)
 * [SSM] https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-setup-iam.html (the
 *   Automation service role trusts ssm.amazonaws.com); China:
 *   https://docs.amazonaws.cn/en_us/systems-manager/latest/userguide/reference.html ("The Principal
 *   policy element value for Systems Manager is ssm.amazonaws.com.cn")
 * The ISO partitions' Organizations Regions are not documented publicly: packsmith takes the
 * partition's first Region and says so (aws-config-facts.md §6 rule: the safe side, marked).
 */
export interface Partition {
  id: 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' | 'aws-iso-b' | 'aws-iso-e' | 'aws-iso-f';
  /** Region of the partition's Organizations endpoint. */
  organizationsRegion: string;
  /** Whether `organizationsRegion` is documented ([ORG]) or packsmith's assumption. */
  organizationsRegionDocumented: boolean;
  /**
   * The service principal SSM Automation assumes remediation roles as. [SSM]; GovCloud and the ISO
   * partitions are not documented apart: packsmith takes the commercial name there (marked).
   */
  ssmServicePrincipal: string;
}

/** Region prefixes of the non-commercial partitions, longest first. [ARN] */
const byPrefix: ReadonlyArray<readonly [string, Partition]> = [
  [
    'us-isob-',
    {
      id: 'aws-iso-b',
      organizationsRegion: 'us-isob-east-1',
      organizationsRegionDocumented: false,
      ssmServicePrincipal: 'ssm.amazonaws.com',
    },
  ],
  [
    'us-isof-',
    {
      id: 'aws-iso-f',
      organizationsRegion: 'us-isof-south-1',
      organizationsRegionDocumented: false,
      ssmServicePrincipal: 'ssm.amazonaws.com',
    },
  ],
  [
    'eu-isoe-',
    {
      id: 'aws-iso-e',
      organizationsRegion: 'eu-isoe-west-1',
      organizationsRegionDocumented: false,
      ssmServicePrincipal: 'ssm.amazonaws.com',
    },
  ],
  [
    'us-iso-',
    {
      id: 'aws-iso',
      organizationsRegion: 'us-iso-east-1',
      organizationsRegionDocumented: false,
      ssmServicePrincipal: 'ssm.amazonaws.com',
    },
  ],
  [
    'us-gov-',
    {
      id: 'aws-us-gov',
      organizationsRegion: 'us-gov-west-1',
      organizationsRegionDocumented: true,
      ssmServicePrincipal: 'ssm.amazonaws.com',
    },
  ],
  [
    'cn-',
    {
      id: 'aws-cn',
      organizationsRegion: 'cn-northwest-1',
      organizationsRegionDocumented: true,
      ssmServicePrincipal: 'ssm.amazonaws.com.cn',
    },
  ],
];

const commercial: Partition = {
  id: 'aws',
  organizationsRegion: 'us-east-1',
  organizationsRegionDocumented: true,
  ssmServicePrincipal: 'ssm.amazonaws.com',
};

/** The partition of `region` (the commercial one for every Region without another's prefix). */
export function partitionOf(region: string): Partition {
  return byPrefix.find(([prefix]) => region.startsWith(prefix))?.[1] ?? commercial;
}

/**
 * `arn:PARTITION:` of a partition: the one place packsmith writes an ARN's partition (a test keeps
 * every other file of src/ free of a literal commercial prefix).
 */
export const partitionArnPrefix = (partition: Partition['id']): string => `arn:${partition}:`;

/** `arn:PARTITION:` for `region`. */
export const arnPrefix = (region: string): string => partitionArnPrefix(partitionOf(region).id);
