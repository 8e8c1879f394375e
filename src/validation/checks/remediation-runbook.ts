/** Runbook facts of RemediationConfiguration resources (catalog snapshot of May 2021). */
import type { Runbook } from '../../catalog/types.js';
import type { CheckContext, TemplateResource } from '../check.js';
import { isObject } from '../template-values.js';
import { remediationResources } from './resources.js';

export interface RemediationResource extends TemplateResource {
  targetId: string | undefined;
  runbook: Runbook | undefined;
  parameters: Record<string, unknown>;
  /** The parameter that takes the automation role. */
  roleParameter: string;
}

export function remediationsWithRunbooks(ctx: CheckContext): RemediationResource[] {
  return ctx.memo('remediation-runbooks', () => compute(ctx));
}

function compute(ctx: CheckContext): RemediationResource[] {
  return remediationResources(ctx).map((r) => {
    const targetId = typeof r.properties.TargetId === 'string' ? r.properties.TargetId : undefined;
    const runbook = targetId ? ctx.catalog.runbook(targetId) : undefined;
    return {
      ...r,
      targetId,
      runbook,
      parameters: isObject(r.properties.Parameters) ? r.properties.Parameters : {},
      roleParameter: runbook?.assumeRoleParameter ?? 'AutomationAssumeRole',
    };
  });
}
