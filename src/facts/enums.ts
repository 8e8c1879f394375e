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

/**
 * [BC:ConformancePackState] the status of a single-account conformance pack, as the stack set
 * engine deploys it in each account (`AWS::Config::ConformancePack`). Five values and **no UPDATE
 * states**, unlike the organization enum (fact sheet §1.1 item 4): an update shows as CREATE_*.
 */
export const conformancePackStates = [
  'CREATE_IN_PROGRESS',
  'CREATE_COMPLETE',
  'CREATE_FAILED',
  'DELETE_IN_PROGRESS',
  'DELETE_FAILED',
] as const;
export type ConformancePackState = (typeof conformancePackStates)[number];

/**
 * A single-account pack's state in the organization vocabulary packsmith reports in (status,
 * history, report), mapped explicitly: during an update the single-account CREATE_* values stand
 * for UPDATE_* (the enum has no UPDATE states), and CREATE_COMPLETE is the *_SUCCESSFUL of the
 * operation.
 */
export function organizationStatusOfPackState(
  state: ConformancePackState,
  operation: 'create' | 'update',
): OrganizationResourceStatus {
  const update = operation === 'update';
  switch (state) {
    case 'CREATE_IN_PROGRESS':
      return update ? 'UPDATE_IN_PROGRESS' : 'CREATE_IN_PROGRESS';
    case 'CREATE_COMPLETE':
      return update ? 'UPDATE_SUCCESSFUL' : 'CREATE_SUCCESSFUL';
    case 'CREATE_FAILED':
      return update ? 'UPDATE_FAILED' : 'CREATE_FAILED';
    case 'DELETE_IN_PROGRESS':
      return 'DELETE_IN_PROGRESS';
    case 'DELETE_FAILED':
      return 'DELETE_FAILED';
  }
}

/**
 * CloudFormation StackSets enumerations ([CFN:Shape] = the CloudFormation API model
 * `cloudformation/2010-05-15`; also prior-art §1.3).
 */
/** [CFN:StackInstanceStatus] */
export const stackInstanceStatuses = ['CURRENT', 'OUTDATED', 'INOPERABLE'] as const;
export type StackInstanceStatus = (typeof stackInstanceStatuses)[number];
/** [CFN:StackInstanceDetailedStatus] */
export const stackInstanceDetailedStatuses = [
  'PENDING',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'INOPERABLE',
  'SKIPPED_SUSPENDED_ACCOUNT',
  'FAILED_IMPORT',
] as const;
export type StackInstanceDetailedStatus = (typeof stackInstanceDetailedStatuses)[number];
/** [CFN:StackSetOperationStatus] */
export const stackSetOperationStatuses = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'STOPPING',
  'STOPPED',
  'QUEUED',
] as const;
export type StackSetOperationStatus = (typeof stackSetOperationStatuses)[number];
/** The operation statuses after which nothing changes any more. */
export const terminalStackSetOperationStatuses: readonly StackSetOperationStatus[] = [
  'SUCCEEDED',
  'FAILED',
  'STOPPED',
];
/** [CFN:StackInstanceDetailedStatus] the per-instance outcomes that count as failures of an operation. */
export const failedStackInstanceStatuses: readonly StackInstanceDetailedStatus[] = [
  'FAILED',
  'INOPERABLE',
  'FAILED_IMPORT',
];
/**
 * [CFN:StackInstanceDetailedStatus] CANCELLED: "the operation in the specified account and Region
 * has been canceled", because a user stopped it or its failure tolerance was exceeded: the
 * operation never reached the instance. Not a failure of its own (the cause is elsewhere): packsmith
 * shows it as "not attempted".
 */
export const notAttemptedStackInstanceStatuses: readonly StackInstanceDetailedStatus[] = ['CANCELLED'];
