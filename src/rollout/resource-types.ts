/**
 * The resource types a pack's rules evaluate, read from its built template: what the accounts'
 * configuration recorders must record for the rules to ever report something other than
 * INSUFFICIENT_DATA. Pure.
 *
 * Per AWS::Config::ConfigRule resource:
 * - a literal `Scope.ComplianceResourceTypes` list wins (the rule evaluates only those);
 * - else a managed rule (Owner AWS) evaluates the catalog's types for its identifier; a rule the
 *   catalog lists without types (account-level, periodic) evaluates nothing recorded: skipped;
 * - else a custom rule (Lambda or Guard) triggered only periodically is skipped likewise;
 * - anything else cannot be told (a custom change-triggered rule without a literal scope, a managed
 *   identifier the catalog does not know): listed in `unknownRules`.
 */
import type { Catalog } from '../catalog/types.js';
import { processCheckIdentifier } from '../facts/enums.js';
import { parseYamlSource } from '../source/yaml-source.js';
import { isObject } from '../validation/template-values.js';

export interface EvaluatedResourceTypes {
  /** Sorted, unique. */
  types: string[];
  /** Rules (ConfigRuleName, or the logical id when the name is not literal) whose types are unknown; sorted. */
  unknownRules: string[];
}

export function resourceTypesEvaluated(
  templateBody: string,
  catalog: Pick<Catalog, 'rule'>,
): EvaluatedResourceTypes {
  const source = parseYamlSource('template.yaml', templateBody, { cloudFormation: true });
  if (source.syntaxErrors.length > 0) {
    throw new Error(`the template does not parse: ${source.syntaxErrors[0]?.message ?? 'syntax error'}`);
  }
  const resources = isObject(source.value) && isObject(source.value.Resources) ? source.value.Resources : {};
  const types = new Set<string>();
  const unknownRules = new Set<string>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObject(resource) || resource.Type !== 'AWS::Config::ConfigRule') continue;
    const properties = isObject(resource.Properties) ? resource.Properties : {};
    const name = typeof properties.ConfigRuleName === 'string' ? properties.ConfigRuleName : logicalId;
    const scoped = literalScopeTypes(properties.Scope);
    if (scoped) {
      for (const t of scoped) types.add(t);
      continue;
    }
    const src = isObject(properties.Source) ? properties.Source : {};
    if (src.Owner === 'AWS') {
      const identifier = src.SourceIdentifier;
      if (identifier === processCheckIdentifier) continue; // manual controls evaluate nothing
      const managed = typeof identifier === 'string' ? catalog.rule(identifier) : undefined;
      if (!managed) unknownRules.add(name);
      else for (const t of managed.resourceTypes) types.add(t);
      continue;
    }
    if (periodicOnly(src.SourceDetails)) continue;
    unknownRules.add(name);
  }
  return { types: [...types].sort(), unknownRules: [...unknownRules].sort() };
}

/** The scope's types when they are a non-empty list of literal strings (no intrinsic anywhere). */
function literalScopeTypes(scope: unknown): string[] | undefined {
  if (!isObject(scope)) return undefined;
  const list = scope.ComplianceResourceTypes;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return list.every((t): t is string => typeof t === 'string') ? list : undefined;
}

/** True when every source detail is a ScheduledNotification: the rule never looks at recorded items. */
function periodicOnly(details: unknown): boolean {
  if (!Array.isArray(details) || details.length === 0) return false;
  return details.every((d) => isObject(d) && d.MessageType === 'ScheduledNotification');
}
