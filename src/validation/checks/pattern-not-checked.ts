import { authoringChecks } from '../../authoring/problems.js';
import { uncheckablePattern } from '../../util/pattern.js';
import type { TemplateCheck } from '../check.js';
import { isObject } from '../template-values.js';

/**
 * PS136 in templates: an AllowedPattern that cannot be evaluated in linear time, so the
 * parameter's Default is not checked against it (parameter-definition checks every other one).
 */
export const patternNotChecked: TemplateCheck = {
  meta: authoringChecks['pattern-not-checked'],
  run(ctx) {
    const parameters = ctx.template.Parameters;
    if (!isObject(parameters)) return;
    for (const [name, def] of Object.entries(parameters)) {
      if (!isObject(def) || typeof def.AllowedPattern !== 'string') continue;
      if (def.Default === undefined || typeof def.Default === 'object') continue;
      const reason = uncheckablePattern(def.AllowedPattern);
      if (reason) {
        ctx.report(
          ['Parameters', name, 'AllowedPattern'],
          `the Default of ${name} could not be checked offline against its AllowedPattern: ${reason}`,
        );
      }
    }
  },
};
