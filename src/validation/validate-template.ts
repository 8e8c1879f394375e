/**
 * Runs every template check over one parsed conformance pack template. Pure: the template source,
 * the catalog and options in; located findings out.
 */
import type { Catalog } from '../catalog/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { YamlSource } from '../source/yaml-source.js';
import type { CheckContext, Finding, IntrinsicCall, TemplateCheck, TemplateResource } from './check.js';
import { templateChecks } from './checks/index.js';
import { templateShape } from './checks/template-shape.js';
import { intrinsicName, isObject } from './template-values.js';

export interface TemplateValidationOptions {
  /** Deployed inline (TemplateBody) rather than from S3: size and parameter limits become errors. */
  inline?: boolean;
  checks?: readonly TemplateCheck[];
  /** Regions the pack is meant for: managed rules unavailable there are reported (PS230). */
  regions?: readonly string[];
}

export function checkTemplate(
  source: YamlSource,
  catalog: Catalog,
  options: TemplateValidationOptions = {},
): Finding[] {
  const findings: Finding[] = [];
  const template = source.value;
  const bytes = Buffer.byteLength(source.text, 'utf8');
  if (!isObject(template)) {
    findings.push({
      checkId: templateShape.meta.id,
      severity: 'error',
      message: 'the template is not a mapping of sections',
      fix: templateShape.meta.fix,
      path: [],
      part: 'value',
    });
    return findings;
  }
  const resources: TemplateResource[] = [];
  if (isObject(template.Resources)) {
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (!isObject(resource)) continue;
      resources.push({
        logicalId,
        type: resource.Type,
        resource,
        properties: isObject(resource.Properties) ? resource.Properties : {},
      });
    }
  }
  const memos = new Map<string, unknown>();
  const memo = <T>(key: string, compute: () => T): T => {
    if (!memos.has(key)) memos.set(key, compute());
    return memos.get(key) as T;
  };
  const index = () => memo('index', () => indexTemplate(template));
  const intrinsics = () => index().intrinsics;
  const anglebracketStrings = () => index().strings;
  for (const check of options.checks ?? templateChecks) {
    const context: CheckContext = {
      template,
      source,
      catalog,
      bytes,
      inline: options.inline ?? false,
      regions: options.regions ?? [],
      resources,
      intrinsics,
      anglebracketStrings,
      memo,
      report(path, message, opts = {}) {
        const finding: Finding = {
          checkId: check.meta.id,
          severity: opts.severity ?? check.meta.severity,
          message,
          fix: opts.fix ?? check.meta.fix,
          path,
          part: opts.part ?? 'value',
        };
        findings.push(finding);
      },
    };
    check.run(context);
  }
  return findings;
}

/** Findings located in the template file itself. */
export function locateFindings(source: YamlSource, findings: readonly Finding[]): Diagnostic[] {
  return findings.map(({ path, part, ...d }) => ({ ...d, location: source.locate(path, part) }));
}

/**
 * One pass over the template collecting what several checks need, copying a path only for the
 * nodes it keeps (a full walk with a path per node costs more in garbage than the checks do).
 */
function indexTemplate(template: Record<string, unknown>): {
  intrinsics: IntrinsicCall[];
  strings: Array<{ path: Array<string | number>; value: string }>;
} {
  const intrinsics: IntrinsicCall[] = [];
  const strings: Array<{ path: Array<string | number>; value: string }> = [];
  const stack: Array<string | number> = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.includes('<')) strings.push({ path: [...stack], value });
      return;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        stack.push(i);
        visit(value[i]);
        stack.pop();
      }
      return;
    }
    if (!isObject(value)) return;
    const name = intrinsicName(value);
    if (name) intrinsics.push({ path: [...stack], name, argument: value[name] });
    for (const key in value) {
      stack.push(key);
      visit(value[key]);
      stack.pop();
    }
  };
  for (const section of ['Parameters', 'Conditions', 'Resources']) {
    stack.push(section);
    visit(template[section]);
    stack.pop();
  }
  return { intrinsics, strings };
}
