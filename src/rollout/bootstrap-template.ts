/**
 * What `packsmith bootstrap` deploys (issue 16), pure and deterministic.
 *
 * - The remediation roles the packs' remediation blocks reference: the role name of each
 *   AutomationAssumeRole value (a literal ARN, a `cfn:` Fn::Sub ARN whose role name is literal, or
 *   a pack parameter: the deployment's value, else its default), one role per distinct name, the
 *   same name in every account. Each is an `AWS::IAM::Role` trusting the partition's SSM service
 *   principal, with the policy `bootstrap.roles.NAME` gives: packsmith cannot derive it from the
 *   runbooks (the catalog holds their parameters, not their permissions), so a referenced role
 *   without one is PS553. IAM is global: this template is deployed in one Region only.
 * - Optionally (`bootstrap.recorder`) a configuration recorder (all supported types, the AWS Config
 *   service-linked role) and a delivery channel, deployed in every Region. AWS allows one recorder
 *   and one delivery channel per account and Region: in an account that already has one, the stack
 *   instance fails (its reason names the existing recorder) and the account keeps its own.
 *   CloudFormation starts the recorder as soon as the delivery channel exists.
 */
import type { ComposedPack, RemediationValue } from '../authoring/model.js';
import { isCfnValue } from '../authoring/model.js';
import type { Diagnostic, SourceLocation } from '../diagnostics/diagnostic.js';
import { partitionOf } from '../facts/partitions.js';
import type { Bootstrap } from '../org/deploy-config.js';
import { deployDiagnostic } from '../org/problems.js';
import type { YamlPath, YamlSource } from '../source/yaml-source.js';
import { sha256Hex } from './records.js';

/** The stack set holding the remediation roles (deployed in the first Region only). */
export const bootstrapRolesStackSetName = 'packsmith-bootstrap';
/** The stack set holding the recorder and delivery channel (every Region). */
export const bootstrapRecorderStackSetName = 'packsmith-bootstrap-recorder';

/** The remediation parameter that takes the automation role. */
export const assumeRoleParameter = 'AutomationAssumeRole';

/** Where a role is referenced: a remediation of a pack. */
export interface RoleReference {
  pack: string;
  remediation: string;
  location?: SourceLocation;
}

export interface ReferencedRole {
  name: string;
  references: RoleReference[];
}

const roleArnPattern = /^arn:[^:]+:iam::[^:]*:role\/(?:[^]*\/)?([\w+=,.@-]{1,64})$/;

/** The role name of an IAM role ARN (its last path segment), or undefined. */
export function roleNameOfArn(arn: string): string | undefined {
  return roleArnPattern.exec(arn)?.[1];
}

/** The role name a `cfn:` value names: an Fn::Sub ARN whose role name has no substitution. */
function roleNameOfCfn(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const sub = (value as Record<string, unknown>)['Fn::Sub'];
  const text = Array.isArray(sub) ? sub[0] : sub;
  if (typeof text !== 'string') return undefined;
  const name = text.slice(text.lastIndexOf('/') + 1);
  if (!text.includes(':role/') || name.includes('${')) return undefined;
  return /^[\w+=,.@-]{1,64}$/.test(name) ? name : undefined;
}

type PackFacts = Pick<ComposedPack, 'name' | 'parameters' | 'remediations'>;

/**
 * Every role the packs' remediations reference, by name (sorted), with where. `valueOf` gives the
 * deployment's value of a pack parameter (packsmith.deploy.yaml), else the default is used.
 */
export function referencedRoles(
  packs: readonly PackFacts[],
  valueOf: (pack: string, parameter: string) => string | undefined = () => undefined,
): ReferencedRole[] {
  const byName = new Map<string, RoleReference[]>();
  for (const pack of packs) {
    for (const r of pack.remediations) {
      const p = r.parameters.find((x) => x.name === assumeRoleParameter);
      if (!p) continue;
      const name = roleNameOf(pack, p.value, valueOf);
      if (!name) continue;
      const origin = r.origins[`Properties/Parameters/${assumeRoleParameter}`] ?? r.origins[''];
      const ref: RoleReference = {
        pack: pack.name,
        remediation: r.logicalId,
        ...(origin ? { location: origin.locate() } : {}),
      };
      byName.set(name, [...(byName.get(name) ?? []), ref]);
    }
  }
  return [...byName.keys()].sort().map((name) => ({ name, references: byName.get(name)! }));
}

function roleNameOf(
  pack: PackFacts,
  value: RemediationValue,
  valueOf: (pack: string, parameter: string) => string | undefined,
): string | undefined {
  if (value.kind === 'static') {
    const v = value.values[0];
    if (typeof v === 'string') return roleNameOfArn(v);
    return isCfnValue(v) ? roleNameOfCfn(v.value) : undefined;
  }
  if (value.kind === 'parameter') {
    const given = valueOf(pack.name, value.parameter);
    const v = given ?? pack.parameters.find((x) => x.name === value.parameter)?.default;
    return v === undefined ? undefined : roleNameOfArn(v);
  }
  return undefined;
}

/** Whether `bootstrap.roles.NAME` gives the role a policy. */
const hasPolicy = (entry: unknown): boolean => {
  if (typeof entry !== 'object' || entry === null) return false;
  const e = entry as { managedPolicyArns?: unknown; policyFile?: unknown };
  return (
    (Array.isArray(e.managedPolicyArns) && e.managedPolicyArns.length > 0) || typeof e.policyFile === 'string'
  );
};

/**
 * PS553: each referenced role without a policy under `bootstrap.roles`, located at the setting
 * (or where it would go), naming the remediations that reference it.
 */
export function bootstrapRoleProblems(input: {
  source: YamlSource;
  /** The configuration as parsed; default `source.value`. */
  value?: unknown;
  roles: readonly ReferencedRole[];
}): Diagnostic[] {
  const value = (input.value === undefined ? input.source.value : input.value) as
    { bootstrap?: { roles?: Record<string, unknown> } } | undefined;
  const given = value?.bootstrap?.roles ?? {};
  const path: YamlPath = input.source.has(['bootstrap', 'roles'])
    ? ['bootstrap', 'roles']
    : input.source.has(['bootstrap'])
      ? ['bootstrap']
      : [];
  const out: Diagnostic[] = [];
  for (const role of input.roles) {
    const entry = Object.prototype.hasOwnProperty.call(given, role.name) ? given[role.name] : undefined;
    if (hasPolicy(entry)) continue;
    const where = role.references
      .map((r) => `${r.pack} ${r.remediation}${r.location ? ` (${r.location.file}:${r.location.line})` : ''}`)
      .join(', ');
    out.push(
      deployDiagnostic(
        input.source,
        'bootstrap-role-policy',
        `remediation role ${role.name} (referenced by ${where}) has no policy under \`bootstrap.roles.${role.name}\`: ` +
          'give it `managedPolicyArns` or a `policyFile`; packsmith cannot derive the permissions from the runbooks',
        entry !== undefined ? ['bootstrap', 'roles', role.name] : path,
        'key',
      ),
    );
  }
  return out;
}

/** A role as the template creates it. */
export interface BootstrapRole {
  name: string;
  managedPolicyArns?: readonly string[];
  /** The parsed policy document of `policyFile`. */
  policyDocument?: unknown;
}

/** A logical id for a role name: letters and digits, unique by a short hash of the name. */
export function roleLogicalId(name: string): string {
  return `Role${name.replace(/[^A-Za-z0-9]/g, '').slice(0, 200)}${sha256Hex(name).slice(0, 8)}`;
}

/** The roles' stack set template (JSON, keys in a fixed order, LF). */
export function bootstrapRolesTemplate(input: { roles: readonly BootstrapRole[]; region: string }): string {
  const principal = partitionOf(input.region).ssmServicePrincipal;
  const resources: Record<string, unknown> = {};
  for (const role of [...input.roles].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    resources[roleLogicalId(role.name)] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: role.name,
        Description: 'packsmith bootstrap: remediation role for SSM Automation',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: principal }, Action: 'sts:AssumeRole' }],
        },
        ...(role.managedPolicyArns?.length ? { ManagedPolicyArns: [...role.managedPolicyArns] } : {}),
        ...(role.policyDocument !== undefined
          ? { Policies: [{ PolicyName: 'packsmith-bootstrap', PolicyDocument: role.policyDocument }] }
          : {}),
      },
    };
  }
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'packsmith bootstrap: remediation roles',
    Resources: resources,
  };
  return `${JSON.stringify(template, null, 2)}\n`;
}

/** The recorder's stack set template: a recorder of every supported type and a delivery channel. */
export function bootstrapRecorderTemplate(recorder: NonNullable<Bootstrap['recorder']>): string {
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'packsmith bootstrap: configuration recorder and delivery channel',
    Resources: {
      ConfigurationRecorder: {
        Type: 'AWS::Config::ConfigurationRecorder',
        Properties: {
          Name: 'default',
          RoleARN: {
            'Fn::Sub':
              'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig',
          },
          RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: false },
        },
      },
      // A delivery channel needs a recorder; CloudFormation starts the recorder once the channel
      // exists (AWS::Config::ConfigurationRecorder, CloudFormation User Guide).
      DeliveryChannel: {
        Type: 'AWS::Config::DeliveryChannel',
        DependsOn: 'ConfigurationRecorder',
        Properties: {
          Name: 'default',
          S3BucketName: recorder.deliveryBucket,
          ...(recorder.deliveryKeyPrefix ? { S3KeyPrefix: recorder.deliveryKeyPrefix } : {}),
        },
      },
    },
  };
  return `${JSON.stringify(template, null, 2)}\n`;
}
