/** What the catalog says about the managed rule of a ConfigRule resource. */
import type { ManagedRule } from '../../catalog/types.js';
import type { CheckContext, TemplateResource } from '../check.js';
import { isObject } from '../template-values.js';
import { ruleResources } from './resources.js';

export interface ManagedRuleResource extends TemplateResource {
  identifier: string;
  /** Undefined for identifiers the catalog does not know (and for AWS_CONFIG_PROCESS_CHECK). */
  managed: ManagedRule | undefined;
}

/** ConfigRule resources with Owner AWS and a literal SourceIdentifier. */
export function managedRuleResources(ctx: CheckContext): ManagedRuleResource[] {
  return ctx.memo('managed-rules', () => computeManagedRuleResources(ctx));
}

function computeManagedRuleResources(ctx: CheckContext): ManagedRuleResource[] {
  const out: ManagedRuleResource[] = [];
  for (const r of ruleResources(ctx)) {
    const source = r.properties.Source;
    if (!isObject(source) || source.Owner !== 'AWS' || typeof source.SourceIdentifier !== 'string') continue;
    out.push({
      ...r,
      identifier: source.SourceIdentifier,
      managed: ctx.catalog.rule(source.SourceIdentifier),
    });
  }
  return out;
}
