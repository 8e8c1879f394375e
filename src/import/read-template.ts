/**
 * Reading one conformance pack template for import: every part of it is turned into what the
 * authoring formats say (rule sources, scopes, parameter specs, remediation parameter forms), or
 * reported at its file:line:column with what to do. Nothing is approximated: a template either
 * maps onto the formats exactly, or it is refused with every reason found.
 */
import { conditionExpressionProblem, testsNotEmpty } from '../authoring/compose.js';
import { setOwn } from '../authoring/values.js';
import type { ConditionExpression } from '../authoring/model.js';
import { authoringChecks, type AuthoringCheckName } from '../authoring/problems.js';
import type {
  CfnValueSpec,
  ExposedParameter,
  FrequencySpec,
  ParameterReference,
  LambdaTrigger,
  PackParameter,
  RemediationParameterSpec,
  RuleBlock,
  RuleParameterSpec,
  Scope,
} from '../authoring/schema.js';
import type { Diagnostic, SourceLocation } from '../diagnostics/diagnostic.js';
import { evaluationModes, executionFrequencies, messageTypes, type EvaluationMode } from '../facts/enums.js';
import { limits, ruleNamePattern } from '../facts/limits.js';
import { ambiguousScalars, withSourceText } from '../source/yaml-scalars.js';
import { parseYamlSource, type YamlPath, type YamlSource } from '../source/yaml-source.js';
import { characters } from '../util/text.js';

export interface TemplateFile {
  /** Absolute path. */
  path: string;
  /** Display path (relative, `/`), used in reports. */
  file: string;
  text: string;
}

/** A rule of a template, in authoring terms. */
export interface ImportedRule {
  /** Logical id in the template (for reports only). */
  logicalId: string;
  /**
   * The rule's name as import knows it: the literal ConfigRuleName; with `nameForm` a parameter,
   * that parameter's default (else its name); with a generated name, the logical id.
   */
  ruleName: string;
  /** How ConfigRuleName is written when it is not a literal: a parameter's value, or none (false). */
  nameForm?: ParameterReference | false;
  source: RuleBlock['source'];
  /** The source as canonical JSON: rules share a block only when this and the name are equal. */
  sourceKey: string;
  description?: string;
  scope?: Scope;
  /** Undefined when the rule has no InputParameters. */
  parameters?: Record<string, RuleParameterSpec>;
  parametersCondition?: string;
  maximumExecutionFrequency?: FrequencySpec;
  evaluationModes?: EvaluationMode[];
  controls?: string[];
  condition?: string;
}

/** The parts of a remediation that a pack cannot override: they decide which block it uses. */
export interface RemediationSettings {
  runbook: string | ParameterReference | CfnValueSpec;
  runbookVersion?: string | CfnValueSpec;
  resourceType?: string;
  maximumAutomaticAttempts?: number;
  retryAttemptSeconds?: number;
  executionControls?: { concurrentExecutionRatePercentage?: number; errorPercentage?: number };
}

export interface ImportedRemediation {
  /** Logical id in the template (for reports only). */
  logicalId: string;
  ruleName: string;
  settings: RemediationSettings;
  automatic: boolean;
  parameters: Record<string, RemediationParameterSpec>;
  condition?: string;
}

export interface ImportedTemplate {
  file: string;
  path: string;
  /** The template as read (long-form intrinsics), for comparing with what packsmith builds. */
  original: unknown;
  /** Where a part of the template is, for reports. */
  locate(path: YamlPath, part?: 'key' | 'value'): SourceLocation;
  description?: string;
  parameters: Record<string, PackParameter>;
  mappings?: Record<string, Record<string, Record<string, string | string[]>>>;
  conditions: Record<string, unknown>;
  rules: ImportedRule[];
  remediations: ImportedRemediation[];
}

export interface ReadResult {
  /** Undefined when the template has errors. */
  template?: ImportedTemplate;
  diagnostics: Diagnostic[];
}

const ruleType = 'AWS::Config::ConfigRule';
const remediationType = 'AWS::Config::RemediationConfiguration';
const noValue = 'AWS::NoValue';
const lambdaArnPattern = /^arn:aws[a-z-]*:lambda:/;
const resourceTypePattern = /^[A-Za-z0-9]+::[A-Za-z0-9]*::[A-Za-z0-9]+$/;
const logicalNamePattern = /^[A-Za-z0-9]+$/;

type Json = unknown;
type Obj = Record<string, Json>;

const isObject = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `Ref` or `Fn::…` when `v` is an intrinsic function call. */
export function intrinsicName(v: Json): string | undefined {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  return key === 'Ref' || key.startsWith('Fn::') ? key : undefined;
}

/** The parameter a `{ Ref: NAME }` names. */
export function refOf(v: Json): string | undefined {
  return intrinsicName(v) === 'Ref' && typeof (v as { Ref: unknown }).Ref === 'string'
    ? (v as { Ref: string }).Ref
    : undefined;
}

/** A scalar as the string a template carries (numbers and booleans as YAML 1.2 reads them). */
function scalarString(v: Json): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

function describeValue(v: Json): string {
  const fn = intrinsicName(v);
  if (fn) return `the intrinsic function ${fn === 'Ref' ? `Ref ${JSON.stringify((v as Obj).Ref)}` : fn}`;
  if (v === null) return 'empty (null)';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : `the ${typeof v} ${JSON.stringify(v)}`;
}

/** Reads and checks one template; `diagnostics` holds every error and every dropped part. */
export function readTemplate(input: TemplateFile): ReadResult {
  const source = parseYamlSource(input.file, input.text, { cloudFormation: true });
  const diagnostics: Diagnostic[] = [];
  const push = (
    check: AuthoringCheckName,
    message: string,
    path: YamlPath,
    fix?: string,
    part?: 'key' | 'value',
  ): void => {
    const meta = authoringChecks[check];
    diagnostics.push({
      checkId: meta.id,
      severity: meta.severity,
      message,
      fix: fix ?? meta.fix,
      location: source.locate(path, part),
    });
  };
  const error = (message: string, path: YamlPath, fix?: string, part?: 'key' | 'value') =>
    push('import-template', message, path, fix, part);
  const dropped = (message: string, path: YamlPath) =>
    push('import-dropped', message, path, undefined, 'key');

  if (source.syntaxErrors.length) {
    for (const d of source.syntaxErrors) {
      diagnostics.push({
        ...d,
        checkId: authoringChecks['import-template'].id,
        message: `not a template: ${d.message}`,
      });
    }
    return { diagnostics };
  }
  // An ambiguous plain value (012345678901) is imported as written, with a warning.
  const ambiguous = ambiguousScalars(source);
  for (const { path, text, reading } of ambiguous) {
    const meta = authoringChecks['ambiguous-template-value'];
    diagnostics.push({
      checkId: meta.id,
      severity: meta.severity,
      message: `the unquoted value ${text} is ambiguous: ${reading}; it is imported as the text '${text}'`,
      fix: `Quote it in the template as it is written, '${text}', or check that the text is what you mean.`,
      location: source.locate(path),
    });
  }
  const read = ambiguous.length ? { ...source, value: withSourceText(source.value, ambiguous) } : source;
  const reader = new TemplateReader(read, error, dropped);
  const template = reader.read(input);
  return diagnostics.some((d) => d.severity === 'error') ? { diagnostics } : { template, diagnostics };
}

/**
 * An optional input names its condition only when composition would not pick that condition
 * itself (the first pack condition testing "the parameter is not empty"), so blocks stay shareable.
 */
function dropImpliedConditions(template: ImportedTemplate): void {
  const conditions = Object.entries(template.conditions).map(([name, expression]) => ({
    name,
    expression: expression as ConditionExpression,
  }));
  const implied = new Map<string, string | undefined>();
  const impliedFor = (parameter: string) => {
    if (!implied.has(parameter))
      implied.set(parameter, conditions.find((c) => testsNotEmpty(c, parameter))?.name);
    return implied.get(parameter);
  };
  /** Parameters an optional input exposes with the condition composition picks itself. */
  const optionalExposed = new Set<string>();
  for (const rule of template.rules) {
    for (const spec of Object.values(rule.parameters ?? {})) {
      if (
        typeof spec !== 'object' ||
        spec === null ||
        Array.isArray(spec) ||
        'cfn' in spec ||
        typeof spec.expose !== 'string'
      )
        continue;
      if (spec.condition !== undefined && impliedFor(spec.expose) === spec.condition) delete spec.condition;
      if (spec.optional === true && spec.condition === undefined) optionalExposed.add(spec.expose);
    }
  }
  // The AWS samples' idiom `XNotEmpty: !Not [!Equals ['', !Ref X]]`, used only by the inputs that
  // now say `expose: X, optional: true`, is what composition writes for such an input: the
  // manifest leaves it out and the built template has it again (condition names are not compared).
  const used = referencedNames([template.rules, template.remediations]);
  for (const parameter of optionalExposed) {
    const name = impliedFor(parameter);
    if (name === undefined || used.has(name)) continue;
    const others = Object.entries(template.conditions).filter(([n]) => n !== name);
    if (referencedNames(others.map(([, e]) => e)).has(name)) continue;
    delete template.conditions[name];
  }
}

/** Every text anywhere in `value` (conservative: any text equal to a condition's name uses it). */
function referencedNames(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) referencedNames(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) referencedNames(v, out);
  }
  return out;
}

type ErrorSink = (message: string, path: YamlPath, fix?: string, part?: 'key' | 'value') => void;

class TemplateReader {
  private parameterNames = new Set<string>();
  private conditionNames = new Set<string>();

  private errorCount = 0;
  private readonly error: ErrorSink = (...args) => {
    this.errorCount++;
    this.sink(...args);
  };

  constructor(
    private readonly source: YamlSource,
    private readonly sink: ErrorSink,
    private readonly dropped: (message: string, path: YamlPath) => void,
  ) {}

  read(input: TemplateFile): ImportedTemplate {
    const out: ImportedTemplate = {
      file: input.file,
      path: input.path,
      original: this.source.value,
      locate: (path, part) => this.source.locate(path, part),
      parameters: {},
      conditions: {},
      rules: [],
      remediations: [],
    };
    const value = this.source.value;
    if (!isObject(value)) {
      this.error(
        'not a conformance pack template: the file is not a mapping with a Resources section',
        [],
        'Import CloudFormation-style templates: Parameters, Conditions and Resources of AWS::Config::ConfigRule.',
      );
      return out;
    }
    for (const [key, section] of Object.entries(value)) {
      switch (key) {
        case 'Parameters':
        case 'Conditions':
        case 'Resources':
          break;
        case 'Mappings': {
          const mappings = this.mappings(section);
          if (mappings) out.mappings = mappings;
          break;
        }
        case 'Description': {
          const text = scalarString(section);
          if (text === undefined || characters(text) > limits.packDescriptionLength) {
            this.error(`Description must be a text of at most ${limits.packDescriptionLength} characters`, [
              key,
            ]);
          } else out.description = text;
          break;
        }
        case 'AWSTemplateFormatVersion':
        case 'Metadata':
          this.dropped(`${key} is not carried over: packsmith writes templates without it`, [key]);
          break;
        default:
          this.error(
            `a conformance pack template has only Parameters, Mappings, Conditions and Resources; ${key} is not supported`,
            [key],
            `Remove the ${key} section: conformance packs take no ${key}.`,
            'key',
          );
      }
    }
    const parameters = value.Parameters;
    if (parameters !== undefined && parameters !== null) {
      if (!isObject(parameters))
        this.error('Parameters must be a mapping of parameter names', ['Parameters']);
      else for (const name of Object.keys(parameters)) this.parameterNames.add(name);
    }
    const conditions = value.Conditions;
    if (conditions !== undefined && conditions !== null) {
      if (!isObject(conditions))
        this.error('Conditions must be a mapping of condition names', ['Conditions']);
      else for (const name of Object.keys(conditions)) this.conditionNames.add(name);
    }
    if (isObject(parameters)) {
      for (const [name, p] of Object.entries(parameters)) {
        const parameter = this.parameter(name, p);
        if (parameter) out.parameters[name] = parameter;
      }
    }
    if (isObject(conditions)) {
      for (const [name, expression] of Object.entries(conditions)) {
        if (this.condition(name, expression)) out.conditions[name] = expression;
      }
    }

    const resources = value.Resources;
    if (!isObject(resources) || Object.keys(resources).length === 0) {
      this.error(
        'not a conformance pack template: it has no Resources (AWS::Config::ConfigRule)',
        isObject(value) && 'Resources' in value ? ['Resources'] : [],
      );
      return out;
    }
    // Rules first: remediations refer to them by name or by logical id.
    // Every rule's name, also of rules with errors: a remediation of such a rule is not an error of its own.
    const ruleNameById = new Map<string, string>();
    for (const [id, resource] of Object.entries(resources)) {
      if (!isObject(resource) || resource.Type !== ruleType) continue;
      const props = isObject(resource.Properties) ? resource.Properties : undefined;
      const name = props?.ConfigRuleName;
      if (typeof name === 'string') ruleNameById.set(id, name);
      else if (props && (name === undefined || refOf(name) !== undefined)) {
        ruleNameById.set(id, this.ruleNameKey(id, name));
      }
    }
    const declaredRuleNames = new Set(ruleNameById.values());
    const ruleAt = new Map<string, string>();
    for (const [id, resource] of Object.entries(resources)) {
      if (!isObject(resource)) {
        this.error('a resource must be a mapping with Type and Properties', ['Resources', id]);
        continue;
      }
      const type = resource.Type;
      if (type === ruleType) {
        const rule = this.rule(id, resource);
        if (!rule) continue;
        const first = ruleAt.get(rule.ruleName);
        if (first !== undefined) {
          this.error(
            `the rule name "${rule.ruleName}" is already used by resource ${first}; rule names are unique in a pack`,
            ['Resources', id, 'Properties', 'ConfigRuleName'],
          );
          continue;
        }
        ruleAt.set(rule.ruleName, id);
        out.rules.push(rule);
      } else if (type === undefined) {
        this.error(
          `resource ${id} has no Type (${ruleType} or ${remediationType})`,
          ['Resources', id],
          undefined,
          'key',
        );
      } else if (type !== remediationType) {
        this.error(
          `${typeof type === 'string' ? type : describeValue(type)} is not allowed in a conformance pack: ` +
            `its resources are ${ruleType} and ${remediationType} only`,
          ['Resources', id, 'Type'],
          'Deploy other resources with a separate CloudFormation stack; a conformance pack cannot hold them.',
        );
      }
    }
    const remediated = new Map<string, string>();
    for (const [id, resource] of Object.entries(resources)) {
      if (!isObject(resource) || resource.Type !== remediationType) continue;
      const remediation = this.remediation(id, resource, ruleNameById);
      if (!remediation) continue;
      if (!ruleAt.has(remediation.ruleName)) {
        if (declaredRuleNames.has(remediation.ruleName)) continue; // its rule is reported
        this.error(
          `this remediation is for the rule "${remediation.ruleName}", which the template does not define`,
          ['Resources', id, 'Properties', 'ConfigRuleName'],
        );
        continue;
      }
      const first = remediated.get(remediation.ruleName);
      if (first !== undefined) {
        this.error(
          `the rule "${remediation.ruleName}" already has a remediation (${first}); a rule takes one`,
          ['Resources', id, 'Properties', 'ConfigRuleName'],
        );
        continue;
      }
      remediated.set(remediation.ruleName, id);
      out.remediations.push(remediation);
    }
    dropImpliedConditions(out);
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Parameters and conditions

  /** A parameter's Description or ConstraintDescription: text within CloudFormation's length; else reported. */
  private describingText(key: string, v: Json, here: YamlPath): string | undefined {
    const text = scalarString(v);
    if (text !== undefined && characters(text) <= limits.parameterDescriptionLength) return text;
    this.error(`${key} must be a text of at most ${limits.parameterDescriptionLength} characters`, here);
    return undefined;
  }

  private parameter(name: string, p: Json): PackParameter | undefined {
    const at: YamlPath = ['Parameters', name];
    let ok = true;
    if (!logicalNamePattern.test(name) || name.length > limits.inputParameterNameLength) {
      this.error(`parameter name "${name}" must be letters and digits only`, at, undefined, 'key');
      ok = false;
    }
    if (!isObject(p)) {
      this.error('a parameter must be a mapping with Type: String', at);
      return undefined;
    }
    const out: PackParameter = {};
    for (const [key, v] of Object.entries(p)) {
      const here = [...at, key];
      switch (key) {
        case 'Type':
          if (v !== 'String') {
            this.error(
              `parameter type ${typeof v === 'string' ? JSON.stringify(v) : describeValue(v)} is not supported: packsmith writes every parameter as Type: String`,
              here,
              'Use Type: String (conformance pack input parameters are strings), as every AWS sample does.',
            );
            ok = false;
          }
          break;
        case 'Default': {
          const text = scalarString(v);
          if (text === undefined) {
            this.error(`Default must be a text value, not ${describeValue(v)}`, here);
            ok = false;
          } else if (characters(text) > limits.inputParameterValueLength) {
            this.error(
              `Default has ${characters(text)} characters; AWS allows ${limits.inputParameterValueLength}`,
              here,
            );
            ok = false;
          } else out.default = text;
          break;
        }
        case 'Description': {
          const text = this.describingText(key, v, here);
          if (text === undefined) ok = false;
          else out.description = text;
          break;
        }
        case 'AllowedValues': {
          const values = Array.isArray(v) ? v.map(scalarString) : undefined;
          if (!values || values.length === 0 || values.some((x) => x === undefined)) {
            this.error('AllowedValues must be a non-empty list of text values', here);
            ok = false;
          } else out.allowedValues = values as string[];
          break;
        }
        case 'AllowedPattern':
          if (typeof v !== 'string') {
            this.error('AllowedPattern must be a text (a regular expression)', here);
            ok = false;
          } else out.pattern = v;
          break;
        case 'ConstraintDescription': {
          const text = this.describingText(key, v, here);
          if (text === undefined) ok = false;
          else out.constraintDescription = text;
          break;
        }
        default:
          this.error(
            `the parameter attribute ${key} cannot be expressed in a pack manifest (it takes Default, Description, AllowedValues, AllowedPattern and ConstraintDescription)`,
            here,
            `Remove ${key}, or express the constraint with AllowedPattern.`,
            'key',
          );
          ok = false;
      }
    }
    if (p.Type === undefined) {
      this.error(
        'the parameter has no Type; conformance pack parameters are Type: String',
        at,
        undefined,
        'key',
      );
      ok = false;
    }
    return ok ? out : undefined;
  }

  private condition(name: string, expression: Json): boolean {
    const at: YamlPath = ['Conditions', name];
    if (!logicalNamePattern.test(name) || name.length > 255) {
      this.error(`condition name "${name}" must be letters and digits only`, at, undefined, 'key');
      return false;
    }
    const problem = conditionExpressionProblem(expression, this.conditionNames, this.parameterNames);
    if (problem) {
      this.error(
        `condition "${name}": ${problem.message}`,
        [...at, ...problem.path],
        undefined,
        problem.part,
      );
      return false;
    }
    return true;
  }

  private conditionRef(name: Json, at: YamlPath): string | undefined {
    if (typeof name !== 'string' || !this.conditionNames.has(name)) {
      this.error(`${describeValue(name)} is not a condition of this template`, at);
      return undefined;
    }
    return name;
  }

  // -------------------------------------------------------------------------------------------
  // Rules

  private rule(id: string, resource: Obj): ImportedRule | undefined {
    const at: YamlPath = ['Resources', id];
    const errorsBefore = this.errorCount;
    let condition: string | undefined;
    let controls: string[] | undefined;
    for (const [key, v] of Object.entries(resource)) {
      switch (key) {
        case 'Type':
        case 'Properties':
        case 'DependsOn':
          break;
        case 'Condition':
          condition = this.conditionRef(v, [...at, key]);
          break;
        case 'Controls':
          controls = this.controls(v, [...at, key]);
          break;
        case 'Description':
        case 'Metadata':
          this.dropped(`the resource-level ${key} of ${id} is not carried over (it is not a rule property)`, [
            ...at,
            key,
          ]);
          break;
        default:
          this.error(
            `the resource attribute ${key} cannot be expressed: packsmith writes Condition and Controls only`,
            [...at, key],
            `Remove ${key}.`,
            'key',
          );
      }
    }
    const props = resource.Properties;
    if (!isObject(props)) {
      this.error('a ConfigRule needs Properties (ConfigRuleName, Source, …)', at, undefined, 'key');
      return undefined;
    }
    const p = (key: string): YamlPath => [...at, 'Properties', key];
    const named = this.ruleName(props.ConfigRuleName, p('ConfigRuleName'), id);
    const source = this.source_(props.Source, p('Source'));
    const rule: Partial<ImportedRule> = {};
    for (const [key, v] of Object.entries(props)) {
      switch (key) {
        case 'ConfigRuleName':
        case 'Source':
          break;
        case 'Description': {
          const text = this.text(v, p(key), 'Description', limits.ruleDescriptionLength);
          if (text !== undefined) rule.description = text;
          break;
        }
        case 'Scope': {
          const scope = this.scope(v, p(key));
          if (scope) rule.scope = scope;
          break;
        }
        case 'InputParameters':
          this.inputParameters(v, p(key), rule);
          break;
        case 'MaximumExecutionFrequency': {
          const frequency = this.frequency(v, p(key));
          if (frequency !== undefined) rule.maximumExecutionFrequency = frequency;
          break;
        }
        case 'EvaluationModes': {
          const modes = Array.isArray(v)
            ? v.map((m) => (isObject(m) && Object.keys(m).length === 1 ? m.Mode : undefined))
            : [];
          if (
            modes.length === 0 ||
            modes.some((m) => !(evaluationModes as readonly Json[]).includes(m)) ||
            new Set(modes).size !== modes.length
          ) {
            this.error(
              `EvaluationModes must be a list of distinct { Mode: ${evaluationModes.join(' | ')} }`,
              p(key),
            );
          } else rule.evaluationModes = modes as EvaluationMode[];
          break;
        }
        default:
          this.error(
            `${key} is not a property of AWS::Config::ConfigRule that packsmith can write`,
            p(key),
            `Remove ${key}.`,
            'key',
          );
      }
    }
    if (this.errorCount > errorsBefore || named === undefined || source === undefined) return undefined;
    const out: ImportedRule = {
      logicalId: id,
      ruleName: named.name,
      source,
      // Rules share a block only when they write their name the same way.
      sourceKey: JSON.stringify(named.form === undefined ? source : [source, named.form]),
      ...rule,
    };
    if (named.form !== undefined) out.nameForm = named.form;
    if (controls && controls.length) out.controls = controls;
    if (condition !== undefined) out.condition = condition;
    return out;
  }

  /**
   * The name import knows a rule by when its ConfigRuleName is not literal: a parameter's default
   * (else the parameter's name) for a Ref, the logical id when CloudFormation generates the name.
   */
  private ruleNameKey(id: string, v: Json): string {
    const ref = refOf(v);
    if (ref === undefined) return id;
    const parameters = isObject(this.source.value) ? (this.source.value as Obj).Parameters : undefined;
    const declared = isObject(parameters) ? parameters[ref] : undefined;
    const fallback = isObject(declared) ? scalarString(declared.Default) : undefined;
    return fallback === undefined || fallback === '' ? ref : fallback;
  }

  private ruleName(
    v: Json,
    at: YamlPath,
    id: string,
  ): { name: string; form?: ParameterReference | false } | undefined {
    // Without ConfigRuleName, CloudFormation generates a name.
    if (v === undefined) return { name: id, form: false };
    const ref = refOf(v);
    if (ref !== undefined && this.parameterNames.has(ref)) {
      return { name: this.ruleNameKey(id, v), form: { parameter: ref } };
    }
    const name = typeof v === 'string' ? v : undefined;
    if (name === undefined) {
      this.error(`ConfigRuleName must be a literal name or { Ref: PARAMETER }, not ${describeValue(v)}`, at);
      return undefined;
    }
    if (!ruleNamePattern.test(name) || characters(name) > limits.ruleNameLength) {
      this.error(`ConfigRuleName must be 1 to ${limits.ruleNameLength} characters, not only spaces`, at);
      return undefined;
    }
    return { name };
  }

  /**
   * A MaximumExecutionFrequency: a literal of the enum, `{ parameter }` for a Ref to a template
   * parameter, `{ cfn }` for another intrinsic function (CloudFormation evaluates it).
   */
  private frequency(v: Json, at: YamlPath): FrequencySpec | undefined {
    if ((executionFrequencies as readonly Json[]).includes(v)) return v as FrequencySpec;
    const raw = this.rawValue(v);
    if (raw !== undefined) return raw;
    this.error(`MaximumExecutionFrequency must be one of ${executionFrequencies.join(', ')}`, at);
    return undefined;
  }

  /**
   * A value CloudFormation computes: `{ parameter }` for a Ref to a template parameter, `{ cfn }`
   * for any other intrinsic function (pseudo parameters, Fn::Sub, Fn::ImportValue, Fn::FindInMap,
   * Fn::Join, …), written back verbatim; undefined when `v` is no intrinsic function.
   */
  private rawValue(v: Json): ParameterReference | CfnValueSpec | undefined {
    const ref = refOf(v);
    if (ref !== undefined && this.parameterNames.has(ref)) return { parameter: ref };
    if (intrinsicName(v) === undefined) return undefined;
    return { cfn: v };
  }

  /** Mappings: map name → top-level key → second-level key → a text or a list of texts. */
  private mappings(v: Json): ImportedTemplate['mappings'] | undefined {
    const out: NonNullable<ImportedTemplate['mappings']> = {};
    const shape = 'Mappings is map name → top-level key → second-level key → a text or a list of texts';
    if (!isObject(v)) {
      this.error(shape, ['Mappings']);
      return undefined;
    }
    for (const [name, map] of Object.entries(v)) {
      if (!logicalNamePattern.test(name) || !isObject(map)) {
        this.error(shape, ['Mappings', name]);
        continue;
      }
      const tops: Record<string, Record<string, string | string[]>> = {};
      for (const [top, second] of Object.entries(map)) {
        if (!isObject(second)) {
          this.error(shape, ['Mappings', name, top]);
          continue;
        }
        const entries: Record<string, string | string[]> = {};
        for (const [key, value] of Object.entries(second)) {
          const text = scalarString(value);
          const list = Array.isArray(value) ? value.map(scalarString) : undefined;
          if (text !== undefined) setOwn(entries, key, text);
          else if (list && list.every((t) => t !== undefined)) setOwn(entries, key, list as string[]);
          else this.error(shape, ['Mappings', name, top, key]);
        }
        setOwn(tops, top, entries);
      }
      setOwn(out, name, tops);
    }
    return out;
  }

  private text(v: Json, at: YamlPath, what: string, max: number): string | undefined {
    const text = scalarString(v);
    if (text === undefined) {
      this.error(`${what} must be a literal text, not ${describeValue(v)}`, at);
      return undefined;
    }
    if (characters(text) > max) {
      this.error(`${what} has ${characters(text)} characters; AWS allows ${max}`, at);
      return undefined;
    }
    return text;
  }

  private controls(v: Json, at: YamlPath): string[] | undefined {
    const items = Array.isArray(v) ? v.map(scalarString) : undefined;
    if (!items || items.some((c) => c === undefined || c === '')) {
      this.error('Controls must be a list of control ids (text)', at);
      return undefined;
    }
    const controls = items as string[];
    if (new Set(controls).size !== controls.length) {
      this.error('Controls lists a control id twice', at);
      return undefined;
    }
    if (controls.length > limits.controlsPerRule) {
      this.error(`Controls has ${controls.length} ids; packsmith allows ${limits.controlsPerRule}`, at);
      return undefined;
    }
    return controls;
  }

  private source_(v: Json, at: YamlPath): RuleBlock['source'] | undefined {
    if (!isObject(v)) {
      this.error('the rule has no Source (Owner and SourceIdentifier)', at);
      return undefined;
    }
    const owner = v.Owner;
    const allowed: Record<string, string[]> = {
      AWS: ['Owner', 'SourceIdentifier'],
      CUSTOM_LAMBDA: ['Owner', 'SourceIdentifier', 'SourceDetails'],
      CUSTOM_POLICY: ['Owner', 'SourceIdentifier', 'SourceDetails', 'CustomPolicyDetails'],
    };
    if (typeof owner !== 'string' || !Object.hasOwn(allowed, owner)) {
      this.error(`Source.Owner must be AWS, CUSTOM_LAMBDA or CUSTOM_POLICY, not ${describeValue(owner)}`, [
        ...at,
        'Owner',
      ]);
      return undefined;
    }
    let ok = true;
    for (const key of Object.keys(v)) {
      if (!allowed[owner]!.includes(key)) {
        this.error(`${key} is not part of a ${owner} source`, [...at, key], `Remove ${key}.`, 'key');
        ok = false;
      }
    }
    if (owner === 'AWS') {
      const id = v.SourceIdentifier;
      if (typeof id !== 'string' || id === '' || characters(id) > limits.sourceIdentifierLength) {
        this.error(`SourceIdentifier must be a managed rule identifier, not ${describeValue(id)}`, [
          ...at,
          'SourceIdentifier',
        ]);
        return undefined;
      }
      return ok ? { managed: id } : undefined;
    }
    if (owner === 'CUSTOM_LAMBDA') {
      const id = v.SourceIdentifier;
      let arn: string | ParameterReference | CfnValueSpec | undefined;
      const raw = this.rawValue(id);
      if (
        typeof id === 'string' &&
        lambdaArnPattern.test(id) &&
        characters(id) <= limits.sourceIdentifierLength
      ) {
        arn = id;
      } else if (raw !== undefined) {
        arn = raw;
      } else {
        this.error(
          `the SourceIdentifier of a Lambda rule must be a Lambda ARN (arn:<partition>:lambda:…) or an intrinsic function, not ${describeValue(id)}`,
          [...at, 'SourceIdentifier'],
        );
        ok = false;
      }
      const triggers = this.sourceDetails(v.SourceDetails, [...at, 'SourceDetails'], true);
      if (!ok || !arn || !triggers) return undefined;
      return { lambda: { arn, triggers } };
    }
    // CUSTOM_POLICY: a Guard policy.
    const details = v.CustomPolicyDetails;
    const dat: YamlPath = [...at, 'CustomPolicyDetails'];
    if (!isObject(details)) {
      this.error(
        'a CUSTOM_POLICY source needs CustomPolicyDetails (PolicyRuntime, PolicyText)',
        at,
        undefined,
        'key',
      );
      return undefined;
    }
    for (const key of Object.keys(details)) {
      if (!['PolicyRuntime', 'PolicyText', 'EnableDebugLogDelivery'].includes(key)) {
        this.error(`${key} is not part of CustomPolicyDetails`, [...dat, key], `Remove ${key}.`, 'key');
        ok = false;
      }
    }
    if (details.PolicyRuntime !== 'guard-2.x.x') {
      this.error('PolicyRuntime must be guard-2.x.x', [...dat, 'PolicyRuntime']);
      ok = false;
    }
    const policy = details.PolicyText;
    if (
      typeof policy !== 'string' ||
      policy.trim() === '' ||
      characters(policy) > limits.guardPolicyTextLength
    ) {
      this.error(`PolicyText must be a Guard policy of 1 to ${limits.guardPolicyTextLength} characters`, [
        ...dat,
        'PolicyText',
      ]);
      ok = false;
    }
    // Anything else than a boolean ("True", a Ref) is kept as written: CloudFormation converts it.
    const debug = details.EnableDebugLogDelivery;
    if (
      debug !== undefined &&
      (debug === null || (typeof debug === 'object' && intrinsicName(debug) === undefined))
    ) {
      this.error('EnableDebugLogDelivery must be true or false', [...dat, 'EnableDebugLogDelivery']);
      ok = false;
    }
    const identifier = v.SourceIdentifier;
    if (
      identifier !== undefined &&
      (typeof identifier !== 'string' ||
        identifier === '' ||
        characters(identifier) > limits.sourceIdentifierLength)
    ) {
      this.error('the SourceIdentifier of a Guard rule must be a text', [...at, 'SourceIdentifier']);
      ok = false;
    }
    if (v.SourceDetails === undefined) {
      this.error(
        'packsmith writes the SourceDetails of a Guard rule; give them (ConfigurationItemChangeNotification, OversizedConfigurationItemChangeNotification)',
        at,
        undefined,
        'key',
      );
      return undefined;
    }
    const triggers = this.sourceDetails(v.SourceDetails, [...at, 'SourceDetails'], false);
    if (!ok || !triggers) return undefined;
    const changeTypes = [
      'ConfigurationItemChangeNotification',
      'OversizedConfigurationItemChangeNotification',
    ];
    if (triggers.some((t) => typeof t !== 'string' || !changeTypes.includes(t))) {
      this.error(`a Guard rule is triggered only by ${changeTypes.join(' and ')}`, [...at, 'SourceDetails']);
      return undefined;
    }
    const guard: Extract<RuleBlock['source'], { guard: unknown }>['guard'] = {
      policy: policy as string,
      triggers: triggers as Array<
        'ConfigurationItemChangeNotification' | 'OversizedConfigurationItemChangeNotification'
      >,
    };
    if (typeof debug === 'boolean') guard.debugLogDelivery = debug;
    else if (debug !== undefined) guard.debugLogDelivery = { cfn: debug };
    if (typeof identifier === 'string') guard.identifier = identifier;
    return { guard };
  }

  private sourceDetails(v: Json, at: YamlPath, frequencies: boolean): LambdaTrigger[] | undefined {
    if (!Array.isArray(v) || v.length === 0 || v.length > limits.sourceDetails) {
      this.error(`SourceDetails must be a list of 1 to ${limits.sourceDetails} entries`, at);
      return undefined;
    }
    const out: LambdaTrigger[] = [];
    let ok = true;
    v.forEach((detail, i) => {
      const here = [...at, i];
      if (!isObject(detail)) {
        this.error('a SourceDetails entry is a mapping (EventSource, MessageType)', here);
        ok = false;
        return;
      }
      for (const key of Object.keys(detail)) {
        if (!['EventSource', 'MessageType', 'MaximumExecutionFrequency'].includes(key)) {
          this.error(`${key} is not part of a SourceDetails entry`, [...here, key], `Remove ${key}.`, 'key');
          ok = false;
        }
      }
      if (detail.EventSource !== 'aws.config') {
        this.error('EventSource must be aws.config', [...here, 'EventSource']);
        ok = false;
      }
      const type = detail.MessageType;
      if (!(messageTypes as readonly Json[]).includes(type)) {
        this.error(`MessageType must be one of ${messageTypes.join(', ')}`, [...here, 'MessageType']);
        ok = false;
        return;
      }
      const frequency = detail.MaximumExecutionFrequency;
      if (frequency === undefined) {
        out.push(type as LambdaTrigger & string);
      } else if (!frequencies) {
        this.error('packsmith writes no MaximumExecutionFrequency in a Guard rule’s SourceDetails', [
          ...here,
          'MaximumExecutionFrequency',
        ]);
        ok = false;
      } else {
        const value = this.frequency(frequency, [...here, 'MaximumExecutionFrequency']);
        if (value === undefined) ok = false;
        else {
          out.push({ messageType: type as (typeof messageTypes)[number], maximumExecutionFrequency: value });
        }
      }
    });
    return ok ? out : undefined;
  }

  private scope(v: Json, at: YamlPath): Scope | undefined {
    if (!isObject(v)) {
      this.error(`Scope must be a mapping, not ${describeValue(v)}`, at);
      return undefined;
    }
    const scope: Scope = {};
    let ok = true;
    for (const [key, value] of Object.entries(v)) {
      const here = [...at, key];
      switch (key) {
        case 'ComplianceResourceTypes': {
          const types = Array.isArray(value) ? value : undefined;
          if (!types || types.some((t) => typeof t !== 'string' || !resourceTypePattern.test(t))) {
            this.error('ComplianceResourceTypes must be a list of resource types (AWS::Service::Type)', here);
            ok = false;
          } else if (types.length > limits.scopeResourceTypes) {
            this.error(
              `ComplianceResourceTypes has ${types.length} types; AWS allows ${limits.scopeResourceTypes}`,
              here,
            );
            ok = false;
          } else scope.resourceTypes = types as string[];
          break;
        }
        case 'ComplianceResourceId': {
          const id = this.text(value, here, key, limits.scopeResourceIdLength);
          if (id === undefined || id === '') ok = false;
          else scope.resourceId = id;
          break;
        }
        case 'TagKey': {
          const tag = this.text(value, here, key, limits.scopeTagKeyLength);
          if (tag === undefined || tag === '') ok = false;
          else scope.tagKey = tag;
          break;
        }
        case 'TagValue': {
          const tag = this.text(value, here, key, limits.scopeTagValueLength);
          if (tag === undefined || tag === '') ok = false;
          else scope.tagValue = tag;
          break;
        }
        default:
          this.error(`${key} is not part of a Scope`, here, `Remove ${key}.`, 'key');
          ok = false;
      }
    }
    return ok ? scope : undefined;
  }

  private inputParameters(v: Json, at: YamlPath, rule: Partial<ImportedRule>): void {
    let map = v;
    let mapAt = at;
    if (intrinsicName(v) === 'Fn::If') {
      // The whole map only when a condition holds: Fn::If [condition, {…}, AWS::NoValue].
      const args = (v as Obj)['Fn::If'];
      if (!Array.isArray(args) || args.length !== 3 || !isObject(args[1]) || refOf(args[2]) !== noValue) {
        this.error('InputParameters may be wrapped only as Fn::If [CONDITION, { … }, Ref AWS::NoValue]', [
          ...at,
          'Fn::If',
        ]);
        return;
      }
      const condition = this.conditionRef(args[0], [...at, 'Fn::If', 0]);
      if (condition === undefined) return;
      rule.parametersCondition = condition;
      map = args[1];
      mapAt = [...at, 'Fn::If', 1];
    }
    if (!isObject(map) || intrinsicName(map) !== undefined) {
      this.error(
        `InputParameters must be a mapping of input names to values, not ${describeValue(map)}`,
        mapAt,
      );
      return;
    }
    const out: Record<string, RuleParameterSpec> = {};
    for (const [name, value] of Object.entries(map)) {
      const spec = this.inputValue(value, [...mapAt, name]);
      if (spec !== undefined) setOwn(out, name, spec);
    }
    rule.parameters = out;
  }

  private inputValue(v: Json, at: YamlPath): RuleParameterSpec | undefined {
    const text = scalarString(v);
    if (text !== undefined) {
      if (characters(text) > limits.inputParameterValueLength) {
        this.error(
          `the value has ${characters(text)} characters; AWS allows ${limits.inputParameterValueLength}`,
          at,
        );
        return undefined;
      }
      return text;
    }
    const ref = refOf(v);
    if (ref !== undefined && ref.startsWith('AWS::')) return { cfn: v };
    if (ref !== undefined) {
      if (!this.parameterNames.has(ref)) {
        this.error(
          `Ref "${ref}" names no parameter of the template; packsmith can refer only to declared parameters here`,
          [...at, 'Ref'],
        );
        return undefined;
      }
      return { expose: ref, optional: false };
    }
    const fn = intrinsicName(v);
    if (fn !== undefined && fn !== 'Fn::If') return { cfn: v };
    if (fn === 'Fn::If') {
      const args = (v as Obj)['Fn::If'];
      const parameter = Array.isArray(args) && args.length === 3 ? refOf(args[1]) : undefined;
      if (parameter === undefined || refOf((args as Json[])[2]) !== noValue) {
        this.error(
          'an input value may use Fn::If only as Fn::If [CONDITION, Ref PARAMETER, Ref AWS::NoValue] (the "empty parameter drops the key" idiom)',
          [...at, 'Fn::If'],
        );
        return undefined;
      }
      if (!this.parameterNames.has(parameter)) {
        this.error(`Ref "${parameter}" names no parameter of the template`, [...at, 'Fn::If', 1, 'Ref']);
        return undefined;
      }
      const condition = this.conditionRef((args as Json[])[0], [...at, 'Fn::If', 0]);
      if (condition === undefined) return undefined;
      const spec: ExposedParameter = { expose: parameter, optional: true, condition };
      return spec;
    }
    this.error(
      `an input value must be a text, { Ref: PARAMETER }, the Fn::If/AWS::NoValue idiom or an intrinsic function, not ${describeValue(v)}`,
      at,
      'Write the value as a string, take it from a template parameter with Ref, or compute it with an intrinsic function.',
    );
    return undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Remediations

  private remediation(
    id: string,
    resource: Obj,
    ruleNameById: Map<string, string>,
  ): ImportedRemediation | undefined {
    const at: YamlPath = ['Resources', id];
    const errorsBefore = this.errorCount;
    let condition: string | undefined;
    for (const [key, v] of Object.entries(resource)) {
      switch (key) {
        case 'Type':
        case 'Properties':
        case 'DependsOn':
          break;
        case 'Condition':
          condition = this.conditionRef(v, [...at, key]);
          break;
        case 'Description':
        case 'Metadata':
          this.dropped(`the resource-level ${key} of ${id} is not carried over`, [...at, key]);
          break;
        default:
          this.error(
            `the resource attribute ${key} cannot be expressed for a remediation`,
            [...at, key],
            `Remove ${key}.`,
            'key',
          );
      }
    }
    const props = resource.Properties;
    if (!isObject(props)) {
      this.error(
        'a RemediationConfiguration needs Properties (ConfigRuleName, TargetId, …)',
        at,
        undefined,
        'key',
      );
      return undefined;
    }
    const p = (key: string): YamlPath => [...at, 'Properties', key];
    let ruleName: string | undefined;
    const nameValue = props.ConfigRuleName;
    const ref = refOf(nameValue);
    const byParameter =
      ref !== undefined && this.parameterNames.has(ref) ? this.ruleNameKey(id, nameValue) : undefined;
    if (typeof nameValue === 'string') ruleName = nameValue;
    else if (ref !== undefined && ruleNameById.has(ref)) ruleName = ruleNameById.get(ref);
    else if (byParameter !== undefined) ruleName = byParameter;
    else {
      this.error(
        `ConfigRuleName must name a rule of the template (its name, or Ref to its logical id), not ${describeValue(nameValue)}`,
        nameValue === undefined ? [...at, 'Properties'] : p('ConfigRuleName'),
        undefined,
        nameValue === undefined ? 'key' : 'value',
      );
    }
    const settings: Partial<RemediationSettings> = {};
    let automatic = false;
    const parameters: Record<string, RemediationParameterSpec> = {};
    for (const [key, v] of Object.entries(props)) {
      switch (key) {
        case 'ConfigRuleName':
          break;
        case 'TargetType':
          if (v !== 'SSM_DOCUMENT') this.error('TargetType must be SSM_DOCUMENT', p(key));
          break;
        case 'TargetId': {
          const raw = this.rawValue(v);
          if (raw !== undefined) {
            settings.runbook = raw;
            break;
          }
          const runbook = this.text(v, p(key), 'TargetId', limits.remediationTargetIdLength);
          if (runbook === '') this.error('TargetId must name an SSM document', p(key));
          else if (runbook !== undefined) settings.runbook = runbook;
          break;
        }
        case 'TargetVersion': {
          if (intrinsicName(v) !== undefined) {
            settings.runbookVersion = { cfn: v };
            break;
          }
          const version = this.text(v, p(key), 'TargetVersion', 128);
          if (version === '') this.error('TargetVersion must not be empty', p(key));
          else if (version !== undefined) settings.runbookVersion = version;
          break;
        }
        case 'ResourceType': {
          const type = this.text(v, p(key), 'ResourceType', 256);
          if (type !== undefined) settings.resourceType = type;
          break;
        }
        case 'Automatic':
          if (typeof v === 'boolean') automatic = v;
          else if (typeof v === 'string' && /^(true|false)$/i.test(v)) automatic = v.toLowerCase() === 'true';
          else this.error(`Automatic must be true or false, not ${describeValue(v)}`, p(key));
          break;
        case 'MaximumAutomaticAttempts': {
          const n = this.integer(v, p(key), key, limits.automaticAttempts);
          if (n !== undefined) settings.maximumAutomaticAttempts = n;
          break;
        }
        case 'RetryAttemptSeconds': {
          const n = this.integer(v, p(key), key, limits.retryAttemptSeconds);
          if (n !== undefined) settings.retryAttemptSeconds = n;
          break;
        }
        case 'ExecutionControls': {
          const controls = this.executionControls(v, p(key));
          if (controls) settings.executionControls = controls;
          break;
        }
        case 'Parameters':
          if (!isObject(v)) this.error('Parameters must be a mapping of runbook parameter names', p(key));
          else {
            for (const [name, value] of Object.entries(v)) {
              const spec = this.remediationParameter(name, value, [...p(key), name]);
              if (spec !== undefined) setOwn(parameters, name, spec);
            }
          }
          break;
        default:
          this.error(
            `${key} is not a property of AWS::Config::RemediationConfiguration that packsmith can write`,
            p(key),
            `Remove ${key}.`,
            'key',
          );
      }
    }
    if (props.TargetType === undefined)
      this.error('the remediation has no TargetType (SSM_DOCUMENT)', [...at, 'Properties'], undefined, 'key');
    if (props.TargetId === undefined)
      this.error(
        'the remediation has no TargetId (an SSM document)',
        [...at, 'Properties'],
        undefined,
        'key',
      );
    if (this.errorCount > errorsBefore || ruleName === undefined || settings.runbook === undefined)
      return undefined;
    const out: ImportedRemediation = {
      logicalId: id,
      ruleName,
      settings: settings as RemediationSettings,
      automatic,
      parameters,
    };
    if (condition !== undefined) out.condition = condition;
    return out;
  }

  private integer(
    v: Json,
    at: YamlPath,
    what: string,
    range: { min: number; max: number },
  ): number | undefined {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < range.min || n > range.max) {
      this.error(
        `${what} must be a whole number from ${range.min} to ${range.max}, not ${describeValue(v)}`,
        at,
      );
      return undefined;
    }
    return n;
  }

  private executionControls(v: Json, at: YamlPath): RemediationSettings['executionControls'] {
    const ssm = isObject(v) ? v.SsmControls : undefined;
    if (!isObject(v) || Object.keys(v).some((k) => k !== 'SsmControls') || !isObject(ssm)) {
      this.error(
        'ExecutionControls must be { SsmControls: { ConcurrentExecutionRatePercentage, ErrorPercentage } }',
        at,
      );
      return undefined;
    }
    const out: NonNullable<RemediationSettings['executionControls']> = {};
    for (const [key, value] of Object.entries(ssm)) {
      const here = [...at, 'SsmControls', key];
      if (key === 'ConcurrentExecutionRatePercentage') {
        const n = this.integer(value, here, key, limits.ssmPercentage);
        if (n !== undefined) out.concurrentExecutionRatePercentage = n;
      } else if (key === 'ErrorPercentage') {
        const n = this.integer(value, here, key, limits.ssmPercentage);
        if (n !== undefined) out.errorPercentage = n;
      } else {
        this.error(`${key} is not part of SsmControls`, here, `Remove ${key}.`, 'key');
      }
    }
    return out;
  }

  private remediationParameter(name: string, v: Json, at: YamlPath): RemediationParameterSpec | undefined {
    if (characters(name) > limits.remediationParameterNameLength) {
      this.error(
        `the parameter name has more than ${limits.remediationParameterNameLength} characters`,
        at,
        undefined,
        'key',
      );
      return undefined;
    }
    const shape =
      'a runbook parameter is { StaticValue: { Values: [...] } } or { ResourceValue: { Value: RESOURCE_ID } }';
    if (!isObject(v) || Object.keys(v).length !== 1) {
      this.error(shape, at);
      return undefined;
    }
    if ('ResourceValue' in v) {
      const rv = v.ResourceValue;
      if (!isObject(rv) || Object.keys(rv).length !== 1 || rv.Value !== 'RESOURCE_ID') {
        this.error('ResourceValue must be { Value: RESOURCE_ID }', [...at, 'ResourceValue']);
        return undefined;
      }
      return { resourceId: true };
    }
    const sv = v.StaticValue;
    if (!('StaticValue' in v) || !isObject(sv) || Object.keys(sv).length !== 1 || !Array.isArray(sv.Values)) {
      this.error(shape, at);
      return undefined;
    }
    const values = sv.Values;
    const vat: YamlPath = [...at, 'StaticValue', 'Values'];
    if (values.length > limits.staticValues) {
      this.error(`StaticValue takes at most ${limits.staticValues} values`, vat);
      return undefined;
    }
    const ref = values.length === 1 ? refOf(values[0]) : undefined;
    if (ref !== undefined && this.parameterNames.has(ref)) return { parameter: ref };
    const texts: Array<string | CfnValueSpec> = [];
    for (const [i, item] of values.entries()) {
      const text = scalarString(item);
      if (text === undefined && intrinsicName(item) !== undefined) {
        // Computed by CloudFormation (pseudo parameters, Fn::Sub, Fn::ImportValue, …): kept as written.
        texts.push({ cfn: item });
        continue;
      }
      if (text === undefined) {
        this.error(
          `a static value must be a text${values.length > 1 ? '' : ' or one Ref to a parameter'}, not ${describeValue(item)}`,
          [...vat, i],
        );
        return undefined;
      }
      if (characters(text) > limits.staticValueLength) {
        this.error(`the value has ${characters(text)} characters; AWS allows ${limits.staticValueLength}`, [
          ...vat,
          i,
        ]);
        return undefined;
      }
      texts.push(text);
    }
    if (texts.length === 1) return texts[0]!;
    return { values: texts };
  }
}
