/**
 * Enumerations of the AWS Config API, exactly as the botocore model spells them
 * ([BC] = `config/2014-11-12/service-2.json`, botocore 1.43.11).
 */

/** [BC:MaximumExecutionFrequency] */
export const executionFrequencies = [
  'One_Hour',
  'Three_Hours',
  'Six_Hours',
  'Twelve_Hours',
  'TwentyFour_Hours',
] as const;
export type ExecutionFrequency = (typeof executionFrequencies)[number];

/** [BC:MessageType] */
export const messageTypes = [
  'ConfigurationItemChangeNotification',
  'ConfigurationSnapshotDeliveryCompleted',
  'ScheduledNotification',
  'OversizedConfigurationItemChangeNotification',
] as const;
export type MessageType = (typeof messageTypes)[number];

/** [BC:Owner] */
export const ruleOwners = ['AWS', 'CUSTOM_LAMBDA', 'CUSTOM_POLICY'] as const;
export type RuleOwner = (typeof ruleOwners)[number];

/** [BC:EvaluationModeConfiguration] */
export const evaluationModes = ['DETECTIVE', 'PROACTIVE'] as const;
export type EvaluationMode = (typeof evaluationModes)[number];

/** [BC:EventSource] */
export const eventSources = ['aws.config'] as const;

/** [BC:RemediationTargetType] / [BC:ResourceValueType] */
export const remediationTargetTypes = ['SSM_DOCUMENT'] as const;
export const resourceValueTypes = ['RESOURCE_ID'] as const;

/** Parameter types of managed rules as the Config developer guide writes them. */
export const ruleParameterTypes = ['String', 'CSV', 'int', 'double', 'boolean', 'StringMap'] as const;
export type RuleParameterType = (typeof ruleParameterTypes)[number];

/** The only resource types a conformance pack template may contain ([BC:PutConformancePackRequest]). */
export const packResourceTypes = [
  'AWS::Config::ConfigRule',
  'AWS::Config::RemediationConfiguration',
] as const;

/**
 * Managed-rule identifier of manual "process check" controls ([DG:process-checks]). It has no
 * managed-rule page, so it is not in the catalog data, yet it is valid in every pack.
 */
export const processCheckIdentifier = 'AWS_CONFIG_PROCESS_CHECK';

/**
 * [BC:OrganizationResourceStatus] / [BC:OrganizationResourceDetailedStatus]: the aggregate and the
 * per-account status of an organization conformance pack share these nine values.
 */
export const organizationResourceStatuses = [
  'CREATE_SUCCESSFUL',
  'CREATE_IN_PROGRESS',
  'CREATE_FAILED',
  'DELETE_SUCCESSFUL',
  'DELETE_FAILED',
  'DELETE_IN_PROGRESS',
  'UPDATE_SUCCESSFUL',
  'UPDATE_IN_PROGRESS',
  'UPDATE_FAILED',
] as const;
export type OrganizationResourceStatus = (typeof organizationResourceStatuses)[number];

/** [BC-ORG:AccountStatus] Organizations account status (`organizations/2016-11-28/service-2.json`). */
export const organizationAccountStatuses = ['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE'] as const;
export type OrganizationAccountStatus = (typeof organizationAccountStatuses)[number];

/** [BC:ComplianceType] a rule's compliance (DescribeAggregateComplianceByConfigRules and others). */
export const complianceTypes = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'] as const;
export type ComplianceType = (typeof complianceTypes)[number];

/**
 * [BC:ConformancePackComplianceType] a conformance pack's compliance. Compliance filters accept only
 * COMPLIANT and NON_COMPLIANT (fact sheet §2.3, §2.4): `complianceFilterTypes`.
 */
export const conformancePackComplianceTypes = ['COMPLIANT', 'NON_COMPLIANT', 'INSUFFICIENT_DATA'] as const;
export type ConformancePackComplianceType = (typeof conformancePackComplianceTypes)[number];
export const complianceFilterTypes = ['COMPLIANT', 'NON_COMPLIANT'] as const;
