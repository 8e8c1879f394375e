/**
 * A parsed YAML file that remembers where every value came from, so any problem found later can
 * be reported at file:line:column. A BOM is dropped and CRLF is read like LF, so positions match
 * what an editor shows whatever the file's encoding details.
 *
 * Two parsers, for speed: js-yaml (YAML 1.2 core schema) reads the value, about ten times faster;
 * the `yaml` library, which keeps every node's position, parses the file only when a position is
 * asked for (a problem to report) or when js-yaml rejects the file (for its precise errors).
 */
import jsyaml from 'js-yaml';
import type { Document, LineCounter, Node, YAMLMap } from 'yaml';
import type { Diagnostic, SourceLocation } from '../diagnostics/diagnostic.js';
import { yamlSyntaxCheck } from '../checks/yaml.js';
import { yamlLibrary } from './yaml-library.js';
import {
  aliasProblem,
  duplicateKeys,
  keyIndex,
  mayDeclareVersion,
  unknownTags,
  versionDirective,
  withinAliasBudget,
  type GuardProblem,
} from './yaml-guards.js';

export type YamlPath = ReadonlyArray<string | number>;

export interface YamlSource {
  /** Display path (relative, `/`). */
  file: string;
  text: string;
  doc: Document.Parsed;
  /** The parsed value as plain data (undefined when the file had syntax errors). */
  value: unknown;
  /** YAML syntax errors, already located. */
  syntaxErrors: Diagnostic[];
  /** Location of the node at `path`; `key` locates the map key instead of the value. */
  locate(path: YamlPath, part?: 'key' | 'value'): SourceLocation;
  /** Whether a node exists at `path`. */
  has(path: YamlPath): boolean;
}

/**
 * CloudFormation's short-form intrinsic tags, read as their long forms (`!Ref X` → `{ Ref: X }`,
 * `!If [...]` → `{ 'Fn::If': [...] }`), for hand-written templates.
 */
const intrinsicTags: ReadonlyArray<[tag: string, longName: string]> = [
  ['Ref', 'Ref'],
  ['Condition', 'Condition'],
  ...[
    'If',
    'Equals',
    'Not',
    'And',
    'Or',
    'ImportValue',
    'Sub',
    'GetAtt',
    'Join',
    'Select',
    'Split',
    'FindInMap',
    'Base64',
    'Cidr',
    'GetAZs',
    'Transform',
    'ToJsonString',
    'Length',
  ].map((name): [string, string] => [name, `Fn::${name}`]),
];
const longNameOfTag = new Map(intrinsicTags.map(([tag, long]) => [`!${tag}`, long]));

let cloudFormationSchema: jsyaml.Schema | undefined;
function cfnSchema(): jsyaml.Schema {
  if (!cloudFormationSchema) {
    const types: jsyaml.Type[] = [];
    for (const [tag, long] of intrinsicTags) {
      for (const kind of ['scalar', 'sequence', 'mapping'] as const) {
        types.push(
          new jsyaml.Type(`!${tag}`, {
            kind,
            construct: (data: unknown) =>
              // `!GetAtt Resource.Attribute` is the short form of ['Resource', 'Attribute'].
              ({ [long]: tag === 'GetAtt' && typeof data === 'string' ? data.split('.') : (data ?? '') }),
          }),
        );
      }
    }
    cloudFormationSchema = jsyaml.CORE_SCHEMA.extend(types);
  }
  return cloudFormationSchema;
}

export interface YamlSourceOptions {
  /** Read CloudFormation short-form tags (`!Ref`, `!If`, …) as their long forms. */
  cloudFormation?: boolean;
  /**
   * The value of the text, already read by js-yaml with the core schema (a template packsmith
   * rendered and read back): not parsed again. Text the core schema reads has no tag the
   * CloudFormation schema reads differently, so the value is the same either way.
   */
  coreValue?: { text: string; value: unknown };
}

const yamlLib = yamlLibrary;

export function parseYamlSource(file: string, rawText: string, options: YamlSourceOptions = {}): YamlSource {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  let full: { doc: Document.Parsed; lineCounter: LineCounter } | undefined;
  const parsed = () => {
    if (!full) {
      const { LineCounter, parseDocument } = yamlLib();
      const lineCounter = new LineCounter();
      const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true });
      full = { doc, lineCounter };
    }
    return full;
  };

  const at = (offset: number, end?: number): SourceLocation => {
    const { lineCounter } = parsed();
    const start = lineCounter.linePos(Math.min(offset, text.length));
    const loc: SourceLocation = { file, line: start.line, column: start.col };
    if (end !== undefined && end > offset) {
      const stop = lineCounter.linePos(Math.min(end, text.length));
      loc.endLine = stop.line;
      loc.endColumn = stop.col;
    }
    return loc;
  };

  let value: unknown;
  let syntaxErrors: Diagnostic[] = [];
  try {
    value =
      options.coreValue !== undefined && options.coreValue.text === rawText
        ? options.coreValue.value
        : jsyaml.load(text, {
            schema: options.cloudFormation ? cfnSchema() : jsyaml.CORE_SCHEMA,
            filename: file,
          });
    syntaxErrors = fastPathProblems(text, value, () => parsed().doc).map((p) => guardDiagnostic(p, at));
  } catch {
    const { doc } = parsed();
    syntaxErrors = [
      ...doc.errors.map((error) => syntaxError(error, text, at)),
      ...fallbackProblems(doc, text, options).map((p) => guardDiagnostic(p, at)),
    ];
    value = syntaxErrors.length === 0 ? plainValue(doc) : undefined;
    if (value === undefined && syntaxErrors.length === 0) syntaxErrors = [unreadable(file)];
  }
  if (syntaxErrors.length) {
    value = undefined;
    syntaxErrors.sort(
      (a, b) => a.location!.line - b.location!.line || a.location!.column - b.location!.column,
    );
  }
  let pairIndex: ReturnType<typeof keyIndex> | undefined;
  const pairOf = (map: YAMLMap) => (pairIndex ??= keyIndex(yamlLib()))(map);

  /** Walk towards `path`; returns the deepest node reached and the key node of its last step. */
  const walk = (path: YamlPath): { node: Node | null; key: Node | null; complete: boolean } => {
    let node: Node | null = parsed().doc.contents;
    let key: Node | null = null;
    const { isMap, isScalar, isSeq } = yamlLib();
    for (const step of path) {
      // A short-form tag stands for its long-form key: `!If [...]` is the node of `Fn::If`.
      if (
        node &&
        typeof step === 'string' &&
        node.tag !== undefined &&
        longNameOfTag.get(node.tag) === step
      ) {
        continue;
      }
      if (isMap(node)) {
        const pair = pairOf(node).get(String(step));
        if (!pair) return { node, key, complete: false };
        key = isScalar(pair.key) ? pair.key : null;
        node = (pair.value as Node | null) ?? key;
      } else if (isSeq(node) && typeof step === 'number') {
        const item = node.items[step] as Node | undefined;
        if (!item) return { node, key, complete: false };
        key = null;
        node = item;
      } else {
        return { node, key, complete: false };
      }
    }
    return { node, key, complete: true };
  };

  const locate = (path: YamlPath, part: 'key' | 'value' = 'value'): SourceLocation => {
    // The file as a whole (its size, a missing section): its first line.
    if (path.length === 0) return { file, line: 1, column: 1 };
    const { node, key } = walk(path);
    const target = part === 'key' && key ? key : node;
    const range = target?.range;
    if (!range) return { file, line: 1, column: 1 };
    return at(range[0], range[1]);
  };

  return {
    file,
    text,
    get doc() {
      return parsed().doc;
    },
    value,
    syntaxErrors,
    locate,
    has: (path) => walk(path).complete,
  };
}

/** What js-yaml accepts but packsmith refuses: a `%YAML` directive for another version, an alias bomb. */
function fastPathProblems(text: string, value: unknown, doc: () => Document.Parsed): GuardProblem[] {
  const problems: GuardProblem[] = [];
  const version = mayDeclareVersion(text) ? versionDirective(doc(), text) : undefined;
  if (version) problems.push(version);
  // An alias needs an anchor: without both characters there is nothing to expand.
  if (text.includes('&') && text.includes('*') && !withinAliasBudget(value)) {
    problems.push(
      aliasProblem(doc(), yamlLib()) ?? {
        message: 'YAML aliases in this file expand beyond what packsmith reads: refused as an alias bomb',
        fix: 'Write the repeated values out or use fewer nested aliases.',
        start: 0,
        end: 0,
      },
    );
  }
  return problems;
}

/** What the `yaml` library accepts (with a warning at most) but packsmith refuses. */
function fallbackProblems(doc: Document.Parsed, text: string, options: YamlSourceOptions): GuardProblem[] {
  const allowed = (tag: string) => options.cloudFormation === true && longNameOfTag.has(tag);
  const version = versionDirective(doc, text);
  const alias = aliasProblem(doc, yamlLib());
  return [
    ...duplicateKeys(doc, yamlLib()),
    ...unknownTags(doc, text, allowed),
    ...(version ? [version] : []),
    ...(alias ? [alias] : []),
  ];
}

/** The document as plain data; aliases are already bounded by `aliasProblem`. */
function plainValue(doc: Document.Parsed): unknown {
  try {
    return doc.toJS({ maxAliasCount: -1 }) as unknown;
  } catch {
    return undefined;
  }
}

function unreadable(file: string): Diagnostic {
  return {
    checkId: yamlSyntaxCheck.id,
    severity: 'error',
    message: 'YAML syntax error: this file cannot be read as YAML 1.2',
    fix: 'fix the YAML syntax of this file',
    location: { file, line: 1, column: 1 },
  };
}

function guardDiagnostic(
  problem: GuardProblem,
  at: (offset: number, end?: number) => SourceLocation,
): Diagnostic {
  return {
    checkId: yamlSyntaxCheck.id,
    severity: 'error',
    message: problem.message,
    fix: problem.fix,
    location: at(problem.start, problem.end),
  };
}

function syntaxError(
  error: Document.Parsed['errors'][number],
  text: string,
  at: (offset: number, end?: number) => SourceLocation,
): Diagnostic {
  let [start, end] = error.pos;
  let message = `YAML syntax error: ${firstLine(error.message)}`;
  // An unclosed quote is detected at the end of the file; point at the quote that opens it.
  const quote =
    error.code === 'MISSING_CHAR' && /quote/.test(error.message) ? (/"/.test(error.message) ? '"' : "'") : '';
  if (quote) {
    const open = text.lastIndexOf(quote, start - 1);
    if (open >= 0) {
      start = open;
      end = open + 1;
      message = `YAML syntax error: this ${quote === '"' ? 'double' : 'single'} quote is never closed`;
    }
  }
  return {
    checkId: yamlSyntaxCheck.id,
    severity: 'error',
    message,
    fix: yamlFix(error.code),
    location: at(start, end),
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function yamlFix(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'remove or rename one of the two keys';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and the closing bracket or quote of this value';
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    default:
      return 'fix the YAML syntax at this position';
  }
}
