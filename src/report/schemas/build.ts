import { Type } from '@sinclair/typebox';
import { DiagnosticSchema, reportHeader, SuppressedFindingSchema, ValidateSummarySchema } from './common.js';

/** `packsmith build --format json`. */
export const BuildOutputSchema = Type.Object(
  {
    ...reportHeader('build'),
    ok: Type.Boolean({
      description: 'False when an error (or, with --strict, a warning) stopped the build.',
    }),
    packs: Type.Array(
      Type.Object(
        {
          pack: Type.String(),
          template: Type.String({ description: 'Path of the written template.' }),
          readme: Type.Optional(Type.String({ description: 'Path of the written Markdown page.' })),
          bytes: Type.Integer({ minimum: 0, description: 'UTF-8 size of the template.' }),
          unchanged: Type.Boolean({ description: 'The file already had this content.' }),
        },
        { additionalProperties: false },
      ),
    ),
    diagnostics: Type.Array(DiagnosticSchema, {
      description:
        'Findings after the configuration and inline markers, without the suppressed ones, sorted.',
    }),
    suppressed: Type.Array(SuppressedFindingSchema),
    summary: ValidateSummarySchema,
  },
  { additionalProperties: false, title: 'packsmith build output' },
);
