/**
 * The one translation of ajv's errors into located, plain-English diagnostics (PS101), used by
 * every file packsmith checks against a JSON Schema: authoring files, packsmith.config.yaml and
 * packsmith.deploy.yaml. Each ajv keyword gets its own message and its own fix; unknown fields and
 * values outside a list get "did you mean"; unions report only the branch the value came closest
 * to. ajv's own wording ("must NOT have …") never reaches the user.
 *
 * The parent schema of an error is found by following its `schemaPath` in the root schema (the
 * schemas have no `$ref`), so precompiled validators need not carry ajv's verbose error data.
 */
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { YamlPath, YamlSource } from '../source/yaml-source.js';
import { closest } from '../util/suggest.js';
import { authoringChecks } from './problems.js';

export interface SchemaContext {
  /** The root schema the errors are against. */
  schema: unknown;
  /** The file name of the schema for editors (`rule.schema.json`); undefined when there is none. */
  schemaFile?: string;
  /** Keywords left to another check (e.g. `uniqueItems` to one that points at the repeat). */
  ignore?: readonly string[];
}

/** One schema problem: what to say, what to do, where to point, and the value it is about. */
export interface SchemaProblem {
  keyword: string;
  message: string;
  fix: string;
  /** Where it is reported. */
  at: YamlPath;
  part: 'key' | 'value';
  /** The part of the value that is wrong: an unknown key's own path, else the failing value's. */
  subject: YamlPath;
}

/** The comment that tells yaml-language-server which schema a file follows. */
const schemaLinePattern = /^#\s*yaml-language-server:\s*\$schema=/m;

export function hasSchemaLine(text: string): boolean {
  return schemaLinePattern.test(text);
}

/** ajv's errors on a file as PS101 diagnostics at their key or value. */
export function schemaDiagnostics(
  source: YamlSource,
  errors: readonly ErrorObject[],
  context: SchemaContext,
): Diagnostic[] {
  return translateSchemaErrors(errors, source.value, context).map((p) =>
    schemaDiagnostic(source, p, context, p.fix),
  );
}

/** A PS101 diagnostic; the editor-schema hint is added only when the file has no schema line. */
export function schemaDiagnostic(
  source: YamlSource,
  problem: Pick<SchemaProblem, 'message' | 'at' | 'part'>,
  context: Pick<SchemaContext, 'schemaFile'>,
  fix: string,
): Diagnostic {
  return {
    checkId: authoringChecks.schema.id,
    severity: 'error',
    message: problem.message,
    fix: withEditorHint(fix, source.text, context.schemaFile),
    location: source.locate(problem.at, problem.part),
  };
}

function withEditorHint(fix: string, text: string, schemaFile: string | undefined): string {
  if (schemaFile === undefined || hasSchemaLine(text)) return fix;
  return `${fix} For these checks as you type, map the schemas in your editor (\`packsmith init --refresh-schemas\` writes .vscode/settings.json when there is none) or start the file with \`# yaml-language-server: $schema=PATH/${schemaFile}\` (PATH: the relative path to the repository's schemas/ folder).`;
}

/** ajv's errors as schema problems, best explanation first per position, no repeats. */
export function translateSchemaErrors(
  errors: readonly ErrorObject[],
  value: unknown,
  context: SchemaContext,
): SchemaProblem[] {
  const ignored = new Set(context.ignore ?? []);
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const error of bestErrors(errors.filter((e) => !ignored.has(e.keyword)))) {
    const problem = describe(error, value, context.schema);
    if (!problem) continue;
    const id = `${JSON.stringify(problem.at)}|${problem.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(problem);
  }
  return out;
}

/** A JSON pointer (`/checks/PS301`) as a path of keys and indexes. */
export function pointerToPath(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

// ---------------------------------------------------------------------------------------------
// One message and one fix per keyword

type Params = Record<string, unknown>;
interface Facts {
  where: string;
  path: YamlPath;
  data: unknown;
  parent: Record<string, unknown>;
  p: Params;
}
type Describe = (
  f: Facts,
) => Omit<SchemaProblem, 'keyword' | 'at' | 'part' | 'subject'> &
  Partial<Pick<SchemaProblem, 'at' | 'part' | 'subject'>>;

const q = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const lengthOf = (v: unknown): number => (typeof v === 'string' ? [...v].length : 0);
const sizeOf = (v: unknown): number =>
  Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0;

function typeName(v: unknown): string {
  if (v === null) return 'empty (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'text';
  return `a ${typeof v}`;
}

const typeWords: Record<string, { name: string; fix: string }> = {
  string: {
    name: 'text',
    fix: 'Write text; quote it ("…") when YAML would read it as a number, boolean or date.',
  },
  number: { name: 'a number', fix: 'Write a number, without quotes.' },
  integer: { name: 'a whole number', fix: 'Write a whole number, without quotes.' },
  boolean: { name: 'a boolean (true or false)', fix: 'Write true or false, without quotes.' },
  array: { name: 'a list', fix: 'Write a list: one `- item` line per entry, indented under the field.' },
  object: { name: 'a mapping', fix: 'Write a mapping: `key: value` lines indented under the field.' },
  null: { name: 'empty', fix: 'Leave the value empty.' },
};

function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function describeText(parent: Record<string, unknown>): string {
  const d = parent.description;
  return typeof d === 'string' ? ` (${d.replace(/\.$/, '')})` : '';
}

const describers: Record<string, Describe> = {
  additionalProperties: ({ where, path, parent, p }) => {
    const extra = String(p.additionalProperty);
    const known = Object.keys((parent.properties as object | undefined) ?? {});
    const best = typeof p.intended === 'string' ? p.intended : closest(extra, known, 1)[0];
    const listed =
      known.length && known.length <= 12 ? `; the fields allowed here are ${known.join(', ')}` : '';
    return {
      message: `unknown field \`${extra}\` in ${where}${best ? ` (did you mean \`${best}\`?)` : ''}`,
      fix: best ? `Rename \`${extra}\` to \`${best}\`.` : `Remove \`${extra}\`${listed}.`,
      at: [...path, extra],
      part: 'key',
      subject: [...path, extra],
    };
  },
  required: ({ where, parent, p }) => {
    const field = String(p.missingProperty);
    const property = (parent.properties as Record<string, Record<string, unknown>> | undefined)?.[field];
    return {
      message: `${where} is missing the required field \`${field}\``,
      fix: `Add \`${field}:\` to ${where}${property ? describeText(property) : ''}.`,
      part: 'key',
    };
  },
  enum: ({ where, data, p }) => {
    const allowed = (p.allowedValues as unknown[]) ?? [];
    const best =
      typeof data === 'string'
        ? closest(
            data,
            allowed.filter((v): v is string => typeof v === 'string'),
            1,
          )[0]
        : undefined;
    return {
      message: `${where} is ${q(data)}; it must be one of ${allowed.map(q).join(', ')}${best !== undefined ? ` (did you mean ${q(best)}?)` : ''}`,
      fix:
        best !== undefined
          ? `Write ${q(best)} (values are case-sensitive).`
          : 'Write one of the listed values (values are case-sensitive).',
    };
  },
  const: ({ where, data, p }) => ({
    message: `${where} is ${q(data)}; it must be ${q(p.allowedValue)}`,
    fix: `Write ${q(p.allowedValue)}.`,
  }),
  type: ({ where, data, p }) => {
    const types = (Array.isArray(p.type) ? p.type : String(p.type).split(',')) as string[];
    const names = types.map((t) => typeWords[t]?.name ?? t);
    return {
      message: `${where} is ${typeName(data)}; it must be ${orList(names)}`,
      fix:
        types.length === 1 ? (typeWords[types[0]!]?.fix ?? `Write ${names[0]}.`) : `Write ${orList(names)}.`,
    };
  },
  minItems: ({ where, data, p }) => ({
    message: `${where} has ${plural(sizeOf(data), 'item')}; it needs at least ${Number(p.limit)}`,
    fix: `Add items to ${where} until it has at least ${Number(p.limit)}, or remove the field if it is optional.`,
  }),
  maxItems: ({ where, data, p }) => ({
    message: `${where} has ${plural(sizeOf(data), 'item')}; at most ${Number(p.limit)} are allowed`,
    fix: `Remove items from ${where} until at most ${Number(p.limit)} remain.`,
  }),
  minProperties: ({ where, data, p }) => ({
    message: `${where} has ${plural(sizeOf(data), 'entry', 'entries')}; it needs at least ${Number(p.limit)}`,
    fix: `Add entries to ${where}, or remove the field if it is optional.`,
  }),
  maxProperties: ({ where, data, p }) => ({
    message: `${where} has ${plural(sizeOf(data), 'entry', 'entries')}; at most ${Number(p.limit)} are allowed`,
    fix: `Remove entries from ${where} until at most ${Number(p.limit)} remain.`,
  }),
  minLength: ({ where, data, p }) =>
    Number(p.limit) <= 1
      ? { message: `${where} is empty`, fix: `Give ${where} a value, or remove the field if it is optional.` }
      : {
          message: `${where} has ${plural(lengthOf(data), 'character')}; it needs at least ${Number(p.limit)}`,
          fix: `Lengthen ${where} to at least ${Number(p.limit)} characters.`,
        },
  maxLength: ({ where, data, p }) => ({
    message: `${where} has ${plural(lengthOf(data), 'character')}; at most ${Number(p.limit)} are allowed`,
    fix: `Shorten ${where} to at most ${Number(p.limit)} characters.`,
  }),
  pattern: ({ where, path, data, parent, p }) => {
    const form = `${describeText(parent)}`.replace(/^ \((.*)\)$/, '$1');
    const expected = form ? `: ${form}` : ` (the pattern ${String(p.pattern)})`;
    if (p.propertyName !== undefined) {
      const key = String(p.propertyName);
      return {
        message: `the key \`${key}\` in ${where} is not of the expected form${expected}`,
        fix: `Rename the key \`${key}\` to the expected form (the pattern ${String(p.pattern)}).`,
        at: [...path, key],
        part: 'key',
        subject: [...path, key],
      };
    }
    return {
      message: `${where} (${q(data)}) is not of the expected form${expected}`,
      fix: `Change the value to the expected form (the pattern ${String(p.pattern)}).`,
    };
  },
  format: ({ where, data, p }) => ({
    message: `${where} (${q(data)}) is not a valid ${String(p.format)}`,
    fix: `Write a valid ${String(p.format)}.`,
  }),
  minimum: ({ where, data, p }) => bound(where, data, p, 'at least'),
  exclusiveMinimum: ({ where, data, p }) => bound(where, data, p, 'more than'),
  maximum: ({ where, data, p }) => bound(where, data, p, 'at most'),
  exclusiveMaximum: ({ where, data, p }) => bound(where, data, p, 'less than'),
  multipleOf: ({ where, data, p }) => ({
    message: `${where} is ${q(data)}; it must be a multiple of ${String(p.multipleOf)}`,
    fix: `Use a multiple of ${String(p.multipleOf)}.`,
  }),
  uniqueItems: ({ where, p }) => ({
    message: `${where} lists the same item twice (items ${Number(p.j) + 1} and ${Number(p.i) + 1})`,
    fix: `Remove item ${Number(p.i) + 1} of ${where}: it repeats item ${Number(p.j) + 1}.`,
  }),
  anyOf: (f) => noShape(f),
  oneOf: (f) =>
    Array.isArray(f.p.passingSchemas)
      ? {
          message: `${f.where} fits more than one of the shapes allowed here`,
          fix: 'Remove the fields that make the value fit several shapes, keeping those of the one you mean.',
        }
      : noShape(f),
  dependencies: ({ where, p }) => dependency(where, p),
  dependentRequired: ({ where, p }) => dependency(where, p),
  not: ({ where }) => ({
    message: `${where} has a value that is not allowed here`,
    fix: `Change or remove ${where}.`,
  }),
  'false schema': ({ where }) => ({
    message: `${where} is not allowed here`,
    fix: `Remove ${where}.`,
  }),
};

function bound(where: string, data: unknown, p: Params, relation: string) {
  return {
    message: `${where} is ${q(data)}; it must be ${relation} ${String(p.limit)}`,
    fix: `Use a number ${relation} ${String(p.limit)}.`,
  };
}

function dependency(where: string, p: Params) {
  return {
    message: `${where} has \`${String(p.property)}\` without \`${String(p.missingProperty)}\`, which goes with it`,
    fix: `Add \`${String(p.missingProperty)}\`, or remove \`${String(p.property)}\`.`,
  };
}

function noShape({ where, data, parent }: Facts) {
  const branches = ((parent.anyOf ?? parent.oneOf) as Array<Record<string, unknown>> | undefined) ?? [];
  const shapes = [...new Set(branches.map(shapeOf))];
  return {
    message: `${where} is ${typeName(data)}, which is none of the shapes allowed here${shapes.length ? ` (${orList(shapes)})` : ''}`,
    fix: shapes.length
      ? `Write ${orList(shapes)}.`
      : `Change ${where} to one of the shapes the schema allows.`,
  };
}

function shapeOf(schema: Record<string, unknown>): string {
  if ('const' in schema) return q(schema.const);
  if (schema.type === 'object') {
    const required = (schema.required as string[] | undefined) ?? [];
    return required.length ? `a mapping with ${required.map((r) => `\`${r}\``).join(' and ')}` : 'a mapping';
  }
  const t = typeof schema.type === 'string' ? typeWords[schema.type]?.name : undefined;
  return t ?? 'another value';
}

function describe(error: ErrorObject, value: unknown, schema: unknown): SchemaProblem | undefined {
  if (error.keyword === 'if' || error.keyword === 'propertyNames') return undefined; // explained by the inner error
  const path = pointerToPath(error.instancePath);
  const facts: Facts = {
    where: path.length ? `\`${path.join('.')}\`` : 'the file',
    path,
    data: valueAt(value, path),
    parent: parentSchema(schema, error.schemaPath),
    p: { ...(error.params as Params), ...propertyNameOf(error) },
  };
  const described = describers[error.keyword]?.(facts) ?? {
    message: `${facts.where} breaks the schema rule \`${error.keyword}\``,
    fix: `Change ${facts.where} as the schema describes.`,
  };
  return { keyword: error.keyword, at: path, part: 'value', subject: path, ...described };
}

function propertyNameOf(error: ErrorObject): Params {
  const name = (error as ErrorObject & { propertyName?: string }).propertyName;
  return name === undefined ? {} : { propertyName: name };
}

function valueAt(value: unknown, path: YamlPath): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

/** The schema holding the failed keyword: its `schemaPath` without the keyword, followed from the root. */
function parentSchema(schema: unknown, schemaPath: string): Record<string, unknown> {
  // ajv writes schema paths as URI fragments: each key percent-encoded after JSON-pointer escaping.
  const parts = schemaPath
    .replace(/^#\/?/, '')
    .split('/')
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'))
    .slice(0, -1);
  const found = valueAt(schema, parts);
  return found && typeof found === 'object' ? (found as Record<string, unknown>) : {};
}

// ---------------------------------------------------------------------------------------------
// Choosing the errors that explain a failure

const isUnion = (e: ErrorObject) => e.keyword === 'anyOf' || e.keyword === 'oneOf';

/**
 * Keeps the errors that explain a failure best. For each failed union (`anyOf`, `oneOf`), the
 * branch whose errors reach deepest into the value (then: has the fewest errors) wins; the others
 * are dropped. A union of literals collapses into one "must be one of" (enum) error, a union of
 * types no branch of which fits into one type error.
 */
function bestErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const unions = errors.filter(isUnion);
  let kept = errors.filter((e) => !isUnion(e));
  const unexplained: ErrorObject[] = [];
  // Innermost unions first, so an outer union compares branches already reduced.
  const sorted = [...unions].sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const union of sorted) {
    const prefix = `${union.schemaPath}/`;
    const inside = kept.filter((e) => e.schemaPath.startsWith(prefix));
    if (inside.length === 0) {
      unexplained.push(union);
      continue;
    }
    kept = [...kept.filter((e) => !e.schemaPath.startsWith(prefix)), ...unionWinner(union, inside, prefix)];
  }
  const result = mergeMisspelledKeys([...kept, ...unexplained]);
  // One error per position, keyword and parameters is enough.
  const seen = new Set<string>();
  return result.filter((e) => {
    const id = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function unionWinner(union: ErrorObject, inside: ErrorObject[], prefix: string): ErrorObject[] {
  const allConst = inside.every((e) => e.keyword === 'const' && e.instancePath === union.instancePath);
  if (allConst) {
    const allowedValues = inside.map((e) => (e.params as { allowedValue: unknown }).allowedValue);
    return [{ ...union, keyword: 'enum', params: { allowedValues } }];
  }
  const byBranch = new Map<string, ErrorObject[]>();
  for (const e of inside) {
    const branch = e.schemaPath.slice(prefix.length).split('/')[0]!;
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), e]);
  }
  const branches = [...byBranch.values()];
  const typeOnly = (es: ErrorObject[]) =>
    es.every((e) => e.keyword === 'type' && e.instancePath === union.instancePath);
  const candidates = branches.filter((es) => !typeOnly(es));
  if (candidates.length === 0) {
    const types = [
      ...new Set(branches.flatMap((es) => String((es[0]!.params as { type: string }).type).split(','))),
    ];
    return [{ ...union, keyword: 'type', params: { type: types } }];
  }
  const depth = (es: ErrorObject[]) => Math.max(...es.map((e) => e.instancePath.split('/').length));
  return [...candidates].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0]!;
}

/**
 * A misspelt required key shows up twice (the required key is missing, an unknown key is present);
 * report it once, at the misspelt key, with the name it should have.
 */
function mergeMisspelledKeys(errors: ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const intended = new Map<ErrorObject, string>();
  for (const extra of errors) {
    if (extra.keyword !== 'additionalProperties') continue;
    const name = String((extra.params as { additionalProperty: string }).additionalProperty);
    const missing = errors.filter(
      (e) => e.keyword === 'required' && e.instancePath === extra.instancePath && !dropped.has(e),
    );
    const names = missing.map((e) => String((e.params as { missingProperty: string }).missingProperty));
    const [best] = closest(name, names, 1);
    if (best !== undefined) {
      dropped.add(missing[names.indexOf(best)]!);
      intended.set(extra, best);
    }
  }
  return errors
    .filter((e) => !dropped.has(e))
    .map((e) => (intended.has(e) ? { ...e, params: { ...e.params, intended: intended.get(e) } } : e));
}
