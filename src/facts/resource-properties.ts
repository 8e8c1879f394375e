/**
 * The properties of the two resource types a conformance pack may contain, with the API's
 * documented constraints ([BC:Shape] = botocore `config/2014-11-12/service-2.json`; the fact
 * sheet §1.3 and §1.4). Read by the property checks of `packsmith validate`.
 */
import {
  evaluationModes,
  eventSources,
  executionFrequencies,
  messageTypes,
  remediationTargetTypes,
  resourceValueTypes,
  ruleOwners,
} from './enums.js';
import { limits } from './limits.js';

export type PropertySpec =
  | { kind: 'string'; min?: number; max?: number; pattern?: RegExp; enum?: readonly string[] }
  | { kind: 'integer'; min?: number; max?: number }
  | { kind: 'boolean' }
  | { kind: 'list'; of: PropertySpec; min?: number; max?: number }
  | { kind: 'object'; props: Record<string, PropertySpec>; required?: readonly string[] }
  /** A mapping with free keys (InputParameters, remediation Parameters). */
  | {
      kind: 'map';
      of: PropertySpec;
      max?: number;
      keyMax?: number;
      /** CloudFormation's Json type: the mapping may also be written as a string holding a JSON object. */
      jsonText?: boolean;
    }
  | { kind: 'any' };

const str = (max: number, extra: { min?: number; pattern?: RegExp } = {}): PropertySpec => ({
  kind: 'string',
  min: extra.min ?? 1,
  max,
  ...(extra.pattern ? { pattern: extra.pattern } : {}),
});
const oneOf = (values: readonly string[]): PropertySpec => ({ kind: 'string', enum: values });

/** [BC:ConfigRule], [BC:Scope], [BC:Source], [BC:SourceDetail], [BC:CustomPolicyDetails] */
export const configRuleProperties: PropertySpec = {
  kind: 'object',
  required: ['Source'],
  props: {
    ConfigRuleName: str(limits.ruleNameLength, { pattern: /\S/ }),
    Description: str(limits.ruleDescriptionLength, { min: 0 }),
    Scope: {
      kind: 'object',
      props: {
        ComplianceResourceTypes: {
          kind: 'list',
          max: limits.scopeResourceTypes,
          of: str(limits.scopeResourceTypeLength),
        },
        ComplianceResourceId: str(limits.scopeResourceIdLength),
        TagKey: str(limits.scopeTagKeyLength),
        TagValue: str(limits.scopeTagValueLength),
      },
    },
    Source: {
      kind: 'object',
      required: ['Owner'],
      props: {
        Owner: oneOf(ruleOwners),
        SourceIdentifier: str(limits.sourceIdentifierLength),
        SourceDetails: {
          kind: 'list',
          max: limits.sourceDetails,
          of: {
            kind: 'object',
            props: {
              EventSource: oneOf(eventSources),
              MessageType: oneOf(messageTypes),
              MaximumExecutionFrequency: oneOf(executionFrequencies),
            },
          },
        },
        CustomPolicyDetails: {
          kind: 'object',
          required: ['PolicyRuntime', 'PolicyText'],
          props: {
            PolicyRuntime: str(64, { pattern: /^guard-2\.x\.x$/ }),
            PolicyText: str(limits.guardPolicyTextLength, { min: 0 }),
            EnableDebugLogDelivery: { kind: 'boolean' },
          },
        },
      },
    },
    // CloudFormation types it Json: a mapping, or a string holding a JSON object (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-configrule.html).
    InputParameters: { kind: 'map', of: { kind: 'any' }, jsonText: true },
    MaximumExecutionFrequency: oneOf(executionFrequencies),
    EvaluationModes: {
      kind: 'list',
      of: { kind: 'object', props: { Mode: oneOf(evaluationModes) } },
    },
  },
};

const staticValue: PropertySpec = {
  kind: 'object',
  props: { Values: { kind: 'list', max: limits.staticValues, of: str(limits.staticValueLength) } },
};

/** [BC:RemediationConfiguration], [BC:RemediationParameterValue], [BC:SsmControls] */
export const remediationProperties: PropertySpec = {
  kind: 'object',
  required: ['ConfigRuleName', 'TargetType', 'TargetId'],
  props: {
    ConfigRuleName: str(limits.ruleNameLength),
    TargetType: oneOf(remediationTargetTypes),
    TargetId: str(limits.remediationTargetIdLength),
    TargetVersion: { kind: 'string' },
    ResourceType: { kind: 'string' },
    Parameters: {
      kind: 'map',
      max: limits.remediationParameters,
      keyMax: limits.remediationParameterNameLength,
      of: {
        kind: 'object',
        props: {
          StaticValue: staticValue,
          ResourceValue: { kind: 'object', required: ['Value'], props: { Value: oneOf(resourceValueTypes) } },
        },
      },
    },
    Automatic: { kind: 'boolean' },
    MaximumAutomaticAttempts: { kind: 'integer', ...limits.automaticAttempts },
    RetryAttemptSeconds: { kind: 'integer', ...limits.retryAttemptSeconds },
    ExecutionControls: {
      kind: 'object',
      props: {
        SsmControls: {
          kind: 'object',
          props: {
            ConcurrentExecutionRatePercentage: { kind: 'integer', ...limits.ssmPercentage },
            ErrorPercentage: { kind: 'integer', ...limits.ssmPercentage },
          },
        },
      },
    },
  },
};
