/**
 * The plan use case tells how far it is as values (pure core: no printing), and `packsmith plan`
 * shows that progress on stderr only: stdout stays the plan, parseable with `--format json`.
 * Against the sandbox (moto_server + Config emulator) with a small organization in two Regions.
 */
import { describe, expect, it } from 'vitest';
import { createAws } from '../../src/aws/clients.js';
import { plan } from '../../src/app/plan.js';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import { deployArgs, useRolloutFixture } from '../support/rollout-fixture.js';
import { withStderrTerminal } from '../support/cli.js';

const available = motoStatus().available;
const REGIONS = ['us-east-1', 'eu-west-1'];

describe.skipIf(!available)(`plan progress${motoSkipNote()}`, () => {
  const rollout = useRolloutFixture({ accounts: 2, regions: REGIONS });

  it('the core reports each pack × Region observed, as done of total, in order', async () => {
    const seen: Array<[number, number]> = [];
    const result = await plan(rollout.selection, {
      connect: (s) => createAws(s),
      onProgress: (done, total) => seen.push([done, total]),
    });
    expect(result.plan.packs[0]!.regions.map((r) => r.region)).toEqual(REGIONS);
    expect(seen).toEqual([
      [1, 2],
      [2, 2],
    ]);
  }, 120_000);

  it('plan --format json: stdout parses; the progress is drawn on stderr only', async () => {
    const r = await withStderrTerminal(() => rollout.fx.cli('plan', '--format', 'json'));
    expect(r.code).toBe(0);
    const document = JSON.parse(r.stdout) as { kind: string; summary: { create: number } };
    expect(document.kind).toBe('plan');
    expect(document.summary.create).toBe(2);
    expect(r.stdout).not.toContain('pack × Region');
    expect(r.stderr).toContain('reading pack × Region: 2/2');
    // The bar is redrawn in place and cleared at the end: no line of it is left behind.
    expect(r.stderr).not.toMatch(/pack × Region: \d+\/\d+ *\n/);
  }, 120_000);

  it('plan --quiet: no progress at all, on a terminal or not', async () => {
    const r = await withStderrTerminal(() => rollout.fx.cli('plan', '--format', 'json', '--quiet'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'plan' });
    expect(r.stderr).not.toContain('pack × Region');
  }, 120_000);

  it('off a terminal (a pipe), a quick plan prints no progress line and stdout is the JSON alone', async () => {
    const child = rollout.fx.spawnCli(['plan', '--format', 'json']);
    const exit = await child.exited;
    expect(exit.code).toBe(0);
    expect(JSON.parse(exit.stdout)).toMatchObject({ kind: 'plan' });
    expect(exit.stderr).not.toContain('\r');
  }, 120_000);

  it('deploy shows the same planning progress on a terminal before its plan (last: it deploys)', async () => {
    const r = await withStderrTerminal(() => rollout.fx.cli(...deployArgs()));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('reading pack × Region: 2/2');
    expect(r.stderr.indexOf('reading pack × Region: 2/2')).toBeLessThan(
      r.stderr.indexOf('Plan: 2 to create'),
    );
    expect(r.stdout).not.toContain('pack × Region:');
  }, 120_000);
});
