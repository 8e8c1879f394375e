import { authoringChecks } from '../../authoring/problems.js';
import type { TemplateCheck } from '../check.js';
import { isObject } from '../template-values.js';
import { ruleResources } from './resources.js';

const periodicMessages = new Set(['ScheduledNotification', 'ConfigurationSnapshotDeliveryCompleted']);

/** PS116 in templates: MaximumExecutionFrequency on a rule that cannot run periodically. */
export const frequency: TemplateCheck = {
  meta: authoringChecks['frequency-on-change-triggered-rule'],
  run(ctx) {
    for (const r of ruleResources(ctx)) {
      if (r.properties.MaximumExecutionFrequency === undefined) continue;
      const source = r.properties.Source;
      if (!isObject(source)) continue;
      const path = ['Resources', r.logicalId, 'Properties', 'MaximumExecutionFrequency'];
      if (source.Owner === 'AWS' && typeof source.SourceIdentifier === 'string') {
        const managed = ctx.catalog.rule(source.SourceIdentifier);
        if (managed && managed.triggers.configurationChange && !managed.triggers.periodic) {
          ctx.report(
            path,
            `${managed.identifier} runs only on configuration changes; it takes no MaximumExecutionFrequency`,
          );
        }
      } else if (source.Owner === 'CUSTOM_LAMBDA' && Array.isArray(source.SourceDetails)) {
        const periodic = source.SourceDetails.some(
          (d) => isObject(d) && periodicMessages.has(String(d.MessageType)),
        );
        if (!periodic) {
          ctx.report(
            path,
            'this Lambda rule has no periodic trigger (ScheduledNotification); it takes no MaximumExecutionFrequency',
          );
        }
      } else if (source.Owner === 'CUSTOM_POLICY') {
        ctx.report(
          path,
          'Guard custom policy rules run only on configuration changes; they take no MaximumExecutionFrequency',
        );
      }
    }
  },
};
