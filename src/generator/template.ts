/**
 * ComposedPack → the conformance pack template as data. This object is the truth the rendered
 * YAML is compared with: whatever a handlebars template prints must parse back to exactly this.
 */
import type {
  ComposedCondition,
  ComposedPack,
  ComposedRemediation,
  ComposedRule,
  CfnValue,
  InputValue,
  RuleNameForm,
} from '../authoring/model.js';
import { isCfnValue } from '../authoring/model.js';
import type { JsonValue } from './yaml-emit.js';

export type JsonObject = { [key: string]: JsonValue };

export interface ConformancePackTemplate {
  Parameters?: JsonObject;
  Mappings?: JsonObject;
  Conditions?: JsonObject;
  Resources: JsonObject;
}

export function toTemplate(pack: ComposedPack): ConformancePackTemplate {
  const template: ConformancePackTemplate = { Resources: {} };
  if (pack.parameters.length) {
    template.Parameters = Object.fromEntries(pack.parameters.map((p) => [p.name, parameterOf(p)]));
  }
  if (pack.mappings && Object.keys(pack.mappings).length) template.Mappings = pack.mappings;
  if (pack.conditions.length) {
    template.Conditions = Object.fromEntries(pack.conditions.map((c) => [c.name, conditionExpression(c)]));
  }
  for (const rule of pack.rules) template.Resources[rule.logicalId] = ruleResource(rule);
  for (const remediation of pack.remediations) {
    template.Resources[remediation.logicalId] = remediationResource(remediation);
  }
  return template;
}

/** The expression of a condition: as declared, or "the parameter is not empty". */
export function conditionExpression(c: ComposedCondition): JsonValue {
  if ('expression' in c) return c.expression as unknown as JsonValue;
  return { 'Fn::Not': [{ 'Fn::Equals': ['', { Ref: c.parameter }] }] };
}

function parameterOf(p: ComposedPack['parameters'][number]): JsonObject {
  const out: JsonObject = { Type: 'String' };
  if (p.default !== undefined) out.Default = p.default;
  if (p.description !== undefined) out.Description = p.description;
  if (p.allowedValues) out.AllowedValues = p.allowedValues;
  if (p.allowedPattern !== undefined) out.AllowedPattern = p.allowedPattern;
  if (p.constraintDescription !== undefined) out.ConstraintDescription = p.constraintDescription;
  return out;
}

/** A value as the template writes it: a raw CloudFormation value verbatim, a literal as is. */
function written<T extends JsonValue>(value: T | CfnValue): JsonValue {
  return isCfnValue(value) ? (value.value as JsonValue) : value;
}

/** ConfigRuleName as the rule writes it: literal, Ref to a parameter, or none (undefined). */
function configRuleName(name: string, form: RuleNameForm | undefined): JsonValue | undefined {
  if (form === undefined) return name;
  return form.kind === 'parameter' ? { Ref: form.parameter } : undefined;
}

export function ruleProperties(rule: ComposedRule): JsonObject {
  const props: JsonObject = {};
  const name = configRuleName(rule.ruleName, rule.nameForm);
  if (name !== undefined) props.ConfigRuleName = name;
  if (rule.description !== undefined) props.Description = rule.description;
  if (rule.scope) {
    const scope: JsonObject = {};
    if (rule.scope.resourceTypes) scope.ComplianceResourceTypes = rule.scope.resourceTypes;
    if (rule.scope.resourceId !== undefined) scope.ComplianceResourceId = rule.scope.resourceId;
    if (rule.scope.tagKey !== undefined) scope.TagKey = rule.scope.tagKey;
    if (rule.scope.tagValue !== undefined) scope.TagValue = rule.scope.tagValue;
    props.Scope = scope;
  }
  const source = rule.source;
  switch (source.owner) {
    case 'AWS':
      props.Source = { Owner: 'AWS', SourceIdentifier: source.identifier };
      break;
    case 'CUSTOM_LAMBDA':
      props.Source = {
        Owner: 'CUSTOM_LAMBDA',
        SourceIdentifier:
          typeof source.arn === 'string'
            ? source.arn
            : 'parameter' in source.arn
              ? { Ref: source.arn.parameter }
              : written(source.arn),
        SourceDetails: source.details.map((d) => {
          const detail: JsonObject = { EventSource: 'aws.config', MessageType: d.messageType };
          if (d.maximumExecutionFrequency) {
            detail.MaximumExecutionFrequency = written(d.maximumExecutionFrequency);
          }
          return detail;
        }),
      };
      break;
    case 'CUSTOM_POLICY': {
      const details: JsonObject = { PolicyRuntime: source.runtime, PolicyText: source.policyText };
      if (source.debugLogDelivery !== undefined) {
        details.EnableDebugLogDelivery = written(source.debugLogDelivery);
      }
      props.Source = {
        Owner: 'CUSTOM_POLICY',
        ...(source.identifier !== undefined ? { SourceIdentifier: source.identifier } : {}),
        SourceDetails: source.messageTypes.map((t) => ({ EventSource: 'aws.config', MessageType: t })),
        CustomPolicyDetails: details,
      };
      break;
    }
  }
  if (rule.inputParameters.length) {
    const inputs: JsonObject = Object.fromEntries(
      rule.inputParameters.map((i) => [i.name, inputValue(i.value)]),
    );
    props.InputParameters = rule.inputParametersCondition
      ? { 'Fn::If': [rule.inputParametersCondition, inputs, { Ref: 'AWS::NoValue' }] }
      : inputs;
  }
  if (rule.maximumExecutionFrequency) {
    props.MaximumExecutionFrequency = written(rule.maximumExecutionFrequency);
  }
  if (rule.evaluationModes) props.EvaluationModes = rule.evaluationModes.map((Mode) => ({ Mode }));
  return props;
}

function inputValue(value: InputValue): JsonValue {
  if (value.kind === 'literal') return value.value;
  if (value.kind === 'cfn') return written(value);
  const ref = { Ref: value.parameter };
  return value.condition ? { 'Fn::If': [value.condition, ref, { Ref: 'AWS::NoValue' }] } : ref;
}

function ruleResource(rule: ComposedRule): JsonObject {
  const resource: JsonObject = { Type: 'AWS::Config::ConfigRule' };
  if (rule.condition !== undefined) resource.Condition = rule.condition;
  if (rule.controls.length) resource.Controls = rule.controls;
  resource.Properties = ruleProperties(rule);
  return resource;
}

export function remediationProperties(r: ComposedRemediation): JsonObject {
  const props: JsonObject = {};
  // A rule whose name CloudFormation generates is named by Ref to its logical id.
  props.ConfigRuleName = configRuleName(r.ruleName, r.ruleNameForm) ?? { Ref: r.ruleLogicalId };
  props.TargetType = 'SSM_DOCUMENT';
  props.TargetId = written(r.targetId);
  if (r.targetVersion !== undefined) props.TargetVersion = written(r.targetVersion);
  if (r.resourceType !== undefined) props.ResourceType = r.resourceType;
  if (r.parameters.length) {
    props.Parameters = Object.fromEntries(
      r.parameters.map(({ name, value }) => {
        switch (value.kind) {
          case 'static':
            return [name, { StaticValue: { Values: value.values.map((v) => written(v)) } }];
          case 'resource-id':
            return [name, { ResourceValue: { Value: 'RESOURCE_ID' } }];
          case 'parameter':
            return [name, { StaticValue: { Values: [{ Ref: value.parameter }] } }];
        }
      }),
    );
  }
  props.Automatic = r.automatic;
  if (r.maximumAutomaticAttempts !== undefined) props.MaximumAutomaticAttempts = r.maximumAutomaticAttempts;
  if (r.retryAttemptSeconds !== undefined) props.RetryAttemptSeconds = r.retryAttemptSeconds;
  if (r.executionControls) {
    const ssm: JsonObject = {};
    if (r.executionControls.concurrentExecutionRatePercentage !== undefined) {
      ssm.ConcurrentExecutionRatePercentage = r.executionControls.concurrentExecutionRatePercentage;
    }
    if (r.executionControls.errorPercentage !== undefined)
      ssm.ErrorPercentage = r.executionControls.errorPercentage;
    props.ExecutionControls = { SsmControls: ssm };
  }
  return props;
}

function remediationResource(r: ComposedRemediation): JsonObject {
  const resource: JsonObject = { Type: 'AWS::Config::RemediationConfiguration' };
  if (r.condition !== undefined) resource.Condition = r.condition;
  resource.DependsOn = r.ruleLogicalId;
  resource.Properties = remediationProperties(r);
  return resource;
}
