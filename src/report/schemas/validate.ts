import { Type, type Static } from '@sinclair/typebox';
import { DiagnosticSchema, reportHeader, SuppressedFindingSchema, ValidateSummarySchema } from './common.js';

export const CfnLintStatusSchema = Type.Union(
  [
    Type.Object({ ran: Type.Literal(true), version: Type.String() }, { additionalProperties: false }),
    Type.Object(
      { ran: Type.Literal(false), reason: Type.String({ description: 'Why it did not run.' }) },
      { additionalProperties: false },
    ),
  ],
  { description: "cfn-lint's version when it ran, else why it did not." },
);

/** `packsmith validate --format json`. */
export const ValidateOutputSchema = Type.Object(
  {
    ...reportHeader('validate'),
    ok: Type.Boolean({
      description: 'False when there is an error (or, with --strict, a warning): the exit status is 1.',
    }),
    strict: Type.Boolean({ description: 'Whether warnings fail the run (--strict).' }),
    files: Type.Array(Type.String(), { description: 'Every file examined, relative with `/`, sorted.' }),
    diagnostics: Type.Array(DiagnosticSchema, {
      description: 'Findings after severity overrides, without the suppressed ones, sorted.',
    }),
    suppressed: Type.Array(SuppressedFindingSchema),
    summary: ValidateSummarySchema,
    cfnLint: CfnLintStatusSchema,
  },
  { additionalProperties: false, title: 'packsmith validate output' },
);

export type ValidateOutput = Static<typeof ValidateOutputSchema>;
