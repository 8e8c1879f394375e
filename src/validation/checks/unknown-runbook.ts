import { authoringChecks } from '../../authoring/problems.js';
import { unknownRunbookMessage } from '../../authoring/catalog-extensions.js';
import type { TemplateCheck } from '../check.js';
import { remediationsWithRunbooks } from './remediation-runbook.js';

/** PS119 in templates (a warning: the runbook catalog is a May 2021 snapshot). */
export const unknownRunbook: TemplateCheck = {
  meta: authoringChecks['unknown-runbook'],
  run(ctx) {
    for (const r of remediationsWithRunbooks(ctx)) {
      if (!r.targetId || r.runbook) continue;
      const { message, fix } = unknownRunbookMessage(r.targetId, ctx.catalog);
      ctx.report(
        ['Resources', r.logicalId, 'Properties', 'TargetId'],
        `${message}; its parameters cannot be checked`,
        { fix },
      );
    }
  },
};
