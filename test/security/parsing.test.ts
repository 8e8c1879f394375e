/**
 * Hostile YAML: alias bombs, large inputs, prototype names, unknown tags and version directives.
 * Each input ends in a located error (or a correct finding) in bounded time; the per-test timeout
 * is the hang guard.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../src/source/yaml-source.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';
import { ruleTemplate } from '../support/templates.js';

const root = packageRoot();
const tmp = () => mkdtempSync(join(tmpdir(), 'packsmith-parsing-'));
/** The hang guard: generous for a loaded machine, far below minutes of exponential or quadratic work. */
const hangGuard = 20_000;
const noStackTrace = /\n\s+at .*\.(ts|js):\d+/;

/** A template with one rule; `inputs` is indented under InputParameters. */
const template = (inputs = '        isMfaDeleteEnabled: "true"\n', extra = '') =>
  ruleTemplate('S3_BUCKET_VERSIONING_ENABLED', `      InputParameters:\n${inputs}${extra}`);

/** Ten levels of ×9: 9^10 values once expanded, from eleven lines. */
const bombLines = (indent: string) =>
  [
    `a: &a ["x","x","x","x","x","x","x","x","x"]`,
    ...'bcdefghij'.split('').map((name, i) => {
      const prev = 'abcdefghij'[i]!;
      return `${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`;
    }),
  ]
    .map((line) => indent + line)
    .join('\n') + '\n';

async function validate(dir: string, ...files: string[]) {
  return runCli(['validate', '--cfn-lint', 'off', ...files.map((f) => join(dir, f))]);
}

function writeTemplate(text: string, name = 'pack.yaml'): string {
  const dir = tmp();
  writeFileSync(join(dir, name), text);
  return dir;
}

/** A copy of the example repository with one more file under packs/. */
function repositoryWith(path: string, text: string): string {
  const repo = tmp();
  cpSync(join(root, 'packs'), join(repo, 'packs'), { recursive: true });
  mkdirSync(join(repo, 'packs', path, '..'), { recursive: true });
  writeFileSync(join(repo, 'packs', path), text);
  return repo;
}

describe('alias bombs and large inputs', () => {
  it(
    '[3] an 11-line alias bomb under InputParameters ends in a located error from validate',
    { timeout: hangGuard },
    async () => {
      const dir = writeTemplate(template(bombLines('        ')));
      const { code, stdout, stderr } = await validate(dir, 'pack.yaml');
      expect(code).toBe(1);
      // The alias that expands the most: `*i` on the last line, column 16 (after `j: &j [`).
      expect(stdout + stderr).toMatch(/^ {2}19:16 {2}error {2}PS100 {2}YAML aliases in this file expand to/m);
      expect(stdout + stderr).toContain('refused as an alias bomb');
      expect(stderr).not.toMatch(noStackTrace);
    },
  );

  it(
    '[3] an alias bomb in an authoring file makes build exit 1 with a located error',
    { timeout: hangGuard },
    async () => {
      const rule = `kind: rule\nname: bomb\nsource:\n  managed: S3_BUCKET_VERSIONING_ENABLED\nbomb:\n${bombLines('  ')}`;
      const repo = repositoryWith('rules/bomb.yaml', rule);
      const { code, stderr } = await runCli(['build', '--out', 'build'], { cwd: repo });
      expect(code).toBe(1);
      expect(stderr).toMatch(
        /packs\/rules\/bomb\.yaml:\d+:\d+ {2}error {2}PS100 {2}YAML aliases in this file expand/,
      );
      expect(stderr).not.toMatch(noStackTrace);
    },
  );

  it(
    '[3] an alias inside the node it names is refused instead of walked forever',
    { timeout: hangGuard },
    async () => {
      const dir = writeTemplate(template('        loop: &loop [1, *loop]\n'));
      const { code, stdout } = await validate(dir, 'pack.yaml');
      expect(code).toBe(1);
      expect(stdout).toMatch(
        /^ {2}10:25 {2}error {2}PS100 {2}YAML alias \*loop refers to a node that contains it/m,
      );
    },
  );

  it('[3] a template reusing a scope through a few aliases still validates', async () => {
    const text = `Resources:
  Versioning:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: versioning
      Scope: &buckets
        ComplianceResourceTypes: [AWS::S3::Bucket]
      Source:
        Owner: AWS
        SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED
  Logging:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: logging
      Scope: *buckets
      Source:
        Owner: AWS
        SourceIdentifier: S3_BUCKET_LOGGING_ENABLED
`;
    const { code, stdout, stderr } = await validate(writeTemplate(text), 'pack.yaml');
    expect(stdout + stderr).not.toContain('error');
    expect(code).toBe(0);
  });

  it(
    '[3] a 290 KB template with tens of thousands of keys is located in linear time',
    { timeout: hangGuard },
    async () => {
      // One flow mapping of ~32,000 keys: pairwise duplicate detection would compare 650 million pairs.
      const keys = Array.from({ length: 32_000 }, (_, i) => `k${i.toString(36)}: 1`).join(', ');
      const text = template(`        {${keys}, k0: 2}\n`)
        .replace('InputParameters:\n        {', 'InputParameters: {')
        .replace(
          'Owner: AWS\n        SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED',
          'Owner: CUSTOM_LAMBDA\n        SourceIdentifier: arn:aws:lambda:us-east-1:123456789012:function:f',
        );
      expect(text.length).toBeLessThan(300 * 1024);
      const source = parseYamlSource('big.yaml', text, { cloudFormation: true });
      expect(source.syntaxErrors.map((d) => [d.message, d.location?.line])).toEqual([
        ['YAML syntax error: the key "k0" appears twice in this mapping', 9],
      ]);
      // Every key located without a scan of the mapping per key.
      const path = ['Resources', 'Rule', 'Properties', 'InputParameters'];
      for (let i = 0; i < 32_000; i += 7) {
        expect(source.locate([...path, `k${i.toString(36)}`]).line).toBe(9);
      }
      expect(source.locate([...path, 'k0'], 'key').column).toBe(25);
    },
  );
});

describe('prototype names', () => {
  it('[13] Condition: toString on a resource is an undefined condition', async () => {
    const dir = writeTemplate(template(undefined, '    Condition: toString\n'));
    const { code, stdout } = await validate(dir, 'pack.yaml');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ {2}11:16 {2}error {2}PS402 {2}condition "toString" is not defined/m);
  });

  it('[13] Fn::If [valueOf, …] names an undefined condition', async () => {
    const dir = writeTemplate(template("        k: !If [valueOf, a, !Ref 'AWS::NoValue']\n"));
    const { code, stdout } = await validate(dir, 'pack.yaml');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ {2}10:17 {2}error {2}PS402 {2}condition "valueOf" is not defined/m);
  });

  it('[13] a resource that is not a mapping is an error', async () => {
    const dir = writeTemplate(template(undefined, '  R: hello\n'));
    const { code, stdout } = await validate(dir, 'pack.yaml');
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^ {2}11:6 {2}error {2}PS200 {2}resource R must be a mapping with Type and Properties, not a string/m,
    );
  });

  it('[13] a property named constructor is an unknown property', async () => {
    const dir = writeTemplate(template(undefined, '      constructor: x\n'));
    const { code, stdout } = await validate(dir, 'pack.yaml');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ {2}11:7 {2}error {2}\w+ {2}.*has no property constructor/m);
  });

  it('[13] import of a rule whose Source.Owner is toString is a located error, not a crash', async () => {
    const dir = writeTemplate(template().replace('Owner: AWS', 'Owner: toString'));
    const packs = join(tmp(), 'packs');
    const { code, stderr } = await runCli(['import', join(dir, 'pack.yaml'), '--into', packs]);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /pack\.yaml:7:16 {2}error {2}PS150 {2}Source\.Owner must be AWS, CUSTOM_LAMBDA or CUSTOM_POLICY/m,
    );
    expect(stderr).not.toMatch(noStackTrace);
  });
});

describe('YAML tags and version directives', () => {
  it('[14] !!js/function in a template is a located error, not plain data', async () => {
    const dir = writeTemplate(template('        k: !!js/function "function () { return 1 }"\n'));
    const { code, stdout } = await validate(dir, 'pack.yaml');
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^ {2}10:12 {2}error {2}PS100 {2}unknown YAML tag !!js\/function: packsmith reads only the YAML 1\.2 core tags/m,
    );
  });

  it('[14] a tag that is not a CloudFormation intrinsic is an error in a template; !Ref and !Sub are not', async () => {
    const dir = writeTemplate(
      template("        k: !Sub '${AWS::Region}'\n        r: !Ref AWS::Region\n        x: !Exec ls\n"),
    );
    const { code, stdout } = await validate(dir, 'pack.yaml');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^ {2}12:12 {2}error {2}PS100 {2}unknown YAML tag !Exec/m);
    expect(stdout).toContain('\n1 error, 0 warnings');
  });

  it('[14] !!python/object/apply in an authoring file makes build exit 1 with a located error', async () => {
    const rule =
      'kind: rule\nname: python\nsource:\n  managed: S3_BUCKET_VERSIONING_ENABLED\ndescription: !!python/object/apply:os.system ["id"]\n';
    const repo = repositoryWith('rules/python.yaml', rule);
    const { code, stderr } = await runCli(['build', '--out', 'build'], { cwd: repo });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /packs\/rules\/python\.yaml:5:14 {2}error {2}PS100 {2}unknown YAML tag !!python\/object\/apply:os\.system/m,
    );
  });

  it('[14] a %YAML 1.1 directive is a located error saying packsmith reads YAML 1.2', async () => {
    const dir = writeTemplate(`%YAML 1.1\n---\n${template('        k: yes\n')}`);
    const { code, stdout } = await validate(dir, 'pack.yaml');
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^ {2}1:1 {2}error {2}PS100 {2}this file declares %YAML 1\.1: packsmith reads YAML 1\.2/m,
    );
    expect(stdout).toContain('CloudFormation reads templates as YAML 1.1');
  });

  it('[14] a %YAML 1.1 directive in an authoring file is refused too; %YAML 1.2 is read', () => {
    const rule = 'kind: rule\nname: r\nsource:\n  managed: S3_BUCKET_VERSIONING_ENABLED\n';
    const old = parseYamlSource('r.yaml', `%YAML 1.1\n---\n${rule}`);
    expect(old.value).toBeUndefined();
    expect(old.syntaxErrors.map((d) => [d.location?.line, d.location?.column, d.checkId])).toEqual([
      [1, 1, 'PS100'],
    ]);
    const current = parseYamlSource('r.yaml', `%YAML 1.2\n---\n${rule}`);
    expect(current.syntaxErrors).toEqual([]);
    expect(current.value).toMatchObject({ kind: 'rule', name: 'r' });
  });
});

describe('dependencies', () => {
  it('[17] the resolved js-yaml is 4.1.1 or later (GHSA-mh29-5h37-fv8m)', () => {
    const require = createRequire(import.meta.url);
    const manifest = JSON.parse(readFileSync(require.resolve('js-yaml/package.json'), 'utf8')) as {
      version: string;
    };
    const [major, minor, patch] = manifest.version.split('.').map((n) => Number.parseInt(n, 10));
    const atLeast = major! > 4 || (major === 4 && (minor! > 1 || (minor === 1 && patch! >= 1)));
    expect(atLeast, `js-yaml ${manifest.version}`).toBe(true);
  });
});
