import { authoringChecks } from '../../authoring/problems.js';
import type { TemplateCheck } from '../check.js';
import { isObject } from '../template-values.js';
import { managedRuleResources } from './catalog-rules.js';
import { inputsOf } from './resources.js';

/** PS113 in templates: a required parameter of the managed rule is absent from InputParameters. */
export const missingRequiredParameter: TemplateCheck = {
  meta: authoringChecks['missing-required-parameter'],
  run(ctx) {
    for (const r of managedRuleResources(ctx)) {
      // Computed as a whole (Fn::If): which keys it has depends on the deploy-time values.
      if (!r.managed || (r.properties.InputParameters !== undefined && !inputsOf(r))) continue;
      const inputs = inputsOf(r) ?? {};
      for (const p of r.managed.parameters) {
        if (p.optional || p.default !== undefined || Object.hasOwn(inputs, p.name)) continue;
        const path = ['Resources', r.logicalId, 'Properties'];
        ctx.report(
          isObject(r.properties.InputParameters)
            ? [...path, 'InputParameters']
            : [...path, 'Source', 'SourceIdentifier'],
          `${r.identifier} requires the parameter "${p.name}" (${p.type}); it has no value`,
          { part: isObject(r.properties.InputParameters) ? 'key' : 'value' },
        );
      }
    }
  },
};
