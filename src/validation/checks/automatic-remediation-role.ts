import { authoringChecks } from '../../authoring/problems.js';
import type { TemplateCheck } from '../check.js';
import { remediationsWithRunbooks } from './remediation-runbook.js';

/** PS126 in templates: automatic remediation needs the automation role parameter. */
export const automaticRemediationRole: TemplateCheck = {
  meta: authoringChecks['automatic-remediation-role'],
  run(ctx) {
    for (const r of remediationsWithRunbooks(ctx)) {
      const automatic = r.properties.Automatic;
      if (!(automatic === true || (typeof automatic === 'string' && automatic.toLowerCase() === 'true')))
        continue;
      if (Object.hasOwn(r.parameters, r.roleParameter)) continue;
      ctx.report(
        ['Resources', r.logicalId, 'Properties', 'Automatic'],
        `automatic remediation needs the ${r.roleParameter} parameter (a role ARN)`,
      );
    }
  },
};
