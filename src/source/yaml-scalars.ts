/**
 * Unquoted values whose meaning depends on the YAML version, or that lose digits on the way to a
 * number. packsmith reads files as YAML 1.2 (core schema), CloudFormation reads templates as
 * YAML 1.1: `012345678901` is the number 12345678901 in one and the text "012345678901" in the
 * other; `0755` is 755 or 493; `yes` is a text or a boolean; `1:30` a text or 90;
 * `9007199254740993` becomes 9007199254740992; `.inf` has no text form at all.
 *
 * A cheap scan of the text decides whether such a plain scalar may exist; only then is the
 * positioned document (the `yaml` library's, already kept by YamlSource) walked for the exact
 * scalars, each with its path and its text as written.
 */
import { yamlLibrary } from './yaml-library.js';
import type { Node } from 'yaml';
import type { YamlPath, YamlSource } from './yaml-source.js';

export interface AmbiguousScalar {
  path: YamlPath;
  /** The scalar as written. */
  text: string;
  /** How readers take it, e.g. 'YAML 1.2 reads the number 755, YAML 1.1 (CloudFormation) the octal number 493'. */
  reading: string;
}

const yamlLib = yamlLibrary;

const booleans11 = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;
const true11 = /^(?:y|Y|yes|Yes|YES|on|On|ON)$/;
const decimal = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Why a plain scalar written `text` is ambiguous or inexact, or undefined when it is not. */
export function ambiguousReading(text: string): string | undefined {
  const v11 = 'YAML 1.1 (CloudFormation)';
  if (booleans11.test(text))
    return `${v11} reads the boolean ${true11.test(text) ? 'true' : 'false'}, YAML 1.2 the text "${text}"`;
  if (/^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/.test(text))
    return 'it is a number with no text form, written as an empty value';
  if (/^[-+]?0\d+$/.test(text)) {
    const as12 = String(Number(text));
    const as11 = /^[-+]?0[0-7]+$/.test(text) ? `the octal number ${parseInt(text, 8)}` : `the text "${text}"`;
    return `YAML 1.2 reads the number ${as12}, ${v11} ${as11}`;
  }
  if (/^[-+]?0o[0-7]+$/.test(text))
    return `YAML 1.2 reads the octal number ${parseInt(text.replace('0o', ''), 8)}, ${v11} the text "${text}"`;
  if (/^[-+]?0x[0-9a-fA-F_]+$/.test(text))
    return `it is read as the number ${Number(text.replace(/_/g, ''))}, not the text "${text}"`;
  if (/^[-+]?0b[01_]+$/.test(text))
    return `${v11} reads the binary number ${parseInt(text.replace(/^[-+]?0b|_/g, ''), 2)}, YAML 1.2 the text "${text}"`;
  if (/^[-+]?\d[\d_]*(?::[0-5]?\d)+(?:\.[\d_]*)?$/.test(text))
    return `${v11} reads a base-60 number, YAML 1.2 the text "${text}"`;
  if (/^[-+]?[\d.]*\d_[\d_.]*(?:[eE][-+]?\d+)?$/.test(text))
    return `${v11} reads the number ${Number(text.replace(/_/g, ''))}, YAML 1.2 the text "${text}"`;
  if (decimal.test(text)) return inexactReading(text);
  return undefined;
}

/** A decimal number that does not keep its digits: beyond 2^53 - 1, or more digits than a double holds. */
function inexactReading(text: string): string | undefined {
  const n = Number(text);
  if (!Number.isFinite(n)) return 'it is too large for a number';
  const integer = /^[-+]?\d+$/.test(text);
  if (integer && !Number.isSafeInteger(n))
    return `integers beyond 2^53 - 1 are not exact: it is read as ${String(n)}`;
  if (significant(text) !== significant(String(n)))
    return `it has more digits than a number keeps: it is read as ${String(n)}`;
  return undefined;
}

/** The significant digits of a decimal number's text. */
function significant(text: string): string {
  const mantissa = text.replace(/^[-+]/, '').split(/[eE]/)[0]!;
  return mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
}

/**
 * Text that may hold an ambiguous plain scalar, in a value position (after whitespace or a flow
 * indicator): a number with a leading zero, 16 digits, an exponent, `_` or `:`, a long fraction,
 * a 0o/0x/0b prefix, .inf/.nan, or a YAML 1.1 boolean word ending its line or flow item. Loose on
 * purpose: it only decides whether the document is walked.
 */
const candidate = new RegExp(
  String.raw`(?:^|[\s[{,])(?:[-+]?(?:0\d|\d{16}|[\d.]+[eE]|\d[\d.]*[_:]|\d*\.\d{15}|0[oxbOXB]|\.(?:inf|Inf|INF|nan|NaN|NAN))` +
    String.raw`|(?:[yYnN]|[yY]es|YES|[nN]o|NO|[oO]n|ON|[oO]ff|OFF)[ \t]*(?:$|[#,\]}]))`,
  'gm',
);

/**
 * Whether the text may hold an ambiguous plain scalar: at each place `candidate` matches, the
 * characters up to the first one no ambiguous scalar can contain (a line end, a space or tab before
 * `#`, `,`, `]`, `}`, `:` before a space, tab or the end) are read as the scalar would be. A plain scalar that holds any of those characters is never
 * ambiguous, and one that holds none of them is exactly what is read here, so a text this says no
 * to has none; a yes (a quoted or block text that looks like one) only costs the walk.
 */
function mayHoldAmbiguous(text: string, letters: boolean): boolean {
  candidate.lastIndex = 0;
  for (let m = candidate.exec(text); m; m = candidate.exec(text)) {
    const start = m.index + (/^[\s[{,]/.test(m[0]) ? 1 : 0);
    candidate.lastIndex = m.index + 1;
    const token = /^[^\r\n,\]}]*?(?=[ \t]#|:[ \t]|:$|[\r\n,\]}]|$)/
      .exec(text.slice(start, start + 256))?.[0]
      .trim();
    if (token && ambiguousReading(token) && (letters || !letterBooleans.test(token))) return true;
  }
  return false;
}

/**
 * `y` and `n` are booleans in the YAML 1.1 type repository, but not in SnakeYAML or PyYAML, the
 * YAML 1.1 readers behind CloudFormation-style tooling (CloudFormation's own reader: unverified).
 */
const letterBooleans = /^[yYnN]$/;

export interface AmbiguousScalarOptions {
  /**
   * Where a YAML 1.1 boolean word (yes, no, on, off, y, n) matters; everywhere by default. A file
   * read only as YAML 1.2 can restrict it to the values that reach a template as text.
   */
  booleanWordsAt?: (path: YamlPath) => boolean;
  /** Whether `y` and `n` count as YAML 1.1 booleans too (default: no). */
  letterBooleans?: boolean;
}

/** Every plain (unquoted, untagged) value scalar of the document that is ambiguous or inexact. */
export function ambiguousScalars(
  source: YamlSource,
  options: AmbiguousScalarOptions = {},
): AmbiguousScalar[] {
  if (!mayHoldAmbiguous(source.text, options.letterBooleans === true)) return [];
  const out: AmbiguousScalar[] = [];
  const { isAlias, isMap, isScalar, isSeq } = yamlLib();
  const walk = (node: unknown, path: Array<string | number>): void => {
    if (!node || isAlias(node)) return;
    const here = [...path, ...shortFormStep(node as Node)];
    if (isScalar(node)) {
      const text = node.source;
      if (node.type !== 'PLAIN' || node.tag !== undefined || typeof text !== 'string') return;
      const reading = ambiguousReading(text);
      if (!reading || (letterBooleans.test(text) && !options.letterBooleans)) return;
      if (!booleans11.test(text) || (options.booleanWordsAt?.(here) ?? true))
        out.push({ path: here, text, reading });
    } else if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key !== undefined) walk(pair.value, [...here, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...here, i]));
    }
  };
  walk(source.doc.contents, []);
  return out;
}

/** A CloudFormation short-form tag (`!If [...]`) stands for its long-form key (`Fn::If`). */
function shortFormStep(node: Node): string[] {
  const tag = node.tag;
  if (!tag || !/^![A-Za-z]+$/.test(tag)) return [];
  const name = tag.slice(1);
  return [name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`];
}

/** `value` with each ambiguous scalar replaced by its text as written (copied along those paths only). */
export function withSourceText(value: unknown, scalars: readonly AmbiguousScalar[]): unknown {
  let out = value;
  for (const { path, text } of scalars) out = replaced(out, path, 0, text);
  return out;
}

function replaced(node: unknown, path: YamlPath, i: number, text: string): unknown {
  if (i === path.length) return text;
  const step = path[i]!;
  if (Array.isArray(node) && typeof step === 'number' && step < node.length) {
    const copy = [...node];
    copy[step] = replaced(node[step], path, i + 1, text);
    return copy;
  }
  if (node && typeof node === 'object' && Object.prototype.hasOwnProperty.call(node, step)) {
    const copy = { ...(node as Record<string, unknown>) };
    Object.defineProperty(copy, step, {
      value: replaced((node as Record<string, unknown>)[step], path, i + 1, text),
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return copy;
  }
  return node;
}
