/**
 * Values that try to break out of their place in the template: newlines, `: `, `#`, quotes,
 * handlebars braces, YAML tags, unicode line separators and astral characters, each at its field's
 * maximum length. Parsing the built template gives back exactly those values; one character more
 * is rejected at the file, line and column of the value.
 */
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { composeRepository } from '../../src/authoring/compose.js';
import { parseRepository, type Repository } from '../../src/authoring/repository.js';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { extendCatalog } from '../../src/authoring/catalog-extensions.js';
import { limits } from '../../src/facts/limits.js';
import { buildRepository } from '../../src/generator/build.js';
import { characters } from '../../src/util/text.js';
import { defaultTemplates } from '../support/templates.js';

const hostileCore =
  'line one\nline two: not a key # not a comment \'single\' "double" {{ handlebars }} {{{raw}}} !Ref Param ' +
  '&anchor *alias ? key - item [flow] {map} % @ ` \t tab \r\n crlf ünïcødé 中文 🚀 \u2028 \u0085 \\ backslash ---\n...\n';

/** A hostile string of exactly `length` characters (code points, as AWS counts them). */
function hostile(length: number, seed = ''): string {
  let s = [...(seed + hostileCore)];
  while (s.length < length) s = [...s, ...hostileCore];
  return s.slice(0, length).join('');
}

/** JSON of one input `{ key: value }` is exactly `length` characters. */
function inputOfJsonLength(length: number): string {
  let v = [...hostile(length)];
  while (characters(JSON.stringify({ k: v.join('') })) > length) v = v.slice(0, -1);
  while (characters(JSON.stringify({ k: v.join('') })) < length) v.push('x');
  return v.join('');
}

interface Values {
  ruleName: string;
  ruleDescription: string;
  inputValue: string;
  parameterDefault: string;
  parameterDescription: string;
  staticValue: string;
  packDescription: string;
  control: string;
}

function maxValues(): Values {
  return {
    ruleName: hostile(limits.ruleNameLength, 'r'),
    ruleDescription: hostile(limits.ruleDescriptionLength),
    inputValue: inputOfJsonLength(limits.inputParametersJsonLength),
    parameterDefault: hostile(limits.inputParameterValueLength),
    parameterDescription: hostile(limits.parameterDescriptionLength),
    staticValue: hostile(limits.staticValueLength),
    packDescription: hostile(limits.packDescriptionLength),
    control: '!Ref {{x}}: #1',
  };
}

const texts = new Map<string, string>();

function repository(v: Values): Repository {
  const file = (path: string, doc: object) => {
    const text = stringify(doc);
    texts.set(path, text);
    return { path: `/repo/packs/${path}`, text };
  };
  return parseRepository(
    '/repo',
    '/repo/packs',
    [
      file('rules/hostile.yaml', {
        kind: 'rule',
        name: 'hostile',
        ruleName: v.ruleName,
        description: v.ruleDescription,
        source: {
          lambda: {
            arn: 'arn:aws:lambda:us-east-1:111122223333:function:check',
            triggers: ['ScheduledNotification'],
          },
        },
        parameters: { k: v.inputValue },
        maximumExecutionFrequency: 'One_Hour',
        controls: [v.control],
      }),
      file('remediations/fix.yaml', {
        kind: 'remediation',
        name: 'fix',
        rule: 'hostile',
        runbook: 'Custom-Fix',
        parameters: {
          AutomationAssumeRole: 'arn:aws:iam::111122223333:role/fix',
          Note: { values: [v.staticValue] },
          Setting: { parameter: 'Setting' },
          Id: { resourceId: true },
        },
      }),
      file('hostile-pack.yaml', {
        kind: 'pack',
        name: 'hostile-pack',
        description: v.packDescription,
        parameters: { Setting: { default: v.parameterDefault, description: v.parameterDescription } },
        rules: ['hostile'],
        remediations: ['fix'],
      }),
    ],
    { base: loadCatalog, extend: extendCatalog },
  );
}

function lineColumnOffset(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  return lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
}

/** What the text at a reported position starts with: the value's quote or its key. */
const expectedAt: Record<keyof Values, string[]> = {
  ruleName: ['"r', '|', '>'],
  ruleDescription: ['"line one', '|', '>'],
  inputValue: ['parameters:'],
  parameterDefault: ['"line one', 'default:'],
  parameterDescription: ['"line one', '|', '>'],
  staticValue: ['Note:', 'values:', '- "line', '"line'],
  packDescription: ['"line one', '|', '>'],
  control: [],
};

describe('hostile values', () => {
  it('survive the build unchanged at their maximum lengths', () => {
    const v = maxValues();
    const result = buildRepository(repository(v), [], defaultTemplates());
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.built).toHaveLength(1);
    const text = result.built[0]!.template;
    for (const version of ['1.1', '1.2'] as const) {
      const doc = parse(text, { version }) as {
        Parameters: Record<string, { Default: string; Description: string }>;
        Resources: Record<string, { Controls?: string[]; Properties: Record<string, unknown> }>;
      };
      const rule = Object.values(doc.Resources).find((r) => r.Controls)!;
      expect(rule.Properties.ConfigRuleName).toBe(v.ruleName);
      expect(rule.Properties.Description).toBe(v.ruleDescription);
      expect(rule.Properties.InputParameters).toEqual({ k: v.inputValue });
      expect(rule.Controls).toEqual([v.control]);
      expect(doc.Parameters.Setting).toEqual({
        Type: 'String',
        Default: v.parameterDefault,
        Description: v.parameterDescription,
      });
      const remediation = Object.values(doc.Resources).find((r) => !r.Controls)!;
      expect(remediation.Properties.ConfigRuleName).toBe(v.ruleName);
      expect(remediation.Properties.Parameters).toMatchObject({
        Note: { StaticValue: { Values: [v.staticValue] } },
        Setting: { StaticValue: { Values: [{ Ref: 'Setting' }] } },
      });
      // Only the two resources and one parameter: nothing leaked out of a value.
      expect(Object.keys(doc.Resources)).toHaveLength(2);
      expect(Object.keys(doc).sort()).toEqual(['Parameters', 'Resources']);
    }
    // The pack description is a comment: every line of it is commented out.
    const header = text.slice(0, text.indexOf('\nParameters:'));
    expect(header.split('\n').every((line) => line === '' || line.startsWith('#'))).toBe(true);
  });

  const oneMore: Array<[keyof Values, (v: Values) => string, string, RegExp]> = [
    [
      'ruleName',
      (v) => `${v.ruleName}x`,
      'rules/hostile.yaml',
      /`ruleName` has 129 characters; at most 128 are allowed/,
    ],
    [
      'ruleDescription',
      (v) => `${v.ruleDescription}x`,
      'rules/hostile.yaml',
      /`description` has 257 characters; at most 256 are allowed/,
    ],
    ['inputValue', (v) => `${v.inputValue}x`, 'rules/hostile.yaml', /take 1025 characters as JSON/],
    ['parameterDefault', (v) => `${v.parameterDefault}x`, 'hostile-pack.yaml', /has 4097 characters/],
    [
      'parameterDescription',
      (v) => `${v.parameterDescription}x`,
      'hostile-pack.yaml',
      /has 4001 characters; at most 4000 are allowed/,
    ],
    ['staticValue', (v) => `${v.staticValue}x`, 'remediations/fix.yaml', /has 257 characters/],
    [
      'packDescription',
      (v) => `${v.packDescription}x`,
      'hostile-pack.yaml',
      /has 4097 characters; at most 4096 are allowed/,
    ],
  ];

  it.each(oneMore)(
    'rejects one character more in %s, at its line and column',
    (field, grow, file, message) => {
      const v = maxValues();
      v[field] = grow(v);
      const repo = repository(v);
      const diagnostics = [...repo.diagnostics, ...composeRepository(repo).diagnostics].filter(
        (d) => d.severity === 'error',
      );
      expect(diagnostics).toHaveLength(1);
      const d = diagnostics[0]!;
      expect(d.message).toMatch(message);
      expect(d.location?.file.endsWith(`packs/${file}`)).toBe(true);
      // The position is that of the offending value (or its key) in the authoring file.
      const text = texts.get(file)!;
      const offset = lineColumnOffset(text, d.location!.line, d.location!.column);
      const rest = text.slice(offset);
      expect(rest.length).toBeGreaterThan(0);
      expect(expectedAt[field].some((start) => rest.startsWith(start))).toBe(true);
    },
  );
});
