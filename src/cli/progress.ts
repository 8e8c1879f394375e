/**
 * Rollout progress for people. On a terminal with colour: one line per Region, redrawn in place
 * (cursor movement is ANSI, so it needs colour to be allowed). On a terminal without colour: all
 * Regions on one line redrawn with a carriage return, which needs no escape code. Not a terminal
 * (CI logs): a plain line when a Region's counts change, at most one per 5 s per Region. `quiet`:
 * only the final lines. Whether colour is allowed (NO_COLOR, FORCE_COLOR) is the caller's decision.
 */
import type { StateCounts } from '../rollout/tracker.js';
import { printableLine } from '../util/text.js';
import { painter, type Painter } from './terminal.js';

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  stream: ProgressStream;
  quiet: boolean;
  color: boolean;
  /** Epoch milliseconds; default Date.now. */
  now?: () => number;
}

export interface Progress {
  update(region: string, counts: StateCounts, total: number): void;
  /** A message between progress lines (not shown when quiet). */
  log(line: string): void;
  /** Writes the final line of every Region. */
  finish(): void;
}

/** Shortest time between two redraws on a terminal. */
export const ttyRedrawMs = 100;
/** Shortest time between two plain lines of one Region when not on a terminal. */
export const plainLineMs = 5_000;

const barWidth = 20;

interface RegionState {
  counts: StateCounts;
  total: number;
  /** Key of the counts last written as a plain line. */
  written?: string;
  writtenAt?: number;
}

function finished(c: StateCounts): number {
  return c.succeeded + c.failed + c.suspended + c['not-reported'];
}

function key(c: StateCounts, total: number): string {
  return `${total}|${Object.values(c).join(',')}`;
}

/** `succeeded 3, failed 1, …`: only the non-zero states, in a fixed order. */
function parts(c: StateCounts, p: Painter): string[] {
  const out: string[] = [];
  const add = (n: number, label: string, paint: (s: string) => string): void => {
    if (n > 0) out.push(paint(`${label} ${n}`));
  };
  add(c.succeeded, 'succeeded', p.green);
  add(c.failed, 'failed', p.red);
  add(c['in-progress'], 'in progress', p.cyan);
  add(c.pending, 'pending', p.dim);
  add(c['not-reported'], 'not reported', p.yellow);
  add(c.suspended, 'suspended', p.dim);
  add(c.joined, 'joined', p.dim);
  add(c['outside-targets'], 'outside targets', p.dim);
  return out;
}

function bar(done: number, total: number): string {
  const filled = total === 0 ? barWidth : Math.round((done / total) * barWidth);
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
}

export function regionLine(region: string, s: RegionState, p: Painter, withBar: boolean): string {
  const done = finished(s.counts);
  const head = `${p.bold(printableLine(region))} ${done}/${s.total}`;
  const detail = parts(s.counts, p).join(', ');
  return withBar ? `${head} ${bar(done, s.total)} ${detail}` : `${head}: ${detail || 'nothing reported yet'}`;
}

export function createProgress(options: ProgressOptions): Progress {
  const { stream, quiet } = options;
  const now = options.now ?? Date.now;
  const tty = Boolean(stream.isTTY);
  const color = options.color && tty;
  const p = painter(color);
  const plain = painter(false);
  const regions = new Map<string, RegionState>();
  let drawnLines = 0; // lines of the block currently on screen (TTY with colour)
  let drawnWidth = 0; // width of the single line on screen (TTY without colour)
  let lastDraw: number | undefined;
  let finishedAll = false;

  const width = (): number => Math.max(20, (stream.columns ?? 80) - 1);
  // Truncation counts visible characters; painted text is cut only when it fits the plain length.
  const fit = (painted: string, visible: string): string =>
    visible.length <= width() ? painted : `${visible.slice(0, width() - 1)}…`;

  const clear = (): void => {
    if (color && drawnLines > 0) {
      stream.write(`\u001b[${drawnLines}A\r\u001b[J`);
      drawnLines = 0;
    } else if (!color && drawnWidth > 0) {
      stream.write(`\r${' '.repeat(drawnWidth)}\r`);
      drawnWidth = 0;
    }
  };

  const draw = (): void => {
    lastDraw = now();
    if (color) {
      const lines = [...regions].map(([r, s]) =>
        fit(regionLine(r, s, p, true), regionLine(r, s, plain, true)),
      );
      const up = drawnLines > 0 ? `\u001b[${drawnLines}A\r\u001b[J` : '';
      stream.write(`${up}${lines.join('\n')}\n`);
      drawnLines = lines.length;
      return;
    }
    const line = fit(
      [...regions].map(([r, s]) => regionLine(r, s, plain, false)).join(' | '),
      [...regions].map(([r, s]) => regionLine(r, s, plain, false)).join(' | '),
    );
    const pad = drawnWidth > line.length ? ' '.repeat(drawnWidth - line.length) : '';
    stream.write(`\r${line}${pad}`);
    drawnWidth = line.length;
  };

  return {
    update(region, counts, total) {
      if (finishedAll) return;
      const s = regions.get(region) ?? { counts, total };
      s.counts = { ...counts };
      s.total = total;
      regions.set(region, s);
      if (quiet) return;
      const t = now();
      if (tty) {
        if (lastDraw === undefined || t - lastDraw >= ttyRedrawMs) draw();
        return;
      }
      const k = key(s.counts, total);
      if (k === s.written) return;
      if (s.writtenAt !== undefined && t - s.writtenAt < plainLineMs) return;
      s.written = k;
      s.writtenAt = t;
      stream.write(`${regionLine(region, s, plain, false)}\n`);
    },
    log(line) {
      if (quiet || finishedAll) return;
      if (tty) {
        clear();
        stream.write(`${line}\n`);
        if (regions.size > 0) draw();
        return;
      }
      stream.write(`${line}\n`);
    },
    finish() {
      if (finishedAll) return;
      finishedAll = true;
      if (tty && !quiet) clear();
      for (const [r, s] of regions) stream.write(`${regionLine(r, s, color ? p : plain, false)}\n`);
    },
  };
}
