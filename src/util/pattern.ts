/**
 * User-supplied regular expressions (a template parameter's AllowedPattern, an authoring
 * parameter's `pattern:`), evaluated in time linear in the value: re2js, an RE2 port, has no
 * backtracking, so no pattern and value can make packsmith hang (`(a|aa)+b` against 44 `a`s took
 * minutes with JavaScript's engine).
 *
 * CloudFormation's AllowedPattern is a Java regular expression and must match the whole value.
 * What RE2 cannot evaluate linearly (backreferences, lookaround, atomic groups, possessive
 * quantifiers, and Java syntax RE2 does not read) is reported as `unsupported`, with the reason;
 * a pattern that no engine reads is `invalid`.
 */
import { createRequire } from 'node:module';
import type { RE2JS as RE2JSClass } from 're2js';

let engine: typeof RE2JSClass | undefined;
/** re2js, loaded on first use: most templates have no pattern to evaluate. */
const re2 = (): typeof RE2JSClass =>
  (engine ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JSClass }).RE2JS);

export type PatternResult =
  | { kind: 'match' }
  | { kind: 'mismatch' }
  /** No regular expression engine reads the pattern. */
  | { kind: 'invalid'; reason: string }
  /** A valid pattern that cannot be evaluated in linear time: the value is not checked. */
  | { kind: 'unsupported'; reason: string };

type Compiled = { re: RE2JSClass } | { kind: 'invalid' | 'unsupported'; reason: string };

/** Constructs that need backtracking, each with the words a message uses for it. */
const backtrackingConstructs: ReadonlyArray<[RegExp, string]> = [
  [/\\[1-9]|\\k</, 'a backreference'],
  [/\(\?<?[=!]/, 'a lookahead or lookbehind'],
  [/\(\?>/, 'an atomic group'],
  [/(?:[*+?]|\})\+/, 'a possessive quantifier'],
];

const cache = new Map<string, Compiled>();
const cacheLimit = 500;

function compile(pattern: string): Compiled {
  let firstError = '';
  for (const candidate of [pattern, translated(pattern)]) {
    if (candidate === undefined) continue;
    try {
      return { re: re2().compile(candidate) };
    } catch (error) {
      firstError ||= (error as Error).message.replace(/^error parsing regexp: /, '');
    }
  }
  if (!readsAsJavaScript(pattern)) return { kind: 'invalid', reason: firstError };
  const construct = backtrackingConstructs.find(([re]) => re.test(pattern))?.[1];
  return {
    kind: 'unsupported',
    reason: construct
      ? `it uses ${construct}, which needs a backtracking engine`
      : `the linear-time engine does not read it (${firstError})`,
  };
}

/** The pattern with JavaScript-only escapes (`\u0041`, `\cA`) written the RE2 way, if different. */
function translated(pattern: string): string | undefined {
  try {
    const out = re2().translateRegExp(pattern);
    return out === pattern ? undefined : out;
  } catch {
    return undefined;
  }
}

/** Whether JavaScript compiles the pattern (compiling runs nothing, so it cannot backtrack). */
function readsAsJavaScript(pattern: string): boolean {
  for (const flags of ['u', '']) {
    try {
      new RegExp(pattern, flags);
      return true;
    } catch {
      // try the next mode
    }
  }
  return false;
}

function compiled(pattern: string): Compiled {
  let entry = cache.get(pattern);
  if (!entry) {
    if (cache.size >= cacheLimit) cache.clear();
    entry = compile(pattern);
    cache.set(pattern, entry);
  }
  return entry;
}

/** Whether `pattern` matches the whole of `value`, in time linear in the value's length. */
export function matchWholeValue(pattern: string, value: string): PatternResult {
  const c = compiled(pattern);
  if (!('re' in c)) return c;
  return c.re.matches(value) ? { kind: 'match' } : { kind: 'mismatch' };
}

/** Why `pattern` cannot be checked offline (valid, but not linear-time), or undefined. */
export function uncheckablePattern(pattern: string): string | undefined {
  const c = compiled(pattern);
  return 'kind' in c && c.kind === 'unsupported' ? c.reason : undefined;
}
