import { ruleParameterTypes } from '../../facts/enums.js';
import { limits } from '../../facts/limits.js';
import type { TemplateCheck } from '../check.js';
import { isObject } from '../template-values.js';
import { matchWholeValue } from '../../util/pattern.js';
import { characters } from '../../util/text.js';

const attributes = new Set([
  'Type',
  'Default',
  'Description',
  'AllowedValues',
  'AllowedPattern',
  'ConstraintDescription',
  'MinLength',
  'MaxLength',
  'MinValue',
  'MaxValue',
  'NoEcho',
]);

/** PS205: the Parameters section: each parameter a mapping with a documented Type and attributes. */
export const parameterDefinition: TemplateCheck = {
  meta: {
    id: 'PS205',
    name: 'parameter-definition',
    severity: 'error',
    summary:
      'A template parameter without a valid Type, with an unknown attribute, or a default it does not allow.',
    rationale:
      "Pack parameters need a Type (String, int, double, CSV, boolean or StringMap; AWS's samples all use String) and are passed as strings of at most 4096 characters.",
    fix: 'Declare the parameter as `Type: String` with a string Default.',
  },
  run(ctx) {
    const parameters = ctx.template.Parameters;
    if (parameters === undefined) return;
    if (!isObject(parameters)) {
      ctx.report(['Parameters'], 'Parameters must be a mapping of parameter names to definitions');
      return;
    }
    for (const [name, def] of Object.entries(parameters)) {
      const at = ['Parameters', name];
      if (!/^[A-Za-z0-9]+$/.test(name)) {
        ctx.report(at, `parameter name ${JSON.stringify(name)} must be alphanumeric`, { part: 'key' });
      }
      if (!isObject(def)) {
        ctx.report(at, `parameter ${name} must be a mapping with a Type`);
        continue;
      }
      if (!('Type' in def)) ctx.report(at, `parameter ${name} has no Type`, { part: 'key' });
      else if (!(ruleParameterTypes as readonly unknown[]).includes(def.Type)) {
        ctx.report([...at, 'Type'], `parameter ${name} has Type ${JSON.stringify(def.Type)}; use String`);
      }
      for (const key of Object.keys(def)) {
        if (!attributes.has(key))
          ctx.report([...at, key], `parameter ${name} has an unknown attribute ${key}`, { part: 'key' });
      }
      const dflt = def.Default;
      if (dflt !== undefined) {
        if (typeof dflt === 'object')
          ctx.report([...at, 'Default'], `the Default of ${name} must be a string`);
        else if (characters(String(dflt)) > limits.inputParameterValueLength) {
          ctx.report(
            [...at, 'Default'],
            `the Default of ${name} is longer than ${limits.inputParameterValueLength} characters`,
          );
        } else if (
          Array.isArray(def.AllowedValues) &&
          !def.AllowedValues.map(String).includes(String(dflt))
        ) {
          ctx.report([...at, 'Default'], `the Default of ${name} is not one of its AllowedValues`);
        } else if (typeof def.AllowedPattern === 'string') {
          // Linear time whatever the pattern; one it cannot evaluate is PS136's warning.
          const result = matchWholeValue(def.AllowedPattern, String(dflt));
          if (result.kind === 'invalid') {
            ctx.report(
              [...at, 'AllowedPattern'],
              `the AllowedPattern of ${name} is not a valid regular expression`,
            );
          } else if (result.kind === 'mismatch')
            ctx.report([...at, 'Default'], `the Default of ${name} does not match its AllowedPattern`);
        }
      }
      if (
        typeof def.Description === 'string' &&
        characters(def.Description) > limits.parameterDescriptionLength
      ) {
        ctx.report(
          [...at, 'Description'],
          `the Description of ${name} is longer than ${limits.parameterDescriptionLength} characters`,
        );
      }
    }
  },
};
