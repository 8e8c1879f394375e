/**
 * Issue 16: `plan --out FILE` saves a stack set pack's plan (template, parameters, stages with
 * targets, overrides and preferences, the stack set as AWS showed it) and `deploy --plan FILE`
 * applies exactly that plan, after checking that this checkout plans the same now and that AWS's
 * stack set is the one planned against; a stale plan is refused with a located message and
 * nothing changes at the emulator.
 */
import {
  CloudFormationClient,
  DescribeStackSetCommand,
  ListStackInstancesCommand,
} from '@aws-sdk/client-cloudformation';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanOutputSchema } from '../../src/report/schemas/rollout.js';
import { FAKE_CREDENTIALS, motoSkipNote, motoStatus } from '../support/moto.js';
import { deployArgs, startRolloutFixture, type RolloutFixture } from '../support/rollout-fixture.js';
import { iamBaselineAsStackSet } from '../support/stackset-config.js';

const STACK_SET = 'packsmith-iam-baseline';

describe.skipIf(!motoStatus().available)(`deploy --plan with engine: stackset${motoSkipNote()}`, () => {
  let f: RolloutFixture;
  let cf: CloudFormationClient;
  let configA = '';
  const withMaxAge = (days: number) =>
    configA.replace(
      'AccessKeysRotatedParamMaxAccessKeyAge: 90',
      `AccessKeysRotatedParamMaxAccessKeyAge: ${days}`,
    );
  beforeAll(async () => {
    f = await startRolloutFixture({
      accounts: 4,
      regions: ['us-east-1', 'eu-west-1'],
      packs: ['iam-baseline'],
      depth: 1,
      delay: { baseMs: 50, jitterMs: 50 },
    });
    configA = iamBaselineAsStackSet(f.config, { base: 90 });
    f.writeConfig(configA);
    cf = new CloudFormationClient({
      endpoint: f.sandbox.stackSets.endpoint,
      region: 'us-east-1',
      credentials: FAKE_CREDENTIALS,
      maxAttempts: 1,
    });
  }, 120_000);
  afterAll(async () => {
    cf?.destroy();
    await f?.stop();
  });

  const planFile = (name: string) => join(f.repo, name);
  const requests = (action: string) => f.sandbox.stackSets.stats().requests[action] ?? 0;
  const stackSetParameters = async () =>
    (await cf.send(new DescribeStackSetCommand({ StackSetName: STACK_SET }))).StackSet?.Parameters?.map(
      (p) => `${p.ParameterKey}=${p.ParameterValue}`,
    ) ?? [];

  it('plan --out saves the stack set plan; deploy --plan applies it', async () => {
    const saved = await f.cli('plan', '--out', planFile('create.json'));
    expect(saved.code, saved.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(planFile('create.json'), 'utf8')) as {
      stackSets: Array<{
        stackSet: string;
        templateBody: string;
        observed: { exists: boolean };
        stages: Array<{ name: string; targets: { OrganizationalUnitIds: string[] }; overrides: unknown[] }>;
      }>;
    };
    const validate = new Ajv({ strict: false }).compile(PlanOutputSchema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const [stackSet] = doc.stackSets;
    expect(stackSet).toMatchObject({ stackSet: 'create', observed: { exists: false } });
    expect(stackSet!.templateBody).toContain('AWS::Config::ConformancePack');
    expect(stackSet!.stages.map((s) => s.name)).toEqual(['canary', 'production']);
    expect(stackSet!.stages[0]!.targets.OrganizationalUnitIds).toHaveLength(1);
    expect(stackSet!.stages[1]!.overrides).toEqual([
      { ParameterKey: 'AccessKeysRotatedParamMaxAccessKeyAge', ParameterValue: '30' },
    ]);

    const deployed = await f.cli(...deployArgs('--plan', planFile('create.json')));
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stderr).toContain(`${STACK_SET}: succeeded`);
    const targets = f.sandbox.org.accounts.filter(
      (a) => a.status === 'ACTIVE' && (a.path === '/Root/ou-1' || a.path === '/Root/ou-2'),
    );
    const listed = await cf.send(new ListStackInstancesCommand({ StackSetName: STACK_SET, MaxResults: 100 }));
    expect(listed.Summaries?.filter((i) => i.Status === 'CURRENT')).toHaveLength(targets.length * 2);

    // The same plan again: the stack set now exists, so the plan is stale.
    const again = await f.cli(...deployArgs('--plan', planFile('create.json')));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      `iam-baseline: stack set ${STACK_SET} was created since the plan was made`,
    );
  }, 120_000);

  it('a plan made before someone else updated the stack set is refused; nothing changes in AWS', async () => {
    const saved = await f.cli('plan', '--out', planFile('unchanged.json'));
    expect(saved.code, saved.stderr).toBe(0);
    // Another deploy changes the stack set's parameters; the checkout is then put back as planned.
    f.writeConfig(withMaxAge(60));
    const other = await f.cli(...deployArgs());
    expect(other.code, other.stderr).toBe(0);
    f.writeConfig(configA);
    const before = await stackSetParameters();
    const updates = requests('UpdateStackSet') + requests('UpdateStackInstances');

    const refused = await f.cli(...deployArgs('--plan', planFile('unchanged.json')));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the plan is not what this checkout builds and AWS holds now');
    expect(refused.stderr).toContain(
      `iam-baseline: stack set ${STACK_SET} was updated since the plan was made (its template or parameters in AWS differ)`,
    );
    expect(refused.stderr).toContain('packsmith plan --out FILE');
    expect(requests('UpdateStackSet') + requests('UpdateStackInstances')).toBe(updates);
    expect(await stackSetParameters()).toEqual(before);
  }, 120_000);

  it('a plan this checkout no longer builds is refused, naming what differs; the current plan applies', async () => {
    // Planned now (AWS has 60, the checkout 90): the stack set is updated back.
    const saved = await f.cli('plan', '--out', planFile('revert.json'));
    expect(saved.code, saved.stderr).toBe(0);
    const before = await stackSetParameters();
    expect(before.join(' ')).toContain('=60');

    f.writeConfig(withMaxAge(45));
    const refused = await f.cli(...deployArgs('--plan', planFile('revert.json')));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('iam-baseline: the stack set parameters differ');
    expect(await stackSetParameters()).toEqual(before);

    // A plan file whose template was edited is not a plan packsmith made.
    f.writeConfig(configA);
    const edited = readFileSync(planFile('revert.json'), 'utf8').replace(
      'AWS::Config::ConformancePack',
      'AWS::Config::ConformancePackX',
    );
    writeFileSync(planFile('edited.json'), edited);
    const tampered = await f.cli(...deployArgs('--plan', planFile('edited.json')));
    expect(tampered.code).toBe(2);
    expect(tampered.stderr).toContain(
      "the plan's stack set template for iam-baseline does not match its hash",
    );

    const applied = await f.cli(...deployArgs('--plan', planFile('revert.json')));
    expect(applied.code, applied.stderr).toBe(0);
    expect(await stackSetParameters()).toEqual(['AccessKeysRotatedParamMaxAccessKeyAge=90']);
  }, 120_000);
});
