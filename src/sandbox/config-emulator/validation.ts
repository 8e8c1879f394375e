/**
 * Pure request validation for the organization conformance pack operations: the shape
 * constraints of the botocore model (fact sheet §1.2, §2) answered as AWS answers them
 * (`ValidationException` "1 validation error detected: ..."), and a deliberately light template
 * check (see `validateTemplate`).
 */
import { parse } from 'yaml';
import { organizationResourceStatuses, packResourceTypes } from '../../facts/enums.js';
import type { OrganizationResourceStatus } from '../../facts/enums.js';
import {
  accountIdPattern,
  limits,
  orgDeliveryBucketPrefix,
  orgPackApiLimits,
  packNamePattern,
  templateS3UriPattern,
} from '../../facts/limits.js';
import { EmulatorError, constraintError } from './errors.js';

export interface InputParameter {
  ParameterName: string;
  ParameterValue: string;
}

export interface PutRequest {
  name: string;
  templateBody?: string;
  templateS3Uri?: string;
  deliveryS3Bucket?: string;
  deliveryS3KeyPrefix?: string;
  inputParameters: InputParameter[];
  excludedAccounts: string[];
}

type Body = Record<string, unknown>;

function optionalString(body: Body, key: string, field: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw constraintError(field, value, 'Member must be a string');
  return value;
}

function checkLength(field: string, value: string, min: number, max: number, bytes = false): void {
  const length = bytes ? Buffer.byteLength(value, 'utf8') : value.length;
  if (length < min)
    throw constraintError(field, value, `Member must have length greater than or equal to ${min}`);
  if (length > max)
    throw constraintError(field, value, `Member must have length less than or equal to ${max}`);
}

export function validatePackName(value: unknown, field = 'organizationConformancePackName'): string {
  if (typeof value !== 'string') throw constraintError(field, value, 'Member must not be null');
  checkLength(field, value, 1, limits.orgPackNameLength);
  if (!packNamePattern.test(value)) {
    throw constraintError(
      field,
      value,
      'Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*',
    );
  }
  return value;
}

function stringList(body: Body, key: string, field: string, max: number): string[] {
  const value = body[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw constraintError(field, value, 'Member must be a list of strings');
  }
  if (value.length > max) {
    throw constraintError(
      field,
      `[${value.length} items]`,
      `Member must have length less than or equal to ${max}`,
    );
  }
  return value as string[];
}

/** PutOrganizationConformancePack request shape checks (not the template's content). */
export function validatePutRequest(body: Body): PutRequest {
  const name = validatePackName(body.OrganizationConformancePackName);
  const templateBody = optionalString(body, 'TemplateBody', 'templateBody');
  const templateS3Uri = optionalString(body, 'TemplateS3Uri', 'templateS3Uri');
  if (templateBody !== undefined)
    checkLength('templateBody', templateBody, 1, limits.templateBodyBytes, true);
  if (templateS3Uri !== undefined) {
    checkLength('templateS3Uri', templateS3Uri, 1, orgPackApiLimits.templateS3UriLength);
    if (!templateS3UriPattern.test(templateS3Uri)) {
      throw constraintError(
        'templateS3Uri',
        templateS3Uri,
        'Member must satisfy regular expression pattern: s3://.*',
      );
    }
  }
  if (templateBody === undefined && templateS3Uri === undefined) {
    throw new EmulatorError('ValidationException', 'Either TemplateBody or TemplateS3Uri must be provided.');
  }
  const deliveryS3Bucket = optionalString(body, 'DeliveryS3Bucket', 'deliveryS3Bucket');
  if (deliveryS3Bucket !== undefined) {
    checkLength('deliveryS3Bucket', deliveryS3Bucket, 0, orgPackApiLimits.deliveryS3BucketLength);
    if (deliveryS3Bucket !== '' && !deliveryS3Bucket.startsWith(orgDeliveryBucketPrefix)) {
      throw new EmulatorError(
        'ValidationException',
        `The delivery S3 bucket name must start with '${orgDeliveryBucketPrefix}': ${deliveryS3Bucket}`,
      );
    }
  }
  const deliveryS3KeyPrefix = optionalString(body, 'DeliveryS3KeyPrefix', 'deliveryS3KeyPrefix');
  if (deliveryS3KeyPrefix !== undefined) {
    checkLength('deliveryS3KeyPrefix', deliveryS3KeyPrefix, 0, orgPackApiLimits.deliveryS3KeyPrefixLength);
  }
  const excludedAccounts = stringList(body, 'ExcludedAccounts', 'excludedAccounts', limits.excludedAccounts);
  excludedAccounts.forEach((id, i) => {
    if (!accountIdPattern.test(id)) {
      throw constraintError(
        `excludedAccounts.${i + 1}.member`,
        id,
        'Member must satisfy regular expression pattern: \\d{12}',
      );
    }
  });
  const inputParameters = validateInputParameters(body.ConformancePackInputParameters);
  return {
    name,
    ...(templateBody === undefined ? {} : { templateBody }),
    ...(templateS3Uri === undefined ? {} : { templateS3Uri }),
    ...(deliveryS3Bucket === undefined ? {} : { deliveryS3Bucket }),
    ...(deliveryS3KeyPrefix === undefined ? {} : { deliveryS3KeyPrefix }),
    inputParameters,
    excludedAccounts: [...new Set(excludedAccounts)],
  };
}

function validateInputParameters(value: unknown): InputParameter[] {
  const field = 'conformancePackInputParameters';
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw constraintError(field, value, 'Member must be a list');
  if (value.length > limits.inputParameters) {
    throw constraintError(
      field,
      `[${value.length} items]`,
      `Member must have length less than or equal to ${limits.inputParameters}`,
    );
  }
  return value.map((item: unknown, i) => {
    const p = (typeof item === 'object' && item !== null ? item : {}) as Body;
    const name = p.ParameterName;
    const val = p.ParameterValue;
    const at = `${field}.${i + 1}.member`;
    if (typeof name !== 'string')
      throw constraintError(`${at}.parameterName`, name, 'Member must not be null');
    if (typeof val !== 'string')
      throw constraintError(`${at}.parameterValue`, val, 'Member must not be null');
    checkLength(`${at}.parameterName`, name, 0, limits.inputParameterNameLength);
    checkLength(`${at}.parameterValue`, val, 0, limits.inputParameterValueLength);
    return { ParameterName: name, ParameterValue: val };
  });
}

function templateError(problem: string): EmulatorError {
  return new EmulatorError(
    'OrganizationConformancePackTemplateValidationException',
    `Invalid conformance pack template provided. Errors found: [${problem}]`,
  );
}

/**
 * Light template validation, on purpose far short of AWS's (which runs CloudFormation):
 * - the body parses as YAML (JSON is YAML) into a mapping;
 * - `Resources` is a non-empty mapping with at most 130 entries ([QUOTAS], counted as resources);
 * - every resource has a `Type` that packs allow (`AWS::Config::ConfigRule`,
 *   `AWS::Config::RemediationConfiguration`);
 * - every passed input parameter is declared under `Parameters` ([TF-DOC-OCP]).
 * Properties, intrinsics, Conditions and rule identifiers are not checked.
 * Returns the pack's rule names (for the aggregator's compliance): each rule's `ConfigRuleName`
 * when it is a string, else its logical ID (CloudFormation would generate a name there).
 */
/** The SourceIdentifiers of the template's AWS managed rules (a template validateTemplate accepted). */
export function managedRuleIdentifiers(body: string): string[] {
  const doc = parse(body, { uniqueKeys: false }) as Body;
  const resources = doc.Resources as Record<string, unknown>;
  const out: string[] = [];
  for (const resource of Object.values(resources)) {
    if (typeof resource !== 'object' || resource === null) continue;
    const r = resource as Body;
    if (r.Type !== 'AWS::Config::ConfigRule') continue;
    const source =
      typeof r.Properties === 'object' && r.Properties !== null ? (r.Properties as Body).Source : undefined;
    if (typeof source !== 'object' || source === null) continue;
    const { Owner, SourceIdentifier } = source as Body;
    if (Owner === 'AWS' && typeof SourceIdentifier === 'string') out.push(SourceIdentifier);
  }
  return [...new Set(out)].sort();
}

export function validateTemplate(body: string, inputParameters: readonly InputParameter[] = []): string[] {
  let doc: unknown;
  try {
    doc = parse(body, { uniqueKeys: false });
  } catch (error) {
    throw templateError(`Template format error: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw templateError('Template format error: the template is not a JSON or YAML mapping');
  }
  const { Resources, Parameters } = doc as Body;
  if (typeof Resources !== 'object' || Resources === null || Array.isArray(Resources)) {
    throw templateError('Template format error: At least one Resources member must be defined.');
  }
  const entries = Object.entries(Resources as Body);
  if (entries.length === 0)
    throw templateError('Template format error: At least one Resources member must be defined.');
  if (entries.length > limits.resourcesPerPack) {
    throw templateError('Number of resources provided in the template exceeds the allowed limit');
  }
  const allowed: readonly string[] = packResourceTypes;
  const ruleNames: string[] = [];
  for (const [logicalId, resource] of entries) {
    const type = typeof resource === 'object' && resource !== null ? (resource as Body).Type : undefined;
    if (typeof type !== 'string' || !allowed.includes(type)) {
      throw templateError(
        `Resource ${logicalId} has type ${String(type)}; only ${packResourceTypes.join(' and ')} are supported`,
      );
    }
    if (type === 'AWS::Config::ConfigRule') {
      const props = (resource as Body).Properties;
      const name = typeof props === 'object' && props !== null ? (props as Body).ConfigRuleName : undefined;
      ruleNames.push(typeof name === 'string' && name !== '' ? name : logicalId);
    }
  }
  const declared =
    typeof Parameters === 'object' && Parameters !== null && !Array.isArray(Parameters)
      ? new Set(Object.keys(Parameters))
      : new Set<string>();
  for (const p of inputParameters) {
    if (!declared.has(p.ParameterName)) {
      throw templateError(`Parameter ${p.ParameterName} is not declared in the template's Parameters`);
    }
  }
  return ruleNames;
}

/** OrganizationConformancePackNames of the two Describe operations: 0–25 valid names. */
export function validateDescribeNames(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw constraintError('organizationConformancePackNames', value, 'Member must be a list');
  if (value.length > orgPackApiLimits.describeNames) {
    throw constraintError(
      'organizationConformancePackNames',
      `[${value.length} items]`,
      `Member must have length less than or equal to ${orgPackApiLimits.describeNames}`,
    );
  }
  return value.map((v: unknown, i) =>
    validatePackName(v, `organizationConformancePackNames.${i + 1}.member`),
  );
}

export interface DetailedStatusFilters {
  accountId?: string;
  status?: OrganizationResourceStatus;
}

export function validateDetailedFilters(value: unknown): DetailedStatusFilters {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw constraintError('filters', value, 'Member must be a structure');
  const { AccountId, Status } = value as Body;
  const out: DetailedStatusFilters = {};
  if (AccountId !== undefined && AccountId !== null) {
    if (typeof AccountId !== 'string' || !accountIdPattern.test(AccountId)) {
      throw constraintError(
        'filters.accountId',
        AccountId,
        'Member must satisfy regular expression pattern: \\d{12}',
      );
    }
    out.accountId = AccountId;
  }
  if (Status !== undefined && Status !== null) {
    const statuses: readonly unknown[] = organizationResourceStatuses;
    if (!statuses.includes(Status)) {
      throw constraintError(
        'filters.status',
        Status,
        `Member must satisfy enum value set: [${organizationResourceStatuses.join(', ')}]`,
      );
    }
    out.status = Status as OrganizationResourceStatus;
  }
  return out;
}
