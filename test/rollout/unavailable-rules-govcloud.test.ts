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
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxDeployConfig, startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';
import { motoSkipNote, motoStatus } from '../support/moto.js';

const available = motoStatus().available;
const PACK = 'iam-baseline';
const REGION = 'us-gov-west-1';

describe.skipIf(!available)(`unavailable rules in GovCloud, end to end${motoSkipNote()}`, () => {
  let sandbox: Sandbox;
  let repo: string;
  let env: Record<string, string | undefined>;
  const cli = (...args: string[]) => runCli([...args, '--root', repo], { env });
  const configPath = () => join(repo, 'packsmith.deploy.yaml');

  beforeAll(async () => {
    sandbox = await startSandbox({
      accounts: 3,
      regions: [REGION],
      depth: 1,
      fanout: 1,
      emulator: { delay: { baseMs: 50, jitterMs: 50 } },
    });
    repo = mkdtempSync(join(tmpdir(), 'packsmith-govcloud-e2e-'));
    cpSync(join(packageRoot(), 'packs'), join(repo, 'packs'), { recursive: true });
    writeFileSync(configPath(), sandboxDeployConfig(sandbox, [PACK]));
    env = { ...sandbox.env, NODE_NO_WARNINGS: '1' };
  }, 120_000);

  afterAll(async () => {
    await sandbox?.stop();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

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
    writeFileSync(
      configPath(),
      readFileSync(configPath(), 'utf8').replace(
        `  ${PACK}:\n`,
        `  ${PACK}:\n    unavailableRules: exclude\n`,
      ),
    );
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
