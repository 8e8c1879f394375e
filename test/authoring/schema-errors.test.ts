/**
 * One translator of ajv's errors: every keyword gets a plain-English message and a fix of its own,
 * unknown fields and values get "did you mean", and the editor-schema hint appears only in files
 * without a schema line. The same wording reaches authoring files, packsmith.config.yaml and
 * packsmith.deploy.yaml.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { translateSchemaErrors } from '../../src/authoring/schema-errors.js';
import { checkAuthoringFile } from '../../src/authoring/schema-validate.js';
import { sortDiagnostics } from '../../src/diagnostics/diagnostic.js';
import { parseDeployConfig } from '../../src/org/deploy-config.js';
import { parseYamlSource } from '../../src/source/yaml-source.js';
import { runCli } from '../support/cli.js';

/** ajv's own phrases: none may reach a user. */
const rawPhrases = [
  /must NOT have/,
  /must be equal to one of/,
  /must match pattern/,
  /must have required property/,
  /must match format/,
  /must be (string|number|integer|boolean|array|object)\b/,
  /must match exactly one schema/,
  /must match a schema in anyOf/,
  /must be >=|must be <=|must be >|must be </,
  /must NOT be valid/,
  /must be multiple of/,
  /boolean schema is false/,
];

const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  additionalProperties: false,
  ...extra,
});

/** keyword → a schema and a value that breaks exactly that keyword. */
const cases: Array<{ keyword: string; schema: object; value: unknown; message: RegExp }> = [
  {
    keyword: 'minItems',
    schema: obj({ a: { type: 'array', minItems: 1 } }),
    value: { a: [] },
    message: /`a` has 0 items; it needs at least 1/,
  },
  {
    keyword: 'maxItems',
    schema: obj({ a: { type: 'array', maxItems: 1 } }),
    value: { a: [1, 2] },
    message: /`a` has 2 items; at most 1 are allowed/,
  },
  {
    keyword: 'minLength',
    schema: obj({ a: { type: 'string', minLength: 1 } }),
    value: { a: '' },
    message: /`a` is empty/,
  },
  {
    keyword: 'maxLength',
    schema: obj({ a: { type: 'string', maxLength: 2 } }),
    value: { a: 'abc' },
    message: /`a` has 3 characters; at most 2 are allowed/,
  },
  {
    keyword: 'pattern',
    schema: obj({ a: { type: 'string', pattern: '^x+$', description: 'Only x letters.' } }),
    value: { a: 'y' },
    message: /`a` \("y"\) is not of the expected form: Only x letters/,
  },
  {
    keyword: 'enum',
    schema: obj({ a: { enum: ['One_Hour', 'Six_Hours'] } }),
    value: { a: 'One_Hours' },
    message: /it must be one of "One_Hour", "Six_Hours" \(did you mean "One_Hour"\?\)/,
  },
  {
    keyword: 'const',
    schema: obj({ a: { const: 'rule' } }),
    value: { a: 'rules' },
    message: /`a` is "rules"; it must be "rule"/,
  },
  {
    keyword: 'type',
    schema: obj({ a: { type: 'array' } }),
    value: { a: 'x' },
    message: /`a` is text; it must be a list/,
  },
  {
    keyword: 'required',
    schema: obj({ name: { type: 'string' } }, { required: ['name'] }),
    value: {},
    message: /the file is missing the required field `name`/,
  },
  {
    keyword: 'additionalProperties',
    schema: obj({ description: { type: 'string' } }),
    value: { descripton: 'x' },
    message: /unknown field `descripton` in the file \(did you mean `description`\?\)/,
  },
  {
    keyword: 'oneOf',
    schema: obj({ a: { oneOf: [{ type: 'string' }, { type: 'string', minLength: 1 }] } }),
    value: { a: 'x' },
    message: /`a` fits more than one of the shapes allowed here/,
  },
  {
    keyword: 'anyOf',
    schema: obj({ a: { anyOf: [{ type: 'string' }, { type: 'number' }] } }),
    value: { a: [] },
    message: /`a` is a list; it must be text or a number/,
  },
  {
    keyword: 'minimum',
    schema: obj({ a: { type: 'integer', minimum: 1 } }),
    value: { a: 0 },
    message: /`a` is 0; it must be at least 1/,
  },
  {
    keyword: 'maximum',
    schema: obj({ a: { type: 'integer', maximum: 5 } }),
    value: { a: 6 },
    message: /`a` is 6; it must be at most 5/,
  },
  {
    keyword: 'exclusiveMinimum',
    schema: obj({ a: { type: 'number', exclusiveMinimum: 0 } }),
    value: { a: 0 },
    message: /`a` is 0; it must be more than 0/,
  },
  {
    keyword: 'multipleOf',
    schema: obj({ a: { type: 'number', multipleOf: 5 } }),
    value: { a: 7 },
    message: /`a` is 7; it must be a multiple of 5/,
  },
  {
    keyword: 'format',
    schema: obj({ a: { type: 'string', format: 'even' } }),
    value: { a: '3' },
    message: /`a` \("3"\) is not a valid even/,
  },
  {
    keyword: 'uniqueItems',
    schema: obj({ a: { type: 'array', uniqueItems: true } }),
    value: { a: ['x', 'x'] },
    message: /`a` lists the same item twice \(items 1 and 2\)/,
  },
  {
    keyword: 'minProperties',
    schema: obj({ a: { type: 'object', minProperties: 1 } }),
    value: { a: {} },
    message: /`a` has 0 entries; it needs at least 1/,
  },
  {
    keyword: 'maxProperties',
    schema: obj({ a: { type: 'object', maxProperties: 1 } }),
    value: { a: { x: 1, y: 2 } },
    message: /`a` has 2 entries; at most 1 are allowed/,
  },
  {
    keyword: 'dependencies',
    schema: obj({ tagKey: {}, tagValue: {} }, { dependencies: { tagValue: ['tagKey'] } }),
    value: { tagValue: 'v' },
    message: /has `tagValue` without `tagKey`/,
  },
  {
    keyword: 'not',
    schema: obj({ a: { not: { const: 'x' } } }),
    value: { a: 'x' },
    message: /`a` has a value that is not allowed here/,
  },
  { keyword: 'false schema', schema: obj({ a: false }), value: { a: 1 }, message: /`a` is not allowed here/ },
];

function translate(schema: object, value: unknown) {
  const ajv = new Ajv({ allErrors: true, strict: false, formats: { even: /^\d*[02468]$/ } });
  const validate = ajv.compile(schema);
  expect(validate(value)).toBe(false);
  return translateSchemaErrors(validate.errors ?? [], value, { schema });
}

describe('[10] one translator of schema errors', () => {
  it.each(cases)(
    '[10] $keyword: a plain-English message of its own',
    ({ keyword, schema, value, message }) => {
      const problems = translate(schema, value);
      expect(problems.map((p) => p.keyword)).toEqual([
        keyword === 'oneOf' ? 'oneOf' : keyword === 'anyOf' ? 'type' : keyword,
      ]);
      expect(problems[0]!.message).toMatch(message);
      for (const raw of rawPhrases) {
        expect(problems[0]!.message).not.toMatch(raw);
        expect(problems[0]!.fix).not.toMatch(raw);
      }
    },
  );

  it('[10] every keyword has a fix of its own', () => {
    const fixes = cases.map(({ schema, value }) => translate(schema, value)[0]!.fix);
    expect(new Set(fixes).size).toBe(fixes.length);
    // A fix is about the value: it names no schema file unless the file lacks its schema line.
    for (const fix of fixes) expect(fix).not.toMatch(/schema line|yaml-language-server/);
  });

  it('[10] an unknown field without a close match lists the fields allowed', () => {
    const [problem] = translate(obj({ alpha: {}, beta: {} }), { zzzzzz: 1 });
    expect(problem!.message).toBe('unknown field `zzzzzz` in the file');
    expect(problem!.fix).toBe('Remove `zzzzzz`; the fields allowed here are alpha, beta.');
  });
});

describe('[10] schema errors in real files', () => {
  const rule = (schemaLine: boolean) =>
    [
      ...(schemaLine ? ['# yaml-language-server: $schema=../../schemas/rule.schema.json'] : []),
      'kind: rule',
      'name: r',
      'descripton: typo of an optional field',
      'source:',
      '  managed: S3_BUCKET_VERSIONING_ENABLED',
      'maximumExecutionFrequency: One_Hours',
      'controls: []',
      'evaluationModes: []',
      '',
    ].join('\n');

  it('[10] an authoring file: did you mean for every unknown field and enum value, no raw ajv text', () => {
    const { diagnostics } = checkAuthoringFile(parseYamlSource('r.yaml', rule(false)));
    const messages = sortDiagnostics(diagnostics).map(
      (d) => `${d.location!.line}:${d.location!.column} ${d.message}`,
    );
    expect(messages).toEqual([
      '3:1 unknown field `descripton` in the file (did you mean `description`?)',
      expect.stringMatching(
        /^6:28 `maximumExecutionFrequency` is "One_Hours"; it must be one of .*\(did you mean "One_Hour"\?\)$/,
      ),
      '8:18 `evaluationModes` has 0 items; it needs at least 1',
    ]);
    expect(sortDiagnostics(diagnostics).map((d) => d.fix?.split(' For these checks')[0])).toEqual([
      'Rename `descripton` to `description`.',
      'Write "One_Hour" (values are case-sensitive).',
      'Add items to `evaluationModes` until it has at least 1, or remove the field if it is optional.',
    ]);
    for (const d of diagnostics) for (const raw of rawPhrases) expect(d.message).not.toMatch(raw);
  });

  it('[10] the editor-schema hint appears only when the file has no schema line, and says how to add it', () => {
    const without = checkAuthoringFile(parseYamlSource('r.yaml', rule(false))).diagnostics;
    const withLine = checkAuthoringFile(parseYamlSource('r.yaml', rule(true))).diagnostics;
    expect(without.length).toBeGreaterThan(0);
    for (const d of without)
      expect(d.fix).toContain('`# yaml-language-server: $schema=PATH/rule.schema.json`');
    expect(withLine).toHaveLength(without.length);
    for (const d of withLine) expect(d.fix).not.toMatch(/yaml-language-server|schema line/);
  });

  it('[10] packsmith.deploy.yaml: unknown fields, values and lists in the same words', () => {
    const text = [
      '# yaml-language-server: $schema=./schemas/deploy.schema.json',
      'deployingAccount: "111122223333"',
      'role: managment',
      'regions: []',
      'templateBuckets: {}',
      'packs: {}',
      '',
    ].join('\n');
    const messages = parseDeployConfig('packsmith.deploy.yaml', text).problems.map((d) => d.message);
    expect(messages).toContain(
      '`role` is "managment"; it must be one of "management", "delegated-administrator" (did you mean "management"?)',
    );
    expect(messages).toContain('`regions` has 0 items; it needs at least 1');
    for (const m of messages) for (const raw of rawPhrases) expect(m).not.toMatch(raw);
  });

  const dir = mkdtempSync(join(tmpdir(), 'packsmith-schema-errors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('[10] packsmith.config.yaml: located messages with their own fixes, not one generic line', async () => {
    writeFileSync(
      join(dir, 'packsmith.config.yaml'),
      'checks:\n  PS302:\n    severty: error\n    reason: ok\n',
    );
    writeFileSync(join(dir, 't.yaml'), 'Resources: {}\n');
    const { code, stderr } = await runCli(['validate', 't.yaml', '--cfn-lint', 'off'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /packsmith.config.yaml:3:5 {2}error {2}PS101 {2}unknown field `severty` in `checks.PS302` \(did you mean `severity`\?\)\n {4}fix: Rename `severty` to `severity`\./,
    );
    expect(stderr).toMatch(
      /packsmith.config.yaml:4:13 {2}error {2}PS101 {2}`checks.PS302.reason` has 2 characters; it needs at least 3\n {4}fix: Lengthen/,
    );
    expect(stderr).toContain('$schema=PATH/config.schema.json');
    for (const raw of rawPhrases) expect(stderr).not.toMatch(raw);
  });

  it('packsmith.config.yaml: a setting for a check id that does not exist is an error at the id (PS104)', async () => {
    const sub = join(dir, 'unknown-id');
    mkdirSync(sub);
    writeFileSync(
      join(sub, 'packsmith.config.yaml'),
      'checks:\n  PS301:\n    enabled: false\n    reason: known\n  PS320:\n    enabled: false\n    reason: typo\n  PS999:\n    severity: info\n    reason: none such\n  W3005:\n    enabled: false\n    reason: cfn-lint ids are not checked\n',
    );
    writeFileSync(join(sub, 't.yaml'), 'Resources: {}\n');
    const { code, stderr } = await runCli(['validate', 't.yaml', '--cfn-lint', 'off'], { cwd: sub });
    expect(code).toBe(2);
    expect(stderr).not.toMatch(/PS104 .*PS301/);
    expect(stderr).not.toMatch(/W3005/);
    expect(stderr).toMatch(
      /packsmith.config.yaml:5:3 {2}error {2}PS104 {2}no packsmith check has the id PS320; did you mean PS230, PS302\?\n/,
    );
    expect(stderr).toMatch(
      /packsmith.config.yaml:8:3 {2}error {2}PS104 {2}no packsmith check has the id PS999/,
    );
  });
});
