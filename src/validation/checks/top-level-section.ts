import type { TemplateCheck } from '../check.js';

/**
 * A conformance pack is deployed as a CloudFormation stack in each account, so CloudFormation reads
 * the template: sections it evaluates or ignores are accepted. Parameters, Conditions and Resources
 * are documented for packs; AWSTemplateFormatVersion, Description, Metadata and Mappings are
 * CloudFormation sections that only shape or annotate the template and are used by packs people
 * publish (Mappings is checked by PS206).
 */
const accepted = new Set([
  'Parameters',
  'Conditions',
  'Resources',
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Mappings',
]);
/**
 * CloudFormation sections whose effect in a pack AWS does not document (fact sheet §6): a warning
 * that says so, never an error. Outputs of the pack's stack are not surfaced by Config; a Transform
 * could add resources of types packs do not allow.
 */
const undocumented = new Set(['Outputs', 'Transform', 'Rules']);
/** The only value CloudFormation accepts for AWSTemplateFormatVersion. */
const formatVersion = '2010-09-09';

/** PS201: top-level sections: CloudFormation's, and how packs treat them. */
export const topLevelSection: TemplateCheck = {
  meta: {
    id: 'PS201',
    name: 'top-level-section',
    severity: 'error',
    summary:
      'A top-level section CloudFormation does not know, or one whose effect in packs is undocumented.',
    rationale:
      'CloudFormation evaluates pack templates in each account, so it accepts Parameters, Conditions, Resources, Mappings, Metadata, Description and AWSTemplateFormatVersion (packs published on GitHub use them all); a section it does not know fails the deploy. Outputs, Transform and Rules are CloudFormation sections whose effect in a pack AWS does not document (fact sheet §6): a warning.',
    fix: 'Remove the section, or correct its name (Parameters, Conditions, Resources, Mappings, Metadata, Description, AWSTemplateFormatVersion).',
  },
  run(ctx) {
    for (const [key, value] of Object.entries(ctx.template)) {
      if (key === 'AWSTemplateFormatVersion' && String(value) !== formatVersion) {
        ctx.report(
          [key],
          `AWSTemplateFormatVersion must be "${formatVersion}", the only version CloudFormation knows`,
          {
            fix: `Write AWSTemplateFormatVersion: "${formatVersion}", or remove the line.`,
          },
        );
      } else if (key === 'Description' && typeof value !== 'string') {
        ctx.report([key], 'Description must be a string', { fix: 'Write the description as one string.' });
      }
      if (accepted.has(key)) continue;
      if (undocumented.has(key)) {
        ctx.report(
          [key],
          `${key} is a CloudFormation section whose effect in conformance packs AWS does not document`,
          {
            part: 'key',
            severity: 'warning',
            fix: `Remove ${key} unless you have checked it in a sandbox account.`,
          },
        );
      } else {
        ctx.report([key], `${key} is not a template section CloudFormation knows`, { part: 'key' });
      }
    }
  },
};
