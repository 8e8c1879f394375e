/**
 * `{ expose: true }` (or `expose: Name`) makes a rule input a pack parameter. The parameter keeps
 * the default and description the rule block gives for the input (a pack's override that
 * re-exposes it replaces the whole entry, yet not what the block says of it), else the managed-rule
 * catalog's documented default; a default or description written in the expose form wins.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRepository } from '../../src/authoring/repository.js';
import { buildRepository } from '../../src/generator/build.js';
import { defaultTemplates } from '../support/templates.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'packsmith-expose-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function write(files: Record<string, string[]>): void {
  for (const [path, lines] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), [...lines, ''].join('\n'));
  }
}

interface TemplateParameter {
  Type: string;
  Default?: string;
  Description?: string;
  MinValue?: number;
}

/** Builds pack `p`: its diagnostics (as `id line:column`) and its template's Parameters. */
async function build(): Promise<{
  found: string[];
  messages: string[];
  parameters: Record<string, TemplateParameter>;
}> {
  const repo = await loadRepository(root);
  const result = buildRepository(repo, ['p'], defaultTemplates(), { readme: false });
  const found = result.diagnostics.map((d) => `${d.checkId} ${d.location?.line}:${d.location?.column}`);
  const template = result.built[0]?.template;
  const parsed = template === undefined ? {} : (parse(template) as { Parameters?: object });
  const messages = result.diagnostics.map((d) => d.message);
  return { found, messages, parameters: (parsed.Parameters ?? {}) as Record<string, TemplateParameter> };
}

const keyAge = (...parameters: string[]) => [
  'kind: rule',
  'name: access-keys-rotated',
  'source: { managed: ACCESS_KEYS_ROTATED }',
  ...(parameters.length ? ['parameters:', ...parameters] : []),
];

const pack = (...rule: string[]) => ['kind: pack', 'name: p', 'rules:', ...rule];

describe('expose', () => {
  it('in a pack override, keeps the default and description of the block’s exposed entry', async () => {
    write({
      'packs/rules/keys.yaml': keyAge(
        '  maxAccessKeyAge:',
        '    default: 90',
        '    description: Maximum age of an access key, in days.',
      ),
      'packs/p.yaml': pack(
        '  - use: access-keys-rotated',
        '    parameters:',
        '      maxAccessKeyAge: { expose: MaxKeyAge }',
      ),
    });
    const { found, parameters } = await build();
    expect(found).toEqual([]);
    expect(parameters).toEqual({
      MaxKeyAge: { Type: 'String', Default: '90', Description: 'Maximum age of an access key, in days.' },
    });
  });

  it('in a pack override, takes a value the block fixes as the default', async () => {
    write({
      'packs/rules/keys.yaml': keyAge("  maxAccessKeyAge: '60'"),
      'packs/p.yaml': pack(
        '  - use: access-keys-rotated',
        '    parameters:',
        '      maxAccessKeyAge: { expose: true }',
      ),
    });
    const { found, parameters } = await build();
    expect(found).toEqual([]);
    expect(parameters['AccessKeysRotatedParamMaxAccessKeyAge']).toEqual({
      Type: 'String',
      Default: '60',
      Description: 'maxAccessKeyAge (int) of the AWS Config managed rule ACCESS_KEYS_ROTATED.',
    });
  });

  it('without a block entry, takes the catalog’s documented default', async () => {
    write({
      'packs/rules/keys.yaml': keyAge('  maxAccessKeyAge: { expose: true }'),
      'packs/p.yaml': pack('  - access-keys-rotated'),
    });
    const { found, parameters } = await build();
    expect(found).toEqual([]);
    expect(parameters['AccessKeysRotatedParamMaxAccessKeyAge']).toEqual({
      Type: 'String',
      Default: '90',
      Description: 'maxAccessKeyAge (int) of the AWS Config managed rule ACCESS_KEYS_ROTATED.',
    });
  });

  it('a default and description written in the expose form win', async () => {
    write({
      'packs/rules/keys.yaml': keyAge(
        '  maxAccessKeyAge:',
        '    default: 90',
        '    description: From the block.',
      ),
      'packs/p.yaml': pack(
        '  - use: access-keys-rotated',
        '    parameters:',
        "      maxAccessKeyAge: { expose: MaxKeyAge, default: 30, description: 'From the pack.' }",
      ),
    });
    const { found, parameters } = await build();
    expect(found).toEqual([]);
    expect(parameters['MaxKeyAge']).toEqual({ Type: 'String', Default: '30', Description: 'From the pack.' });
  });

  it('reports an inherited default that breaks the override’s own constraints, at the override', async () => {
    write({
      'packs/rules/keys.yaml': keyAge("  maxAccessKeyAge: '90'"),
      'packs/p.yaml': pack(
        '  - use: access-keys-rotated',
        '    parameters:',
        '      maxAccessKeyAge: { expose: MaxKeyAge, maximum: 30 }',
      ),
    });
    const { found, messages } = await build();
    expect(found).toEqual(['PS117 6:24']);
    expect(messages[0]).toMatch(
      /the default of "maxAccessKeyAge" \("90", from the rule block\) must be at most 30/,
    );
  });

  it('two rules exposing inputs under one name without a description share the parameter', async () => {
    const trail = (name: string, identifier: string) => [
      'kind: rule',
      `name: ${name}`,
      `source: { managed: ${identifier} }`,
      'parameters:',
      '  s3BucketName: { expose: TrailBucket }',
    ];
    write({
      'packs/rules/a.yaml': trail('trail', 'CLOUD_TRAIL_ENABLED'),
      'packs/rules/b.yaml': trail('multi-region-trail', 'MULTI_REGION_CLOUD_TRAIL_ENABLED'),
      'packs/p.yaml': pack('  - trail', '  - multi-region-trail'),
    });
    const { found, parameters } = await build();
    expect(found).toEqual([]);
    expect(parameters['TrailBucket']).toEqual({
      Type: 'String',
      Default: '',
      Description: 's3BucketName (String) of the AWS Config managed rule CLOUD_TRAIL_ENABLED.',
    });
  });

  it('a required input with no default anywhere stays without a Default', async () => {
    write({
      'packs/rules/type.yaml': [
        'kind: rule',
        'name: instance-type',
        'source: { managed: DESIRED_INSTANCE_TYPE }',
        'parameters:',
        '  instanceType: { expose: InstanceTypes }',
      ],
      'packs/p.yaml': pack('  - instance-type'),
    });
    const { found, parameters } = await build();
    expect(found).toEqual([]);
    expect(parameters['InstanceTypes']).toEqual({
      Type: 'String',
      Description: 'instanceType (CSV) of the AWS Config managed rule DESIRED_INSTANCE_TYPE.',
    });
  });
});
