/**
 * Issue 14 end to end, through the CLI against moto_server and the Config emulator: a pack holding
 * ROOT_ACCOUNT_MFA_ENABLED and ACCESS_KEYS_ROTATED deployed to us-east-1 and me-central-1 (where
 * AWS documents neither). `plan` refuses, naming the rules, the Region and the setting; with
 * `unavailableRules: exclude` the plan names the controls not evaluated in me-central-1 and the
 * deploy succeeds in both Regions (the emulator fails a pack holding an unavailable rule); the
 * deployment records, the status store, `status` and the HTML report then name the rules left out
 * and their controls for me-central-1, and nothing for us-east-1.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { recordedUnavailableRules } from '../../src/rollout/records.js';
import { HistoryOutputSchema, StatusOutputSchema } from '../../src/report/schemas/rollout.js';
import {
  sandboxDeployConfig,
  sandboxTemplateBucket,
  startSandbox,
  type Sandbox,
} from '../../src/sandbox/sandbox.js';
import { openStatusStore } from '../../src/state/store.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';
import { motoSkipNote, motoStatus, s3Client } from '../support/moto.js';

const available = motoStatus().available;
const PACK = 'iam-baseline';
const REGIONS = ['us-east-1', 'me-central-1'];

describe.skipIf(!available)(`unavailable rules end to end${motoSkipNote()}`, () => {
  let sandbox: Sandbox;
  let repo: string;
  let env: Record<string, string | undefined>;
  const cli = (...args: string[]) => runCli([...args, '--root', repo], { env });
  const configPath = () => join(repo, 'packsmith.deploy.yaml');

  beforeAll(async () => {
    sandbox = await startSandbox({
      accounts: 3,
      regions: REGIONS,
      depth: 1,
      fanout: 1,
      emulator: { delay: { baseMs: 50, jitterMs: 50 } },
    });
    repo = mkdtempSync(join(tmpdir(), 'packsmith-unavailable-e2e-'));
    cpSync(join(packageRoot(), 'packs'), join(repo, 'packs'), { recursive: true });
    writeFileSync(configPath(), sandboxDeployConfig(sandbox, [PACK]));
    env = { ...sandbox.env, NODE_NO_WARNINGS: '1' };
  }, 120_000);

  afterAll(async () => {
    await sandbox?.stop();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('plan refuses by default, naming each rule, the Region and the setting to add', async () => {
    const r = await cli('plan');
    expect(r.code).not.toBe(0);
    expect(r.stderr + r.stdout).toMatch(/PS517/);
    expect(r.stderr + r.stdout).toMatch(
      /me-central-1: .*root-account-mfa-enabled \(ROOT_ACCOUNT_MFA_ENABLED\)/,
    );
    expect(r.stderr + r.stdout).toContain('`unavailableRules: exclude` under `packs.iam-baseline`');
  });

  it('with exclude: plan names the controls not evaluated in me-central-1; deploy succeeds in both Regions', async () => {
    writeFileSync(
      configPath(),
      readFileSync(configPath(), 'utf8').replace(
        `  ${PACK}:\n`,
        `  ${PACK}:\n    unavailableRules: exclude\n`,
      ),
    );
    const plan = await cli('plan', '--format', 'json');
    expect(plan.code).toBe(0);
    const doc = JSON.parse(plan.stdout) as {
      packs: Array<{
        regions: Array<{
          region: string;
          desired: {
            excludedRules: string[];
            unavailableRules?: Array<{ rule: string; controls: string[] }>;
          };
        }>;
      }>;
    };
    const byRegion = new Map(doc.packs[0]!.regions.map((r) => [r.region, r.desired]));
    expect(byRegion.get('us-east-1')?.excludedRules).toEqual([]);
    expect(byRegion.get('us-east-1')?.unavailableRules).toBeUndefined();
    const gulf = byRegion.get('me-central-1')!;
    expect(gulf.excludedRules).toContain('root-account-mfa-enabled');
    expect(gulf.unavailableRules?.find((u) => u.rule === 'root-account-mfa-enabled')?.controls).toContain(
      'CIS-AWS-3.0-1.5',
    );
    const text = await cli('plan');
    expect(text.stdout).toMatch(
      /not evaluated here: root-account-mfa-enabled \(ROOT_ACCOUNT_MFA_ENABLED; controls CIS-AWS-3\.0-1\.5/,
    );

    const r = await cli('deploy', '--yes', '--poll-interval', '0.1', '--timeout', '2', '--format', 'json');
    expect(r.stderr).not.toMatch(/InvalidParameterValueException/);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { regions: Array<{ region: string; outcome: string }> };
    expect(result.regions.map((x) => [x.region, x.outcome])).toEqual([
      ['us-east-1', 'succeeded'],
      ['me-central-1', 'succeeded'],
    ]);
  });

  it('after that deploy, the records, the status store, status and the report name what is not evaluated in me-central-1 only', async () => {
    // The deployment record in each Region's template bucket, as deploy wrote it.
    for (const region of REGIONS) {
      const s3 = s3Client({
        endpoint: sandbox.moto.endpoint,
        region,
        accountId: sandbox.org.managementAccountId,
      });
      const left = await recordedUnavailableRules(s3, {
        bucket: sandboxTemplateBucket(region),
        owner: sandbox.org.managementAccountId,
        orgPackName: PACK,
      }).finally(() => s3.destroy());
      expect(left.map((u) => u.rule)).toEqual(
        region === 'me-central-1' ? expect.arrayContaining(['root-account-mfa-enabled']) : [],
      );
    }
    // The status store's deployment rows carry the same list.
    const store = openStatusStore(join(repo, '.packsmith', 'sandbox-state.db'), { readonly: true });
    try {
      const rows = store.history({ pack: PACK });
      expect(rows.map((d) => d.region).sort()).toEqual([...REGIONS].sort());
      for (const d of rows) {
        const rules = d.unavailableRules.map((u) => u.rule);
        if (d.region === 'us-east-1') expect(rules).toEqual([]);
        else expect(rules).toContain('root-account-mfa-enabled');
      }
    } finally {
      store.close();
    }

    // history: per deployment, what it left out (JSON valid against its schema; text after the table).
    const history = await cli('history', '--format', 'json');
    expect(history.code, history.stderr).toBe(0);
    const past = JSON.parse(history.stdout) as {
      deployments: Array<{ region: string; unavailableRules?: Array<{ rule: string }> }>;
    };
    const validateHistory = new Ajv({ strict: false }).compile(HistoryOutputSchema);
    expect(validateHistory(past), JSON.stringify(validateHistory.errors)).toBe(true);
    for (const d of past.deployments) {
      if (d.region === 'us-east-1') expect(d.unavailableRules).toBeUndefined();
      else expect(d.unavailableRules?.map((u) => u.rule)).toContain('root-account-mfa-enabled');
    }
    expect((await cli('history')).stdout).toMatch(
      /deployment \d+ \(iam-baseline in me-central-1\): root-account-mfa-enabled \(ROOT_ACCOUNT_MFA_ENABLED\); controls CIS-AWS-3\.0-1\.5/,
    );

    const json = await cli('status', '--format', 'json');
    expect(json.code, json.stderr).toBe(0);
    const status = JSON.parse(json.stdout) as {
      notEvaluated: Array<{
        pack: string;
        region: string;
        rule: string;
        identifier: string;
        controls: string[];
      }>;
    };
    const validate = new Ajv({ strict: false }).compile(StatusOutputSchema);
    expect(validate(status), JSON.stringify(validate.errors)).toBe(true);
    expect(new Set(status.notEvaluated.map((u) => u.region))).toEqual(new Set(['me-central-1']));
    expect(status.notEvaluated).toContainEqual({
      pack: PACK,
      region: 'me-central-1',
      rule: 'root-account-mfa-enabled',
      identifier: 'ROOT_ACCOUNT_MFA_ENABLED',
      controls: ['CIS-AWS-3.0-1.5', 'NIST-800-53-IA-2'],
    });

    const text = await cli('status');
    expect(text.stdout).toContain(
      `  ${PACK} in me-central-1: root-account-mfa-enabled (ROOT_ACCOUNT_MFA_ENABLED); controls CIS-AWS-3.0-1.5, NIST-800-53-IA-2`,
    );
    expect(text.stdout).not.toMatch(new RegExp(`${PACK} in us-east-1: `));

    const page = join(repo, 'report.html');
    const html = await cli('status', '--format', 'html', '--output', page);
    expect(html.code).toBe(0);
    const report = readFileSync(page, 'utf8');
    expect(report).toContain('Controls not evaluated');
    expect(report).toMatch(
      /<tr data-region="me-central-1" data-rule="root-account-mfa-enabled"><th scope="row">me-central-1<\/th><td class="text">root-account-mfa-enabled<\/td><td class="text">ROOT_ACCOUNT_MFA_ENABLED<\/td><td class="text">CIS-AWS-3\.0-1\.5, NIST-800-53-IA-2<\/td><\/tr>/,
    );
    expect(report).not.toMatch(/<tr data-region="us-east-1" data-rule=/);
  });
});
