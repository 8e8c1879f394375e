import type { TemplateCheck } from '../check.js';
import { isObject } from '../template-values.js';
import { managedRuleResources } from './catalog-rules.js';

/** PS301: the scope names a resource type the managed rule does not evaluate (by the catalog). */
export const scopeResourceType: TemplateCheck = {
  meta: {
    id: 'PS301',
    name: 'scope-resource-type',
    severity: 'warning',
    summary: 'The rule is scoped to a resource type the managed rule does not evaluate.',
    rationale:
      "A rule scoped to types it does not evaluate never reports on them. The catalog's resource types come from documentation and may lag behind AWS, so this is a warning.",
    fix: 'Scope the rule to the types `packsmith catalog show IDENTIFIER` lists, or correct the catalog with an extension file.',
  },
  run(ctx) {
    for (const r of managedRuleResources(ctx)) {
      const scope = r.properties.Scope;
      if (!r.managed || r.managed.resourceTypes.length === 0 || !isObject(scope)) continue;
      const types = scope.ComplianceResourceTypes;
      if (!Array.isArray(types)) continue;
      types.forEach((t, i) => {
        if (typeof t === 'string' && !r.managed!.resourceTypes.includes(t)) {
          ctx.report(
            ['Resources', r.logicalId, 'Properties', 'Scope', 'ComplianceResourceTypes', i],
            `${r.identifier} evaluates ${r.managed!.resourceTypes.join(', ')}, not ${t}`,
          );
        }
      });
    }
  },
};
