import { authoringChecks } from '../../authoring/problems.js';
import type { TemplateCheck } from '../check.js';
import { ruleResources } from './resources.js';

/** PS115 in templates: two rules with one ConfigRuleName. */
export const duplicateRuleName: TemplateCheck = {
  meta: authoringChecks['duplicate-rule-name'],
  run(ctx) {
    const seen = new Map<string, string>();
    for (const r of ruleResources(ctx)) {
      const name = r.properties.ConfigRuleName;
      if (typeof name !== 'string') continue;
      const first = seen.get(name);
      if (first !== undefined) {
        ctx.report(
          ['Resources', r.logicalId, 'Properties', 'ConfigRuleName'],
          `rule name "${name}" is already used by ${first}`,
        );
      } else seen.set(name, r.logicalId);
    }
  },
};
