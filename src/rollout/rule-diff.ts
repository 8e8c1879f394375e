/**
 * What a template change does, rule by rule: the rules a deploy adds and removes, and for each rule
 * kept (same ConfigRuleName) which of its properties and remediation change. Compares the template
 * deployed last (as staged, verified by its hash) with the one about to be put, like a Terraform plan.
 */
import { parseYamlSource } from '../source/yaml-source.js';
import { isObject } from '../validation/template-values.js';

export interface RuleChange {
  /** ConfigRuleName, or the logical id when the name is computed. */
  rule: string;
  change: 'added' | 'removed' | 'changed';
  /** For `changed`: one line per property that differs, `Path: before → after`. */
  details: string[];
}

type Json = unknown;

interface RuleView {
  properties: Record<string, unknown>;
  remediation?: Record<string, unknown>;
}

/** Each template parameter's Default, as the value a `Ref` to it takes when no value is given. */
function parameterDefaults(parameters: unknown): Map<string, unknown> {
  const defaults = new Map<string, unknown>();
  if (!isObject(parameters)) return defaults;
  for (const [name, p] of Object.entries(parameters)) {
    if (isObject(p) && p.Default !== undefined) defaults.set(name, p.Default);
  }
  return defaults;
}

/** The value with each `{ Ref: P }` to a parameter with a Default replaced by that Default. */
function resolveDefaults(value: unknown, defaults: Map<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveDefaults(v, defaults));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref' && typeof value.Ref === 'string' && defaults.has(value.Ref)) {
    return defaults.get(value.Ref);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveDefaults(v, defaults)]));
}

/** Rules keyed by name, each with its remediation's properties; undefined when the text is no template. */
function rulesOf(text: string): Map<string, RuleView> | undefined {
  const source = parseYamlSource('template.yaml', text, { cloudFormation: true });
  if (source.syntaxErrors.length > 0 || !isObject(source.value)) return undefined;
  const resources = isObject(source.value.Resources) ? source.value.Resources : {};
  const defaults = parameterDefaults(source.value.Parameters);
  const rules = new Map<string, RuleView>();
  const byLogicalId = new Map<string, string>();
  for (const [id, r] of Object.entries(resources)) {
    if (!isObject(r) || r.Type !== 'AWS::Config::ConfigRule') continue;
    const properties = isObject(r.Properties)
      ? (resolveDefaults(r.Properties, defaults) as Record<string, unknown>)
      : {};
    const name = typeof properties.ConfigRuleName === 'string' ? properties.ConfigRuleName : id;
    rules.set(name, { properties });
    byLogicalId.set(id, name);
  }
  for (const r of Object.values(resources)) {
    if (!isObject(r) || r.Type !== 'AWS::Config::RemediationConfiguration') continue;
    const properties = isObject(r.Properties) ? r.Properties : {};
    const target = properties.ConfigRuleName;
    const name =
      typeof target === 'string'
        ? target
        : isObject(target) && typeof target.Ref === 'string'
          ? byLogicalId.get(target.Ref)
          : undefined;
    const rule = name === undefined ? undefined : rules.get(name);
    if (rule) rule.remediation = properties;
  }
  return rules;
}

const show = (v: Json): string => (v === undefined ? '(none)' : JSON.stringify(v));

/** Leaf differences between two values, as `path: before → after`, keys in sorted order. */
function differences(before: Json, after: Json, path: string, out: string[]): void {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const k of keys) differences(before[k], after[k], path ? `${path}.${k}` : k, out);
  } else if (JSON.stringify(before) !== JSON.stringify(after)) {
    out.push(`${path}: ${show(before)} → ${show(after)}`);
  }
}

/**
 * The rule-level difference between the template deployed last and the desired one; undefined when
 * either is not a readable template. Rules are matched by ConfigRuleName (what AWS keys them by).
 */
export function ruleChanges(deployed: string, desired: string): RuleChange[] | undefined {
  const before = rulesOf(deployed);
  const after = rulesOf(desired);
  if (!before || !after) return undefined;
  const changes: RuleChange[] = [];
  for (const [rule, b] of before) {
    const a = after.get(rule);
    if (!a) {
      changes.push({ rule, change: 'removed', details: [] });
      continue;
    }
    const details: string[] = [];
    differences(b.properties, a.properties, '', details);
    if (b.remediation && a.remediation) differences(b.remediation, a.remediation, 'Remediation', details);
    else if (b.remediation || a.remediation) {
      details.push(
        `Remediation: ${b.remediation ? `${show(b.remediation.TargetId)} removed` : `${show(a.remediation!.TargetId)} added`}`,
      );
    }
    if (details.length > 0) changes.push({ rule, change: 'changed', details });
  }
  for (const rule of after.keys()) {
    if (!before.has(rule)) changes.push({ rule, change: 'added', details: [] });
  }
  const order = { removed: 0, changed: 1, added: 2 };
  return changes.sort((x, y) => order[x.change] - order[y.change] || x.rule.localeCompare(y.rule));
}
