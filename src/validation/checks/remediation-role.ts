import { authoringChecks } from '../../authoring/problems.js';
import type { TemplateCheck } from '../check.js';
import { isIntrinsic, isObject, walk } from '../template-values.js';
import { remediationsWithRunbooks } from './remediation-runbook.js';

/** PS118 in templates: the automation role must be one literal role ARN. */
export const remediationRole: TemplateCheck = {
  meta: authoringChecks['remediation-role-not-literal'],
  run(ctx) {
    for (const r of remediationsWithRunbooks(ctx)) {
      const binding = Object.hasOwn(r.parameters, r.roleParameter)
        ? r.parameters[r.roleParameter]
        : undefined;
      if (binding === undefined) continue;
      const path = ['Resources', r.logicalId, 'Properties', 'Parameters', r.roleParameter];
      if (!isObject(binding)) continue; // the property check reports the shape
      if ('ResourceValue' in binding) {
        ctx.report(path, `${r.roleParameter} must be a literal role ARN, not the resource id`);
        continue;
      }
      const values = isObject(binding.StaticValue) ? binding.StaticValue.Values : undefined;
      if (!Array.isArray(values)) continue;
      const computed = [...walk(values)].find(([, v]) => isIntrinsic(v));
      if (computed) {
        ctx.report(
          [...path, 'StaticValue', 'Values', ...computed[0]],
          `${r.roleParameter} must be a literal role ARN: AWS allows no intrinsic function here`,
        );
      } else if (values.length !== 1 || typeof values[0] !== 'string' || !values[0].startsWith('arn:')) {
        ctx.report(
          [...path, 'StaticValue', 'Values'],
          `${r.roleParameter} must be one role ARN (arn:<partition>:iam::ACCOUNT:role/NAME)`,
        );
      }
    }
  },
};
