/**
 * Taking over an AWS sample deployed without packsmith: the sample is put by hand (the template
 * itself, as the AWS CLI would), imported, adopted; plan then says unchanged. Changing one
 * parameter default in the imported manifest makes plan name exactly that rule and input.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutOrganizationConformancePackCommand } from '@aws-sdk/client-config-service';
import { describe, expect, it } from 'vitest';
import { adopt } from '../../src/app/adopt.js';
import { plan, putRequestOf } from '../../src/app/plan.js';
import { createAws } from '../../src/aws/clients.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import { useRolloutFixture } from '../support/rollout-fixture.js';

const SAMPLE = join(
  packageRoot(),
  '../shared/samples/aws-conformance-packs/Security-Best-Practices-for-Lambda.yaml',
);
const haveSample = existsSync(SAMPLE);
if (!haveSample && process.env.CI) throw new Error(`CI is set but ${SAMPLE} is missing`);
const PACK = 'Security-Best-Practices-for-Lambda';
const available = motoStatus().available && haveSample;
const skipNote = haveSample ? motoSkipNote() : ' — skipped: ../shared/samples is not present';

describe.skipIf(!available)(`adopting an AWS sample deployed by hand${skipNote}`, () => {
  // The SDK finds the sandbox's per-service endpoints and fake credentials in the environment.
  const rollout = useRolloutFixture({ accounts: 2, regions: ['us-east-1'], packs: [PACK] });
  const connect = { connect: (s: Parameters<typeof createAws>[0]) => createAws(s) };

  it('put by hand, imported, adopted: plan says unchanged; one default changed: plan names that rule and input', async () => {
    const imported = await runCli(['import', SAMPLE, '--into', join(rollout.fx.repo, 'packs')]);
    expect(imported.code).toBe(0);
    const before = await plan(rollout.selection, connect);
    const planned = before.plan.packs[0]!.regions[0]!;
    expect(planned.action).toBe('create');
    // The sample's own text, not packsmith's build, is what runs in the organization.
    const put = putRequestOf(planned);
    const aws = createAws({ defaultRegion: planned.region });
    try {
      await aws.config(planned.region).send(
        new PutOrganizationConformancePackCommand({
          OrganizationConformancePackName: before.plan.packs[0]!.orgPackName,
          TemplateBody: readFileSync(SAMPLE, 'utf8'),
          ExcludedAccounts: put.excludedAccounts,
          ...(put.deliveryBucket ? { DeliveryS3Bucket: put.deliveryBucket } : {}),
        }),
      );
    } finally {
      aws.destroy();
    }
    await adopt({ ...rollout.selection, pack: PACK }, { force: false }, connect);
    const after = await plan(rollout.selection, connect);
    expect(after.plan.summary).toEqual({ create: 0, update: 0, unchanged: 1 });

    const manifest = join(rollout.fx.repo, 'packs', `${PACK}.yaml`);
    const text = readFileSync(manifest, 'utf8');
    const edited = text.replace('nodejs16.x, nodejs14.x', 'nodejs20.x, nodejs18.x');
    expect(edited).not.toBe(text);
    writeFileSync(manifest, edited);
    const changed = (await plan(rollout.selection, connect)).plan.packs[0]!.regions[0]!;
    expect(changed.action).toBe('update');
    expect(changed.rules?.map((r) => [r.rule, r.change])).toEqual([
      ['lambda-function-settings-check', 'changed'],
    ]);
    const details = changed.rules![0]!.details;
    expect(details).toHaveLength(1);
    expect(details[0]).toMatch(/^InputParameters\.runtime\b/);
    expect(details[0]).toContain('nodejs16.x, nodejs14.x');
    expect(details[0]).toContain('nodejs20.x, nodejs18.x');
  }, 180_000);
});
