import { Type } from '@sinclair/typebox';
import { outputSchemaVersion } from '../output.js';
import { literalUnion } from '../../util/typebox.js';

/** `schemaVersion` and `kind`, the first two fields of every JSON report. */
export const reportHeader = <K extends string>(kind: K) => ({
  schemaVersion: Type.Literal(outputSchemaVersion),
  kind: Type.Literal(kind),
});

export const SourceLocationSchema = Type.Object(
  {
    file: Type.String({ description: 'Relative path with `/`.' }),
    line: Type.Integer({ minimum: 1 }),
    column: Type.Integer({ minimum: 1 }),
    endLine: Type.Optional(Type.Integer({ minimum: 1 })),
    endColumn: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export const DiagnosticSchema = Type.Object(
  {
    checkId: Type.String({ pattern: '^[A-Z]+[0-9]+$' }),
    severity: literalUnion(['error', 'warning', 'info'] as const),
    message: Type.String(),
    fix: Type.Optional(Type.String()),
    location: Type.Optional(SourceLocationSchema),
  },
  { additionalProperties: false },
);

export const SummarySchema = Type.Object(
  {
    errors: Type.Integer({ minimum: 0 }),
    warnings: Type.Integer({ minimum: 0 }),
    infos: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
