/**
 * Issue 14: the sandbox rehearses a GovCloud organization (`npm run sandbox -- --regions
 * us-gov-west-1`). moto keeps one organization and one S3 per partition, taken from the request's
 * Region (moto's own behaviour, not AWS documentation), so the sandbox creates the organization
 * through the partition's Organizations Region (us-gov-west-1) and packsmith, which asks
 * Organizations there too (`partitionOf`), finds it. The plan and the deploy then run through the
 * core, and the ARNs AWS (moto, the Config emulator) answers with are in `arn:aws-us-gov:`.
 */
import {
  DescribeOrganizationConformancePacksCommand,
  DescribeConfigurationRecordersCommand,
} from '@aws-sdk/client-config-service';
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import { createAws } from '../../src/aws/clients.js';
import { deploy } from '../../src/app/deploy.js';
import { plan } from '../../src/app/plan.js';
import { configClient } from '../../src/sandbox/moto.js';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import { useRolloutFixture } from '../support/rollout-fixture.js';

const available = motoStatus().available;
const REGION = 'us-gov-west-1';

describe.skipIf(!available)(`a GovCloud organization in the sandbox${motoSkipNote()}`, () => {
  const rollout = useRolloutFixture({ accounts: 2, regions: [REGION] });

  it('answers Organizations in us-gov-west-1 with aws-us-gov ARNs, and plans through the core', async () => {
    const aws = createAws({ defaultRegion: REGION });
    try {
      expect(await aws.organizations().config.region()).toBe('us-gov-west-1');
      const org = await aws.organizations().send(new DescribeOrganizationCommand({}));
      expect(org.Organization?.Arn).toMatch(/^arn:aws-us-gov:organizations::/);
    } finally {
      aws.destroy();
    }
    // The recorders the sandbox put in member accounts use the partition's service-linked role.
    const member = rollout.fx.sandbox.org.accounts.find((a) => !a.management)!;
    const config = configClient({
      endpoint: rollout.fx.sandbox.moto.endpoint,
      accountId: member.id,
      region: REGION,
    });
    try {
      const recorders = await config.send(new DescribeConfigurationRecordersCommand({}));
      expect(recorders.ConfigurationRecorders?.[0]?.roleARN).toMatch(/^arn:aws-us-gov:iam::/);
    } finally {
      config.destroy();
    }

    const result = await plan(rollout.selection, { connect: (s) => createAws(s) });
    expect(result.plan.packs[0]!.regions.map((r) => [r.region, r.action])).toEqual([[REGION, 'create']]);
    expect(result.plan.packs[0]!.regions[0]!.included.length).toBeGreaterThan(0);
  }, 120_000);

  it('deploys through the core, and the emulator names the org pack with an aws-us-gov ARN', async () => {
    const outcome = await deploy(
      rollout.selection,
      { lockWaitSeconds: 0, tracking: { intervalMs: 100, timeoutMs: 120_000 } },
      {
        connect: (s) => createAws(s),
        confirm: () => Promise.resolve(true),
        lockHolder: { user: 'tester', host: 'test-host', pid: 424242 },
        isProcessAlive: () => true,
      },
    );
    if (outcome.kind !== 'done') throw new Error(`deploy ended ${outcome.kind}`);
    expect(outcome.results.map((r) => [r.region, r.outcome])).toEqual([[REGION, 'succeeded']]);
    const aws = createAws({ defaultRegion: REGION });
    try {
      const packs = await aws.config(REGION).send(new DescribeOrganizationConformancePacksCommand({}));
      const arns = (packs.OrganizationConformancePacks ?? []).map((p) => p.OrganizationConformancePackArn);
      expect(arns.length).toBeGreaterThan(0);
      for (const arn of arns) expect(arn).toMatch(/^arn:aws-us-gov:config:us-gov-west-1:/);
    } finally {
      aws.destroy();
    }
  }, 180_000);
});
