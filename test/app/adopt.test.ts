/**
 * The adopt use case against the sandbox (moto_server + Config emulator): a pack put by hand with
 * the SDK (the template this repository builds, the parameters the configuration gives) is taken
 * over, after which `plan` trusts the record; a pack that is not deployed is refused, nothing written.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutOrganizationConformancePackCommand } from '@aws-sdk/client-config-service';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createAws } from '../../src/aws/clients.js';
import { adopt } from '../../src/app/adopt.js';
import { AppError } from '../../src/app/errors.js';
import { plan, putRequestOf } from '../../src/app/plan.js';
import { AdoptOutputSchema } from '../../src/report/schemas/rollout.js';
import { sandboxTemplateBucket } from '../../src/sandbox/sandbox.js';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import { useRolloutFixture } from '../support/rollout-fixture.js';

const available = motoStatus().available;
const REGIONS = ['us-east-1', 'eu-west-1'];
const PACK = 's3-data-protection';

/** Retries `put` while AWS answers ResourceInUseException (a previous operation still running), up to 60 s. */
async function whenIdle<T>(put: () => Promise<T>): Promise<T> {
  for (let waited = 0; ; waited += 250) {
    try {
      return await put();
    } catch (error) {
      if ((error as { name?: string }).name !== 'ResourceInUseException' || waited > 60_000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe.skipIf(!available)(`the adopt use case, driven directly${motoSkipNote()}`, () => {
  // The SDK finds the sandbox's per-service endpoints and fake credentials in the environment.
  const rollout = useRolloutFixture({ accounts: 4, regions: REGIONS });
  const connect = { connect: (s: Parameters<typeof createAws>[0]) => createAws(s) };

  /** Every object packsmith keeps in the Region's template bucket. */
  const packsmithObjects = async (region: string): Promise<string[]> => {
    const aws = createAws({ defaultRegion: region });
    try {
      const r = await aws
        .s3(region)
        .send(new ListObjectsV2Command({ Bucket: sandboxTemplateBucket(region), Prefix: 'packsmith/' }));
      return (r.Contents ?? []).map((o) => o.Key ?? '').sort();
    } finally {
      aws.destroy();
    }
  };

  it('refuses a pack that is not deployed, and writes nothing', async () => {
    const attempt = adopt({ ...rollout.selection, pack: PACK }, { force: false }, connect);
    await expect(attempt).rejects.toThrow(AppError);
    await expect(attempt).rejects.toThrow(
      /cannot adopt s3-data-protection, so nothing was written:\n {2}us-east-1: the organization conformance pack s3-data-protection does not exist\n {2}eu-west-1: /,
    );
    for (const region of REGIONS) expect(await packsmithObjects(region)).toEqual([]);
  }, 120_000);

  it('refuses when the pack is missing in one Region, and writes nothing in the others', async () => {
    const [planned] = (await plan(rollout.selection, connect)).plan.packs[0]!.regions;
    const put = putRequestOf(planned!);
    const aws = createAws({ defaultRegion: planned!.region });
    try {
      await aws.config(planned!.region).send(
        new PutOrganizationConformancePackCommand({
          OrganizationConformancePackName: PACK,
          TemplateBody: put.templateBody,
          ExcludedAccounts: put.excludedAccounts,
        }),
      );
    } finally {
      aws.destroy();
    }
    expect(planned!.region).toBe('us-east-1');
    await expect(adopt({ ...rollout.selection, pack: PACK }, { force: true }, connect)).rejects.toThrow(
      /nothing was written:\n {2}eu-west-1: the organization conformance pack s3-data-protection does not exist$/,
    );
    for (const region of REGIONS) expect(await packsmithObjects(region)).toEqual([]);
  }, 120_000);

  it('adopts a pack put by hand: plan says unchanged, then update naming the changed parameter', async () => {
    // The configuration gives one parameter a value.
    const name = 'S3AccessLogsBucket';
    const configPath = join(rollout.fx.repo, 'packsmith.deploy.yaml');
    const withValue = (value: string) =>
      rollout.fx.config.replace(/( {4}deliveryBucket: .*\n)/, `$1    parameters:\n      ${name}: ${value}\n`);
    expect(withValue('first-logs')).not.toBe(rollout.fx.config);
    writeFileSync(configPath, withValue('first-logs'));
    // Put by hand what the repository builds, with the parameters the configuration gives.
    const before = await plan(rollout.selection, connect);
    const regions = before.plan.packs[0]!.regions;
    // us-east-1 was put by hand above, without the parameter.
    expect(regions.map((r) => r.action)).toEqual(['update', 'create']);
    const aws = createAws({ defaultRegion: REGIONS[0]! });
    try {
      for (const planned of regions) {
        const put = putRequestOf(planned);
        // The emulator, like AWS, refuses a put while the previous one is still rolling out.
        await whenIdle(() =>
          aws.config(planned.region).send(
            new PutOrganizationConformancePackCommand({
              OrganizationConformancePackName: PACK,
              TemplateBody: put.templateBody,
              ConformancePackInputParameters: Object.entries(put.parameters).map(
                ([ParameterName, ParameterValue]) => ({ ParameterName, ParameterValue }),
              ),
              ExcludedAccounts: put.excludedAccounts,
              ...(put.deliveryBucket ? { DeliveryS3Bucket: put.deliveryBucket } : {}),
            }),
          ),
        );
      }
    } finally {
      aws.destroy();
    }
    const unknown = await plan(rollout.selection, connect);
    expect(unknown.plan.packs[0]!.regions.map((r) => [r.action, r.template])).toEqual([
      ['update', 'unknown'],
      ['update', 'unknown'],
    ]);

    const adopted = await adopt({ ...rollout.selection, pack: PACK }, { force: false }, connect);
    expect(adopted.regions.map((r) => r.region)).toEqual(REGIONS);
    for (const r of adopted.regions) {
      expect(r.templateSha256).toBe(regions.find((p) => p.region === r.region)!.desired.templateSha256);
      expect(r.uploaded).toBe(true);
      expect(r.replacedRecord).toBe(false);
      expect(r.differs).toEqual({ parameters: [], excludedAccounts: false, delivery: false });
      // The record is the one plan reads, with AWS's parameters and LastUpdateTime.
      const s3 = createAws({ defaultRegion: r.region });
      try {
        const got = await s3.s3(r.region).send(new GetObjectCommand({ Bucket: r.bucket, Key: r.recordKey }));
        const record = JSON.parse((await got.Body?.transformToString()) ?? '{}') as Record<string, unknown>;
        expect(record).toMatchObject({
          pack: PACK,
          operation: 'update',
          templateSha256: r.templateSha256,
          templateKey: r.templateKey,
          parameters: r.parameters,
          packLastUpdateTime: r.packLastUpdateTime,
        });
      } finally {
        s3.destroy();
      }
    }

    const after = await plan(rollout.selection, connect);
    expect(after.plan.summary).toEqual({ create: 0, update: 0, unchanged: 2 });
    for (const r of after.plan.packs[0]!.regions) {
      expect(r.template).toBe('same');
      expect(r.drift.changedOutside).toBe(false);
    }

    // A second adopt refuses: the record is there.
    await expect(adopt({ ...rollout.selection, pack: PACK }, { force: false }, connect)).rejects.toThrow(
      /packsmith already has a deployment record for s3-data-protection .*pass --force/,
    );
    const forced = await adopt({ ...rollout.selection, pack: PACK }, { force: true }, connect);
    expect(forced.regions.map((r) => [r.replacedRecord, r.uploaded])).toEqual([
      [true, false],
      [true, false],
    ]);

    // The parameter's value changed in the configuration: plan updates, naming exactly that one.
    expect(regions[0]!.desired.parameters).toEqual({ [name]: 'first-logs' });
    writeFileSync(configPath, withValue('second-logs'));
    const changed = await plan(rollout.selection, connect);
    expect(changed.plan.summary).toEqual({ create: 0, update: 2, unchanged: 0 });
    for (const r of changed.plan.packs[0]!.regions) {
      expect(r.template).toBe('same');
      expect(r.parameters).toEqual({ added: [], removed: [], changed: [name] });
      expect(r.reasons).toEqual([`parameters changed: ${name}`]);
    }
  }, 180_000);

  it('the CLI: a second adopt refuses without --force; with it, a JSON report of its schema', async () => {
    // Runs after the adoption above: the records are there.
    const refusedRun = await rollout.fx.cli('adopt', PACK);
    expect(refusedRun.code).toBe(1);
    expect(refusedRun.stderr).toContain('packsmith already has a deployment record for s3-data-protection');
    const run = await rollout.fx.cli('adopt', PACK, '--force', '--format', 'json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout) as { kind: string; regions: Array<{ region: string }> };
    const validate = new Ajv({ strict: false }).compile(AdoptOutputSchema);
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(document.kind).toBe('adopt');
    expect(document.regions.map((r) => r.region)).toEqual(REGIONS);
    const text = await rollout.fx.cli('adopt', PACK, '--force', '--region', 'eu-west-1');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^Adopted s3-data-protection \(pack s3-data-protection\)\n {2}eu-west-1: recorded template [0-9a-f]{12} \(already staged at s3:\/\/packsmith-sandbox-templates-eu-west-1\/packsmith\/s3-data-protection\/templates\/[0-9a-f]{64}\.yaml\), LastUpdateTime .*, replacing the previous record\n {4}AWS differs from the configuration \(parameters S3AccessLogsBucket\): plan will say update\n/,
    );
  }, 120_000);
});
