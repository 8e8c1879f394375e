import type { TemplateCheck } from '../check.js';
import { managedRuleResources } from './catalog-rules.js';

/**
 * PS230: a managed rule AWS does not document in a Region the pack is meant for (`--region`). The
 * availability data may lag AWS by a Region or two, so this is a warning; a Region the catalog has
 * no data for (launched later, ISO partitions) is unknown and never reported.
 */
export const ruleRegion: TemplateCheck = {
  meta: {
    id: 'PS230',
    name: 'rule-unavailable-in-region',
    severity: 'warning',
    summary: 'A managed rule is not available in a Region named with --region.',
    rationale:
      'AWS Config rejects a conformance pack holding a managed rule that does not exist in the Region, and says so one rule at a time ([AWS Config Developer Guide: each rule\'s "AWS Region" line]); packsmith\'s catalog carries that line for every managed rule.',
    fix: "Remove the rule from the pack, or deploy it with `unavailableRules: exclude` for the pack in packsmith.deploy.yaml so that Region's template omits it.",
  },
  run(ctx) {
    if (ctx.regions.length === 0) return;
    for (const r of managedRuleResources(ctx)) {
      const missing = ctx.regions.filter(
        (region) => ctx.catalog.availability(r.identifier, region) === 'unavailable',
      );
      if (missing.length === 0) continue;
      ctx.report(
        ['Resources', r.logicalId, 'Properties', 'Source', 'SourceIdentifier'],
        `${r.identifier} is not available in ${missing.join(', ')} (AWS Config documentation); a deployment there fails`,
      );
    }
  },
};
