import { authoringChecks } from '../../authoring/problems.js';
import { limits } from '../../facts/limits.js';
import type { CheckContext, TemplateCheck } from '../check.js';
import { isObject } from '../template-values.js';

/** PS130 in templates: more than 130 resources (rules plus remediations: the safe reading). */
export const packResourceLimit: TemplateCheck = {
  meta: authoringChecks['pack-resource-limit'],
  run(ctx) {
    if (ctx.resources.length > limits.resourcesPerPack) {
      ctx.report(
        ['Resources'],
        `the template has ${ctx.resources.length} resources; AWS allows ${limits.resourcesPerPack}`,
        { part: 'key' },
      );
    }
  },
};

/** PS131 in templates: a body over 300 KB cannot be deployed at all. */
export const packSizeLimit: TemplateCheck = {
  meta: authoringChecks['pack-size-limit'],
  run(ctx) {
    if (ctx.bytes > limits.templateS3Bytes) {
      ctx.report([], `the template is ${ctx.bytes} bytes; AWS allows ${limits.templateS3Bytes}`, {
        part: 'key',
      });
    }
  },
};

/** PS133 in templates: over 51,200 bytes must be deployed from S3 (an error with --inline). */
export const packInlineSize: TemplateCheck = {
  meta: authoringChecks['pack-inline-size'],
  run(ctx: CheckContext) {
    if (ctx.bytes > limits.templateBodyBytes && ctx.bytes <= limits.templateS3Bytes) {
      ctx.report(
        [],
        `the template is ${ctx.bytes} bytes, over the ${limits.templateBodyBytes}-byte inline limit: deploy it from S3`,
        { part: 'key', ...(ctx.inline ? { severity: 'error' as const } : {}) },
      );
    }
  },
};

/** PS132 in templates: more than 60 parameters cannot all be passed at deploy (an error with --inline). */
export const packParameterCount: TemplateCheck = {
  meta: authoringChecks['pack-parameter-count'],
  run(ctx) {
    const count = isObject(ctx.template.Parameters) ? Object.keys(ctx.template.Parameters).length : 0;
    if (count > limits.inputParameters) {
      ctx.report(
        ['Parameters'],
        `the template declares ${count} parameters; at most ${limits.inputParameters} values can be passed at deploy time`,
        {
          part: 'key',
          ...(ctx.inline ? { severity: 'error' as const } : {}),
        },
      );
    }
  },
};
