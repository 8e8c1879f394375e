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
 * (`InputParameters: !If [HasKey, {…}, !Ref AWS::NoValue]`, as some AWS samples write it).
 */
export function inputsOf(r: TemplateResource): Record<string, unknown> | undefined {
  const inputs = r.properties.InputParameters;
  return isObject(inputs) && !isIntrinsic(inputs) ? inputs : undefined;
}
