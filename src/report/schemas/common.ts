import { Type } from '@sinclair/typebox';
import { literalUnion } from '../../util/typebox.js';

export { reportHeader } from '../../app/documents.js';

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
    alsoReportedBy: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'Rules of other tools (cfn-lint) that found the same defect here, folded into this finding.',
      }),
    ),
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

/** A finding that was not reported, and why. */
export const SuppressedFindingSchema = Type.Object(
  {
    diagnostic: DiagnosticSchema,
    reason: Type.String({ description: 'The reason written in the configuration or the inline marker.' }),
    by: literalUnion(
      ['config', 'inline'] as const,
      'config: the configuration file; inline: a marker in the file.',
    ),
  },
  { additionalProperties: false },
);

/** The common summary plus the number of suppressed findings. */
export const ValidateSummarySchema = Type.Composite(
  [SummarySchema, Type.Object({ suppressed: Type.Integer({ minimum: 0 }) })],
  { additionalProperties: false },
);
