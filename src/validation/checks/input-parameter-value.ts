import type { TemplateCheck } from '../check.js';
import { intrinsicName, isObject } from '../template-values.js';
import { ambiguousValuesOf } from './ambiguous-value.js';
import { inputsOf, ruleResources } from './resources.js';

/** PS211: each InputParameters value must be a scalar or an intrinsic function, best a string. */
export const inputParameterValue: TemplateCheck = {
  meta: {
    id: 'PS211',
    name: 'input-parameter-value',
    severity: 'error',
    summary:
      'An InputParameters value is a list or mapping (an error) or an unquoted number or boolean (a warning).',
    rationale:
      'InputParameters is stored as a JSON object of strings. A GovCloud deploy failed with "Value of property {/InputParameters} does not match type {String}" (aws-config-rules#421); every AWS sample quotes its values.',
    fix: "Write the value as a quoted string, e.g. '90' or 'true'; join lists with commas.",
  },
  run(ctx) {
    const ambiguous = () =>
      ctx.memo('ambiguous-value-paths', () => new Set(ambiguousValuesOf(ctx).map((a) => a.path.join('\0'))));
    for (const r of ruleResources(ctx)) {
      const inputs = inputsOf(r);
      if (!inputs) continue;
      for (const [name, value] of Object.entries(inputs)) {
        const path = ['Resources', r.logicalId, 'Properties', 'InputParameters', name];
        if (intrinsicName(value)) continue;
        if (Array.isArray(value) || isObject(value)) {
          ctx.report(
            path,
            `the input ${name} must be a string, not a ${Array.isArray(value) ? 'list' : 'mapping'}`,
          );
        } else if (typeof value === 'number' || typeof value === 'boolean') {
          // An ambiguous one (012345678901) is PS138's, with the text as written.
          if (ambiguous().has(path.join('\0'))) continue;
          ctx.report(
            path,
            `the input ${name} is the ${typeof value} ${String(value)}; write it as the string '${String(value)}'`,
            {
              severity: 'warning',
            },
          );
        } else if (value === null) {
          ctx.report(path, `the input ${name} has no value`);
        }
      }
    }
  },
};
