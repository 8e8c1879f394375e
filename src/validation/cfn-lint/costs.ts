/**
 * What each template cost cfn-lint on earlier runs, so the next run balances its batches by measured
 * time rather than by bytes (the time cfn-lint spends on a template follows its resources and
 * intrinsic functions more than its size). One file in the cfn-lint cache folder,
 * `cfn-lint-costs.json`: per template path its size and milliseconds, newest first, at most
 * `COSTS_MAX_ENTRIES`; read back only when its shape is exactly what this version writes (anything
 * else: bytes balance the batches, as on a first run).
 *
 * A cfn-lint process reports no time per file, so a batch's wall time is shared among its templates
 * in proportion to the weights the batch was planned with: a batch that ran longer than planned
 * makes its templates heavier, and the next plan moves some of them to the other batches. Each
 * batch pays one start-up, so a share includes a part of it; balancing the shares balances the
 * batches. Every function here but the two file functions is pure.
 */
import { inputFileLimits } from '../../facts/limits.js';
import { readEntryFile, writeEntryFile } from '../cache-entry.js';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';

/** Bump when the layout changes. */
export const COSTS_FORMAT = 1;
export const COSTS_FILE = 'cfn-lint-costs.json';
const COSTS_KEY = 'cfn-lint-costs';
/** packsmith's choice: as many templates as the result caches keep entries (a few hundred KB). */
export const COSTS_MAX_ENTRIES = 5000;
/** A measured time above this (one hour) was not written by packsmith: its process limit is lower. */
const MAX_MS = 60 * 60 * 1000;

export interface TemplateCost {
  /** The template's size in bytes when it was measured. */
  bytes: number;
  /** Its share of its batch's wall time, in milliseconds. */
  ms: number;
}

export type CostTable = ReadonlyMap<string, TemplateCost>;

interface CostRow extends TemplateCost {
  path: string;
}

const isRow = (v: unknown): v is CostRow => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const { path, bytes, ms } = v as Record<string, unknown>;
  return (
    typeof path === 'string' &&
    path !== '' &&
    typeof bytes === 'number' &&
    Number.isInteger(bytes) &&
    bytes >= 0 &&
    bytes <= inputFileLimits.templateBytes &&
    typeof ms === 'number' &&
    Number.isFinite(ms) &&
    ms >= 0 &&
    ms <= MAX_MS
  );
};

const isRows = (v: unknown): v is CostRow[] =>
  Array.isArray(v) &&
  v.length <= COSTS_MAX_ENTRIES &&
  v.every(isRow) &&
  new Set(v.map((r: CostRow) => r.path)).size === v.length;

/** The recorded costs; empty when the file is absent, unreadable, too large or not exactly as written. */
export async function readCosts(cacheDir: string): Promise<CostTable> {
  const rows = await readEntryFile(
    join(cacheDir, COSTS_FILE),
    { format: COSTS_FORMAT, key: COSTS_KEY, field: 'costs' },
    isRows,
    // Each row is a path and two numbers: 5000 rows of long paths stay far below this.
    8 * 1024 * 1024,
  );
  return new Map((rows ?? []).map((r) => [r.path, { bytes: r.bytes, ms: r.ms }]));
}

/** Writes the table atomically (newest first, as given). */
export async function writeCosts(cacheDir: string, table: CostTable): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const costs = [...table].map(([path, c]) => ({ path, bytes: c.bytes, ms: Math.round(c.ms * 10) / 10 }));
  await writeEntryFile(join(cacheDir, COSTS_FILE), { format: COSTS_FORMAT, key: COSTS_KEY, costs });
}

/**
 * The weight of each template for `planBatches`: its recorded time (scaled by its size when the size
 * changed); for a template never measured, its bytes at the recorded templates' milliseconds per
 * byte. With nothing recorded, the weights are the bytes.
 */
export function costWeights(
  units: ReadonlyArray<{ path: string; bytes: number }>,
  costs: CostTable,
): number[] {
  const known = units.map((u) => {
    const c = costs.get(u.path);
    return c !== undefined && c.bytes > 0 ? c : undefined;
  });
  let ms = 0;
  let bytes = 0;
  for (const c of known) {
    if (c) {
      ms += c.ms;
      bytes += c.bytes;
    }
  }
  if (ms <= 0 || bytes <= 0) return units.map((u) => u.bytes);
  const perByte = ms / bytes;
  return units.map((u, i) => {
    const c = known[i];
    return c ? c.ms * (u.bytes / c.bytes) : u.bytes * perByte;
  });
}

/**
 * What one batch measured: its wall time shared among its templates in proportion to the weights it
 * was planned with (equally when they are all zero).
 */
export function batchCosts(
  batch: ReadonlyArray<{ path: string; bytes: number; weight: number }>,
  elapsedMs: number,
): Array<[string, TemplateCost]> {
  const total = batch.reduce((n, u) => n + u.weight, 0);
  const time = Math.min(MAX_MS, Math.max(0, elapsedMs));
  return batch.map((u) => [
    u.path,
    { bytes: u.bytes, ms: total > 0 ? (time * u.weight) / total : time / batch.length },
  ]);
}

/**
 * The table after a run: the fresh measurements first (averaged with the recorded time of a template
 * of the same size, which damps a noisy run), then the older entries, at most `max` in all.
 */
export function mergeCosts(
  previous: CostTable,
  fresh: ReadonlyArray<[string, TemplateCost]>,
  max: number = COSTS_MAX_ENTRIES,
): Map<string, TemplateCost> {
  const next = new Map<string, TemplateCost>();
  for (const [path, cost] of fresh) {
    const old = previous.get(path);
    next.set(
      path,
      old && old.bytes === cost.bytes ? { bytes: cost.bytes, ms: (old.ms + cost.ms) / 2 } : cost,
    );
  }
  for (const [path, cost] of previous) {
    if (next.size >= max) break;
    if (!next.has(path)) next.set(path, cost);
  }
  if (next.size > max) return new Map([...next].slice(0, max));
  return next;
}
