import { Type, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';

/** A union of string literals (a JSON Schema enum) whose static type keeps the literals. */
export const literalUnion = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    description ? { description } : {},
  ) as unknown as TUnion<Array<TLiteral<T[number]>>>;

/**
 * The same schema with a description of its own: a shared definition described for the field that
 * uses it (editors show the field's description as hover help).
 */
export const described = <T extends TSchema>(schema: T, description: string): T => ({
  ...schema,
  description,
});
