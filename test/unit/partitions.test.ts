/**
 * Partitions: the Region decides the ARN prefix, the Organizations endpoint and the IAM policy's
 * resources; a configuration cannot mix partitions (PS516).
 */
import { describe, expect, it } from 'vitest';
import { createAws } from '../../src/aws/clients.js';
import { deployerStatements } from '../../src/aws/iam-policy.js';
import { partitionOf, arnPrefix } from '../../src/facts/partitions.js';
import { parseDeployConfig } from '../../src/org/deploy-config.js';
import { awsSettingsOf } from '../../src/app/context.js';

describe('partitions', () => {
  it('knows the partition of a Region by its prefix', () => {
    expect(partitionOf('eu-west-1').id).toBe('aws');
    expect(partitionOf('us-east-1').id).toBe('aws');
    expect(partitionOf('us-gov-west-1').id).toBe('aws-us-gov');
    expect(partitionOf('cn-north-1').id).toBe('aws-cn');
    expect(partitionOf('us-iso-east-1').id).toBe('aws-iso');
    expect(partitionOf('us-isob-east-1').id).toBe('aws-iso-b');
    expect(arnPrefix('cn-northwest-1')).toBe('arn:aws-cn:');
  });

  it("asks Organizations in the partition's own Region", async () => {
    const region = async (defaultRegion: string) => {
      const aws = createAws({ defaultRegion });
      try {
        return await aws.organizations().config.region();
      } finally {
        aws.destroy();
      }
    };
    expect(await region('eu-west-1')).toBe('us-east-1');
    expect(await region('us-gov-east-1')).toBe('us-gov-west-1');
    expect(await region('cn-north-1')).toBe('cn-northwest-1');
  });

  it('writes the IAM policy and the assumed role for the partition', () => {
    const text = JSON.stringify(
      deployerStatements({ templateBuckets: ['t'], partition: 'aws-us-gov', accountCheckRoleName: 'R' }),
    );
    expect(text).toContain('arn:aws-us-gov:s3:::t');
    expect(text).toContain('arn:aws-us-gov:iam::*:role/R');
    expect(text).not.toContain('arn:aws:');
    const settings = awsSettingsOf({
      regions: ['cn-north-1'],
      config: { regions: ['cn-north-1'], deployingAccount: '111122223333', assumeRoleName: 'Deployer' },
    } as unknown as Parameters<typeof awsSettingsOf>[0]);
    expect(settings.assumeRole?.roleArn).toBe('arn:aws-cn:iam::111122223333:role/Deployer');
  });

  it('refuses a configuration whose Regions span two partitions (PS516), at the Region', () => {
    const text = [
      'deployingAccount: "111122223333"',
      'role: delegated-administrator',
      'regions: [us-gov-west-1, us-east-1]',
      'templateBuckets: { us-gov-west-1: a-bucket, us-east-1: b-bucket }',
      'packs: { p: { targets: { ous: [/Root] } } }',
      '',
    ].join('\n');
    const found = parseDeployConfig('packsmith.deploy.yaml', text).problems.filter(
      (d) => d.checkId === 'PS516',
    );
    expect(found.map((d) => [d.location?.line, d.location?.column, d.message])).toEqual([
      [3, 26, 'us-east-1 is in the aws partition, us-gov-west-1 in aws-us-gov'],
    ]);
    const one = parseDeployConfig('packsmith.deploy.yaml', text.replace(', us-east-1]', ', us-gov-east-1]'));
    expect(one.problems.filter((d) => d.checkId === 'PS516')).toEqual([]);
  });
});
