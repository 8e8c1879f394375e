/**
 * Issue 14's scenario in GovCloud, through the CLI against the sandbox's GovCloud organization: the
 * iam-baseline pack holds ROOT_ACCOUNT_MFA_ENABLED, which AWS documents as unavailable in
 * us-gov-west-1. `plan` refuses naming the rule, the Region and the setting; with
 * `unavailableRules: exclude` the plan leaves out that rule and only it, the deploy succeeds (the
 * emulator fails a pack holding it), and `status` and the report name the control not evaluated.
 *
 * One configuration does not span partitions (PS516: credentials, Organizations and ARNs are per
 * partition), so the commercial half of the issue's us-east-1 + us-gov-west-1 scenario is the
 * us-east-1 + me-central-1 test beside this one (unavailable-rules-e2e.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import { startRolloutFixture, type RolloutFixture } from '../support/rollout-fixture.js';

const available = motoStatus().available;
const PACK = 'iam-baseline';
const REGION = 'us-gov-west-1';

describe.skipIf(!available)(`unavailable rules in GovCloud, end to end${motoSkipNote()}`, () => {
  let fx: RolloutFixture;
  const cli = (...args: string[]) => fx.cli(...args);

  beforeAll(async () => {
    fx = await startRolloutFixture({
      accounts: 3,
      regions: [REGION],
      packs: [PACK],
      depth: 1,
      fanout: 1,
      delay: { baseMs: 50, jitterMs: 50 },
    });
  }, 120_000);
  afterAll(() => fx?.stop());

  it('plan refuses by default, naming the rule, us-gov-west-1 and the setting to add', async () => {
    const r = await cli('plan');
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/PS517/);
    expect(r.stderr + r.stdout).toMatch(
      /us-gov-west-1: .*root-account-mfa-enabled \(ROOT_ACCOUNT_MFA_ENABLED\)/,
    );
    expect(r.stderr + r.stdout).toContain('`unavailableRules: exclude` under `packs.iam-baseline`');
  });

  it('with exclude: the template lacks that rule and only it, the deploy succeeds, status names the control', async () => {
    const excluding = fx.config.replace(`  ${PACK}:\n`, `  ${PACK}:\n    unavailableRules: exclude\n`);
    expect(excluding).not.toBe(fx.config);
    fx.writeConfig(excluding);
    const plan = await cli('plan', '--format', 'json');
    expect(plan.code, plan.stderr).toBe(0);
    const desired = (
      JSON.parse(plan.stdout) as {
        packs: Array<{ regions: Array<{ desired: { excludedRules: string[] } }> }>;
      }
    ).packs[0]!.regions[0]!.desired;
    expect(desired.excludedRules).toEqual(['root-account-mfa-enabled']);

    const r = await cli('deploy', '--yes', '--poll-interval', '0.1', '--timeout', '2', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { regions: Array<{ region: string; outcome: string }> };
    expect(result.regions.map((x) => [x.region, x.outcome])).toEqual([[REGION, 'succeeded']]);

    const status = JSON.parse((await cli('status', '--format', 'json')).stdout) as {
      notEvaluated: Array<{ region: string; rule: string; controls: string[] }>;
    };
    expect(status.notEvaluated.map((u) => [u.region, u.rule])).toEqual([
      [REGION, 'root-account-mfa-enabled'],
    ]);
    expect(status.notEvaluated[0]!.controls).toContain('CIS-AWS-3.0-1.5');
  });
});
