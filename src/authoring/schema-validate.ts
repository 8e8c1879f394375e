/**
 * Validates parsed authoring files against their JSON Schema (ajv, all errors) and turns ajv's
 * errors into located, readable diagnostics. Unions (`anyOf`) report only the branch the value
 * came closest to, the way a person reads "you probably meant this shape".
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { authoringChecks } from './problems.js';
import { authoringKinds, type AuthoringKind } from './schema.js';
import * as precompiled from './validators.generated.js';
import type { YamlPath, YamlSource } from '../source/yaml-source.js';
import { closest } from '../util/suggest.js';

/** Validators compiled ahead of time from the schemas (scripts/generate-validators.ts). */
function validatorFor(kind: AuthoringKind): ValidateFunction {
  return (precompiled as unknown as Record<AuthoringKind, ValidateFunction>)[kind];
}

export function isAuthoringKind(kind: unknown): kind is AuthoringKind {
  return typeof kind === 'string' && (authoringKinds as string[]).includes(kind);
}

/** Validates one file; returns [] when it is valid. */
export function validateAuthoringFile(source: YamlSource): Diagnostic[] {
  const value = source.value;
  const problem = (message: string, path: YamlPath, part: 'key' | 'value' = 'value'): Diagnostic => ({
    checkId: authoringChecks.schema.id,
    severity: 'error',
    message,
    fix: authoringChecks.schema.fix,
    location: source.locate(path, part),
  });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [problem('an authoring file must be a YAML mapping with a `kind` field', [])];
  }
  const kind = (value as { kind?: unknown }).kind;
  if (!isAuthoringKind(kind)) {
    const shown = kind === undefined ? 'missing' : JSON.stringify(kind);
    return [
      problem(
        `\`kind\` is ${shown}; it must be one of ${authoringKinds.join(', ')}`,
        kind === undefined ? [] : ['kind'],
      ),
    ];
  }
  const validate = validatorFor(kind);
  if (validate(value)) return [];
  return schemaErrorDiagnostics(source, validate.errors ?? []);
}

/**
 * ajv's errors on a YAML file as located diagnostics (PS101): the closest branch of each union,
 * misspelt keys reported once with the intended name, each at its key or value.
 */
export function schemaErrorDiagnostics(source: YamlSource, errors: ErrorObject[]): Diagnostic[] {
  return bestErrors(errors).map((error) => {
    const { message, at, part } = describe(error, pointerToPath(error.instancePath));
    return {
      checkId: authoringChecks.schema.id,
      severity: 'error',
      message,
      fix: authoringChecks.schema.fix,
      location: source.locate(at, part),
    };
  });
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

function describe(
  error: ErrorObject,
  path: Array<string | number>,
): { message: string; at: YamlPath; part: 'key' | 'value' } {
  const where = path.length ? `\`${path.join('.')}\`` : 'the file';
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = String(p.additionalProperty);
      const hint = error.message?.startsWith('did you mean') ? ` (${error.message})` : '';
      return { message: `unknown field \`${extra}\` in ${where}${hint}`, at: [...path, extra], part: 'key' };
    }
    case 'required':
      return {
        message: `${where} is missing the required field \`${String(p.missingProperty)}\``,
        at: path,
        part: 'key',
      };
    case 'const':
      return { message: `${where} must be ${JSON.stringify(p.allowedValue)}`, at: path, part: 'value' };
    case 'enum':
      return {
        message: `${where} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
        at: path,
        part: 'value',
      };
    case 'anyOf': {
      // Several branches with no further detail: usually a union of literals (an enum).
      return { message: `${where} ${error.message ?? 'has an unexpected shape'}`, at: path, part: 'value' };
    }
    case 'maxLength':
      return { message: `${where} is longer than ${String(p.limit)} characters`, at: path, part: 'value' };
    case 'minLength':
      return { message: `${where} must not be empty`, at: path, part: 'value' };
    case 'pattern':
      return { message: `${where} does not match the pattern ${String(p.pattern)}`, at: path, part: 'value' };
    default:
      return { message: `${where} ${error.message ?? 'is invalid'}`, at: path, part: 'value' };
  }
}

/**
 * Keeps the errors that explain a failure best. For each failed `anyOf`, the branch whose errors
 * reach deepest into the value (then: has the fewest errors) wins; the others are dropped. A union
 * of literals collapses into one "must be one of" message.
 */
function bestErrors(errors: ErrorObject[]): ErrorObject[] {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
  let kept = errors.filter((e) => e.keyword !== 'anyOf');
  // Innermost unions first, so an outer union compares branches already reduced.
  const sorted = [...anyOfs].sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  const extraEnums: ErrorObject[] = [];
  for (const union of sorted) {
    const prefix = `${union.schemaPath}/`;
    const inside = kept.filter((e) => e.schemaPath.startsWith(prefix));
    if (inside.length === 0) {
      extraEnums.push(union);
      continue;
    }
    const byBranch = new Map<string, ErrorObject[]>();
    for (const e of inside) {
      const branch = e.schemaPath.slice(prefix.length).split('/')[0]!;
      byBranch.set(branch, [...(byBranch.get(branch) ?? []), e]);
    }
    const branches = [...byBranch.values()];
    const allConst = inside.every((e) => e.keyword === 'const' && e.instancePath === union.instancePath);
    let winner: ErrorObject[];
    if (allConst) {
      winner = [
        {
          ...union,
          keyword: 'enum',
          params: { allowedValues: inside.map((e) => (e.params as { allowedValue: unknown }).allowedValue) },
        },
      ];
    } else {
      const depth = (es: ErrorObject[]) => Math.max(...es.map((e) => e.instancePath.split('/').length));
      const typeOnly = (es: ErrorObject[]) =>
        es.every((e) => e.keyword === 'type' && e.instancePath === union.instancePath);
      const candidates = branches.filter((es) => !typeOnly(es));
      const pool = candidates.length ? candidates : branches;
      pool.sort((a, b) => depth(b) - depth(a) || a.length - b.length);
      winner = pool[0]!;
      if (candidates.length === 0) {
        const types = branches.map((es) => (es[0]!.params as { type: string }).type);
        winner = [{ ...union, keyword: 'type', message: `must be ${[...new Set(types)].join(' or ')}` }];
      }
    }
    kept = [...kept.filter((e) => !e.schemaPath.startsWith(prefix)), ...winner];
  }
  const result = mergeMisspelledKeys([...kept, ...extraEnums]);
  // One message per position and keyword is enough.
  const seen = new Set<string>();
  return result.filter((e) => {
    const id = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * A misspelt required key shows up twice (the required key is missing, an unknown key is present);
 * report it once, at the misspelt key, with the name it should have.
 */
function mergeMisspelledKeys(errors: ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const out: ErrorObject[] = [];
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
      extra.message = `did you mean \`${best}\`?`;
    }
  }
  for (const e of errors) if (!dropped.has(e)) out.push(e);
  return out;
}
