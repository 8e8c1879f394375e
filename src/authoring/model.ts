/**
 * A composed pack: every block resolved, every override applied, every value a string as the
 * template will carry it. The generator turns this into a template without further decisions.
 */
import type { SourceLocation } from '../diagnostics/diagnostic.js';
import type { EvaluationMode, ExecutionFrequency, MessageType } from '../facts/enums.js';

/**
 * Where a value was written. Resolved to file:line:column only when a report needs it: finding
 * positions means a slower, position-keeping parse of the file, which a clean build never needs.
 */
export interface Origin {
  locate(): SourceLocation;
}

/** A value of an input: written literally, or taken from a pack parameter. */
export type InputValue =
  | { kind: 'literal'; value: string }
  /** `condition` is set when an empty parameter value must drop the key (Fn::If + AWS::NoValue). */
  | { kind: 'parameter'; parameter: string; condition?: string };

export interface ComposedParameter {
  /** Logical name in the template's Parameters section. */
  name: string;
  default?: string;
  description?: string;
  /** Written to the template (AWS's samples use both). */
  allowedValues?: string[];
  allowedPattern?: string;
  constraintDescription?: string;
  /** Checked by packsmith against defaults (build) and deploy-time values; not written to the template. */
  constraints: ParameterConstraints;
  /** The managed-rule type of the input(s) it feeds, when known. */
  ruleParameterType?: string;
  origin: Origin;
}

export interface ParameterConstraints {
  minimum?: number;
  maximum?: number;
  pattern?: string;
  allowedValues?: string[];
  minItems?: number;
  maxItems?: number;
}

/** A value compared by `Fn::Equals`: a literal or a parameter's value. */
export type ConditionOperand = string | number | boolean | { Ref: string };

/** A condition expression in CloudFormation's long form. */
export type ConditionExpression =
  | { 'Fn::Equals': [ConditionOperand, ConditionOperand] }
  | { 'Fn::Not': [ConditionExpression] }
  | { 'Fn::And': ConditionExpression[] }
  | { 'Fn::Or': ConditionExpression[] }
  | { Condition: string };

export type ComposedCondition =
  /** Derived for an optional input: true when the parameter is not empty. */
  | { name: string; parameter: string }
  /** Declared in the manifest, written as is. */
  | { name: string; expression: ConditionExpression };

/** A SourceDetails entry of a Lambda rule. */
export interface ComposedSourceDetail {
  messageType: MessageType;
  maximumExecutionFrequency?: ExecutionFrequency;
}

export type ComposedSource =
  | { owner: 'AWS'; identifier: string }
  | {
      owner: 'CUSTOM_LAMBDA';
      /** The function ARN, or the pack parameter that holds it. */
      arn: string | { parameter: string };
      details: ComposedSourceDetail[];
    }
  | {
      owner: 'CUSTOM_POLICY';
      policyText: string;
      runtime: 'guard-2.x.x';
      messageTypes: MessageType[];
      debugLogDelivery?: boolean;
    };

export interface ComposedScope {
  resourceTypes?: string[];
  resourceId?: string;
  tagKey?: string;
  tagValue?: string;
}

export interface ComposedRule {
  logicalId: string;
  ruleName: string;
  /** The rule block it came from. */
  block: string;
  description?: string;
  source: ComposedSource;
  scope?: ComposedScope;
  inputParameters: Array<{ name: string; value: InputValue }>;
  maximumExecutionFrequency?: ExecutionFrequency;
  evaluationModes?: EvaluationMode[];
  controls: string[];
  /** Resource-level Condition: the rule exists only when this pack condition is true. */
  condition?: string;
  /** InputParameters are written only when this pack condition is true (Fn::If + AWS::NoValue). */
  inputParametersCondition?: string;
  /** Where each property came from, keyed by its path below the resource (e.g. `Properties/Scope`). */
  origins: Record<string, Origin>;
}

export type RemediationValue =
  { kind: 'static'; values: string[] } | { kind: 'resource-id' } | { kind: 'parameter'; parameter: string };

export interface ComposedRemediation {
  logicalId: string;
  block: string;
  /** Logical id and ConfigRuleName of the rule it remediates. */
  ruleLogicalId: string;
  ruleName: string;
  targetId: string;
  targetVersion?: string;
  resourceType?: string;
  automatic: boolean;
  maximumAutomaticAttempts?: number;
  retryAttemptSeconds?: number;
  executionControls?: { concurrentExecutionRatePercentage?: number; errorPercentage?: number };
  parameters: Array<{ name: string; value: RemediationValue }>;
  /** Resource-level Condition. */
  condition?: string;
  origins: Record<string, Origin>;
}

export interface ComposedPack {
  name: string;
  description?: string;
  /** The manifest, as displayed (relative path). */
  manifest: string;
  /** Absolute path of the manifest file. */
  manifestPath: string;
  /** Absolute path of a custom handlebars template, when the pack names one. */
  template?: string;
  parameters: ComposedParameter[];
  conditions: ComposedCondition[];
  rules: ComposedRule[];
  remediations: ComposedRemediation[];
  origin: Origin;
}
