/**
 * Values as templates carry them: every InputParameters value is a string ([DG] and every AWS
 * sample quote numbers and booleans), and the managed-rule type says what the string must parse as.
 */
import type { RuleParameterType } from '../facts/enums.js';
import { matchWholeValue } from '../util/pattern.js';
import type { CfnValue, ParameterConstraints } from './model.js';
import type { ParameterValue } from './schema.js';

/** The string a template carries for an authored value; lists are joined with "," (CSV). */
export function templateString(value: ParameterValue): string {
  if (Array.isArray(value)) return value.map((v) => templateString(v)).join(',');
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return String(value);
}

const intPattern = /^[+-]?\d+$/;
const doublePattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const booleanPattern = /^(true|false)$/i;

/** Why `value` does not parse as `type`, or undefined when it does. Empty values are not typed. */
export function typeProblem(value: string, type: RuleParameterType | string): string | undefined {
  if (value === '') return undefined;
  switch (type) {
    case 'int':
      return intPattern.test(value.trim()) ? undefined : 'an integer';
    case 'double':
      return doublePattern.test(value.trim()) ? undefined : 'a number';
    case 'boolean':
      return booleanPattern.test(value.trim()) ? undefined : "'true' or 'false'";
    case 'CSV':
    case 'StringMap':
      // Lists are comma-separated; an empty item (",," or a leading/trailing comma) is a typo.
      return value.split(',').some((item) => item.trim() === '')
        ? `a comma-separated list without empty items`
        : undefined;
    default:
      return undefined;
  }
}

/** Why `value` violates `constraints`, or undefined when it satisfies them. */
export function constraintProblem(value: string, c: ParameterConstraints): string | undefined {
  if (c.allowedValues && !c.allowedValues.includes(value)) {
    return `must be one of ${c.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (c.pattern !== undefined) {
    // A pattern that cannot be evaluated in linear time is not checked (reported where declared).
    const result = matchWholeValue(c.pattern, value);
    if (result.kind === 'invalid')
      return `has a pattern that is not a valid regular expression: ${c.pattern}`;
    if (result.kind === 'mismatch') return `must match the pattern ${c.pattern}`;
  }
  if (c.minimum !== undefined || c.maximum !== undefined) {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) return 'must be a number';
    if (c.minimum !== undefined && n < c.minimum) return `must be at least ${c.minimum}`;
    if (c.maximum !== undefined && n > c.maximum) return `must be at most ${c.maximum}`;
  }
  if (c.minItems !== undefined || c.maxItems !== undefined) {
    const count = value === '' ? 0 : value.split(',').length;
    if (c.minItems !== undefined && count < c.minItems) return `must list at least ${c.minItems} item(s)`;
    if (c.maxItems !== undefined && count > c.maxItems) return `must list at most ${c.maxItems} item(s)`;
  }
  return undefined;
}

/** `s3-bucket-versioning-enabled` → `S3BucketVersioningEnabled`: a CloudFormation logical id. */
export function pascalCase(name: string): string {
  const id = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
  return id === '' ? 'Rule' : id;
}

/** `base`, or `base2`, `base3`, … : the first not in `used`; it is then used. How composition names resources. */
export function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}${n}`;
  used.add(id);
  return id;
}

/** Sets `key` as an own, enumerable property, even when it is `__proto__`. */
export function setOwn<T>(object: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The own property `key` of `object` (never an inherited one such as `__proto__`). */
export function getOwn<T>(object: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return object !== undefined && Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

export const upperFirst = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
export const lowerFirst = (s: string): string => (s ? s[0]!.toLowerCase() + s.slice(1) : s);

/** Whether an authoring value is a raw CloudFormation value (`{ cfn: … }`). */
export function isCfnSpec(value: unknown): value is { cfn: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'cfn');
}

/** Whether an authoring value is a pack parameter reference (`{ parameter: NAME }`). */
export function isParameterSpec(value: unknown): value is { parameter: string } {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, 'parameter')
  );
}

/** `{ cfn: X }` → X as a raw value; `{ parameter: NAME }` → `{ Ref: NAME }` as a raw value. */
export function rawValue(spec: { cfn: unknown } | { parameter: string }): CfnValue {
  return 'cfn' in spec ? { kind: 'cfn', value: spec.cfn } : { kind: 'cfn', value: { Ref: spec.parameter } };
}

/** A value that may be written literally or raw: the literal as is, the rest composed by `rawValue`. */
export function literalOrRaw<T extends string | boolean>(
  spec: T | { cfn: unknown } | { parameter: string },
): T | CfnValue {
  return typeof spec === 'object' ? rawValue(spec) : spec;
}
