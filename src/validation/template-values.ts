/** Helpers for reading template values: intrinsic functions, literal strings, plain objects. */

export type Json = unknown;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{ Ref: X }` or `{ 'Fn::Something': … }`: a value computed at deploy time. */
export function intrinsicName(v: unknown): string | undefined {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const k = keys[0]!;
  return k === 'Ref' || k === 'Condition' || k.startsWith('Fn::') ? k : undefined;
}

export const isIntrinsic = (v: unknown): boolean => intrinsicName(v) !== undefined;

/** A literal scalar as the string CloudFormation would pass on; undefined for non-scalars. */
export function literalString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Every (path, value) pair in a value, depth first, in document order. */
export function* walk(
  value: unknown,
  path: Array<string | number> = [],
): Generator<[Array<string | number>, unknown]> {
  yield [path, value];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* walk(value[i], [...path, i]);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) yield* walk(v, [...path, k]);
  }
}

/** The parameter a value refers to: `{ Ref: P }`, or `Fn::If [c, { Ref: P }, …]` (the empty-drops-the-key idiom). */
export function parameterRefOf(value: unknown): string | undefined {
  const name = intrinsicName(value);
  if (name === 'Ref') {
    const target = (value as { Ref: unknown }).Ref;
    return typeof target === 'string' ? target : undefined;
  }
  if (name === 'Fn::If') {
    const args = (value as { 'Fn::If': unknown })['Fn::If'];
    if (Array.isArray(args)) return parameterRefOf(args[1]);
  }
  return undefined;
}
