import type { TemplateCheck } from '../check.js';

/** PS200: a conformance pack template is a mapping with a Resources mapping. */
export const templateShape: TemplateCheck = {
  meta: {
    id: 'PS200',
    name: 'template-shape',
    severity: 'error',
    summary: 'The template is not a mapping with a non-empty Resources section.',
    rationale:
      'AWS reads a conformance pack template as a CloudFormation-like document whose Resources hold the rules.',
    fix: 'Give the template a top-level Resources mapping with at least one AWS::Config::ConfigRule.',
  },
  run(ctx) {
    const resources = ctx.template.Resources;
    if (resources === undefined) ctx.report([], 'the template has no Resources section', { part: 'key' });
    else if (typeof resources !== 'object' || resources === null || Array.isArray(resources)) {
      ctx.report(['Resources'], 'Resources must be a mapping of logical ids to resources');
    } else if (Object.keys(resources).length === 0) ctx.report(['Resources'], 'Resources is empty');
    else {
      for (const [logicalId, resource] of Object.entries(resources)) {
        if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
          ctx.report(
            ['Resources', logicalId],
            `resource ${logicalId} must be a mapping with Type and Properties, not ${resource === null ? 'empty' : Array.isArray(resource) ? 'a list' : `a ${typeof resource}`}`,
          );
        }
      }
    }
  },
};
