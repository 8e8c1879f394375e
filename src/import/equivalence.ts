/**
 * When two conformance pack templates are equivalent: the definition `packsmith import` promises
 * (docs/import.md), as a function tests, scripts and benchmarks share.
 *
 * Two templates are equivalent when they have
 * - the same parameters (by name): Type, Default, Description, AllowedValues, AllowedPattern,
 *   ConstraintDescription and any other attribute;
 * - the same Mappings (values compared as strings);
 * - the same conditions, compared by their expressions (a `Condition: NAME` inside one is replaced
 *   by NAME's expression), not by their names;
 * - the same rules, matched by ConfigRuleName (a `Ref` to a parameter by that Ref; a rule without
 *   ConfigRuleName, whose name CloudFormation generates, by its logical id): the same logical id (a renamed resource is replaced
 *   by CloudFormation, losing its evaluation history), the same Properties, the same resource-level
 *   Controls and Condition (by expression); Fn::If names its condition by expression too;
 * - the same remediations, matched by the ConfigRuleName they remediate: the same logical id, the
 *   same Properties and resource-level Condition.
 *
 * Not compared: condition names, key order, quoting, comments, DependsOn, resource-level
 * Description and Metadata, and the template's Description, Metadata and AWSTemplateFormatVersion.
 *
 * Normalisations (each is how AWS reads the value, or packsmith's documented way of writing it):
 * - scalars in InputParameters, parameter attributes, Fn::Equals operands and StaticValue values
 *   compare as strings (`90` = `'90'`, `true` = `'true'`): packsmith writes strings;
 * - empty InputParameters and empty Controls are the same as none;
 * - a remediation without Automatic is `Automatic: false`; `'true'`/`'false'` strings are booleans;
 *   MaximumAutomaticAttempts, RetryAttemptSeconds and the SsmControls percentages compare as numbers
 *   (`'10'` = `10`), TargetVersion as a string;
 * - a remediation's ConfigRuleName given as `Ref: RuleLogicalId` is that rule's name (as matched above).
 */

type Json = unknown;
type Obj = Record<string, Json>;

const hasOwn = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
/** Sets an own property, even `__proto__`. */
const setOwn = (o: Obj, key: string, value: Json) =>
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });

const isObject = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface NormalizedResource {
  /** The resource's logical id: renaming it replaces the resource. */
  logicalId: string;
  /** The resource-level Condition, as its expression. */
  condition?: Json;
  controls?: string[];
  properties: Obj;
}

export interface NormalizedTemplate {
  parameters: Record<string, Obj>;
  /** Canonical JSON of the Mappings section (scalars as strings); undefined without one. */
  mappings?: string;
  /** Canonical expressions of every condition, sorted, without duplicates. */
  conditions: string[];
  rules: Record<string, NormalizedResource>;
  remediations: Record<string, NormalizedResource>;
  /** What could not be normalised (a resource without a name, a name used twice). */
  problems: string[];
}

const scalarString = (v: Json): Json => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v);

/** JSON with keys sorted at every level: equal values give equal strings. */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function normalizeTemplate(template: Json): NormalizedTemplate {
  const out: NormalizedTemplate = {
    parameters: {},
    conditions: [],
    rules: {},
    remediations: {},
    problems: [],
  };
  if (!isObject(template)) {
    out.problems.push('the template is not a mapping');
    return out;
  }
  const parameters = isObject(template.Parameters) ? template.Parameters : {};
  for (const [name, p] of Object.entries(parameters)) {
    setOwn(
      out.parameters,
      name,
      isObject(p)
        ? Object.fromEntries(
            Object.entries(p).map(([k, v]) => [k, Array.isArray(v) ? v.map(scalarString) : scalarString(v)]),
          )
        : { invalid: canonicalJson(p) },
    );
  }

  if (template.Mappings !== undefined) out.mappings = canonicalJson(scalarsAsStrings(template.Mappings));
  const conditions = isObject(template.Conditions) ? template.Conditions : {};
  const expanded = new Map<string, Json>();
  const expand = (name: string, stack: readonly string[] = []): Json => {
    if (expanded.has(name)) return expanded.get(name);
    if (!hasOwn(conditions, name) || stack.includes(name)) return { unknownCondition: name };
    const value = expandExpression(conditions[name], (n) => expand(n, [...stack, name]));
    expanded.set(name, value);
    return value;
  };
  const conditionValue = (name: Json): Json =>
    typeof name === 'string' ? expand(name) : { invalidCondition: name };
  out.conditions = [...new Set(Object.keys(conditions).map((n) => canonicalJson(conditionValue(n))))].sort();

  const resources = isObject(template.Resources) ? template.Resources : {};
  const ruleNameOf = new Map<string, string>();
  for (const [id, r] of Object.entries(resources)) {
    if (isObject(r) && r.Type === 'AWS::Config::ConfigRule' && isObject(r.Properties)) {
      ruleNameOf.set(id, ruleKey(r.Properties.ConfigRuleName, id));
    }
  }
  for (const [id, r] of Object.entries(resources)) {
    if (!isObject(r) || !isObject(r.Properties)) {
      out.problems.push(`resource ${id} has no Properties`);
      continue;
    }
    const properties = withConditionExpressions(r.Properties, conditionValue) as Obj;
    const resource: NormalizedResource = { logicalId: id, properties };
    if (r.Condition !== undefined) resource.condition = conditionValue(r.Condition);
    if (r.Type === 'AWS::Config::ConfigRule') {
      normalizeRuleProperties(properties);
      if (Array.isArray(r.Controls) && r.Controls.length > 0)
        resource.controls = r.Controls.map((c) => String(c));
      add(out.rules, ruleKey(properties.ConfigRuleName, id), resource, `rule`, out.problems);
    } else if (r.Type === 'AWS::Config::RemediationConfiguration') {
      normalizeRemediationProperties(properties, ruleNameOf);
      add(out.remediations, String(properties.ConfigRuleName), resource, 'remediation of rule', out.problems);
    } else {
      out.problems.push(`resource ${id} has the type ${String(r.Type)}`);
    }
  }
  return out;
}

function add(
  into: Record<string, NormalizedResource>,
  name: string,
  resource: NormalizedResource,
  what: string,
  problems: string[],
): void {
  if (hasOwn(into, name)) problems.push(`${what} "${name}" appears twice`);
  else setOwn(into, name, resource);
}

/** A condition expression with every `{ Condition: NAME }` replaced by NAME's expression. */
function expandExpression(expression: Json, expand: (name: string) => Json): Json {
  if (Array.isArray(expression)) return expression.map((e) => expandExpression(e, expand));
  if (!isObject(expression)) return scalarString(expression);
  const keys = Object.keys(expression);
  if (keys.length === 1 && keys[0] === 'Condition' && typeof expression.Condition === 'string') {
    return expand(expression.Condition);
  }
  if (keys.length === 1 && keys[0] === 'Ref') return expression;
  return Object.fromEntries(Object.entries(expression).map(([k, v]) => [k, expandExpression(v, expand)]));
}

/** A copy of `value` in which every Fn::If names its condition by expression. */
function withConditionExpressions(value: Json, conditionValue: (name: Json) => Json): Json {
  if (Array.isArray(value)) return value.map((v) => withConditionExpressions(v, conditionValue));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const args = value['Fn::If'];
  if (keys.length === 1 && Array.isArray(args) && args.length === 3) {
    return {
      'Fn::If': [
        { condition: conditionValue(args[0]) },
        withConditionExpressions(args[1], conditionValue),
        withConditionExpressions(args[2], conditionValue),
      ],
    };
  }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, withConditionExpressions(v, conditionValue)]),
  );
}

function normalizeInputMap(map: Json): Json {
  if (!isObject(map)) return map;
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, normalizeInputValue(v)]));
}

function normalizeInputValue(value: Json): Json {
  if (isObject(value) && Array.isArray(value['Fn::If']) && Object.keys(value).length === 1) {
    const [c, a, b] = value['Fn::If'] as Json[];
    return { 'Fn::If': [c, normalizeInputValue(a), normalizeInputValue(b)] };
  }
  return scalarString(value);
}

/** How rules are matched: a literal name, a Ref as written, or the logical id when the name is generated. */
function ruleKey(name: Json, id: string): string {
  if (typeof name === 'string') return name;
  if (name === undefined) return `(generated name of ${id})`;
  return canonicalJson(name);
}

function scalarsAsStrings(value: Json): Json {
  if (Array.isArray(value)) return value.map(scalarsAsStrings);
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scalarsAsStrings(v)]));
  return scalarString(value);
}

function normalizeRuleProperties(properties: Obj): void {
  if (typeof properties.ConfigRuleName !== 'string' && properties.ConfigRuleName !== undefined) {
    properties.ConfigRuleName = canonicalJson(properties.ConfigRuleName);
  }
  const inputs = properties.InputParameters;
  if (isObject(inputs) && Array.isArray(inputs['Fn::If']) && Object.keys(inputs).length === 1) {
    const [c, a, b] = inputs['Fn::If'] as Json[];
    properties.InputParameters = { 'Fn::If': [c, normalizeInputMap(a), b] };
  } else if (isObject(inputs)) {
    if (Object.keys(inputs).length === 0) delete properties.InputParameters;
    else properties.InputParameters = normalizeInputMap(inputs);
  }
}

const numericFields = ['MaximumAutomaticAttempts', 'RetryAttemptSeconds'];

function normalizeRemediationProperties(properties: Obj, ruleNameOf: Map<string, string>): void {
  const name = properties.ConfigRuleName;
  if (isObject(name) && typeof name.Ref === 'string' && ruleNameOf.has(name.Ref)) {
    properties.ConfigRuleName = ruleNameOf.get(name.Ref);
  } else properties.ConfigRuleName = typeof name === 'string' ? name : canonicalJson(name);
  const automatic = properties.Automatic;
  properties.Automatic =
    automatic === undefined
      ? false
      : typeof automatic === 'string'
        ? automatic.toLowerCase() === 'true'
        : automatic;
  const toNumber = (v: Json) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v);
  for (const field of numericFields) {
    if (properties[field] !== undefined) properties[field] = toNumber(properties[field]);
  }
  const ssm = isObject(properties.ExecutionControls) ? properties.ExecutionControls.SsmControls : undefined;
  if (isObject(ssm)) for (const [k, v] of Object.entries(ssm)) ssm[k] = toNumber(v);
  if (properties.TargetVersion !== undefined)
    properties.TargetVersion = scalarString(properties.TargetVersion);
  if (isObject(properties.Parameters)) {
    for (const value of Object.values(properties.Parameters)) {
      const values = isObject(value) && isObject(value.StaticValue) ? value.StaticValue.Values : undefined;
      if (Array.isArray(values))
        (value as { StaticValue: Obj }).StaticValue.Values = values.map(scalarString);
    }
  }
}

/**
 * The differences between two templates under the definition above, as readable lines (at most
 * `limit`); empty when they are equivalent.
 */
export function templateDifferences(expected: Json, actual: Json, limit = 20): string[] {
  const a = normalizeTemplate(expected);
  const b = normalizeTemplate(actual);
  const out: string[] = [];
  const note = (line: string) => {
    if (out.length < limit) out.push(line);
  };
  for (const p of a.problems) note(`original: ${p}`);
  for (const p of b.problems) note(`rebuilt: ${p}`);
  compareMaps('parameter', a.parameters, b.parameters, note);
  if (a.mappings !== b.mappings) {
    note(
      `Mappings: ${truncate(a.mappings ?? 'none')} in the original, ${truncate(b.mappings ?? 'none')} rebuilt`,
    );
  }
  const onlyA = a.conditions.filter((c) => !b.conditions.includes(c));
  const onlyB = b.conditions.filter((c) => !a.conditions.includes(c));
  for (const c of onlyA) note(`condition ${c}: missing in the rebuilt template`);
  for (const c of onlyB) note(`condition ${c}: not in the original template`);
  compareMaps('rule', a.rules, b.rules, note);
  compareMaps('remediation of rule', a.remediations, b.remediations, note);
  return out;
}

export function equivalentTemplates(expected: Json, actual: Json): boolean {
  return templateDifferences(expected, actual, 1).length === 0;
}

function compareMaps(
  what: string,
  a: Record<string, Json>,
  b: Record<string, Json>,
  note: (l: string) => void,
): void {
  for (const name of Object.keys(a)) {
    if (!hasOwn(b, name)) note(`${what} "${name}": missing in the rebuilt template`);
    else compareValues(a[name], b[name], `${what} "${name}"`, note);
  }
  for (const name of Object.keys(b)) {
    if (!hasOwn(a, name)) note(`${what} "${name}": not in the original template`);
  }
}

/** Keys whose values compare as a whole: a condition is one expression. */
const wholeValues = new Set(['condition']);

function compareValues(a: Json, b: Json, path: string, note: (l: string) => void, whole = false): void {
  if (!whole && isObject(a) && isObject(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (!hasOwn(b, key)) note(`${path}.${key}: missing in the rebuilt template`);
      else if (!hasOwn(a, key)) note(`${path}.${key}: not in the original template`);
      else compareValues(a[key], b[key], `${path}.${key}`, note, wholeValues.has(key));
    }
    return;
  }
  if (canonicalJson(a) !== canonicalJson(b)) {
    note(`${path}: ${truncate(canonicalJson(a))} in the original, ${truncate(canonicalJson(b))} rebuilt`);
  }
}

const truncate = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);
