/**
 * Ranked text search over catalog entries (`packsmith catalog list --text`). Pure.
 *
 * Text is compared as words: every field and the query are split at non-alphanumerics and at
 * CamelCase boundaries and lowercased, so `AWS::EC2::SecurityGroup`, `SECURITY_GROUP` and
 * "security group" are the same two words, and `maxAccessKeyAge` is "max access key age".
 *
 * A query word matches a field word when they are equal (a full match), or, for query words of three
 * letters or more, when the field word starts with it or both have the same stem ("rotation",
 * "rotated" and "rotate" share `rotat`; "groups" matches "group") (a partial match).
 *
 * Scoring (documented in README.md, "Finding rules"):
 * - every query word must match somewhere, else the entry is not listed;
 * - each query word scores the best field it matches in: identifier or name 10, description 5,
 *   resource types 3, parameter names 1; a partial match scores half;
 * - all the query's words in a row, in that order, in one field add that field's weight once more
 *   (the best such field): "security group" ranks "…security group…" above "…group of security…";
 * - ties keep the catalog's order (identifier, then name), so the result is stable.
 */
import type { ManagedRule, Runbook } from './types.js';

/** One searchable field of an entry: its texts and the weight of a match in them. */
export interface SearchField {
  texts: readonly string[];
  weight: number;
}

export interface SearchHit<T> {
  entry: T;
  score: number;
}

/** Weights of the fields of a managed rule (and of a runbook's name and parameters). */
export const searchWeights = {
  identifier: 10,
  description: 5,
  resourceType: 3,
  parameter: 1,
} as const;

/** Shortest query word that may match the start or the stem of a longer word. */
const minPartialLength = 3;

/** `AWS::EC2::SecurityGroup` → `aws ec2 security group`; `S3BucketName` → `s3 bucket name`. */
export function searchWords(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** Common English endings, longest first; a stem keeps at least four letters. */
const suffixes = ['ations', 'ation', 'ings', 'ions', 'ing', 'ion', 'ies', 'ed', 'es', 'e', 's'] as const;

export function stem(word: string): string {
  for (const suffix of suffixes) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 4) return word.slice(0, -suffix.length);
  }
  return word;
}

interface PreparedWord {
  word: string;
  stem: string;
}

const prepare = (word: string): PreparedWord => ({ word, stem: stem(word) });

/** 2 for a full match, 1 for a partial one, 0 for none. */
function wordMatch(query: PreparedWord, field: PreparedWord): number {
  if (query.word === field.word) return 2;
  if (query.word.length < minPartialLength) return 0;
  if (field.word.startsWith(query.word) || query.stem === field.stem) return 1;
  return 0;
}

/** True when the query words match consecutive words of `words` in order. */
function inARow(query: readonly PreparedWord[], words: readonly PreparedWord[]): boolean {
  if (query.length < 2) return false;
  for (let start = 0; start + query.length <= words.length; start++) {
    if (query.every((q, i) => wordMatch(q, words[start + i]!) > 0)) return true;
  }
  return false;
}

/**
 * The entries every query word matches, best first (ties in the given order). An empty query
 * lists every entry with score 0, in order.
 */
export function searchEntries<T>(
  entries: readonly T[],
  query: string,
  fields: (entry: T) => readonly SearchField[],
): Array<SearchHit<T>> {
  const queryWords = searchWords(query).map(prepare);
  if (queryWords.length === 0) return entries.map((entry) => ({ entry, score: 0 }));
  const hits: Array<SearchHit<T> & { order: number }> = [];
  entries.forEach((entry, order) => {
    const prepared = fields(entry).map((f) => ({
      weight: f.weight,
      texts: f.texts.map((t) => searchWords(t).map(prepare)),
    }));
    let score = 0;
    for (const q of queryWords) {
      let best = 0;
      for (const field of prepared) {
        for (const words of field.texts) {
          for (const w of words) best = Math.max(best, (field.weight * wordMatch(q, w)) / 2);
        }
      }
      if (best === 0) return;
      score += best;
    }
    let phrase = 0;
    for (const field of prepared) {
      if (field.texts.some((words) => inARow(queryWords, words))) phrase = Math.max(phrase, field.weight);
    }
    hits.push({ entry, score: score + phrase, order });
  });
  hits.sort((a, b) => b.score - a.score || a.order - b.order);
  return hits.map(({ entry, score }) => ({ entry, score }));
}

/** The searchable fields of a managed rule, weighted as documented above. */
export function ruleSearchFields(rule: ManagedRule): SearchField[] {
  return [
    { texts: [rule.identifier, rule.name], weight: searchWeights.identifier },
    { texts: rule.description === undefined ? [] : [rule.description], weight: searchWeights.description },
    { texts: rule.resourceTypes, weight: searchWeights.resourceType },
    { texts: rule.parameters.map((p) => p.name), weight: searchWeights.parameter },
  ];
}

/** The searchable fields of a runbook: its name, then its parameter names. */
export function runbookSearchFields(runbook: Runbook): SearchField[] {
  return [
    { texts: [runbook.name], weight: searchWeights.identifier },
    { texts: runbook.parameters.map((p) => p.name), weight: searchWeights.parameter },
  ];
}
