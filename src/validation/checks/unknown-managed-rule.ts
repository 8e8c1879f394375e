import { unknownRuleMessage } from '../../authoring/catalog-extensions.js';
import { authoringChecks } from '../../authoring/problems.js';
import type { TemplateCheck } from '../check.js';
import { managedRuleResources } from './catalog-rules.js';

/** PS111 in templates: the SourceIdentifier of a managed rule is not in the catalog. */
export const unknownManagedRule: TemplateCheck = {
  meta: authoringChecks['unknown-managed-rule'],
  run(ctx) {
    for (const r of managedRuleResources(ctx)) {
      if (ctx.catalog.isKnownRuleIdentifier(r.identifier)) continue;
      const { message, fix } = unknownRuleMessage(r.identifier, ctx.catalog);
      ctx.report(['Resources', r.logicalId, 'Properties', 'Source', 'SourceIdentifier'], message, { fix });
    }
  },
};
