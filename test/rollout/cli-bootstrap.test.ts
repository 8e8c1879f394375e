/**
 * Issue 16, through the CLI against the sandbox: `bootstrap plan` shows the bootstrap stack sets and
 * changes nothing; `bootstrap --yes` creates the remediation role (first Region) and the recorder
 * (every Region) in every target account, after which preflight finds the role everywhere (PS548
 * before); a second run has nothing to do.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import { startRolloutFixture, type RolloutFixture } from '../support/rollout-fixture.js';

const ROLE = 'packsmith-s3-remediation';
const follow = ['--poll-interval', '0.1', '--timeout', '5'];

describe.skipIf(!motoStatus().available)(`packsmith bootstrap${motoSkipNote()}`, () => {
  let f: RolloutFixture;
  beforeAll(async () => {
    f = await startRolloutFixture({
      accounts: 4,
      regions: ['us-east-1', 'eu-west-1'],
      packs: ['s3-data-protection'],
      depth: 1,
    });
    writeFileSync(
      join(f.repo, 'packsmith.deploy.yaml'),
      `${f.config}bootstrap:\n  roles:\n    ${ROLE}:\n      managedPolicyArns: [arn:aws:iam::aws:policy/AmazonS3FullAccess]\n  recorder:\n    deliveryBucket: config-delivery\n`,
    );
  }, 120_000);
  afterAll(async () => {
    await f?.stop();
  });

  it('plan changes nothing; bootstrap creates the role and the recorder everywhere; again: nothing to do', async () => {
    const emu = f.sandbox.stackSets;
    const planned = await f.cli('bootstrap', 'plan');
    const planText = planned.stdout + planned.stderr;
    expect(planned.code, planText).toBe(0);
    expect(planText).toContain('packsmith-bootstrap: stack set packsmith-bootstrap (create)');
    expect(planText).toContain(
      'packsmith-bootstrap-recorder: stack set packsmith-bootstrap-recorder (create)',
    );
    expect(planText).toContain(`remediation role ${ROLE}: s3-data-protection`);
    expect(planText).toContain('Dry run: nothing was changed');
    expect(emu.roleAccounts(ROLE)).toEqual([]);

    // Before bootstrap, preflight names the role and its accounts (a warning: exit 0).
    const before = await f.cli('preflight');
    expect(before.code, before.stdout + before.stderr).toBe(0);
    expect(before.stdout).toMatch(
      new RegExp(
        `warning PS548 \\[pack s3-data-protection\\] remediation role ${ROLE} of pack s3-data-protection is not verified`,
      ),
    );
    expect(before.stdout).toMatch(/\d+ accounts: \d{12}/);

    const done = await f.cli('bootstrap', '--yes', ...follow);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain('packsmith-bootstrap: succeeded');
    expect(done.stderr).toContain('packsmith-bootstrap-recorder: succeeded');
    const members = f.sandbox.org.accounts
      .filter((a) => a.status === 'ACTIVE' && a.id !== f.sandbox.org.managementAccountId)
      .map((a) => a.id)
      .sort();
    expect([...emu.roleAccounts(ROLE)].sort()).toEqual(members);
    for (const account of members) {
      for (const region of ['us-east-1', 'eu-west-1']) {
        const recorders = emu.deployed(account, region).flatMap((s) => s.resources.recorders);
        expect(
          recorders.map((r) => r.name),
          `${account} ${region}`,
        ).toEqual(['default']);
      }
    }

    // After bootstrap, preflight finds nothing missing.
    const after = await f.cli('preflight');
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(after.stdout).not.toContain('PS548');

    const again = await f.cli('bootstrap', '--yes', ...follow);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('Nothing to bootstrap: every stack set is up to date.');
  }, 180_000);
});
