import { Type, type TLiteral, type TUnion } from '@sinclair/typebox';

/** A union of string literals (a JSON Schema enum) whose static type keeps the literals. */
export const literalUnion = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    description ? { description } : {},
  ) as unknown as TUnion<Array<TLiteral<T[number]>>>;
