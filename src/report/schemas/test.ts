import { Type } from '@sinclair/typebox';
import { reportHeader, SourceLocationSchema } from './common.js';

const Verdict = Type.Union([
  Type.Literal('COMPLIANT'),
  Type.Literal('NON_COMPLIANT'),
  Type.Literal('NOT_APPLICABLE'),
]);

/** `packsmith test --format json`. */
export const TestOutputSchema = Type.Object(
  {
    ...reportHeader('test'),
    ok: Type.Boolean({ description: 'False when a case failed: the exit status is 1.' }),
    cfnGuard: Type.String({ description: 'Version of the cfn-guard that evaluated the cases.' }),
    cases: Type.Array(
      Type.Object(
        {
          rule: Type.String(),
          case: Type.String(),
          expected: Verdict,
          actual: Type.Optional(Verdict),
          ok: Type.Boolean(),
          error: Type.Optional(Type.String({ description: 'Why the case could not be evaluated.' })),
          location: SourceLocationSchema,
        },
        { additionalProperties: false },
      ),
    ),
    summary: Type.Object(
      {
        cases: Type.Integer({ minimum: 0 }),
        passed: Type.Integer({ minimum: 0 }),
        failed: Type.Integer({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, title: 'packsmith test output' },
);
