/**
 * Issue 16, through the CLI against the sandbox: `plan` shows each stage of a stack set pack,
 * `deploy --yes` applies them in order and says how each stage ended, a second `deploy` has nothing
 * to do.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import { deployArgs, startRolloutFixture, type RolloutFixture } from '../support/rollout-fixture.js';

describe.skipIf(!motoStatus().available)(
  `packsmith plan / deploy with engine: stackset${motoSkipNote()}`,
  () => {
    let f: RolloutFixture;
    beforeAll(async () => {
      f = await startRolloutFixture({
        accounts: 4,
        regions: ['us-east-1', 'eu-west-1'],
        packs: ['iam-baseline'],
        depth: 1,
      });
      const config = f.config.replace(
        / {2}iam-baseline:\n {4}targets:\n {6}ous: \[\/Root\]\n/,
        [
          '  iam-baseline:',
          '    engine: stackset',
          '    stages:',
          '      - { name: canary, ous: [/Root/ou-1] }',
          '      - name: production',
          '        ous: [/Root/ou-2]',
          '        parameters: { AccessKeysRotatedParamMaxAccessKeyAge: 30 }',
          '',
        ].join('\n'),
      );
      writeFileSync(join(f.repo, 'packsmith.deploy.yaml'), config);
    }, 120_000);
    afterAll(async () => {
      await f?.stop();
    });

    it('plan lists the stages; deploy applies them in order; a second deploy has nothing to do', async () => {
      const planned = await f.cli('plan');
      expect(planned.code, planned.stderr).toBe(0);
      expect(planned.stdout).toContain('iam-baseline: stack set packsmith-iam-baseline (create)');
      expect(planned.stdout).toMatch(/stage 1 canary: create, \d+ instance\(s\) to create/);
      expect(planned.stdout).toMatch(/stage 2 production: create/);

      const deployed = await f.cli(...deployArgs());
      expect(deployed.code, deployed.stderr).toBe(0);
      expect(deployed.stderr).toContain('packsmith-iam-baseline: succeeded');
      expect(deployed.stderr.indexOf('stage canary: succeeded')).toBeLessThan(
        deployed.stderr.indexOf('stage production: succeeded'),
      );

      const again = await f.cli(...deployArgs());
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('Nothing to deploy');
    }, 120_000);
  },
);
