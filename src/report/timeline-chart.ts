/**
 * The report's timeline as a chart (pure): accounts completed over time, one line per pack, Region
 * and wave, with the puts (deployments started) marked. Only numbers are computed here: the page
 * draws them as inline SVG through handlebars, so every text (Regions, waves, times) is escaped
 * there like the rest of the page. Deterministic: the same events give the same chart.
 */
import { statusGroup, type ReportAccountStatus, type ReportTimelineEvent } from './report-data.js';

/** The SVG's coordinate system (it scales to the page's width). */
const width = 1000;
const height = 300;
const margin = { left: 56, right: 16, top: 12, bottom: 40 };
const plotWidth = width - margin.left - margin.right;
const plotHeight = height - margin.top - margin.bottom;
/** Points per line beyond which a line is thinned (steps merged): 15,000 accounts stay a small page. */
const maxPoints = 400;
/** Distinguishable colours (Okabe–Ito), then dashes once they run out. */
const palette = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#000000', '#f0e442'];
const dashes = ['', '6 3', '2 3', '8 3 2 3'];

export interface ChartSeries {
  label: string;
  region: string;
  wave: string;
  pack: string;
  colour: string;
  dash: string;
  /** SVG path data (numbers only). */
  path: string;
  completed: number;
  first: string;
  last: string;
}

export interface ChartPut {
  x: string;
  at: string;
  label: string;
}

export interface TimelineChart {
  any: boolean;
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  title: string;
  description: string;
  xTicks: Array<{ x: string; label: string }>;
  yTicks: Array<{ y: string; label: string }>;
  xLabel: string;
  yLabel: string;
  xLabelX: number;
  xLabelY: number;
  series: ChartSeries[];
  puts: ChartPut[];
  /** Status changes the chart is drawn from. */
  events: number;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const fixed = (n: number): string => String(Math.round(n * 10) / 10);

/** A round step for about `ticks` intervals up to `max`. */
function niceStep(max: number, ticks: number): number {
  const raw = Math.max(1, max / ticks);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

const timeSteps = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
].map((s) => s * 1000);

function timeLabel(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  if (spanMs >= 86_400_000) return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  if (spanMs < 120_000) return iso.slice(11, 19);
  return iso.slice(11, 16);
}

export function timelineChart(timeline: readonly ReportTimelineEvent[], packCount: number): TimelineChart {
  // The first time each account reached a final status, per pack, Region and wave.
  const sorted = timeline
    .map((e, i) => ({ e, t: Date.parse(e.at), i }))
    .filter(({ t }) => !Number.isNaN(t))
    .sort((x, y) => x.t - y.t || x.i - y.i);
  const done = new Set<string>();
  const bySeries = new Map<string, { pack: string; region: string; wave: string; times: number[] }>();
  const puts: Array<{ t: number; e: ReportTimelineEvent }> = [];
  let events = 0;
  for (const { e, t } of sorted) {
    if (e.kind === 'deployment-started') puts.push({ t, e });
    if (e.kind !== 'status' || !e.accountId || !e.status) continue;
    events++;
    const group = statusGroup(e.status as ReportAccountStatus);
    if (group !== 'succeeded' && group !== 'failed') continue;
    const account = `${e.pack}\n${e.region}\n${e.accountId}`;
    if (done.has(account)) continue;
    done.add(account);
    const key = JSON.stringify([e.pack, e.region, e.wave ?? '']);
    const s = bySeries.get(key) ?? { pack: e.pack, region: e.region, wave: e.wave ?? '', times: [] };
    s.times.push(t);
    bySeries.set(key, s);
  }
  const times = [
    ...[...bySeries.values()].flatMap((s) => [s.times[0]!, s.times.at(-1)!]),
    ...puts.map((p) => p.t),
  ];
  let t0 = times.length ? Math.min(...times) : 0;
  let t1 = times.length ? Math.max(...times) : 0;
  if (t1 - t0 < 60_000) {
    t0 -= 30_000;
    t1 = t0 + 60_000;
  }
  const span = t1 - t0;
  const xOf = (t: number) => margin.left + ((t - t0) / span) * plotWidth;
  const maxCount = Math.max(1, ...[...bySeries.values()].map((s) => s.times.length));
  const yStep = niceStep(maxCount, 4);
  const yMax = Math.ceil(maxCount / yStep) * yStep;
  const yOf = (n: number) => margin.top + plotHeight - (n / yMax) * plotHeight;
  const iso = (t: number) => new Date(t).toISOString();

  const series = [...bySeries.values()]
    .sort(
      (a, b) => compareText(a.pack, b.pack) || compareText(a.region, b.region) || compareText(a.wave, b.wave),
    )
    .map((s, n): ChartSeries => {
      // A step line: flat until an account completes, then up. Long lines keep every k-th step.
      const k = Math.ceil(s.times.length / maxPoints);
      let d = `M${fixed(xOf(s.times[0]!))} ${fixed(yOf(0))}`;
      s.times.forEach((t, i) => {
        if ((i + 1) % k !== 0 && i !== s.times.length - 1) return;
        d += `H${fixed(xOf(t))}V${fixed(yOf(i + 1))}`;
      });
      const label = [packCount > 1 ? s.pack : '', s.region, s.wave ? `wave ${s.wave}` : '']
        .filter(Boolean)
        .join(' · ');
      return {
        label,
        pack: s.pack,
        region: s.region,
        wave: s.wave,
        colour: palette[n % palette.length]!,
        dash: dashes[Math.floor(n / palette.length) % dashes.length]!,
        path: d,
        completed: s.times.length,
        first: iso(s.times[0]!),
        last: iso(s.times.at(-1)!),
      };
    });

  const xStep = timeSteps.find((s) => span / s <= 6) ?? Math.ceil(span / 6 / 86_400_000) * 86_400_000;
  const xTicks: Array<{ x: string; label: string }> = [];
  for (let t = Math.ceil(t0 / xStep) * xStep; t <= t1; t += xStep)
    xTicks.push({ x: fixed(xOf(t)), label: timeLabel(t, span) });
  const yTicks: Array<{ y: string; label: string }> = [];
  for (let n = 0; n <= yMax; n += yStep) yTicks.push({ y: fixed(yOf(n)), label: n.toLocaleString('en-US') });

  const total = series.reduce((n, s) => n + s.completed, 0);
  return {
    any: series.length > 0 || puts.length > 0,
    width,
    height,
    plot: {
      left: margin.left,
      right: width - margin.right,
      top: margin.top,
      bottom: margin.top + plotHeight,
    },
    title: 'Accounts completed over time per Region and wave',
    description:
      `${total.toLocaleString('en-US')} account × Region completions in ${series.length} lines ` +
      `(${series.map((s) => `${s.label}: ${s.completed.toLocaleString('en-US')}`).join('; ') || 'none'}), ` +
      `${puts.length} puts marked, from ${iso(t0)} to ${iso(t1)}.`,
    xTicks,
    yTicks,
    xLabel: `Time (UTC, ${iso(t0).slice(0, 10)})`,
    yLabel: 'Accounts completed',
    xLabelX: margin.left + plotWidth / 2,
    xLabelY: height - 4,
    series,
    puts: puts.map(({ t, e }) => ({
      x: fixed(xOf(t)),
      at: e.at,
      label: `Put: ${[packCount > 1 ? e.pack : '', e.region, e.wave ? `wave ${e.wave}` : ''].filter(Boolean).join(' · ')} at ${e.at}`,
    })),
    events,
  };
}
