import { authoringChecks } from '../../authoring/problems.js';
import { closest } from '../../util/suggest.js';
import type { TemplateCheck } from '../check.js';
import { managedRuleResources } from './catalog-rules.js';
import { inputsOf } from './resources.js';

/** PS112 in templates: an InputParameters key the managed rule does not take. */
export const unknownParameter: TemplateCheck = {
  meta: authoringChecks['unknown-parameter'],
  run(ctx) {
    for (const r of managedRuleResources(ctx)) {
      const inputs = inputsOf(r);
      if (!r.managed || !inputs) continue;
      const names = r.managed.parameters.map((p) => p.name);
      for (const name of Object.keys(inputs)) {
        if (names.includes(name)) continue;
        const suggestion = closest(name, names, 1)[0];
        const hint = suggestion
          ? ` (did you mean "${suggestion}"?)`
          : names.length
            ? ` (it takes: ${names.join(', ')})`
            : ' (it takes no parameters)';
        ctx.report(
          ['Resources', r.logicalId, 'Properties', 'InputParameters', name],
          `${r.identifier} has no parameter "${name}"${hint}`,
          { part: 'key' },
        );
      }
    }
  },
};
