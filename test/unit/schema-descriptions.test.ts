/**
 * Every field of every shipped schema has a description: editors show it as hover help. Walks the
 * committed files in schemas/ (what users get), through properties, items, anyOf/oneOf/allOf,
 * if/then/else, definitions/$defs, patternProperties and additionalProperties objects.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const pointerPart = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * JSON pointers of the fields without a description. A field is an entry of `properties` or of
 * `patternProperties`, or an `additionalProperties` object (the value of a map's key); a `$ref` is
 * described where it points. A schema that only narrows another (an `if`) describes nothing.
 */
function undescribedFields(schema: Schema): string[] {
  const missing: string[] = [];
  const field = (node: unknown, pointer: string) => {
    if (!isSchema(node)) return;
    if (typeof node.description !== 'string' || node.description.trim() === '') {
      if (typeof node.$ref !== 'string') missing.push(pointer);
    }
    walk(node, pointer);
  };
  const walk = (node: Schema, pointer: string) => {
    for (const key of ['properties', 'patternProperties'] as const) {
      const map = node[key];
      if (!isSchema(map)) continue;
      for (const [name, sub] of Object.entries(map)) field(sub, `${pointer}/${key}/${pointerPart(name)}`);
    }
    if (isSchema(node.additionalProperties)) {
      field(node.additionalProperties, `${pointer}/additionalProperties`);
    }
    for (const key of ['items', 'then', 'else', 'not', 'additionalItems', 'contains'] as const) {
      const sub = node[key];
      if (isSchema(sub)) walk(sub, `${pointer}/${key}`);
      else if (Array.isArray(sub)) sub.forEach((s, i) => isSchema(s) && walk(s, `${pointer}/${key}/${i}`));
    }
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach((s, i) => isSchema(s) && walk(s, `${pointer}/${key}/${i}`));
    }
    for (const key of ['definitions', '$defs'] as const) {
      const map = node[key];
      if (!isSchema(map)) continue;
      for (const [name, sub] of Object.entries(map)) {
        if (isSchema(sub)) walk(sub, `${pointer}/${key}/${pointerPart(name)}`);
      }
    }
  };
  walk(schema, '');
  return missing;
}

const schemasDir = join(packageRoot(), 'schemas');
const shipped = readdirSync(schemasDir)
  .filter((name) => name.endsWith('.json'))
  .sort();

describe('every field of the shipped schemas has a description', () => {
  it('finds the shipped schemas', () => {
    expect(shipped).toEqual(expect.arrayContaining(['packsmith.schema.json', 'deploy.schema.json']));
  });

  it.each(shipped)('schemas/%s', (name) => {
    const schema = JSON.parse(readFileSync(join(schemasDir, name), 'utf8')) as Schema;
    expect(undescribedFields(schema)).toEqual([]);
  });

  it('names the JSON pointer of a field without one, at any depth', () => {
    const schema: Schema = {
      type: 'object',
      properties: {
        a: { type: 'string', description: 'A.' },
        b: {
          description: 'B.',
          type: 'array',
          items: {
            anyOf: [{ type: 'string' }, { type: 'object', properties: { 'c/d': { type: 'string' } } }],
          },
        },
        e: {
          description: 'E.',
          type: 'object',
          additionalProperties: { type: 'object', properties: { f: { description: 'F.' } } },
        },
        g: { description: 'G.', patternProperties: { '^x': { type: 'string' } } },
      },
      definitions: { h: { properties: { i: { type: 'number' } } } },
    };
    expect(undescribedFields(schema)).toEqual([
      '/properties/b/items/anyOf/1/properties/c~1d',
      '/properties/e/additionalProperties',
      '/properties/g/patternProperties/^x',
      '/definitions/h/properties/i',
    ]);
  });
});
