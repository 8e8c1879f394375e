import { authoringChecks } from '../../authoring/problems.js';
import { closest } from '../../util/suggest.js';
import type { TemplateCheck } from '../check.js';
import { remediationsWithRunbooks } from './remediation-runbook.js';

/** PS120 in templates (a warning: the runbook catalog is a May 2021 snapshot). */
export const unknownRunbookParameter: TemplateCheck = {
  meta: authoringChecks['unknown-runbook-parameter'],
  run(ctx) {
    for (const r of remediationsWithRunbooks(ctx)) {
      if (!r.runbook) continue;
      const names = r.runbook.parameters.map((p) => p.name);
      for (const name of Object.keys(r.parameters)) {
        if (names.includes(name)) continue;
        const suggestion = closest(name, names, 1)[0];
        ctx.report(
          ['Resources', r.logicalId, 'Properties', 'Parameters', name],
          `${r.runbook.name} documents no parameter "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''} (catalog snapshot of May 2021)`,
          { part: 'key' },
        );
      }
    }
  },
};
