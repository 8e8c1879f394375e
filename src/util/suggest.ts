/**
 * "Did you mean ...?" for mistyped rule identifiers and runbook names: a small, dependency-free
 * ranking by edit distance (optimal string alignment: insert, delete, substitute, swap two adjacent
 * characters) over a normalised spelling, plus a word-overlap fallback for a missing or extra word.
 */

/** Upper case with `-`, `_`, `.` and spaces dropped: `s3-bucket-versioning-enabled` ≈ `S3_BUCKET_VERSIONING_ENABLED`. */
export function normalizeForMatch(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** The words of an identifier or name: split on separators and camelCase, upper-cased. */
export function words(s: string): string[] {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toUpperCase());
}

let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/** Optimal-string-alignment distance; stops early and returns `limit + 1` once it exceeds `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  if ((rows[0] as Int32Array).length <= b.length) {
    rows = [new Int32Array(b.length * 2), new Int32Array(b.length * 2), new Int32Array(b.length * 2)];
  }
  // Three reused rows: i-2, i-1 and i.
  let prevPrev = rows[0] as Int32Array;
  let prev = rows[1] as Int32Array;
  let cur = rows[2] as Int32Array;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        d = Math.min(d, prevPrev[j - 2]! + 1);
      }
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit) return limit + 1;
    const spare = prevPrev;
    prevPrev = prev;
    prev = cur;
    cur = spare;
  }
  return prev[b.length]!;
}

/** A value to suggest and the spellings it may be matched by (e.g. identifier and documented name). */
export interface SuggestCandidate {
  value: string;
  spellings: readonly string[];
}

interface PreparedSpelling {
  value: string;
  normalized: string;
  words: readonly string[];
}

/** How many edits still count as a typo of a string of this length. */
function typoBudget(length: number): number {
  if (length <= 3) return 1;
  if (length <= 6) return 2;
  return Math.min(6, Math.floor(length / 4) + 1);
}

/** Every word of `part` is (nearly) a word of `whole`. */
function wordsWithin(part: readonly string[], whole: readonly string[]): boolean {
  return part.every((p) =>
    whole.some(
      (w) => w === p || (p.length >= 4 && Math.abs(p.length - w.length) <= 1 && editDistance(p, w, 1) <= 1),
    ),
  );
}

interface Scored {
  value: string;
  /** 0: typo of the whole spelling; 1: the same words, one or two missing or extra. */
  tier: number;
  distance: number;
}

function compare(a: Scored, b: Scored): number {
  if (a.tier !== b.tier) return a.tier - b.tier;
  if (a.distance !== b.distance) return a.distance - b.distance;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/**
 * Ranks close matches among a fixed set of candidates (normalised once, then reused per query).
 * A candidate matches when one of its spellings is within a few edits of the query (scaled by
 * length), or when the words of a multi-word query are all in it (a forgotten word) or its words
 * are all in the query (an extra word). Among typo matches only those about as close as the best
 * are kept, so a one-letter slip does not drag in unrelated entries.
 */
export class Suggester {
  private readonly spellings: PreparedSpelling[];

  constructor(candidates: Iterable<SuggestCandidate>) {
    this.spellings = [];
    for (const c of candidates) {
      for (const spelling of c.spellings) {
        this.spellings.push({
          value: c.value,
          normalized: normalizeForMatch(spelling),
          words: words(spelling),
        });
      }
    }
  }

  /** Close matches for `query`, best first, at most `max`. */
  suggest(query: string, max = 3): string[] {
    const q = normalizeForMatch(query);
    if (q.length === 0 || max <= 0) return [];
    const qWords = words(query);
    const budget = typoBudget(q.length);
    const best = new Map<string, Scored>();
    for (const s of this.spellings) {
      let scored: Scored | undefined;
      if (Math.abs(s.normalized.length - q.length) <= budget) {
        const distance = editDistance(q, s.normalized, budget);
        if (distance <= budget) scored = { value: s.value, tier: 0, distance };
      }
      if (
        !scored &&
        qWords.length >= 2 &&
        s.words.length >= 2 &&
        Math.abs(s.words.length - qWords.length) <= 2 &&
        (wordsWithin(qWords, s.words) || wordsWithin(s.words, qWords))
      ) {
        scored = { value: s.value, tier: 1, distance: editDistance(q, s.normalized) };
      }
      if (!scored) continue;
      const seen = best.get(s.value);
      if (!seen || compare(scored, seen) < 0) best.set(s.value, scored);
    }
    const ranked = [...best.values()].sort(compare);
    const closest = ranked.find((s) => s.tier === 0)?.distance;
    return ranked
      .filter((s) =>
        closest === undefined ? true : s.tier === 0 ? s.distance <= closest * 2 + 1 : closest > 2,
      )
      .slice(0, max)
      .map((s) => s.value);
  }
}

/** One-off form of `new Suggester(candidates).suggest(query, max)`. */
export function suggest(query: string, candidates: Iterable<SuggestCandidate>, max = 3): string[] {
  return new Suggester(candidates).suggest(query, max);
}

/** Close matches among plain names (block names, parameter names, field names), best first. */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  return suggest(
    word,
    [...candidates].map((value) => ({ value, spellings: [value] })),
    max,
  );
}
