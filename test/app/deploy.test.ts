/**
 * The deploy use case driven directly, without the CLI and without patching process streams: its
 * dependencies (AWS clients, confirmation, cancellation, events, lock holder) are given, its
 * outcome is a value. Against the sandbox (moto_server + Config emulator) with a small organization.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAws } from '../../src/aws/clients.js';
import { deploy, type DeployRequest } from '../../src/app/deploy.js';
import { plan } from '../../src/app/plan.js';
import { planMarkdown } from '../../src/report/plan-markdown.js';
import type { AppEvent, RolloutDeps } from '../../src/app/events.js';
import { motoSkipNote, motoStatus } from '../support/moto.js';
import { useRolloutFixture } from '../support/rollout-fixture.js';

const available = motoStatus().available;
const REGIONS = ['us-east-1', 'eu-west-1'];

describe.skipIf(!available)(`the deploy use case, driven directly${motoSkipNote()}`, () => {
  // The SDK finds the sandbox's per-service endpoints and fake credentials in the environment.
  const rollout = useRolloutFixture({ accounts: 4, regions: REGIONS });
  const request: DeployRequest = { lockWaitSeconds: 0, tracking: { intervalMs: 100, timeoutMs: 120_000 } };

  /** Real AWS clients on the sandbox, a confirmation that says yes, every event kept. */
  const depsWith = (events: AppEvent[], more: Partial<RolloutDeps> = {}): RolloutDeps => ({
    connect: (settings) => createAws(settings),
    confirm: () => Promise.resolve(true),
    onEvent: (event) => events.push(event),
    lockHolder: { user: 'tester', host: 'test-host', pid: 424242 },
    isProcessAlive: () => true,
    ...more,
  });
  const puts = (events: readonly AppEvent[]) =>
    events.filter((e) => e.kind === 'rollout' && e.event.kind === 'put').length;
  const planned = async () => (await plan(rollout.selection, { connect: (s) => createAws(s) })).plan.summary;

  it('a confirmation answered no changes nothing: declined, no store opened, nothing put', async () => {
    const events: AppEvent[] = [];
    const questions: string[] = [];
    const outcome = await deploy(
      rollout.selection,
      request,
      depsWith(events, {
        confirm: (question) => {
          questions.push(question);
          return Promise.resolve(false);
        },
      }),
    );
    expect(outcome.kind).toBe('declined');
    expect(questions).toEqual(['Deploy 2 pack × Region change(s) as planned above?']);
    // The plan was told before the question, and nothing after it.
    expect(events.map((e) => e.kind)).toContain('plan');
    // How far planning is, told as values before the plan: each pack × Region read, of all.
    const planning = events.flatMap((e) => (e.kind === 'planning' ? [[e.done, e.total]] : []));
    expect(planning).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(events.findIndex((e) => e.kind === 'planning')).toBeLessThan(
      events.findIndex((e) => e.kind === 'plan'),
    );
    expect(puts(events)).toBe(0);
    expect(existsSync(rollout.fx.statePath)).toBe(false);
    expect(await planned()).toEqual({ create: 2, update: 0, unchanged: 0 });
  }, 120_000);

  it('a cancellation before any put returns a cancelled result and puts nothing', async () => {
    // Aborted before the call: nothing is asked.
    const before = new AbortController();
    before.abort('SIGINT');
    let asked = 0;
    const events: AppEvent[] = [];
    const early = await deploy(
      rollout.selection,
      request,
      depsWith(events, {
        signal: before.signal,
        confirm: () => {
          asked += 1;
          return Promise.resolve(true);
        },
      }),
    );
    expect(early.kind).toBe('cancelled');
    expect(asked).toBe(0);
    // Aborted while the confirmation is asked (Ctrl-C at the prompt): still nothing is put.
    const during = new AbortController();
    const late = await deploy(
      rollout.selection,
      request,
      depsWith(events, {
        signal: during.signal,
        confirm: () => {
          during.abort('SIGTERM');
          return Promise.resolve(true);
        },
      }),
    );
    expect(late.kind).toBe('cancelled');
    expect(puts(events)).toBe(0);
    expect(await planned()).toEqual({ create: 2, update: 0, unchanged: 0 });
  }, 120_000);

  it('create, then the plan says unchanged and a second deploy puts nothing', async () => {
    const first: AppEvent[] = [];
    const created = await deploy(rollout.selection, request, depsWith(first));
    if (created.kind !== 'done') throw new Error(`deploy ended ${created.kind}`);
    expect(created.interrupted).toBe(false);
    expect(created.results.map((r) => [r.region, r.operation, r.outcome])).toEqual([
      ['us-east-1', 'create', 'succeeded'],
      ['eu-west-1', 'create', 'succeeded'],
    ]);
    expect(created.results.every((r) => r.accounts.length === 5)).toBe(true);
    expect(puts(first)).toBe(2);
    expect(first.some((e) => e.kind === 'store-opened')).toBe(true);

    expect(await planned()).toEqual({ create: 0, update: 0, unchanged: 2 });

    const second: AppEvent[] = [];
    let asked = 0;
    const again = await deploy(
      rollout.selection,
      request,
      depsWith(second, {
        confirm: () => {
          asked += 1;
          return Promise.resolve(true);
        },
      }),
    );
    if (again.kind !== 'done') throw new Error(`deploy ended ${again.kind}`);
    expect(again.nothingToDo).toBe(true);
    expect(again.results).toEqual([]);
    expect(again.unchanged.map((u) => u.region).sort()).toEqual([...REGIONS].sort());
    expect(asked).toBe(0);
    expect(puts(second)).toBe(0);
  }, 180_000);

  it('after a deploy, the plan of a changed pack says what changes rule by rule', async () => {
    // Runs after the create above: the template of that deploy is staged and recorded.
    const manifest = join(rollout.fx.repo, 'packs', 's3-data-protection.yaml');
    const text = readFileSync(manifest, 'utf8');
    const edited = text
      .replace('maximumExecutionFrequency: Twelve_Hours', 'maximumExecutionFrequency: TwentyFour_Hours')
      .replace('  - s3-bucket-logging-enabled\n', '');
    expect(edited).not.toBe(text);
    writeFileSync(manifest, edited);
    const result = await plan(rollout.selection, { connect: (s) => createAws(s) });
    expect(result.plan.summary).toEqual({ create: 0, update: 2, unchanged: 0 });
    for (const region of result.plan.packs[0]!.regions) {
      expect(region.template).toBe('changed');
      expect(region.rules).toEqual([
        { rule: 's3-bucket-logging-enabled', change: 'removed', details: [] },
        {
          rule: 's3-account-level-public-access-blocks-periodic',
          change: 'changed',
          details: ['MaximumExecutionFrequency: "Twelve_Hours" → "TwentyFour_Hours"'],
        },
      ]);
    }
    // The same plan as a pull request comment: a table per pack, the rule diff in a diff block.
    const markdown = planMarkdown(result.plan);
    expect(markdown).toContain('**0 to create, 2 to update, 0 unchanged**');
    expect(markdown).toContain('| us-east-1 | **update** | changed |');
    expect(markdown).toContain(
      '```diff\n- rule s3-bucket-logging-enabled\n! rule s3-account-level-public-access-blocks-periodic\n    MaximumExecutionFrequency: "Twelve_Hours" → "TwentyFour_Hours"\n```',
    );
    // Text from the templates cannot close the code block or a table cell.
    const hostile = structuredClone(result.plan);
    hostile.packs[0]!.regions[0]!.rules![0]!.rule = 'x\n```\n# injected';
    hostile.packs[0]!.regions[0]!.reasons = ['a | b'];
    const safe = planMarkdown(hostile);
    expect(safe.match(/```/g)).toHaveLength(4);
    expect(safe).not.toContain('\n# injected');
    expect(safe).toContain('a \\| b');
  }, 120_000);
});
