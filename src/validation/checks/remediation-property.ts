import { remediationProperties } from '../../facts/resource-properties.js';
import type { TemplateCheck } from '../check.js';
import { reportPropertySpec } from '../property-spec.js';
import { isObject } from '../template-values.js';
import { remediationResources } from './resources.js';

/** PS220: AWS::Config::RemediationConfiguration properties against the API's documented constraints. */
export const remediationProperty: TemplateCheck = {
  meta: {
    id: 'PS220',
    name: 'remediation-property',
    severity: 'error',
    summary:
      'A RemediationConfiguration property is unknown, missing, of the wrong type or out of its range or enum.',
    rationale:
      'TargetType must be SSM_DOCUMENT, ResourceValue RESOURCE_ID, MaximumAutomaticAttempts 1–25, RetryAttemptSeconds 1–2,678,000, percentages 1–100, at most 25 parameters each with exactly one of StaticValue or ResourceValue ([BC:RemediationConfiguration]); cfn-lint checks none of these.',
    fix: 'Correct the property as the message says.',
    sameAs: ['E3002', 'E3003', 'E3012'],
  },
  run(ctx) {
    for (const r of remediationResources(ctx)) {
      const base = ['Resources', r.logicalId, 'Properties'];
      if (!reportPropertySpec(ctx, r, remediationProperties, 'remediation')) continue;
      const params = r.properties.Parameters;
      if (!isObject(params)) continue;
      for (const [name, value] of Object.entries(params)) {
        if (!isObject(value)) continue;
        const kinds = ['StaticValue', 'ResourceValue'].filter((k) => k in value);
        if (kinds.length !== 1) {
          ctx.report(
            [...base, 'Parameters', name],
            `parameter ${name} needs exactly one of StaticValue or ResourceValue`,
            { part: 'key' },
          );
        }
      }
    }
  },
};
