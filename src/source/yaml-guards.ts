/**
 * Bounds on what a YAML file may cost or mean, checked in linear time before its value is used:
 * aliases that expand far beyond the file itself (an "alias bomb") or into themselves, duplicate
 * keys, tags outside the YAML 1.2 core schema, and a `%YAML` directive for another version.
 *
 * js-yaml turns an alias into a shared reference, cheap in memory, but every later walk over the
 * value (checks, the template index, JSON.stringify) walks the expanded tree. So a file whose
 * aliases expand past a budget is refused, with the alias located: see `yamlReadingLimits`.
 */
import type { Alias, Document, Node, Pair, YAMLMap } from 'yaml';
import type * as YamlLibrary from 'yaml';
import { yamlReadingLimits } from '../facts/limits.js';

/** A problem found by a guard: a message, a fix and the source range it is about. */
export interface GuardProblem {
  message: string;
  fix: string;
  start: number;
  end: number;
}

/** The most values a file with `own` values may expand to through its aliases. */
export const expansionBudget = (own: number): number =>
  yamlReadingLimits.aliasExpansionFactor * own + yamlReadingLimits.aliasExpansionAllowance;

/**
 * How many values a plain value from js-yaml holds as written (`own`: each shared object once) and
 * once every alias is expanded (`expanded`); `cyclic` when an alias points into its own ancestor.
 * Linear in the distinct objects: each one's expanded size is computed once.
 */
export function valueExpansion(value: unknown): { own: number; expanded: number; cyclic: boolean } {
  const sizes = new Map<object, number>();
  const open = new Set<object>();
  let own = 0;
  let cyclic = false;
  const size = (v: unknown): number => {
    if (typeof v !== 'object' || v === null) return 1;
    const known = sizes.get(v);
    if (known !== undefined) return known;
    if (open.has(v)) {
      cyclic = true;
      return 1;
    }
    open.add(v);
    let total = 1;
    own += 1;
    for (const child of Object.values(v)) {
      if (typeof child !== 'object' || child === null) own += 1;
      total += size(child);
    }
    open.delete(v);
    sizes.set(v, total);
    return total;
  };
  const expanded = size(value);
  return { own: Math.max(own, 1), expanded, cyclic };
}

/** Whether a js-yaml value's aliases stay within the budget (and never point into themselves). */
export function withinAliasBudget(value: unknown): boolean {
  const { own, expanded, cyclic } = valueExpansion(value);
  return !cyclic && expanded <= expansionBudget(own);
}

/**
 * The alias that makes a parsed document exceed the expansion budget or contain itself, located;
 * undefined when the document is within the budget. Anchors resolve as YAML says (the latest
 * anchor of that name before the alias), in one pass over the document.
 */
export function aliasProblem(doc: Document.Parsed, yaml: typeof YamlLibrary): GuardProblem | undefined {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml;
  const anchors = new Map<string, Node>();
  const sourceOf = new Map<Alias, Node | undefined>();
  const aliases: Alias[] = [];
  let own = 0;
  const index = (node: unknown): void => {
    if (isPair(node)) {
      index(node.key);
      index(node.value);
      return;
    }
    if (!isAlias(node) && !isScalar(node) && !isMap(node) && !isSeq(node)) return;
    own += 1;
    if (isAlias(node)) {
      sourceOf.set(node, anchors.get(node.source));
      aliases.push(node);
      return;
    }
    if (node.anchor) anchors.set(node.anchor, node);
    if (isMap(node) || isSeq(node)) for (const item of node.items) index(item);
  };
  index(doc.contents);
  if (aliases.length === 0) return undefined;

  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  let cycle: Alias | undefined;
  const size = (node: unknown): number => {
    if (isPair(node)) return size(node.key) + size(node.value);
    if (isAlias(node)) {
      const source = sourceOf.get(node);
      if (source && open.has(source)) {
        cycle ??= node;
        return 1;
      }
      return source ? size(source) : 1;
    }
    if (!isMap(node) && !isSeq(node)) return isScalar(node) ? 1 : 0;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    open.add(node);
    let total = 1;
    for (const item of node.items) total += size(item);
    open.delete(node);
    sizes.set(node, total);
    return total;
  };
  const expanded = size(doc.contents);
  const budget = expansionBudget(own);
  const rangeOf = (alias: Alias) => ({ start: alias.range?.[0] ?? 0, end: alias.range?.[1] ?? 0 });
  if (cycle) {
    return {
      message: `YAML alias *${cycle.source} refers to a node that contains it: its value would be infinite`,
      fix: 'Remove the alias, or point it at an anchor outside the node that holds it.',
      ...rangeOf(cycle),
    };
  }
  if (expanded <= budget) return undefined;
  // Blame the alias that expands the most (the first one in the file among equals).
  let worst = aliases[0]!;
  let worstSize = -1;
  for (const alias of aliases) {
    const s = size(alias);
    if (s > worstSize) [worst, worstSize] = [alias, s];
  }
  return {
    message:
      `YAML aliases in this file expand to ${expanded.toExponential(1)} values, more than the ` +
      `${budget} allowed for a file of ${own} values (this alias alone expands to ${worstSize}): ` +
      'refused as an alias bomb',
    fix:
      `Write the repeated values out or use fewer nested aliases: aliases may expand a file to at most ` +
      `${yamlReadingLimits.aliasExpansionFactor} times its own values plus ${yamlReadingLimits.aliasExpansionAllowance}.`,
    ...rangeOf(worst),
  };
}

/**
 * Keys that appear twice in one mapping, in linear time (a set per mapping, instead of the `yaml`
 * library's pairwise `uniqueKeys`). Keys compare as the strings they become in the parsed value,
 * so `1` and `"1"` are duplicates, as they are for js-yaml.
 */
export function duplicateKeys(doc: Document.Parsed, yaml: typeof YamlLibrary): GuardProblem[] {
  const { isMap, isPair, isScalar, isSeq } = yaml;
  const problems: GuardProblem[] = [];
  const visit = (node: unknown): void => {
    if (isPair(node)) {
      visit(node.key);
      visit(node.value);
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    } else if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key) && pair.key.range) {
          const key = String(pair.key.value);
          if (seen.has(key)) {
            problems.push({
              message: `YAML syntax error: the key ${JSON.stringify(key)} appears twice in this mapping`,
              fix: 'remove or rename one of the two keys',
              start: pair.key.range[0],
              end: pair.key.range[1],
            });
          }
          seen.add(key);
        }
        visit(pair);
      }
    }
  };
  visit(doc.contents);
  return problems;
}

/** The YAML 1.2 core tags, the only ones packsmith reads (`!` is the non-specific tag). */
const coreTags = ['str', 'int', 'float', 'bool', 'null', 'seq', 'map'];

/**
 * Tags that are neither YAML 1.2 core tags nor, where `allowed` says so (CloudFormation's short
 * forms in templates), expected: the `yaml` library reads them as plain data with only a warning.
 */
export function unknownTags(
  doc: Document.Parsed,
  text: string,
  allowed: (tag: string) => boolean,
): GuardProblem[] {
  const problems: GuardProblem[] = [];
  for (const warning of doc.warnings) {
    if (warning.code !== 'TAG_RESOLVE_FAILED') continue;
    const [start, end] = warning.pos;
    const tag = text.slice(start, end).trim();
    if (allowed(tag)) continue;
    problems.push({
      message:
        `unknown YAML tag ${tag}: packsmith reads only the YAML 1.2 core tags (` +
        coreTags.map((t) => `!!${t}`).join(', ') +
        ')' +
        (allowed('!Ref') ? ' and CloudFormation short forms such as !Ref, !Sub and !If' : ''),
      fix: 'Remove the tag and write the value as plain data (quote it to keep it a string).',
      start,
      end,
    });
  }
  return problems;
}

/** A `%YAML` line at the start of a line: only then can the file hold a version directive. */
const versionDirectiveLine = /^%YAML[ \t]+(\S*)/m;

/** Whether the text may hold a `%YAML` directive (a cheap test before parsing it). */
export const mayDeclareVersion = (text: string): boolean => versionDirectiveLine.test(text);

/**
 * A `%YAML` directive for a version other than 1.2. The `yaml` library would switch to that
 * version's rules (`yes` a boolean, `012` octal), js-yaml would not: packsmith refuses the file
 * rather than read it one way while the author (or CloudFormation, which reads YAML 1.1) means
 * another.
 */
export function versionDirective(doc: Document.Parsed, text: string): GuardProblem | undefined {
  const yaml = doc.directives?.yaml;
  if (!yaml?.explicit || yaml.version === '1.2') return undefined;
  const match = versionDirectiveLine.exec(text);
  const start = match?.index ?? 0;
  return {
    message:
      `this file declares %YAML ${match?.[1] ?? yaml.version}: packsmith reads YAML 1.2 (core schema) only, ` +
      'while CloudFormation reads templates as YAML 1.1, so values such as yes, 012 or 1:30 could mean different things',
    fix: 'Remove the %YAML line (or declare %YAML 1.2) and quote any value whose meaning differs between YAML 1.1 and 1.2.',
    start,
    end: start + (match?.[0].length ?? 0),
  };
}

/** The pair for each key of a mapping, the first one when a key repeats; built once per mapping. */
export function keyIndex(yaml: typeof YamlLibrary): (map: YAMLMap) => Map<string, Pair> {
  const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();
  return (map) => {
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      for (const pair of map.items) {
        if (!yaml.isPair(pair) || !yaml.isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (!index.has(key)) index.set(key, pair as Pair);
      }
      indexes.set(map, index);
    }
    return index;
  };
}
