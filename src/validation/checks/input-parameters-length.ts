import { authoringChecks } from '../../authoring/problems.js';
import { limits } from '../../facts/limits.js';
import { characters } from '../../util/text.js';
import type { TemplateCheck } from '../check.js';
import { isObject, literalString, parameterRefOf } from '../template-values.js';
import { inputsOf, ruleResources } from './resources.js';

/** PS128 in templates: InputParameters as JSON over 1024 characters (references count as their defaults). */
export const inputParametersLength: TemplateCheck = {
  meta: authoringChecks['input-parameters-length'],
  run(ctx) {
    const parameters = isObject(ctx.template.Parameters) ? ctx.template.Parameters : {};
    for (const r of ruleResources(ctx)) {
      const inputs = inputsOf(r);
      if (!inputs) continue;
      const object: Record<string, string> = {};
      for (const [k, v] of Object.entries(inputs)) {
        const literal = literalString(v);
        if (literal !== undefined) object[k] = literal;
        else {
          const ref = parameterRefOf(v);
          const def = ref !== undefined && Object.hasOwn(parameters, ref) ? parameters[ref] : undefined;
          object[k] = isObject(def) ? (literalString(def.Default) ?? '') : '';
        }
      }
      const length = characters(JSON.stringify(object));
      if (length > limits.inputParametersJsonLength) {
        ctx.report(
          ['Resources', r.logicalId, 'Properties', 'InputParameters'],
          `the input parameters take ${length} characters as JSON; AWS allows ${limits.inputParametersJsonLength}`,
          { part: 'key' },
        );
      }
    }
  },
};
