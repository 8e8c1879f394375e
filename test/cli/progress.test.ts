import { describe, expect, it } from 'vitest';
import { createProgress, plainLineMs, ttyRedrawMs } from '../../src/cli/progress.js';
import { formatRolloutSummary, summaryJson } from '../../src/cli/rollout-summary.js';
import { hintFor, notReportedHint } from '../../src/rollout/hints.js';
import { createTracker, emptyCounts } from '../../src/rollout/tracker.js';
import type { StateCounts } from '../../src/rollout/tracker.js';

const ansi = '\u001b[';

function fakeStream(isTTY: boolean, columns = 120) {
  const writes: string[] = [];
  return {
    writes,
    stream: { isTTY, columns, write: (s: string) => writes.push(s) },
    text: () => writes.join(''),
  };
}

const counts = (c: Partial<StateCounts>): StateCounts => ({ ...emptyCounts(), ...c });

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('createProgress', () => {
  it('not a TTY: a plain line only when counts change, at most one per 5 s per Region, and the final one', () => {
    const f = fakeStream(false);
    const c = clock();
    const p = createProgress({ stream: f.stream, quiet: false, color: true, now: c.now });
    p.update('us-east-1', counts({ pending: 10 }), 10);
    p.update('us-east-1', counts({ pending: 10 }), 10); // unchanged
    c.advance(plainLineMs);
    p.update('us-east-1', counts({ pending: 10 }), 10); // unchanged, even after 5 s
    expect(f.writes).toHaveLength(1);
    p.update('us-east-1', counts({ pending: 5, 'in-progress': 5 }), 10);
    c.advance(1000);
    p.update('us-east-1', counts({ pending: 2, 'in-progress': 8 }), 10); // within 5 s: skipped
    p.update('eu-west-1', counts({ pending: 3 }), 3); // another Region has its own budget
    expect(f.writes).toHaveLength(3);
    p.log('a message');
    p.update('us-east-1', counts({ succeeded: 9, failed: 1 }), 10);
    p.finish();
    const lines = f.text().split('\n').filter(Boolean);
    expect(lines.at(-2)).toMatch(/^us-east-1 10\/10: succeeded 9, failed 1$/);
    expect(lines.at(-1)).toMatch(/^eu-west-1 0\/3: pending 3$/);
    expect(lines).toContain('a message');
    expect(f.text()).not.toContain(ansi); // colour asked for, but not a terminal
    expect(f.text()).not.toContain('\r');
  });

  it('quiet: only the final lines', () => {
    const f = fakeStream(true);
    const c = clock();
    const p = createProgress({ stream: f.stream, quiet: true, color: true, now: c.now });
    p.update('us-east-1', counts({ pending: 4 }), 4);
    c.advance(1000);
    p.update('us-east-1', counts({ succeeded: 4 }), 4);
    p.log('hidden');
    expect(f.writes).toEqual([]);
    p.finish();
    expect(f.text().split('\n').filter(Boolean)).toHaveLength(1);
    expect(f.text()).toMatch(/us-east-1.*4\/4/);
    expect(f.text()).not.toContain('hidden');
  });

  it('TTY with colour: one redrawn line per Region with a bar, at most every 100 ms', () => {
    const f = fakeStream(true);
    const c = clock();
    const p = createProgress({ stream: f.stream, quiet: false, color: true, now: c.now });
    p.update('us-east-1', counts({ pending: 4 }), 4);
    p.update('eu-west-1', counts({ pending: 2 }), 2); // within 100 ms: not drawn
    expect(f.writes).toHaveLength(1);
    c.advance(ttyRedrawMs);
    p.update('us-east-1', counts({ succeeded: 2, 'in-progress': 2 }), 4);
    expect(f.writes).toHaveLength(2);
    const redraw = f.writes[1] ?? '';
    expect(redraw.startsWith('\u001b[1A')).toBe(true); // back over the one line drawn before
    expect(redraw.split('\n').filter(Boolean)).toHaveLength(2); // one line per Region
    expect(redraw).toContain('[##########----------]');
    expect(redraw).toContain(ansi);
    p.finish();
    expect(f.writes.at(-1)).toMatch(/eu-west-1/);
  });

  it('TTY without colour: never an ANSI code, redraws with a carriage return', () => {
    const f = fakeStream(true, 60);
    const c = clock();
    const p = createProgress({ stream: f.stream, quiet: false, color: false, now: c.now });
    for (let i = 0; i <= 4; i += 1) {
      p.update('us-east-1', counts({ succeeded: i, pending: 4 - i }), 4);
      p.update('ap-southeast-2', counts({ succeeded: i, pending: 4 - i }), 4);
      c.advance(150);
    }
    p.log('note');
    p.finish();
    expect(f.text()).not.toContain(ansi);
    expect(f.writes.filter((w) => w.startsWith('\r')).length).toBeGreaterThan(3);
    for (const w of f.writes)
      for (const line of w.split(/[\r\n]/)) expect(line.length).toBeLessThanOrEqual(59);
    expect(f.text().trimEnd().split('\n').at(-1)).toMatch(/ap-southeast-2 4\/4: succeeded 4/);
  });
});

describe('formatRolloutSummary', () => {
  function finishedTracker() {
    const since = new Date('2026-01-01T00:00:00Z');
    const t = createTracker({
      operation: 'create',
      since,
      targets: [
        { id: '111111111111', name: 'prod-web', ouPath: '/Root/Prod' },
        { id: '222222222222', name: 'dev', ouPath: '/Root/Dev' },
        { id: '333333333333', name: 'old', ouPath: '/Root' },
        { id: '444444444444', name: 'slow', ouPath: '/Root' },
        { id: '555555555555', name: 'ok', ouPath: '/Root' },
      ],
      excluded: ['999999999999'],
    });
    const later = new Date(since.getTime() + 5000);
    t.observe([
      {
        accountId: '111111111111',
        status: 'CREATE_FAILED',
        errorCode: 'NoAvailableConfigurationRecorderException',
        errorMessage:
          'You must create a configuration recorder before you can create or update a Config rule.',
        lastUpdateTime: later,
      },
      { accountId: '444444444444', status: 'CREATE_IN_PROGRESS', lastUpdateTime: later },
      { accountId: '555555555555', status: 'CREATE_SUCCESSFUL', lastUpdateTime: later },
      { accountId: '777777777777', status: 'CREATE_IN_PROGRESS', lastUpdateTime: later },
    ]);
    t.markSuspended(['333333333333']);
    t.expire();
    return t;
  }

  it('lists failed accounts by cause with id, name, OU path, error and hint; suspended and joined apart', () => {
    const t = finishedTracker();
    const text = formatRolloutSummary({
      pack: 'baseline',
      region: 'us-east-1',
      operation: 'create',
      accounts: t.accounts(),
      counts: t.counts(),
      outcome: 'timed-out',
      color: false,
    });
    expect(text).not.toContain(ansi);
    expect(text.split('\n')[0]).toBe(
      'baseline create in us-east-1 timed out: 1 of 5 accounts succeeded, 1 failed, 2 not reported, 1 suspended',
    );
    const failed = text.slice(
      text.indexOf('Failures by cause (1 cause(s), 1 account(s))'),
      text.indexOf('Not reported'),
    );
    expect(failed).toContain('111111111111 prod-web (/Root/Prod)');
    expect(failed).toContain('retry once fixed: packsmith deploy baseline');
    expect(failed).toContain('NoAvailableConfigurationRecorderException');
    expect(failed).toContain('You must create a configuration recorder');
    expect(failed).toContain(hintFor('NoAvailableConfigurationRecorderException') ?? 'missing hint');
    const notReported = text.slice(text.indexOf('Not reported'), text.indexOf('Suspended'));
    expect(notReported).toContain('444444444444 slow (/Root): last status CREATE_IN_PROGRESS');
    expect(notReported).toContain('222222222222 dev (/Root/Dev): last status none');
    expect(notReported).toContain(notReportedHint);
    expect(text).toMatch(/Suspended .*not counted as failures \(1\):\n {2}333333333333 old/);
    expect(text).toMatch(/Joined .*not counted as failures \(1\):\n {2}777777777777: CREATE_IN_PROGRESS/);
    expect(formatRolloutSummary({ ...baseInput(t), color: true })).toContain(ansi);
  });

  const baseInput = (t: ReturnType<typeof finishedTracker>) => ({
    pack: 'baseline',
    region: 'us-east-1',
    operation: 'create' as const,
    accounts: t.accounts(),
    counts: t.counts(),
    outcome: 'timed-out' as const,
  });

  it('summaryJson groups the same accounts for --format json', () => {
    const t = finishedTracker();
    const json = summaryJson(baseInput(t));
    expect(json.targets).toBe(5);
    expect(json.failed.map((a) => [a.id, a.errorCode, a.hint !== null])).toEqual([
      ['111111111111', 'NoAvailableConfigurationRecorderException', true],
    ]);
    expect(json.notReported.map((a) => a.id)).toEqual(['222222222222', '444444444444']);
    expect(json.notReported.every((a) => a.hint === notReportedHint)).toBe(true);
    expect(json.suspended.map((a) => a.id)).toEqual(['333333333333']);
    expect(json.joined.map((a) => [a.id, a.hint])).toEqual([['777777777777', null]]);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
