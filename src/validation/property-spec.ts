/**
 * Checks a value against a PropertySpec (src/facts/resource-properties.ts). Values computed at
 * deploy time (intrinsic functions) satisfy any scalar spec: only literals are checked.
 * CloudFormation passes "10" and "true" on as 10 and true, so numeric and boolean strings count.
 */
import type { PropertySpec } from '../facts/resource-properties.js';
import type { CheckContext, TemplateResource } from './check.js';
import { characters } from '../util/text.js';
import { isIntrinsic, isObject } from './template-values.js';

export interface SpecProblem {
  path: Array<string | number>;
  message: string;
  part: 'key' | 'value';
}

const describe = (path: Array<string | number>) => path.join('.');

/** The JSON object a string holds, or why it holds none. */
export function jsonObject(text: string): Record<string, unknown> | string {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : `it holds ${Array.isArray(value) ? 'a list' : typeof value}`;
  } catch (error) {
    return error instanceof Error ? error.message : 'it is not JSON';
  }
}

export function checkSpec(value: unknown, spec: PropertySpec, path: Array<string | number>): SpecProblem[] {
  const problems: SpecProblem[] = [];
  visit(value, spec, path, problems);
  return problems;
}

/**
 * Adds the problems of `value` to `problems`. One list for the whole walk, and the path's text made
 * only for a problem: this runs for every property value of every built template.
 */
function visit(
  value: unknown,
  spec: PropertySpec,
  path: Array<string | number>,
  problems: SpecProblem[],
): void {
  const problem = (message: string, at = path, part: 'key' | 'value' = 'value') =>
    problems.push({ path: at, message, part });
  if (isIntrinsic(value) || spec.kind === 'any') return;
  switch (spec.kind) {
    case 'string': {
      if (typeof value !== 'string' && typeof value !== 'number') {
        problem(`${describe(path)} must be a string`);
        break;
      }
      const s = String(value);
      const n = spec.min !== undefined || spec.max !== undefined ? characters(s) : 0;
      if (spec.enum && !spec.enum.includes(s)) {
        problem(`${describe(path)} must be one of ${spec.enum.join(', ')}; it is ${JSON.stringify(s)}`);
      } else if (spec.min !== undefined && n < spec.min) {
        problem(
          spec.min === 1
            ? `${describe(path)} must not be empty`
            : `${describe(path)} needs at least ${spec.min} characters`,
        );
      } else if (spec.max !== undefined && n > spec.max) {
        problem(`${describe(path)} has ${n} characters; at most ${spec.max} are allowed`);
      } else if (spec.pattern && !spec.pattern.test(s)) {
        problem(`${describe(path)} does not match ${spec.pattern.source}`);
      }
      break;
    }
    case 'integer': {
      const n = typeof value === 'string' && /^[+-]?\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) problem(`${describe(path)} must be an integer`);
      else if (spec.min !== undefined && n < spec.min)
        problem(`${describe(path)} is ${n}; the minimum is ${spec.min}`);
      else if (spec.max !== undefined && n > spec.max)
        problem(`${describe(path)} is ${n}; the maximum is ${spec.max}`);
      break;
    }
    case 'boolean':
      if (typeof value !== 'boolean' && !(typeof value === 'string' && /^(true|false)$/i.test(value))) {
        problem(`${describe(path)} must be true or false`);
      }
      break;
    case 'list':
      if (!Array.isArray(value)) {
        problem(`${describe(path)} must be a list`);
        break;
      }
      if (spec.max !== undefined && value.length > spec.max) {
        problem(`${describe(path)} has ${value.length} items; at most ${spec.max} are allowed`);
      }
      if (spec.min !== undefined && value.length < spec.min)
        problem(`${describe(path)} needs at least ${spec.min} item(s)`);
      value.forEach((item, i) => visit(item, spec.of, [...path, i], problems));
      break;
    case 'map':
      if (spec.jsonText && typeof value === 'string') {
        const parsed = jsonObject(value);
        if (typeof parsed === 'string')
          problem(`${describe(path)} written as a string must hold a JSON object: ${parsed}`);
        else visit(parsed, { ...spec, jsonText: false }, path, problems);
        break;
      }
      if (!isObject(value)) {
        problem(`${describe(path)} must be a mapping`);
        break;
      }
      if (spec.max !== undefined && Object.keys(value).length > spec.max) {
        problem(
          `${describe(path)} has ${Object.keys(value).length} entries; at most ${spec.max} are allowed`,
        );
      }
      for (const [k, v] of Object.entries(value)) {
        if (spec.keyMax !== undefined && characters(k) > spec.keyMax) {
          problem(
            `the name ${JSON.stringify(k)} is longer than ${spec.keyMax} characters`,
            [...path, k],
            'key',
          );
        }
        visit(v, spec.of, [...path, k], problems);
      }
      break;
    case 'object':
      if (!isObject(value)) {
        problem(`${describe(path)} must be a mapping`);
        break;
      }
      for (const required of spec.required ?? []) {
        if (!Object.hasOwn(value, required))
          problem(`${describe(path)} is missing the required property ${required}`, path, 'key');
      }
      for (const [k, v] of Object.entries(value)) {
        const child = Object.hasOwn(spec.props, k) ? spec.props[k] : undefined;
        if (!child) {
          problem(
            `${describe(path)} has no property ${k} (known: ${Object.keys(spec.props).join(', ')})`,
            [...path, k],
            'key',
          );
          continue;
        }
        visit(v, child, [...path, k], problems);
      }
      break;
  }
}

/**
 * Reports a resource without Properties, or each way its Properties break `spec`, at the
 * property's path. False when the resource has no Properties mapping (nothing more to check).
 */
export function reportPropertySpec(
  ctx: CheckContext,
  resource: TemplateResource,
  spec: PropertySpec,
  what: string,
): boolean {
  if (!isObject(resource.resource.Properties)) {
    ctx.report(['Resources', resource.logicalId], `${what} ${resource.logicalId} has no Properties`, {
      part: 'key',
    });
    return false;
  }
  for (const p of checkSpec(resource.properties, spec, ['Properties'])) {
    ctx.report(['Resources', resource.logicalId, 'Properties', ...p.path.slice(1)], p.message, {
      part: p.part,
    });
  }
  return true;
}
