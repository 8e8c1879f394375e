/**
 * A template check: one file per check in checks/, each with its metadata (id, severity, doc) and a
 * `run` that reports findings at paths of the template. Checks are pure: they read the parsed
 * template and the catalog, nothing else.
 */
import type { Catalog } from '../catalog/types.js';
import type { CheckMeta } from '../diagnostics/check-meta.js';
import type { Severity } from '../diagnostics/diagnostic.js';
import type { YamlPath, YamlSource } from '../source/yaml-source.js';

export interface Finding {
  checkId: string;
  severity: Severity;
  message: string;
  fix?: string;
  /** Where in the template, as a path of keys and indexes. */
  path: YamlPath;
  part: 'key' | 'value';
}

export interface IntrinsicCall {
  /** Path of the mapping `{ Ref: … }` / `{ 'Fn::X': … }`; its first element is the section. */
  path: Array<string | number>;
  name: string;
  argument: unknown;
}

export interface TemplateResource {
  logicalId: string;
  type: unknown;
  /** The resource mapping (Type, Properties, DependsOn, Condition, Controls, …). */
  resource: Record<string, unknown>;
  properties: Record<string, unknown>;
}

export interface CheckContext {
  /** The whole template value. */
  template: Record<string, unknown>;
  source: YamlSource;
  catalog: Catalog;
  /** UTF-8 size of the template file. */
  bytes: number;
  /** Regions the pack is meant for (`--region`); empty: none named. */
  regions: readonly string[];
  /** The template will be deployed inline (TemplateBody), not from S3. */
  inline: boolean;
  /** Resources whose value is a mapping, in file order. */
  resources: TemplateResource[];
  /** Every intrinsic function call in Parameters, Conditions and Resources, in document order. */
  intrinsics(): readonly IntrinsicCall[];
  /** Every string value that contains `<` (placeholder candidates), with its path. */
  anglebracketStrings(): ReadonlyArray<{ path: Array<string | number>; value: string }>;
  /** A value derived from the template, computed once and shared by the checks. */
  memo<T>(key: string, compute: () => T): T;
  /** `report` defaults to the check's own severity and fix. */
  report(
    path: YamlPath,
    message: string,
    options?: { part?: 'key' | 'value'; severity?: Severity; fix?: string },
  ): void;
}

export interface TemplateCheck {
  meta: CheckMeta;
  run(context: CheckContext): void;
}
