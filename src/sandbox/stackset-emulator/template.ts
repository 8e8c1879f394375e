/**
 * What one stack instance deploys: the template read for one account and Region with its resolved
 * parameters (pure). Supported resource types: AWS::Config::ConformancePack, AWS::IAM::Role,
 * AWS::Config::ConfigurationRecorder, AWS::Config::DeliveryChannel. Intrinsics: Ref (parameters and
 * the pseudo parameters AWS::AccountId, AWS::Region, AWS::Partition, AWS::StackName, AWS::StackId),
 * Fn::Sub (string form and [string, variables]), Fn::Join, Fn::FindInMap (over the template's
 * Mappings). Anything else fails the instance with a
 * reason that says it is an emulator limit (CloudFormation itself would deploy it).
 */
import { partitionOf } from '../../facts/partitions.js';
import { parseYamlSource } from '../../source/yaml-source.js';

export interface Parameter {
  ParameterKey: string;
  ParameterValue?: string;
  UsePreviousValue?: boolean;
}

export interface DeployedConformancePack {
  logicalId: string;
  name: string;
  templateBody?: string;
  templateS3Uri?: string;
  deliveryS3Bucket?: string;
  inputParameters: { ParameterName: string; ParameterValue: string }[];
}

export interface DeployedRole {
  logicalId: string;
  roleName: string;
  assumeRolePolicyDocument: unknown;
  managedPolicyArns: string[];
  policies: unknown[];
}

export interface DeployedRecorder {
  logicalId: string;
  name: string;
  roleArn?: string;
}

export interface DeployedDeliveryChannel {
  logicalId: string;
  name: string;
  s3BucketName?: string;
}

export interface DeployedResources {
  conformancePacks: DeployedConformancePack[];
  roles: DeployedRole[];
  recorders: DeployedRecorder[];
  deliveryChannels: DeployedDeliveryChannel[];
  /** The resolved parameter values the stack was deployed with. */
  parameters: Record<string, string>;
}

export type Interpretation = { ok: true; resources: DeployedResources } | { ok: false; reason: string };

export interface TemplateContext {
  account: string;
  region: string;
  stackName: string;
  stackId: string;
}

export const supportedResourceTypes = [
  'AWS::Config::ConformancePack',
  'AWS::IAM::Role',
  'AWS::Config::ConfigurationRecorder',
  'AWS::Config::DeliveryChannel',
] as const;

class TemplateFailure extends Error {}

let lastParsed: { body: string; value: Record<string, unknown> } | undefined;

/**
 * Parses a template body (YAML with CloudFormation tags, or JSON) into plain data; throws on
 * syntax errors. The last result is kept: an operation reads the same body for every instance.
 * Callers never mutate the value.
 */
export function parseTemplate(body: string): Record<string, unknown> {
  if (lastParsed?.body === body) return lastParsed.value;
  const value = parseUncached(body);
  lastParsed = { body, value };
  return value;
}

function parseUncached(body: string): Record<string, unknown> {
  const source = parseYamlSource('template', body, { cloudFormation: true });
  if (
    source.syntaxErrors.length > 0 ||
    typeof source.value !== 'object' ||
    source.value === null ||
    Array.isArray(source.value)
  ) {
    throw new TemplateFailure('Template format error: not a YAML or JSON mapping');
  }
  return source.value as Record<string, unknown>;
}

/** The template's declared parameters with their defaults (for validation at CreateStackSet). */
export function declaredParameters(template: Record<string, unknown>): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  const params = template.Parameters;
  if (typeof params === 'object' && params !== null) {
    for (const [key, decl] of Object.entries(params as Record<string, unknown>)) {
      const d = (decl as { Default?: unknown } | null)?.Default;
      out.set(key, d === undefined || d === null ? undefined : String(d));
    }
  }
  return out;
}

/** Resolves parameters (stack set values, then the instance's overrides) and interprets the resources. */
export function interpretTemplate(
  body: string,
  stackSetParameters: readonly Parameter[],
  overrides: readonly Parameter[],
  context: TemplateContext,
): Interpretation {
  try {
    const template = parseTemplate(body);
    const declared = declaredParameters(template);
    const values: Record<string, string> = {};
    const given = new Map<string, string | undefined>();
    for (const p of stackSetParameters) given.set(p.ParameterKey, p.ParameterValue);
    for (const p of overrides) given.set(p.ParameterKey, p.ParameterValue);
    const missing: string[] = [];
    for (const [key, def] of declared) {
      const v = given.get(key) ?? def;
      if (v === undefined) missing.push(key);
      else values[key] = v;
    }
    if (missing.length > 0) throw new TemplateFailure(`Parameters: [${missing.join(', ')}] must have values`);
    const pseudo: Record<string, string> = {
      'AWS::AccountId': context.account,
      'AWS::Region': context.region,
      'AWS::Partition': partitionOf(context.region).id,
      'AWS::StackName': context.stackName,
      'AWS::StackId': context.stackId,
    };
    const mappings = (
      typeof template.Mappings === 'object' && template.Mappings !== null ? template.Mappings : {}
    ) as Record<string, unknown>;
    const resolve = (value: unknown): unknown =>
      resolveIntrinsics(value, { params: values, pseudo, mappings });
    const resources: DeployedResources = {
      conformancePacks: [],
      roles: [],
      recorders: [],
      deliveryChannels: [],
      parameters: values,
    };
    const declaredResources = template.Resources;
    if (
      typeof declaredResources !== 'object' ||
      declaredResources === null ||
      Object.keys(declaredResources).length === 0
    ) {
      throw new TemplateFailure('Template format error: At least one Resources member must be defined.');
    }
    for (const [logicalId, raw] of Object.entries(declaredResources as Record<string, unknown>)) {
      const resource = (raw ?? {}) as { Type?: unknown; Properties?: unknown };
      const type = String(resource.Type);
      const props = (resolve(resource.Properties ?? {}) ?? {}) as Record<string, unknown>;
      const text = (key: string): string | undefined =>
        typeof props[key] === 'string' ? (props[key] as string) : undefined;
      if (type === 'AWS::Config::ConformancePack') {
        const name = text('ConformancePackName');
        if (!name) throw new TemplateFailure(`Resource ${logicalId}: ConformancePackName is required`);
        const inputs = Array.isArray(props.ConformancePackInputParameters)
          ? props.ConformancePackInputParameters
          : [];
        resources.conformancePacks.push({
          logicalId,
          name,
          ...(text('TemplateBody') === undefined ? {} : { templateBody: text('TemplateBody') as string }),
          ...(text('TemplateS3Uri') === undefined ? {} : { templateS3Uri: text('TemplateS3Uri') as string }),
          ...(text('DeliveryS3Bucket') === undefined
            ? {}
            : { deliveryS3Bucket: text('DeliveryS3Bucket') as string }),
          inputParameters: inputs.map((i) => {
            const item = i as { ParameterName?: unknown; ParameterValue?: unknown };
            return { ParameterName: String(item.ParameterName), ParameterValue: String(item.ParameterValue) };
          }),
        });
      } else if (type === 'AWS::IAM::Role') {
        resources.roles.push({
          logicalId,
          // CloudFormation generates a name when RoleName is absent: <stack>-<logicalId>-<suffix>.
          roleName: text('RoleName') ?? `${context.stackName}-${logicalId}`.slice(0, 64),
          assumeRolePolicyDocument: props.AssumeRolePolicyDocument,
          managedPolicyArns: Array.isArray(props.ManagedPolicyArns)
            ? props.ManagedPolicyArns.map(String)
            : [],
          policies: Array.isArray(props.Policies) ? props.Policies : [],
        });
      } else if (type === 'AWS::Config::ConfigurationRecorder') {
        resources.recorders.push({
          logicalId,
          name: text('Name') ?? 'default',
          ...(text('RoleARN') === undefined ? {} : { roleArn: text('RoleARN') as string }),
        });
      } else if (type === 'AWS::Config::DeliveryChannel') {
        resources.deliveryChannels.push({
          logicalId,
          name: text('Name') ?? 'default',
          ...(text('S3BucketName') === undefined ? {} : { s3BucketName: text('S3BucketName') as string }),
        });
      } else {
        throw new TemplateFailure(
          `Resource ${logicalId}: type ${type} is not supported by the StackSets emulator (emulator limit; it deploys ${supportedResourceTypes.join(', ')})`,
        );
      }
    }
    return { ok: true, resources };
  } catch (error) {
    if (error instanceof TemplateFailure) return { ok: false, reason: error.message };
    throw error;
  }
}

interface Scope {
  params: Record<string, string>;
  pseudo: Record<string, string>;
  mappings: Record<string, unknown>;
}

/** Fn::FindInMap [MapName, TopLevelKey, SecondLevelKey]: a missing key fails, as CloudFormation's does. */
function findInMap(args: unknown, scope: Scope): unknown {
  const keys = Array.isArray(args) ? args.map((a) => resolveIntrinsics(a, scope)) : [];
  if (keys.length !== 3 || keys.some((k) => typeof k !== 'string'))
    throw new TemplateFailure('Template error: Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]');
  const [map, top, second] = keys as [string, string, string];
  const value = ((scope.mappings[map] as Record<string, Record<string, unknown> | undefined> | undefined)?.[
    top
  ] ?? {})[second];
  if (value === undefined)
    throw new TemplateFailure(`Template error: Unable to get mapping for ${map}::${top}::${second}`);
  return value;
}

function resolveIntrinsics(value: unknown, scope: Scope): unknown {
  const { params, pseudo } = scope;
  const recurse = (v: unknown): unknown => resolveIntrinsics(v, scope);
  if (Array.isArray(value)) return value.map(recurse);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1) {
    const key = keys[0] as string;
    const arg = record[key];
    if (key === 'Ref') {
      const name = String(arg);
      const v = params[name] ?? pseudo[name];
      if (v === undefined)
        throw new TemplateFailure(
          `Template format error: Unresolved resource dependencies [${name}] in the Resources block of the template`,
        );
      return v;
    }
    if (key === 'Fn::Sub') {
      const [text, vars] = Array.isArray(arg)
        ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>]
        : [arg, {}];
      const local: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(vars)) local[k] = recurse(v);
      return String(text).replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
        const v = local[name] ?? params[name] ?? pseudo[name];
        if (v === undefined)
          throw new TemplateFailure(
            `Fn::Sub: \${${name}} is not a parameter, a pseudo parameter or a variable the emulator can resolve (emulator limit)`,
          );
        return String(v);
      });
    }
    if (key === 'Fn::Join') {
      const [sep, items] = Array.isArray(arg) ? [arg[0], arg[1]] : ['', []];
      const list = recurse(items);
      return (Array.isArray(list) ? list : []).map(String).join(String(sep));
    }
    if (key === 'Fn::FindInMap') return findInMap(arg, scope);
    if (key.startsWith('Fn::')) {
      throw new TemplateFailure(
        `Intrinsic ${key} is not supported by the StackSets emulator (emulator limit)`,
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) out[k] = recurse(v);
  return out;
}
