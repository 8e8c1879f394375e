import { jsonObject } from '../property-spec.js';
import { isIntrinsic, isObject } from '../template-values.js';
import type { CheckContext, TemplateResource } from '../check.js';

export const ruleResources = (ctx: CheckContext): TemplateResource[] =>
  ctx.memo('rules', () => ctx.resources.filter((r) => r.type === 'AWS::Config::ConfigRule'));

export const remediationResources = (ctx: CheckContext): TemplateResource[] =>
  ctx.memo('remediations', () =>
    ctx.resources.filter((r) => r.type === 'AWS::Config::RemediationConfiguration'),
  );

/**
 * A rule's InputParameters as a mapping of inputs, or undefined when absent or computed as a whole
 * (`InputParameters: !If [HasKey, {…}, !Ref AWS::NoValue]`, as some AWS samples write it). A
 * string holding a JSON object (CloudFormation's Json type) counts as that object.
 */
export function inputsOf(r: TemplateResource): Record<string, unknown> | undefined {
  const written = r.properties.InputParameters;
  const parsed = typeof written === 'string' ? jsonObject(written) : undefined;
  const inputs = parsed === undefined ? written : parsed;
  return isObject(inputs) && !isIntrinsic(inputs) ? inputs : undefined;
}
