import { authoringChecks } from '../../authoring/problems.js';
import type { TemplateCheck } from '../check.js';
import { isObject } from '../template-values.js';
import { remediationsWithRunbooks } from './remediation-runbook.js';

/**
 * PS125 in templates (a warning): no parameter receives the resource id, or it goes to a parameter
 * whose name does not look like one. Both rest on a name-based guess, never an error.
 */
export const remediationResourceId: TemplateCheck = {
  meta: authoringChecks['remediation-resource-id'],
  run(ctx) {
    for (const r of remediationsWithRunbooks(ctx)) {
      if (!r.runbook || r.runbook.resourceIdParameterCandidates.length === 0) continue;
      const bound = Object.entries(r.parameters).filter(([, v]) => isObject(v) && 'ResourceValue' in v);
      const candidates = r.runbook.resourceIdParameter
        ? [r.runbook.resourceIdParameter]
        : r.runbook.resourceIdParameterCandidates;
      const path = ['Resources', r.logicalId, 'Properties'];
      if (bound.length === 0) {
        ctx.report(
          isObject(r.properties.Parameters) ? [...path, 'Parameters'] : [...path, 'TargetId'],
          `no parameter receives the resource id; ${r.runbook.name} probably takes it as ${candidates.map((c) => `"${c}"`).join(' or ')} (a guess from the parameter names)`,
          { part: isObject(r.properties.Parameters) ? 'key' : 'value' },
        );
      } else {
        for (const [name] of bound) {
          if (!candidates.includes(name)) {
            ctx.report(
              [...path, 'Parameters', name],
              `the resource id goes to "${name}"; ${r.runbook.name} probably takes it as ${candidates.map((c) => `"${c}"`).join(' or ')} (a guess from the parameter names)`,
              { part: 'key' },
            );
          }
        }
      }
    }
  },
};
