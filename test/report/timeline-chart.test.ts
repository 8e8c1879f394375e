/**
 * The timeline chart's numbers (pure): accounts completed over time per Region and wave, counted
 * once each at their first final status, with the puts marked and the axes labelled.
 */
import { describe, expect, it } from 'vitest';
import type { ReportTimelineEvent } from '../../src/report/report-data.js';
import { timelineChart } from '../../src/report/timeline-chart.js';

const at = (minute: number, second = 0) =>
  new Date(Date.parse('2026-11-26T09:00:00.000Z') + minute * 60_000 + second * 1_000).toISOString();
const status = (
  minute: number,
  region: string,
  accountId: string,
  s: string,
  wave?: string,
): ReportTimelineEvent => ({
  at: at(minute),
  pack: 'baseline',
  region,
  kind: 'status',
  accountId,
  status: s,
  ...(wave ? { wave } : {}),
});

describe('timelineChart', () => {
  const events: ReportTimelineEvent[] = [
    { at: at(0), pack: 'baseline', region: 'us-east-1', kind: 'deployment-started', wave: 'canary' },
    status(1, 'us-east-1', '111111111111', 'CREATE_IN_PROGRESS', 'canary'),
    status(2, 'us-east-1', '111111111111', 'CREATE_SUCCESSFUL', 'canary'),
    // Seen again later: still one completion.
    status(9, 'us-east-1', '111111111111', 'CREATE_SUCCESSFUL', 'canary'),
    status(3, 'us-east-1', '222222222222', 'CREATE_FAILED', 'canary'),
    { at: at(10), pack: 'baseline', region: 'us-east-1', kind: 'deployment-started', wave: 'main' },
    status(12, 'us-east-1', '333333333333', 'CREATE_SUCCESSFUL', 'main'),
    status(4, 'eu-west-1', '111111111111', 'CREATE_SUCCESSFUL', 'canary'),
    status(5, 'eu-west-1', '444444444444', 'CREATE_IN_PROGRESS', 'canary'),
  ];
  const chart = timelineChart(events, 1);

  it('draws one line per Region and wave, counting each account once at its first final status', () => {
    expect(chart.series.map((s) => [s.label, s.completed, s.first, s.last])).toEqual([
      ['eu-west-1 · wave canary', 1, at(4), at(4)],
      ['us-east-1 · wave canary', 2, at(2), at(3)],
      ['us-east-1 · wave main', 1, at(12), at(12)],
    ]);
    expect(chart.events).toBe(7);
  });

  it('marks every put and labels the axes and the chart', () => {
    expect(chart.puts.map((p) => p.label)).toEqual([
      `Put: us-east-1 · wave canary at ${at(0)}`,
      `Put: us-east-1 · wave main at ${at(10)}`,
    ]);
    expect(chart.title).toBe('Accounts completed over time per Region and wave');
    expect(chart.yLabel).toBe('Accounts completed');
    expect(chart.xLabel).toBe('Time (UTC, 2026-11-26)');
    expect(chart.xTicks.map((t) => t.label)).toContain('09:10');
    expect(chart.yTicks.map((t) => t.label)).toEqual(['0', '1', '2']);
    expect(chart.description).toContain('3 lines');
    expect(chart.description).toContain('2 puts marked');
    // The first put is at the left edge, the last completion at the right edge of the plot.
    expect(Number(chart.puts[0]!.x)).toBe(chart.plot.left);
    expect(chart.series[2]!.path).toMatch(new RegExp(`H${chart.plot.right}V`));
  });

  it('names the pack in each line when there are several, and is deterministic', () => {
    expect(timelineChart(events, 2).series[0]!.label).toBe('baseline · eu-west-1 · wave canary');
    expect(timelineChart([...events].reverse(), 1)).toEqual(chart);
  });

  it('keeps path data to numbers and a bounded number of points at 5,000 accounts', () => {
    const many = Array.from({ length: 5_000 }, (_, i) =>
      status(0, 'us-east-1', String(100000000000 + i), 'CREATE_SUCCESSFUL'),
    ).map((e, i) => ({ ...e, at: at(0, i) }));
    const big = timelineChart(many, 1);
    expect(big.series).toHaveLength(1);
    expect(big.series[0]!.completed).toBe(5_000);
    expect(big.series[0]!.path).toMatch(/^[MHV0-9. ]+$/);
    expect(big.series[0]!.path.match(/V/g)!.length).toBeLessThanOrEqual(401);
    // The line still ends at 5,000: every account counted.
    const yMax = Number(big.yTicks.at(-1)!.label.replace(/,/g, ''));
    const y = big.plot.bottom - (5_000 / yMax) * (big.plot.bottom - big.plot.top);
    expect(big.series[0]!.path.endsWith(`V${Math.round(y * 10) / 10}`)).toBe(true);
  });

  it('has nothing to draw without events', () => {
    expect(timelineChart([], 1).any).toBe(false);
  });
});
