/**
 * The stack set engine's template (issue 16): one `AWS::Config::ConformancePack` resource that
 * deploys the built pack in each target account and Region. The pack's parameters become the stack
 * set's parameters and reach the pack through `ConformancePackInputParameters` (`Ref` each), so a
 * stage's ParameterOverrides change the pack's values in that stage's accounts only.
 *
 * The pack travels inline (`TemplateBody`) while it fits the ConformancePack TemplateBody limit,
 * else by `TemplateS3Uri`, staged as the organization engine stages templates (`stageTemplate`) in
 * each Region's template bucket: PutConformancePack reads a template only from a bucket in the
 * pack's own Region, so the stack set template picks its Region's copy (`Fn::FindInMap` on
 * `AWS::Region`; the outer template is CloudFormation, where intrinsics work).
 * Pure and deterministic: the same inputs give the same bytes (JSON, keys in a fixed order, LF).
 */
import type { ComposedParameter } from '../authoring/model.js';
import { limits } from '../facts/limits.js';

/** Logical id of the one resource. */
export const stackSetPackResourceId = 'ConformancePack';

export interface StackSetTemplateInput {
  /** ConformancePackName in each account. */
  packName: string;
  /** The built conformance pack template. */
  packTemplate: string;
  /** The pack's parameters: each one becomes a stack set parameter of the same name. */
  parameters: ReadonlyArray<Pick<ComposedParameter, 'name' | 'default' | 'description'>>;
  /** Where the pack template is staged, per Region; required when it is over the inline limit. */
  templateS3Uris?: Readonly<Record<string, string>>;
  deliveryBucket?: string;
  deliveryKeyPrefix?: string;
}

export interface StackSetTemplate {
  /** The stack set's template body. */
  body: string;
  /** How the pack reaches the ConformancePack resource. */
  packSource: 'inline' | 's3';
}

/** Whether a pack template must be staged in S3 (over the ConformancePack TemplateBody limit). */
export function packNeedsStaging(packTemplate: string): boolean {
  return Buffer.byteLength(packTemplate, 'utf8') > limits.templateBodyBytes;
}

/** The mapping of the staged pack template's URI by Region. */
export const stagedTemplateMapping = 'PackTemplateByRegion';

export function stackSetTemplate(input: StackSetTemplateInput): StackSetTemplate {
  const inline = !packNeedsStaging(input.packTemplate);
  const regions = Object.keys(input.templateS3Uris ?? {}).sort();
  if (!inline && regions.length === 0) {
    throw new Error(
      `the template of pack ${input.packName} is over the ${limits.templateBodyBytes}-byte TemplateBody limit: stage it and pass templateS3Uris`,
    );
  }
  const names = input.parameters.map((p) => p.name).sort();
  const byName = new Map(input.parameters.map((p) => [p.name, p]));
  const parameters: Record<string, unknown> = {};
  for (const name of names) {
    const p = byName.get(name)!;
    parameters[name] = {
      Type: 'String',
      ...(p.default !== undefined ? { Default: p.default } : {}),
      ...(p.description ? { Description: p.description.slice(0, 4000) } : {}),
    };
  }
  const properties: Record<string, unknown> = {
    ConformancePackName: input.packName,
    ...(inline
      ? { TemplateBody: input.packTemplate }
      : { TemplateS3Uri: { 'Fn::FindInMap': [stagedTemplateMapping, { Ref: 'AWS::Region' }, 'Uri'] } }),
    ...(names.length
      ? {
          ConformancePackInputParameters: names.map((name) => ({
            ParameterName: name,
            ParameterValue: { Ref: name },
          })),
        }
      : {}),
    ...(input.deliveryBucket ? { DeliveryS3Bucket: input.deliveryBucket } : {}),
    ...(input.deliveryKeyPrefix ? { DeliveryS3KeyPrefix: input.deliveryKeyPrefix } : {}),
  };
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `packsmith: conformance pack ${input.packName}`,
    ...(names.length ? { Parameters: parameters } : {}),
    ...(inline
      ? {}
      : {
          Mappings: {
            [stagedTemplateMapping]: Object.fromEntries(
              regions.map((r) => [r, { Uri: input.templateS3Uris![r] }]),
            ),
          },
        }),
    Resources: {
      [stackSetPackResourceId]: { Type: 'AWS::Config::ConformancePack', Properties: properties },
    },
  };
  return { body: `${JSON.stringify(template, null, 2)}\n`, packSource: inline ? 'inline' : 's3' };
}

/** Values as CloudFormation takes them: strings, sorted by name. */
export function parameterList(
  values: Readonly<Record<string, string | number | boolean>> | undefined,
): Array<{ ParameterKey: string; ParameterValue: string }> {
  return Object.keys(values ?? {})
    .sort()
    .map((k) => ({ ParameterKey: k, ParameterValue: String(values![k]) }));
}

/** The pack template a stack set template carries inline, or undefined (staged, or no template). */
export function inlinePackTemplateOf(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const t = JSON.parse(body) as {
      Resources?: Record<string, { Properties?: { TemplateBody?: unknown } }>;
    };
    const inner = t.Resources?.[stackSetPackResourceId]?.Properties?.TemplateBody;
    return typeof inner === 'string' ? inner : undefined;
  } catch {
    return undefined;
  }
}
