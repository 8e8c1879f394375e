import type { TemplateCheck } from '../check.js';

const allowed = new Set(['Parameters', 'Conditions', 'Resources']);
/** Accepted by CloudFormation-like readers but not documented for packs: a warning. */
const tolerated = new Set(['AWSTemplateFormatVersion', 'Description']);

/** PS201: only Parameters, Conditions and Resources are documented top-level sections. */
export const topLevelSection: TemplateCheck = {
  meta: {
    id: 'PS201',
    name: 'top-level-section',
    severity: 'error',
    summary: 'A top-level section other than Parameters, Conditions and Resources.',
    rationale:
      "Conformance pack templates document Parameters, Conditions and Resources only; none of AWS's samples uses Outputs, Mappings, Metadata or Transform (fact sheet §1.1). AWSTemplateFormatVersion and Description are tolerated with a warning.",
    fix: 'Remove the section (Outputs, Mappings, Metadata and Transform are not supported in packs).',
  },
  run(ctx) {
    for (const key of Object.keys(ctx.template)) {
      if (allowed.has(key)) continue;
      if (tolerated.has(key)) {
        ctx.report([key], `${key} is not a documented section of conformance pack templates`, {
          part: 'key',
          severity: 'warning',
          fix: `Remove ${key}; put a description in a comment.`,
        });
      } else {
        ctx.report([key], `${key} is not a section conformance pack templates support`, { part: 'key' });
      }
    }
  },
};
