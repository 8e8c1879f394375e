import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ComposedPack } from '../../src/authoring/model.js';
import {
  firstDifference,
  markdownText,
  renderPackTemplate,
  unsafeInterpolations,
} from '../../src/generator/render.js';
import { block, comment, key, quote, scalar, type JsonValue } from '../../src/generator/yaml-emit.js';
import { readFileSync } from 'node:fs';
import { defaultTemplates } from '../support/templates.js';

const at = { locate: () => ({ file: 'packs/p.yaml', line: 1, column: 1 }) };
const pack: ComposedPack = {
  name: 'p',
  manifest: 'packs/p.yaml',
  manifestPath: '/r/packs/p.yaml',
  parameters: [{ name: 'Age', default: '90', constraints: {}, origin: at }],
  conditions: [{ name: 'age', parameter: 'Age' }],
  rules: [
    {
      logicalId: 'AccessKeysRotated',
      ruleName: 'access-keys-rotated',
      block: 'access-keys-rotated',
      source: { owner: 'AWS', identifier: 'ACCESS_KEYS_ROTATED' },
      inputParameters: [
        { name: 'maxAccessKeyAge', value: { kind: 'parameter', parameter: 'Age', condition: 'age' } },
      ],
      controls: ['C-1'],
      origins: {},
    },
  ],
  remediations: [],
  origin: at,
};
const defaultTemplate = readFileSync(defaultTemplates().defaultPackTemplate, 'utf8');

describe('YAML emitter', () => {
  const tricky = [
    'true',
    'False',
    'yes',
    'No',
    'on',
    'OFF',
    'y',
    'n',
    'null',
    '~',
    '',
    ' ',
    '0',
    '0x1F',
    '1e3',
    '.inf',
    '-.nan',
    '2024-01-01',
    '12:30:00',
    '- item',
    '? key',
    ': value',
    'a: b',
    'a #b',
    '#c',
    '!Ref X',
    '&a',
    '*a',
    '|',
    '>',
    '%TAG',
    '@x',
    '`x',
    '"',
    "'",
    '\\',
    'a\nb',
    'a\r\nb',
    '\t',
    'x\u2028y',
    'x\u0085y',
    '\u0000\u0007\u007f',
    'ünïcødé 🚀',
    '{{ x }}',
    '[a]',
    '{a: 1}',
    '---',
    '...',
    'AWS::Config::ConfigRule',
    'One_Hour',
  ];
  it.each(tricky)('writes %j so that YAML 1.1 and 1.2 read it back unchanged', (value) => {
    for (const version of ['1.1', '1.2'] as const) {
      expect(parse(`v: ${scalar(value)}`, { version })).toEqual({ v: value });
      expect(parse(`${key(value || 'k')}: 1`, { version })).toEqual({ [value || 'k']: 1 });
    }
  });
  it('writes identifiers plain and everything ambiguous quoted', () => {
    expect(scalar('AWS::Config::ConfigRule')).toBe('AWS::Config::ConfigRule');
    expect(scalar('S3_BUCKET_VERSIONING_ENABLED')).toBe('S3_BUCKET_VERSIONING_ENABLED');
    expect(scalar('true')).toBe('"true"');
    expect(scalar('90')).toBe('"90"');
    expect(quote('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });
  it('writes nested values in block style that parse back', () => {
    const value: JsonValue = {
      A: [{ B: 'x', C: ['1', { D: [] }] }, [], {}],
      E: { 'Fn::If': ['c', { Ref: 'P' }, { Ref: 'AWS::NoValue' }] },
    };
    expect(parse(`root:${block(value, 2)}`)).toEqual({ root: value });
  });
  it('keeps every line of a comment a comment', () => {
    const text = `${comment('a\nb: 1\r\nc\u2028d: 2')}\nk: v\n`;
    expect(parse(text)).toEqual({ k: 'v' });
  });
});

describe('pack template rendering', () => {
  it('renders the default template to exactly the composed template', () => {
    const r = renderPackTemplate(pack, defaultTemplate, 'templates/conformance-pack.yaml.hbs');
    expect(r.diagnostics).toEqual([]);
    const doc = parse(r.text!);
    expect(doc.Resources.AccessKeysRotated.Properties.InputParameters.maxAccessKeyAge['Fn::If'][0]).toBe(
      'age',
    );
  });

  it('rejects a template that writes a value without a safe helper, at its line and column', () => {
    const text = defaultTemplate.replace(
      '    Properties:{{block properties 6}}\n{{/each}}\n{{#each remediations}}',
      '    Properties:{{block properties 6}}\n    Note: {{ruleName}}\n{{/each}}\n{{#each remediations}}',
    );
    const r = renderPackTemplate(pack, text, 'custom.hbs');
    expect(r.text).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    const line = text.split('\n').findIndex((l) => l.includes('{{ruleName}}')) + 1;
    expect(r.diagnostics[0]).toMatchObject({
      checkId: 'PS140',
      location: { file: 'custom.hbs', line, column: 11 },
    });
    expect(r.diagnostics[0]!.message).toMatch(/without a safe helper/);
  });

  it('rejects partials and unknown block helpers', () => {
    expect(unsafeInterpolations('{{> header}}\n{{#raw}}x{{/raw}}', new Set(['str']))).toHaveLength(2);
  });

  it('rejects a template that changes the document, naming where', () => {
    const text = defaultTemplate.replace(
      '    Type: AWS::Config::ConfigRule\n',
      '    Type: AWS::Config::ConfigRule\n    DeletionPolicy: Retain\n',
    );
    const r = renderPackTemplate(pack, text, 'custom.hbs');
    expect(r.text).toBeUndefined();
    expect(r.diagnostics[0]!.message).toMatch(
      /differs from pack "p" at \/Resources\/AccessKeysRotated\/DeletionPolicy/,
    );
  });

  it('accepts a template that only changes layout and comments', () => {
    const text = `# Reviewed by the platform team\n${defaultTemplate.replace('Resources:', '# rules first, then remediations\nResources:')}`;
    const r = renderPackTemplate(pack, text, 'custom.hbs');
    expect(r.diagnostics).toEqual([]);
    expect(r.text).toContain('# Reviewed by the platform team');
  });

  it('finds the first difference between two documents', () => {
    expect(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe('/a/1/b');
    expect(firstDifference({ a: 1 }, { a: 1, c: 2 })).toBe('/c');
    expect(firstDifference({ a: '1' }, { a: 1 })).toBe('/a');
    expect(firstDifference([1], [1])).toBeUndefined();
    // Keys of the expected document first, in its order; then the ones only the actual one has.
    expect(firstDifference({ a: 1, b: 2 }, { c: 3, b: 3, a: 1 })).toBe('/b');
    expect(firstDifference({ a: 1, b: 2 }, { z: 0, b: 2, a: 1, y: 0 })).toBe('/z');
    expect(firstDifference({ a: { b: 1 } }, { a: { b: 1 }, c: undefined })).toBe('/c');
    // Inherited names are compared as the values they are, never skipped.
    expect(firstDifference({ a: 1 }, { a: 1, toString: 'x' })).toBe('/toString');
    expect(firstDifference({ a: 1, toString: 'y' }, { a: 1 })).toBe('/toString');
    expect(firstDifference(JSON.parse('{"__proto__": 1}'), {})).toBe('/__proto__');
  });

  it('escapes Markdown so a value cannot open a table cell or a link', () => {
    expect(markdownText('a|b [x](y) <b>\nc')).toBe('a\\|b \\[x\\](y) \\<b\\><br>c');
  });
});
