import { authoringChecks } from '../../authoring/problems.js';
import { typeProblem } from '../../authoring/values.js';
import type { TemplateCheck } from '../check.js';
import { isObject, literalString, parameterRefOf as refOf } from '../template-values.js';
import { managedRuleResources } from './catalog-rules.js';
import { inputsOf } from './resources.js';

/**
 * PS114 in templates: a literal InputParameters value, or the Default of the parameter it refers
 * to, does not parse as the managed rule parameter's type.
 */
export const parameterType: TemplateCheck = {
  meta: authoringChecks['parameter-type'],
  run(ctx) {
    const parameters = isObject(ctx.template.Parameters) ? ctx.template.Parameters : {};
    const reported = new Set<string>();
    for (const r of managedRuleResources(ctx)) {
      const inputs = inputsOf(r);
      if (!r.managed || !inputs) continue;
      for (const [name, value] of Object.entries(inputs)) {
        const known = r.managed.parameters.find((p) => p.name === name);
        if (!known) continue;
        const path = ['Resources', r.logicalId, 'Properties', 'InputParameters', name];
        const literal = literalString(value);
        if (literal !== undefined) {
          const problem = typeProblem(literal, known.type);
          if (problem)
            ctx.report(path, `"${name}" is ${known.type}: ${JSON.stringify(literal)} is not ${problem}`);
          continue;
        }
        // A parameter reference, directly or through the empty-drops-the-key idiom.
        const ref = refOf(value);
        const def = ref !== undefined && Object.hasOwn(parameters, ref) ? parameters[ref] : undefined;
        if (!isObject(def) || literalString(def.Default) === undefined) continue;
        const dflt = literalString(def.Default)!;
        const problem = typeProblem(dflt, known.type);
        const key = `${ref}|${known.type}`;
        if (problem && !reported.has(key)) {
          reported.add(key);
          ctx.report(
            ['Parameters', ref!, 'Default'],
            `parameter ${ref} feeds "${name}" of ${r.identifier}, which is ${known.type}: ${JSON.stringify(dflt)} is not ${problem}`,
          );
        }
      }
    }
  },
};
