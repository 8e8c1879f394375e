import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeRepository } from '../../src/authoring/compose.js';
import { parseRepository, type InputFile, type Repository } from '../../src/authoring/repository.js';
import {
  addRuleToManifest,
  defaultRuleDescription,
  packManifestYaml,
  ruleBlockYaml,
  schemaReference,
  yamlString,
} from '../../src/authoring/scaffold.js';
import { ScopeSchema, type RuleBlock } from '../../src/authoring/schema.js';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { extendCatalog } from '../../src/authoring/catalog-extensions.js';
import type { ManagedRule } from '../../src/catalog/types.js';
import { executionFrequencies } from '../../src/facts/enums.js';

const catalog = loadCatalog();
const root = '/repo';
const packsDir = join(root, 'packs');
const schemaPath = '../../.packsmith/schemas/rule.schema.json';

function rule(identifier: string): ManagedRule {
  const found = catalog.rule(identifier);
  if (!found) throw new Error(`not in the catalog: ${identifier}`);
  return found;
}

/** The block as written for `identifier`, under its documented name. */
function block(identifier: string, name?: string): string {
  const r = rule(identifier);
  return ruleBlockYaml(r, { name: name ?? r.name, schemaPath });
}

/** Loads rule blocks plus a pack "p" including all of them; returns the repository and its composition. */
function load(blocks: ReadonlyArray<{ name: string; text: string }>) {
  const files: InputFile[] = blocks.map((b) => ({
    path: join(packsDir, 'rules', `${b.name}.yaml`),
    text: b.text,
  }));
  files.push({
    path: join(packsDir, 'p.yaml'),
    text: packManifestYaml({
      name: 'p',
      description: 'test pack',
      rules: blocks.map((b) => b.name),
      schemaPath: '../.packsmith/schemas/pack.schema.json',
    }),
  });
  const repo: Repository = parseRepository(root, packsDir, files, {
    base: () => catalog,
    extend: extendCatalog,
  });
  const composition = composeRepository(repo);
  return { repo, composition, diagnostics: [...repo.diagnostics, ...composition.diagnostics] };
}

function loadOne(identifier: string, text = block(identifier)) {
  const name = rule(identifier).name;
  const loaded = load([{ name, text }]);
  expect(loaded.diagnostics).toEqual([]);
  const value = loaded.repo.rules.get(name)?.value as RuleBlock;
  expect(value).toBeDefined();
  const pack = loaded.composition.packs[0]!;
  expect(pack.name).toBe('p');
  return { value, pack, text };
}

describe('ruleBlockYaml', () => {
  it('S3_BUCKET_LOGGING_ENABLED: scope from the catalog, its optional parameters commented out', () => {
    const { value, pack, text } = loadOne('S3_BUCKET_LOGGING_ENABLED');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${schemaPath}`);
    expect(value).toEqual({
      kind: 'rule',
      name: 's3-bucket-logging-enabled',
      description:
        'Checks s3 bucket logging enabled (from AWS Config managed rule S3_BUCKET_LOGGING_ENABLED).',
      source: { managed: 'S3_BUCKET_LOGGING_ENABLED' },
      scope: { resourceTypes: ['AWS::S3::Bucket'] },
    });
    expect(text).toMatch(/^ {2}# targetBucket: \{ expose: true \} +# optional \(String\)$/m);
    expect(text).toMatch(/^ {2}# targetPrefix: \{ expose: true \} +# optional \(String\)$/m);
    // Change-triggered only: no execution frequency, not even commented out.
    expect(text).not.toContain('maximumExecutionFrequency');
    expect(pack.rules[0]?.inputParameters).toEqual([]);
    expect(pack.parameters).toEqual([]);
  });

  it('an optional parameter, once uncommented, is valid and becomes an optional pack parameter', () => {
    const text = block('S3_BUCKET_LOGGING_ENABLED')
      .replace(/^# parameters:$/m, 'parameters:')
      .replace(/^ {2}# targetBucket:/m, '  targetBucket:');
    const { value, pack } = loadOne('S3_BUCKET_LOGGING_ENABLED', text);
    expect(value.parameters).toEqual({ targetBucket: { expose: true } });
    expect(pack.parameters.map((p) => [p.name, p.default])).toEqual([
      ['S3BucketLoggingEnabledParamTargetBucket', ''],
    ]);
    expect(pack.conditions).toHaveLength(1);
  });

  it('ACCESS_KEYS_ROTATED: the int default 90 is written quoted and loads back as the string "90"', () => {
    const { value, pack, text } = loadOne('ACCESS_KEYS_ROTATED');
    expect(text).toMatch(/^ {2}maxAccessKeyAge: '90' +# int, default 90$/m);
    expect(value.parameters).toEqual({ maxAccessKeyAge: '90' });
    expect(value.scope).toEqual({ resourceTypes: ['AWS::IAM::User'] });
    expect(pack.rules[0]?.inputParameters).toEqual([
      { name: 'maxAccessKeyAge', value: { kind: 'literal', value: '90' } },
    ]);
    expect(value.maximumExecutionFrequency).toBeUndefined();
  });

  it('a periodic rule has maximumExecutionFrequency commented out with every allowed value; uncommented it loads', () => {
    const text = block('ACCESS_KEYS_ROTATED');
    const line = text.split('\n').find((l) => l.startsWith('# maximumExecutionFrequency:'));
    expect(line).toBeDefined();
    const help = text.slice(text.indexOf('# maximumExecutionFrequency:'));
    for (const frequency of executionFrequencies) expect(help).toContain(frequency);
    const { value, pack } = loadOne(
      'ACCESS_KEYS_ROTATED',
      text.replace('# maximumExecutionFrequency:', 'maximumExecutionFrequency:'),
    );
    expect(value.maximumExecutionFrequency).toBe('TwentyFour_Hours');
    expect(pack.rules[0]?.maximumExecutionFrequency).toBe('TwentyFour_Hours');
  });

  it('IAM_PASSWORD_POLICY: no scope (account level), every default written as a string', () => {
    const { value, text } = loadOne('IAM_PASSWORD_POLICY');
    expect(value.scope).toBeUndefined();
    expect(value.parameters).toEqual({
      RequireUppercaseCharacters: 'true',
      RequireLowercaseCharacters: 'true',
      RequireSymbols: 'true',
      RequireNumbers: 'true',
      MinimumPasswordLength: '14',
      PasswordReusePrevention: '24',
      MaxPasswordAge: '90',
    });
    expect(text).toMatch(/^ {2}RequireSymbols: 'true' +# boolean, optional, default true$/m);
    expect(text).toMatch(/^# maximumExecutionFrequency: TwentyFour_Hours/m);
  });

  it('a required parameter (no default) is exposed with a description and marked required', () => {
    const { value, pack, text } = loadOne('DESIRED_INSTANCE_TENANCY');
    expect(text).toMatch(/^ {2}tenancy: \{ expose: true, description: '[^']+' \} +# required \(String\)$/m);
    expect(value.parameters?.tenancy).toEqual({
      expose: true,
      description: expect.stringContaining('tenancy'),
    });
    expect(Object.keys(value.parameters ?? {})).toEqual(['tenancy']);
    expect(text).toMatch(/^ {2}# imageId: \{ expose: true \} +# optional \(CSV\)$/m);
    // A pack parameter without a default: the value must be given at deploy time.
    const parameter = pack.parameters.find((p) => p.name === 'DesiredInstanceTenancyParamTenancy');
    expect(parameter).toBeDefined();
    expect(parameter?.default).toBeUndefined();
    expect(pack.conditions).toEqual([]);
  });

  it('REQUIRED_TAGS: tag1Key has a documented default, so it is written with it; the optional tags are commented out', () => {
    const { value, text } = loadOne('REQUIRED_TAGS');
    expect(value.parameters).toEqual({ tag1Key: 'CostCenter' });
    expect(value.scope?.resourceTypes).toEqual(rule('REQUIRED_TAGS').resourceTypes);
    // Thirty resource types do not fit on one line: a block list.
    expect(text).toContain('  resourceTypes:\n    - AWS::ACM::Certificate\n');
    for (const n of [1, 2, 3, 4, 5, 6]) expect(text).toContain(`# tag${n}Value: { expose: true }`);
  });

  it('a rule with a required parameter and required-free parameters keeps the catalog order', () => {
    const { value, text } = loadOne('CLOUDWATCH_ALARM_SETTINGS_CHECK');
    const names = rule('CLOUDWATCH_ALARM_SETTINGS_CHECK').parameters.map((p) => p.name);
    const positions = names.map((n) => text.search(new RegExp(`^ {2}(# )?${n}:`, 'm')));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(value.parameters?.period).toBe('300');
  });

  it('the scope holds the resource types the scope schema accepts; any other is named in a comment', () => {
    const r = rule('S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC');
    expect(r.resourceTypes).toEqual(['AWS::::Account']);
    const pattern = new RegExp(ScopeSchema.properties.resourceTypes.items.pattern!);
    const { value, text } = loadOne(r.identifier);
    if (pattern.test('AWS::::Account')) {
      expect(value.scope).toEqual({ resourceTypes: ['AWS::::Account'] });
    } else {
      expect(value.scope).toBeUndefined();
      expect(text).toContain('# evaluates AWS::::Account');
    }
    // A type the pattern rejects never reaches the scope.
    const odd: ManagedRule = { ...r, resourceTypes: ['AWS::S3::Bucket', 'not a type'] };
    const oddText = ruleBlockYaml(odd, { name: 'odd', schemaPath });
    expect((parse(oddText) as RuleBlock).scope).toEqual({ resourceTypes: ['AWS::S3::Bucket'] });
    expect(oddText).toContain('# evaluates not a type');
  });

  it('a block name that YAML would read as a number or boolean is quoted', () => {
    for (const name of ['1234', 'true', '1e3']) {
      const text = block('ACCESS_KEYS_ROTATED', name);
      expect((parse(text) as { name: unknown }).name).toBe(name);
    }
  });

  it('every managed rule of the catalog gives a block that loads and composes without any diagnostic', () => {
    const blocks = catalog
      .rules()
      .map((r) => ({ name: r.name, text: ruleBlockYaml(r, { name: r.name, schemaPath }) }));
    const { repo, composition, diagnostics } = load(blocks);
    expect(diagnostics).toEqual([]);
    expect(repo.rules.size).toBe(catalog.rules().length);
    expect(composition.packs[0]?.rules).toHaveLength(catalog.rules().length);
    // Every documented parameter appears, active or commented out.
    for (const r of catalog.rules()) {
      const text = blocks.find((b) => b.name === r.name)!.text;
      for (const p of r.parameters) expect(text).toMatch(new RegExp(`^ {2}(# )?${p.name}:`, 'm'));
    }
  });
});

describe('helpers', () => {
  it('yamlString quotes what would not load back as the same string', () => {
    for (const value of ['90', 'true', 'False', 'null', '~', '1.5', '', 'a b', "it's", '#x', 'a: b', '-x']) {
      expect(parse(`v: ${yamlString(value)}`)).toEqual({ v: value });
      expect(yamlString(value)).toMatch(/^'/);
    }
    for (const value of ['AWS::S3::Bucket', 'S3_BUCKET_VERSIONING_ENABLED', 's3-bucket-versioning-enabled']) {
      expect(yamlString(value)).toBe(value);
      expect(parse(`v: ${yamlString(value)}`)).toEqual({ v: value });
    }
  });

  it('defaultRuleDescription stays within the 256-character limit for a very long identifier', () => {
    const long: ManagedRule = {
      ...rule('ACCESS_KEYS_ROTATED'),
      identifier: 'X'.repeat(240),
      name: 'x'.repeat(120),
    };
    expect(defaultRuleDescription(long).length).toBeLessThanOrEqual(256);
    expect(defaultRuleDescription(rule('ACCESS_KEYS_ROTATED'))).toBe(
      'Checks access keys rotated (from AWS Config managed rule ACCESS_KEYS_ROTATED).',
    );
  });

  it('schemaReference is relative to the new file, with /', () => {
    expect(schemaReference('/r/packs/rules', '/r/.packsmith/schemas', 'rule')).toBe(
      '../../.packsmith/schemas/rule.schema.json',
    );
    expect(schemaReference('/r/packs', '/r/.packsmith/schemas', 'pack')).toBe(
      '../.packsmith/schemas/pack.schema.json',
    );
  });
});

describe('addRuleToManifest', () => {
  it('inserts one line into the example manifest and changes nothing else (comments, folding, quoting)', () => {
    const original = readFileSync(join(import.meta.dirname, '../../packs/logging-baseline.yaml'), 'utf8');
    const edited = addRuleToManifest(original, 'cloudtrail-enabled');
    const before = original.split('\n');
    const after = edited.split('\n');
    expect(after).toHaveLength(before.length + 1);
    const at = after.indexOf('  - cloudtrail-enabled');
    expect(at).toBeGreaterThan(0);
    expect([...after.slice(0, at), ...after.slice(at + 1)]).toEqual(before);
    // After the last rule include (a multi-line `use:` entry), before `remediations:`.
    expect(after[at + 1]).toBe('remediations:');
    expect((parse(edited) as { rules: unknown[] }).rules.at(-1)).toBe('cloudtrail-enabled');
  });

  it('keeps comments around the list, including one after its last item', () => {
    const text = 'kind: pack\nname: x\n# about the rules\nrules:\n  - a  # first\n  # more later\n\n# tail\n';
    expect(addRuleToManifest(text, 'b')).toBe(
      'kind: pack\nname: x\n# about the rules\nrules:\n  - a  # first\n  - b\n  # more later\n\n# tail\n',
    );
  });

  it('follows the list style: flow, unindented, CRLF, no final newline', () => {
    expect(addRuleToManifest('kind: pack\nname: x\nrules: [a, b]  # c\n', 'new')).toBe(
      'kind: pack\nname: x\nrules: [a, b, new]  # c\n',
    );
    expect(addRuleToManifest('kind: pack\nname: x\nrules:\n- a\n', 'new')).toBe(
      'kind: pack\nname: x\nrules:\n- a\n- new\n',
    );
    expect(addRuleToManifest('kind: pack\r\nname: x\r\nrules:\r\n  - a\r\n', 'new')).toBe(
      'kind: pack\r\nname: x\r\nrules:\r\n  - a\r\n  - new\r\n',
    );
    expect(addRuleToManifest('kind: pack\nname: x\nrules:\n  - a', 'new')).toBe(
      'kind: pack\nname: x\nrules:\n  - a\n  - new\n',
    );
  });

  it('quotes a name YAML would read as a number', () => {
    const edited = addRuleToManifest('kind: pack\nname: x\nrules:\n  - a\n', '123');
    expect((parse(edited) as { rules: unknown[] }).rules).toEqual(['a', '123']);
  });

  it('an empty or missing list gets the entry through the Document API, comments kept', () => {
    expect(parse(addRuleToManifest('# top\nkind: pack\nname: x\nrules: []\n', 'n'))).toEqual({
      kind: 'pack',
      name: 'x',
      rules: ['n'],
    });
    const missing = addRuleToManifest('# top\nkind: pack\nname: x\n', 'n');
    expect(missing.startsWith('# top\n')).toBe(true);
    expect((parse(missing) as { rules: unknown }).rules).toEqual(['n']);
  });

  it('refuses a manifest whose rules is not a list, or that is not YAML', () => {
    expect(() => addRuleToManifest('kind: pack\nname: x\nrules: abc\n', 'n')).toThrow(/not a list/);
    expect(() => addRuleToManifest('kind: pack\nname: [x\n', 'n')).toThrow(/not valid YAML/);
  });
});
