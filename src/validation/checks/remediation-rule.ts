import { authoringChecks } from '../../authoring/problems.js';
import type { TemplateCheck } from '../check.js';
import { intrinsicName } from '../template-values.js';
import { remediationResources, ruleResources } from './resources.js';

/** PS121 in templates: a remediation must name a rule of the same pack. */
export const remediationRule: TemplateCheck = {
  meta: authoringChecks['remediation-rule-not-in-pack'],
  run(ctx) {
    const rules = ruleResources(ctx);
    const names = new Set(rules.map((r) => r.properties.ConfigRuleName).filter((n) => typeof n === 'string'));
    const ids = new Set(rules.map((r) => r.logicalId));
    for (const r of remediationResources(ctx)) {
      const target = r.properties.ConfigRuleName;
      const path = ['Resources', r.logicalId, 'Properties', 'ConfigRuleName'];
      if (typeof target === 'string' && !names.has(target)) {
        ctx.report(
          path,
          `remediation ${r.logicalId} names rule "${target}", which is not a rule of this pack`,
        );
      } else if (intrinsicName(target) === 'Ref') {
        const ref = (target as { Ref: unknown }).Ref;
        if (typeof ref === 'string' && !ids.has(ref)) {
          ctx.report(
            [...path, 'Ref'],
            `remediation ${r.logicalId} refers to ${ref}, which is not a rule of this pack`,
          );
        }
      }
    }
  },
};
