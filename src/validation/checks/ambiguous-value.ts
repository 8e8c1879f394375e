import { authoringChecks } from '../../authoring/problems.js';
import { ambiguousScalars } from '../../source/yaml-scalars.js';
import type { CheckContext, TemplateCheck } from '../check.js';

/** The template's ambiguous plain scalars, found once and shared with PS211. */
export const ambiguousValuesOf = (ctx: CheckContext) =>
  ctx.memo('ambiguous-values', () => ambiguousScalars(ctx.source));

/**
 * PS138: an unquoted value CloudFormation (YAML 1.1) and YAML 1.2 tools read differently, or that
 * loses digits. A warning: the template may mean exactly what CloudFormation reads.
 */
export const ambiguousValue: TemplateCheck = {
  meta: authoringChecks['ambiguous-template-value'],
  run(ctx) {
    for (const { path, text, reading } of ambiguousValuesOf(ctx)) {
      ctx.report(path, `the unquoted value ${text} is ambiguous: ${reading}`, {
        fix: `Quote it as it is written, '${text}', so every reader takes the same text.`,
      });
    }
  },
};
