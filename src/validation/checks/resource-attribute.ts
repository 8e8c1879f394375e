import type { TemplateCheck } from '../check.js';

/** Metadata annotates a resource; CloudFormation ignores it, so it is accepted as packs people publish use it. */
const documented = new Set(['Type', 'Properties', 'DependsOn', 'Condition', 'Controls', 'Metadata']);
const cloudFormationOnly = new Set([
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'UpdatePolicy',
  'CreationPolicy',
]);

/** PS204: resource-level keys; `Controls` (framework control ids) is accepted, as AWS's samples use it. */
export const resourceAttribute: TemplateCheck = {
  meta: {
    id: 'PS204',
    name: 'resource-attribute',
    severity: 'warning',
    summary: 'A resource-level key other than Type, Properties, DependsOn, Condition, Controls and Metadata.',
    rationale:
      "Conformance packs document these resource attributes (Controls as AWS's samples use it). Others are undocumented for packs; one AWS sample carries a resource-level Description, so this is a warning.",
    fix: 'Remove the key, or move it under Properties if it is a property.',
  },
  run(ctx) {
    for (const { logicalId, resource } of ctx.resources) {
      for (const key of Object.keys(resource)) {
        if (documented.has(key)) continue;
        const path = ['Resources', logicalId, key];
        if (cloudFormationOnly.has(key)) {
          ctx.report(path, `${key} is a CloudFormation attribute not documented for conformance packs`, {
            part: 'key',
            severity: 'warning',
          });
        } else
          ctx.report(
            path,
            `resource ${logicalId} has an attribute ${key} that conformance packs do not document`,
            { part: 'key' },
          );
      }
      const controls = resource.Controls;
      if (
        controls !== undefined &&
        (!Array.isArray(controls) || controls.some((c) => typeof c !== 'string'))
      ) {
        ctx.report(['Resources', logicalId, 'Controls'], 'Controls must be a list of control id strings', {
          severity: 'error',
        });
      }
    }
  },
};
