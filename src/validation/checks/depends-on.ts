import type { TemplateCheck } from '../check.js';

/** PS403: DependsOn must name resources of the template. */
export const dependsOn: TemplateCheck = {
  meta: {
    id: 'PS403',
    name: 'depends-on-target',
    severity: 'error',
    summary: 'DependsOn names a resource the template does not have.',
    rationale: 'AWS rejects a template whose DependsOn target does not exist.',
    fix: 'Name the logical id of a resource of this template (usually the rule a remediation fixes).',
  },
  run(ctx) {
    const ids = new Set(ctx.resources.map((r) => r.logicalId));
    for (const r of ctx.resources) {
      const value = r.resource.DependsOn;
      if (value === undefined) continue;
      const targets = Array.isArray(value) ? value : [value];
      targets.forEach((t, i) => {
        const path = ['Resources', r.logicalId, 'DependsOn', ...(Array.isArray(value) ? [i] : [])];
        if (typeof t !== 'string') ctx.report(path, 'DependsOn takes logical ids');
        else if (!ids.has(t)) ctx.report(path, `DependsOn ${t}: no resource has this logical id`);
        else if (t === r.logicalId) ctx.report(path, `${t} cannot depend on itself`);
      });
    }
  },
};
