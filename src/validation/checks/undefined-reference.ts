import type { TemplateCheck } from '../check.js';
import { isObject } from '../template-values.js';

/** PS401: a Ref to something the template does not declare. */
export const undefinedReference: TemplateCheck = {
  meta: {
    id: 'PS401',
    name: 'undefined-reference',
    severity: 'error',
    summary: 'A Ref names neither a declared parameter, a resource, nor a pseudo parameter.',
    rationale: 'AWS rejects a template with an unresolved reference.',
    fix: 'Declare the parameter under Parameters, or correct the name.',
    sameAs: ['E1020'],
  },
  run(ctx) {
    const declared = new Set([
      ...Object.keys(isObject(ctx.template.Parameters) ? ctx.template.Parameters : {}),
      ...ctx.resources.map((r) => r.logicalId),
    ]);
    for (const { path, name, argument } of ctx.intrinsics()) {
      if (name !== 'Ref' || path[0] === 'Parameters') continue;
      if (typeof argument !== 'string') {
        ctx.report([...path, 'Ref'], 'Ref takes the name of a parameter or resource');
      } else if (!argument.startsWith('AWS::') && !declared.has(argument)) {
        ctx.report([...path, 'Ref'], `Ref ${argument}: no parameter or resource has this name`);
      }
    }
  },
};
