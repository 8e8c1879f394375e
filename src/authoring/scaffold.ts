/**
 * Scaffolding: the text of new authoring files (`packsmith add rule`, `packsmith init`) and the edit
 * that adds a rule block to a pack manifest. Pure: text in, text out; the commands do the I/O.
 *
 * Generated files are written as text, not through a YAML emitter, so they can carry commented-out
 * entries (optional parameters, the execution frequency) beside the active ones. Every scalar that
 * could be read as something other than a string is quoted, so what is written loads back as written.
 */
import { join, relative, sep } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { ManagedRule, ManagedRuleParameter } from '../catalog/types.js';
import { executionFrequencies } from '../facts/enums.js';
import { limits } from '../facts/limits.js';
import { ScopeSchema } from './schema.js';

/** Lines of generated files stay within this width when they can. */
const lineWidth = 100;

/** Words a YAML 1.1 or 1.2 reader may take for a boolean or null: always quoted. */
const reserved = /^(?:true|false|yes|no|y|n|on|off|null|~)$/i;

/** A YAML single-quoted scalar: only `'` needs escaping (doubled). */
export function quoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A string as a YAML scalar: plain when it can only be read back as that same string (identifiers,
 * block names, resource types), single-quoted otherwise (numbers, booleans, anything with spaces).
 */
export function yamlString(value: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_./-]*(?:::[A-Za-z0-9_./-]+)*$/.test(value) && !reserved.test(value);
  return plain ? value : quoted(value);
}

/** The pattern the rule-block schema requires of each scope resource type. */
const resourceTypePattern = new RegExp(ScopeSchema.properties.resourceTypes.items.pattern ?? '^.+$');

/** `s3-bucket-versioning-enabled` → `s3 bucket versioning enabled`. */
function words(name: string): string {
  return name.replace(/[-_]+/g, ' ').trim();
}

/** The description a new block starts with: a sentence from the catalog name and identifier. */
export function defaultRuleDescription(rule: ManagedRule): string {
  const full = `Checks ${words(rule.name)} (from AWS Config managed rule ${rule.identifier}).`;
  if (full.length <= limits.ruleDescriptionLength) return full;
  const short = `AWS Config managed rule ${rule.identifier}.`;
  return short.length <= limits.ruleDescriptionLength ? short : short.slice(0, limits.ruleDescriptionLength);
}

function isRequired(p: ManagedRuleParameter): boolean {
  return !p.optional && p.default === undefined;
}

/** `NAME: VALUE  # COMMENT`, with the comment aligned when the line is short enough. */
function withComment(entry: string, comment: string, column: number): string {
  const pad = entry.length < column ? ' '.repeat(column - entry.length) : '  ';
  return `${entry}${pad}# ${comment}`;
}

/** The parameter lines of a new rule block: required exposed, defaults written, optional commented out. */
function parameterLines(rule: ManagedRule, blockName: string): { lines: string[]; active: number } {
  const entries = rule.parameters.map((p) => {
    const key = yamlString(p.name);
    if (isRequired(p)) {
      const description = `${p.name} (${p.type}) of the rule ${blockName}; required`;
      return {
        entry: `  ${key}: { expose: true, description: ${quoted(description)} }`,
        comment: `required (${p.type})`,
        active: true,
      };
    }
    if (p.default !== undefined) {
      const status = p.optional ? 'optional, ' : '';
      return {
        entry: `  ${key}: ${quoted(p.default)}`,
        comment: `${p.type}, ${status}default ${p.default}`,
        active: true,
      };
    }
    return { entry: `  # ${key}: { expose: true }`, comment: `optional (${p.type})`, active: false };
  });
  const column = Math.min(Math.max(0, ...entries.map((e) => e.entry.length)) + 2, 48);
  return {
    lines: entries.map((e) => withComment(e.entry, e.comment, column)),
    active: entries.filter((e) => e.active).length,
  };
}

/** `key: [a, b]` when it fits on a line, else a block list. */
function list(key: string, indent: string, items: readonly string[]): string[] {
  const flow = `${indent}${key}: [${items.map(yamlString).join(', ')}]`;
  if (flow.length <= lineWidth) return [flow];
  return [`${indent}${key}:`, ...items.map((item) => `${indent}  - ${yamlString(item)}`)];
}

/**
 * A new rule block for a managed rule, pre-filled from the catalog: its resource types as the
 * scope, every documented parameter (required ones exposed as pack parameters, ones with a
 * default set to it, optional ones commented out), and for periodic rules the execution frequency
 * (commented out: AWS's default applies). The text loads without diagnostics as written.
 *
 * `schemaPath` is the path of rule.schema.json relative to the new file, for editors; without it
 * the file has no `$schema` line (an editor mapping by file pattern gives the schema at any depth).
 */
export function ruleBlockYaml(rule: ManagedRule, options: { name: string; schemaPath?: string }): string {
  const lines = [
    ...schemaLine(options.schemaPath),
    'kind: rule',
    `name: ${yamlString(options.name)}`,
    `description: ${quoted(defaultRuleDescription(rule))}`,
    'source:',
    `  managed: ${yamlString(rule.identifier)}`,
  ];

  const scopeTypes = rule.resourceTypes.filter((t) => resourceTypePattern.test(t));
  const accountLevel = rule.resourceTypes.filter((t) => !resourceTypePattern.test(t));
  if (scopeTypes.length > 0) {
    lines.push('scope:', ...list('resourceTypes', '  ', scopeTypes));
  }
  if (accountLevel.length > 0) {
    lines.push(`# evaluates ${accountLevel.join(', ')}: not a resource type a scope can name`);
  }

  if (rule.parameters.length > 0) {
    const { lines: params, active } = parameterLines(rule, options.name);
    lines.push(
      '# Each parameter takes a value, or { expose: true } to make it a parameter of the packs.',
      active > 0 ? 'parameters:' : '# parameters:',
      ...params,
    );
  }

  if (rule.triggers.periodic) {
    lines.push(
      '# maximumExecutionFrequency: TwentyFour_Hours  # periodic rule; AWS runs it every 24 hours by default',
      `#   allowed: ${executionFrequencies.join(', ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The `# yaml-language-server: $schema=` line of a new file, when it gets one. */
function schemaLine(schemaPath: string | undefined): string[] {
  return schemaPath === undefined ? [] : [`# yaml-language-server: $schema=${schemaPath}`];
}

/** A new pack manifest including the given rule blocks. */
export function packManifestYaml(options: {
  name: string;
  description: string;
  rules: readonly string[];
  schemaPath?: string;
}): string {
  const lines = [
    ...schemaLine(options.schemaPath),
    'kind: pack',
    `name: ${yamlString(options.name)}`,
    `description: ${quoted(options.description)}`,
    `# Add rules with: packsmith add rule IDENTIFIER --pack ${options.name}`,
    'rules:',
    ...options.rules.map((r) => `  - ${yamlString(r)}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The block names a pack manifest's `rules:` entries refer to (`name` or `{ use: name }`). */
export function includedRuleNames(rules: unknown): string[] {
  if (!Array.isArray(rules)) return [];
  return rules.flatMap((entry: unknown) => {
    if (typeof entry === 'string') return [entry];
    if (entry && typeof entry === 'object' && typeof (entry as { use?: unknown }).use === 'string') {
      return [(entry as { use: string }).use];
    }
    return [];
  });
}

/**
 * The manifest text with `blockName` appended to its `rules:` list. The list is located with the
 * yaml Document API and the new entry inserted into the original text, so every comment, blank
 * line, quoting style and folded scalar of the manifest stays as it was; when the list has a shape
 * that cannot be extended in place (missing, empty, null), the Document API adds the entry and
 * re-serialises the document (comments are kept, line folding may change). Either way the result
 * is checked by parsing it again. Throws when the manifest does not parse or has no usable list.
 */
export function addRuleToManifest(text: string, blockName: string): string {
  return addToManifestList(text, 'rules', blockName);
}

/** As `addRuleToManifest`, for the manifest's `remediations:` list. */
export function addRemediationToManifest(text: string, blockName: string): string {
  return addToManifestList(text, 'remediations', blockName);
}

function addToManifestList(text: string, key: 'rules' | 'remediations', blockName: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`the manifest is not valid YAML: ${doc.errors[0]!.message}`);
  if (!isMap(doc.contents)) throw new Error('the manifest is not a YAML mapping');
  const before = includedRuleNames((doc.toJS() as Record<string, unknown>)[key]);
  const expected = [...before, blockName];
  const list = doc.get(key, true) as Node | undefined;
  if (list !== undefined && !isSeq(list) && !(isScalar(list) && list.value === null)) {
    throw new Error(`its \`${key}\` is not a list`);
  }

  const inPlace =
    isSeq(list) && list.items.length > 0 ? insertIntoSequence(text, list, blockName) : undefined;
  if (inPlace !== undefined && sameEntries(inPlace, key, expected)) return inPlace;

  // Fallback: let the Document API add the entry.
  const fallback = parseDocument(text);
  if (isSeq(fallback.get(key, true))) fallback.addIn([key], blockName);
  else fallback.set(key, fallback.createNode([blockName]));
  const out = fallback.toString();
  if (!sameEntries(out, key, expected)) throw new Error(`could not add "${blockName}" to its ${key} list`);
  return out;
}

function sameEntries(text: string, key: string, expected: readonly string[]): boolean {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return false;
  const entries = (doc.toJS() as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(entries) || entries.length !== expected.length) return false;
  const names = includedRuleNames(entries);
  return names.length === expected.length && names.every((n, i) => n === expected[i]);
}

/** Inserts an entry after the last item of a non-empty sequence, in its own style; undefined if unsure. */
function insertIntoSequence(text: string, seq: Node, blockName: string): string | undefined {
  if (!isSeq(seq) || !seq.range) return undefined;
  const entry = yamlString(blockName);
  const [start, valueEnd] = seq.range;
  if (seq.flow) {
    // `[a, b]` → `[a, b, c]`: insert before the closing bracket.
    const close = text.lastIndexOf(']', valueEnd - 1);
    if (close < start) return undefined;
    let at = close;
    while (at > start && /\s/.test(text[at - 1]!)) at--;
    return `${text.slice(0, at)}, ${entry}${text.slice(at)}`;
  }
  const last = seq.items[seq.items.length - 1] as Node | undefined;
  if (!last?.range) return undefined;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const indent = text.slice(lineStart, start);
  if (!/^ *$/.test(indent)) return undefined; // e.g. `rules: - a` on one line: let the fallback handle it
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // After the line that holds the end of the last item (its trailing comment included).
  const lastEnd = last.range[1];
  let at: number;
  if (lastEnd > 0 && text[lastEnd - 1] === '\n') at = lastEnd;
  else {
    const newline = text.indexOf('\n', lastEnd);
    at = newline === -1 ? text.length : newline + 1;
  }
  const prefix = at === text.length && !text.endsWith('\n') ? eol : '';
  return `${text.slice(0, at)}${prefix}${indent}- ${entry}${eol}${text.slice(at)}`;
}

/**
 * The `$schema` reference of a new file in `fileDir` to `<schemasDir>/<kind>.schema.json`: a
 * relative path with `/` (what yaml-language-server resolves against the file).
 */
export function schemaReference(fileDir: string, schemasDir: string, kind: string): string {
  const rel = relative(fileDir, join(schemasDir, `${kind}.schema.json`));
  return rel.split(sep).join('/');
}
