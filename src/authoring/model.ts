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

/**
 * A raw CloudFormation value (`cfn:` in the authoring formats): written to the template verbatim,
 * evaluated by CloudFormation (intrinsic functions, pseudo parameters). A `{ parameter: NAME }` is
 * composed into `{ Ref: NAME }` of this kind.
 */
export interface CfnValue {
  kind: 'cfn';
  value: unknown;
}

/** A value of an input: written literally, taken from a pack parameter, or a raw CloudFormation value. */
export type InputValue =
  | { kind: 'literal'; value: string }
  | CfnValue
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
  maximumExecutionFrequency?: ExecutionFrequency | CfnValue;
}

export type ComposedSource =
  | { owner: 'AWS'; identifier: string }
  | {
      owner: 'CUSTOM_LAMBDA';
      /** The function ARN, or the pack parameter that holds it. */
      arn: string | { parameter: string } | CfnValue;
      details: ComposedSourceDetail[];
    }
  | {
      owner: 'CUSTOM_POLICY';
      policyText: string;
      runtime: 'guard-2.x.x';
      messageTypes: MessageType[];
      debugLogDelivery?: boolean | CfnValue;
      /** SourceIdentifier, when the template gives one. */
      identifier?: string;
    };

export interface ComposedScope {
  resourceTypes?: string[];
  resourceId?: string;
  tagKey?: string;
  tagValue?: string;
}

/**
 * How the template writes ConfigRuleName: the literal `ruleName` (absent), a pack parameter's value
 * (Ref), or not at all (CloudFormation generates a name).
 */
export type RuleNameForm = { kind: 'parameter'; parameter: string } | { kind: 'generated' };

export interface ComposedRule {
  logicalId: string;
  /**
   * The rule's name for display (plans, pages, remediation links) and uniqueness checks: the literal
   * ConfigRuleName; with `nameForm` a parameter, that parameter's default (else its name); with a
   * generated name, the logical id.
   */
  ruleName: string;
  /** Set when ConfigRuleName is not the literal `ruleName`. */
  nameForm?: RuleNameForm;
  /** The rule block it came from. */
  block: string;
  description?: string;
  source: ComposedSource;
  scope?: ComposedScope;
  inputParameters: Array<{ name: string; value: InputValue }>;
  maximumExecutionFrequency?: ExecutionFrequency | CfnValue;
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
  | { kind: 'static'; values: Array<string | CfnValue> }
  | { kind: 'resource-id' }
  | { kind: 'parameter'; parameter: string };

export interface ComposedRemediation {
  logicalId: string;
  block: string;
  /** Logical id and ConfigRuleName of the rule it remediates. */
  ruleLogicalId: string;
  ruleName: string;
  /** How the rule writes its ConfigRuleName; the remediation writes it the same way. */
  ruleNameForm?: RuleNameForm;
  targetId: string | CfnValue;
  targetVersion?: string | CfnValue;
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
  /** The template's Mappings section, as written in the manifest. */
  mappings?: Record<string, Record<string, Record<string, string | string[]>>>;
  /** Where `mappings:` is written. */
  mappingsOrigin?: Origin;
  conditions: ComposedCondition[];
  rules: ComposedRule[];
  remediations: ComposedRemediation[];
  origin: Origin;
}

export const isCfnValue = (v: unknown): v is CfnValue =>
  typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'cfn';

/** A short text for a value that may be raw CloudFormation (pages, plans). */
export function displayValue(value: string | boolean | CfnValue): string {
  if (isCfnValue(value)) return JSON.stringify(value.value);
  return String(value);
}
