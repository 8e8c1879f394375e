import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from '../../util/typebox.js';
import { DiagnosticSchema, reportHeader, SummarySchema } from './common.js';

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
