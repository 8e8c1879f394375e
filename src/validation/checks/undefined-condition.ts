import type { TemplateCheck } from '../check.js';
import { isObject } from '../template-values.js';

/** PS402: Fn::If, a resource's Condition or a Condition function names an undefined condition. */
export const undefinedCondition: TemplateCheck = {
  meta: {
    id: 'PS402',
    name: 'undefined-condition',
    severity: 'error',
    summary: 'A condition is used that the Conditions section does not define.',
    rationale: 'AWS rejects a template whose Fn::If or Condition names an unknown condition.',
    fix: 'Define the condition under Conditions, or correct the name.',
  },
  run(ctx) {
    // Own keys only: `toString` or `constructor` is not a condition because every object inherits it.
    const conditions = new Set(isObject(ctx.template.Conditions) ? Object.keys(ctx.template.Conditions) : []);
    const known = (name: unknown) => typeof name === 'string' && conditions.has(name);
    for (const r of ctx.resources) {
      if (Object.hasOwn(r.resource, 'Condition') && !known(r.resource.Condition)) {
        ctx.report(
          ['Resources', r.logicalId, 'Condition'],
          `condition ${JSON.stringify(r.resource.Condition)} is not defined`,
        );
      }
    }
    for (const { path, name, argument } of ctx.intrinsics()) {
      if (name === 'Fn::If') {
        if (!Array.isArray(argument) || argument.length !== 3) {
          ctx.report([...path, 'Fn::If'], 'Fn::If takes [condition, value if true, value if false]');
        } else if (!known(argument[0])) {
          ctx.report([...path, 'Fn::If', 0], `condition ${JSON.stringify(argument[0])} is not defined`);
        }
      } else if (name === 'Condition' && path[0] === 'Conditions' && !known(argument)) {
        ctx.report([...path, 'Condition'], `condition ${JSON.stringify(argument)} is not defined`);
      }
    }
  },
};
