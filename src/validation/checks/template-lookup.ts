import type { CheckContext, TemplateCheck } from '../check.js';
import { isIntrinsic, isObject, literalString } from '../template-values.js';

/** `${Name}` and `${Resource.Attribute}` in an Fn::Sub string; `${!Literal}` is written as is. */
const subVariable = /\$\{([^}!][^}]*)\}/g;

const scalar = (v: unknown) => literalString(v) !== undefined;

/** Mappings: map name → top-level key → second-level key → a string, number or list of them. */
function checkMappings(ctx: CheckContext, mappings: unknown): void {
  if (mappings === undefined) return;
  if (!isObject(mappings)) {
    ctx.report(['Mappings'], 'Mappings must be a mapping of map names to maps');
    return;
  }
  for (const [name, map] of Object.entries(mappings)) {
    if (!isObject(map)) {
      ctx.report(['Mappings', name], `map ${name} must be a mapping of top-level keys to second-level maps`);
      continue;
    }
    for (const [top, second] of Object.entries(map)) {
      if (!isObject(second)) {
        ctx.report(
          ['Mappings', name, top],
          `${name}.${top} must be a mapping of second-level keys to values`,
        );
        continue;
      }
      for (const [key, value] of Object.entries(second)) {
        if (scalar(value) || (Array.isArray(value) && value.every(scalar))) continue;
        ctx.report(
          ['Mappings', name, top, key],
          `${name}.${top}.${key} must be a string, a number or a list of them (no functions in Mappings)`,
        );
      }
    }
  }
}

/** Fn::FindInMap [MapName, TopLevelKey, SecondLevelKey]: each literal key must exist. */
function checkFindInMap(ctx: CheckContext, path: Array<string | number>, argument: unknown): void {
  const at = [...path, 'Fn::FindInMap'];
  if (!Array.isArray(argument) || argument.length !== 3) {
    ctx.report(at, 'Fn::FindInMap takes a list of three items: [MapName, TopLevelKey, SecondLevelKey]');
    return;
  }
  const mappings = isObject(ctx.template.Mappings) ? ctx.template.Mappings : {};
  let level: unknown = mappings;
  const names: string[] = [];
  for (let i = 0; i < 3; i++) {
    const key = literalString(argument[i]);
    // A key computed at deploy time (Ref AWS::Region, a parameter): what it selects is unknown here.
    if (key === undefined || !isObject(level)) return;
    if (!Object.hasOwn(level, key)) {
      const where = i === 0 ? 'Mappings' : `Mappings.${names.join('.')}`;
      const known = Object.keys(level);
      ctx.report(
        [...at, i],
        `${where} has no key ${JSON.stringify(key)}${known.length ? ` (it has: ${known.slice(0, 10).join(', ')})` : ''}`,
        { fix: 'Correct the key, or add it to Mappings.' },
      );
      return;
    }
    names.push(key);
    level = level[key];
  }
}

/** The names an Fn::Sub string may use: parameters, resources (and their attributes), pseudo parameters. */
function templateNames(ctx: CheckContext): Set<string> {
  return ctx.memo('sub-names', () => {
    const parameters = isObject(ctx.template.Parameters) ? Object.keys(ctx.template.Parameters) : [];
    return new Set([...parameters, ...ctx.resources.map((r) => r.logicalId)]);
  });
}

/** Fn::Sub "text" or [ "text", { Var: value } ]: every ${Var} must be defined. */
function checkSub(ctx: CheckContext, path: Array<string | number>, argument: unknown): void {
  const at = [...path, 'Fn::Sub'];
  let text: unknown = argument;
  let variables: Record<string, unknown> = {};
  let textPath = at;
  if (Array.isArray(argument)) {
    if (argument.length !== 2 || !isObject(argument[1])) {
      ctx.report(at, 'Fn::Sub takes a string, or a list of a string and a mapping of variables');
      return;
    }
    [text] = argument;
    variables = argument[1] as Record<string, unknown>;
    textPath = [...at, 0];
  }
  if (isIntrinsic(text)) return;
  if (typeof text !== 'string') {
    ctx.report(textPath, 'the text of Fn::Sub must be a string');
    return;
  }
  const names = templateNames(ctx);
  for (const match of text.matchAll(subVariable)) {
    const name = match[1]!.trim();
    const base = name.split('.')[0]!;
    if (Object.hasOwn(variables, name) || name.startsWith('AWS::') || names.has(name) || names.has(base))
      continue;
    ctx.report(
      textPath,
      `Fn::Sub uses \${${name}}, which is neither a variable of this Fn::Sub, a parameter nor a resource`,
      {
        fix: `Declare ${name} (a parameter, or a variable in Fn::Sub's mapping), or write \${!${name}} for the literal text.`,
      },
    );
  }
}

/** PS206: Mappings, Fn::FindInMap and Fn::Sub, which CloudFormation evaluates, are well formed and resolve. */
export const templateLookup: TemplateCheck = {
  meta: {
    id: 'PS206',
    name: 'template-lookup',
    severity: 'error',
    summary:
      'A Mappings shape error, an Fn::FindInMap key that does not exist, or an Fn::Sub variable that is not defined.',
    rationale:
      "CloudFormation evaluates Mappings, Fn::FindInMap and Fn::Sub when it deploys the pack's stack in each account; a missing key or an undefined variable fails that stack, in every account.",
    fix: 'Correct the key or variable name, or declare it.',
    sameAs: ['E7001', 'E1011', 'E1019'],
  },
  run(ctx) {
    checkMappings(ctx, ctx.template.Mappings);
    for (const { path, name, argument } of ctx.intrinsics()) {
      if (name === 'Fn::FindInMap') checkFindInMap(ctx, path, argument);
      else if (name === 'Fn::Sub') checkSub(ctx, path, argument);
    }
  },
};
