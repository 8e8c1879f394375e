/**
 * Guard policies checked by the real engine (cfn-guard 3.1.1 from scripts/install-cfn-guard.mjs, or
 * on PATH) wherever they appear: a .guard file, a rule block's inline policy, a template's
 * PolicyText; the engine's syntax error at the line and column of the file that holds the policy
 * (PS160), Guard 3-only constructs flagged (PS161). Tests that need the engine skip with a reason
 * when it is absent; under CI they fail.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardChecks } from '../../src/checks/guard.js';
import { parseYamlSource } from '../../src/source/yaml-source.js';
import { packageRoot } from '../../src/util/package-root.js';
import { parseGuardError } from '../../src/validation/guard/engine.js';
import { guard3Constructs } from '../../src/validation/guard/guard3.js';
import { checkGuardPolicies, scalarPolicy, templatePolicies } from '../../src/validation/guard/policies.js';
import { runCli } from '../support/cli.js';
import { tool } from '../support/tools.js';
import { junit10Problems } from '../support/xml.js';

const guard = tool('cfn-guard');
const needsGuard = guard.available ? '' : ` [skipped: ${guard.reason}]`;
const wild = join(packageRoot(), '../shared/samples/wild-conformance-packs');
const haveWild = existsSync(join(wild, 'SOURCES.md'));
if (!haveWild && process.env.CI) throw new Error(`CI is set but ${wild} is missing`);

const syntaxId = guardChecks['guard-syntax'].id; // PS160
const v3Id = guardChecks['guard-3-syntax'].id; // PS161

/** The policy of the example pack with its value's string left unterminated (issue 13). */
const brokenPolicy = `# A broken policy.
rule s3_versioning when resourceType == "AWS::S3::Bucket" {
  configuration.versioningConfiguration.status == "Enabled
}
`;

/** A hand-written template whose one Guard rule has the broken policy as its PolicyText (`|`). */
function handWrittenTemplate(): string {
  const body = brokenPolicy
    .split('\n')
    .map((l) => (l ? `            ${l}` : ''))
    .join('\n');
  return `Resources:\n  S3Versioning:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      ConfigRuleName: s3-versioning\n      Scope:\n        ComplianceResourceTypes: [AWS::S3::Bucket]\n      Source:\n        Owner: CUSTOM_POLICY\n        SourceDetails:\n          - EventSource: aws.config\n            MessageType: ConfigurationItemChangeNotification\n        CustomPolicyDetails:\n          PolicyRuntime: guard-2.x.x\n          PolicyText: |\n${body}`;
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'packsmith-guard-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
/** A pack repository with one Guard rule: its policy in a .guard file or inline. */
async function repository(how: 'file' | 'inline', policy: string): Promise<string> {
  const dir = join(root, `repo-${++counter}`);
  await mkdir(join(dir, 'packs', 'rules'), { recursive: true });
  await mkdir(join(dir, 'packs', 'policies'), { recursive: true });
  await writeFile(
    join(dir, 'packs', 'guarded.yaml'),
    'kind: pack\nname: guarded\ndescription: One Guard rule.\nrules:\n  - s3-versioning\n',
  );
  const source =
    how === 'file'
      ? '  guard:\n    file: ../policies/s3-versioning.guard\n'
      : `  guard:\n    policy: |\n${policy
          .split('\n')
          .map((l) => (l ? `      ${l}` : ''))
          .join('\n')}`;
  await writeFile(
    join(dir, 'packs', 'rules', 's3-versioning.yaml'),
    `kind: rule\nname: s3-versioning\ndescription: Buckets keep versions.\nsource:\n${source}\nscope:\n  resourceTypes: [AWS::S3::Bucket]\n`,
  );
  if (how === 'file') await writeFile(join(dir, 'packs', 'policies', 's3-versioning.guard'), policy);
  return dir;
}

interface JsonReport {
  diagnostics: Array<{
    checkId: string;
    message: string;
    location?: { file: string; line: number; column: number };
  }>;
}

describe('the engine message', () => {
  it('gives line, column (at the fragment, past the blanks) and a one-line message', () => {
    const stderr =
      'Error occurred Parser Error when parsing `Parsing Error Error parsing file  at line 3 at column 49, when handling expecting either a property access "engine.core" or value like "string" or ["this", "that"], fragment  "Enabled\n}\n`\n';
    const error = parseGuardError(stderr);
    expect(error).toMatchObject({ line: 3, column: 50 });
    expect(error.message).toBe(
      'expecting either a property access "engine.core" or value like "string" or ["this", "that"] at `"Enabled`',
    );
    expect(parseGuardError('something else\nentirely')).toEqual({
      line: 1,
      column: 1,
      message: 'something else entirely',
    });
  });
});

describe('Guard 3-only constructs (PS161)', () => {
  it('finds built-in function calls and the is_null / is_float operators', () => {
    const policy = [
      'let buckets = Resources.*[ Type == "AWS::S3::Bucket" ]',
      'let n = count(%buckets)',
      'rule r when %n > 0 {',
      '  configuration.name is_null',
      '  configuration.size !is_float',
      '}',
    ].join('\n');
    expect(guard3Constructs(policy)).toEqual([
      { what: 'the function count()', line: 2, column: 9 },
      { what: 'the operator is_null', line: 4, column: 22 },
      { what: 'the operator is_float', line: 5, column: 22 },
    ]);
  });

  it('ignores comments, strings and regular expressions, and Guard 2 syntax', () => {
    const policy = [
      '# count(x) is Guard 3',
      'let allowed = ["count(", "is_null"]',
      'rule r when resourceType == "AWS::S3::Bucket" {',
      '  configuration.name == /join\\(/ <<no to_upper( here>>',
      '  configuration.tags[*].key in %allowed',
      '}',
    ].join('\n');
    expect(guard3Constructs(policy)).toEqual([]);
  });

  it('is reported as a warning located in the file, without the engine', async () => {
    const text =
      'Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      Source:\n        Owner: CUSTOM_POLICY\n        CustomPolicyDetails:\n          PolicyRuntime: guard-2.x.x\n          PolicyText: |\n            let n = count(configuration.tags)\n            rule r { %n > 0 }\n';
    const source = parseYamlSource('t.yaml', text, { cloudFormation: true });
    const result = await checkGuardPolicies(templatePolicies(source), 'off');
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        checkId: v3Id,
        severity: 'warning',
        location: { file: 't.yaml', line: 10, column: 21 },
      }),
    ]);
    expect(result.status).toEqual({ ran: false, reason: 'cfn-guard is off (--cfn-guard off)' });
  });
});

describe('positions inside YAML scalars', () => {
  it('maps a block scalar line by line and a quoted one-line scalar from its start', () => {
    const text = 'a: |\n  line one\n  line two\nb: "rule r { x == 1 }"\n';
    const source = parseYamlSource('x.yaml', text);
    expect(scalarPolicy(source, ['a'], 'line one\nline two\n').locate(2, 3)).toEqual({
      file: 'x.yaml',
      line: 3,
      column: 5,
    });
    expect(scalarPolicy(source, ['b'], 'rule r { x == 1 }').locate(1, 10)).toEqual({
      file: 'x.yaml',
      line: 4,
      column: 14,
    });
  });
});

describe(`Guard policies parsed by cfn-guard${needsGuard}`, () => {
  it.skipIf(!guard.available)(
    'a .guard file with an unterminated string fails build and validate at its line and column',
    async () => {
      const dir = await repository('file', brokenPolicy);
      const build = await runCli(['build', '-o', join(dir, 'build')], { cwd: dir });
      expect(build.code).toBe(1);
      expect(build.stderr).toContain(`packs/policies/s3-versioning.guard:3:51  error  ${syntaxId}`);
      expect(build.stderr).toContain('the Guard policy does not parse');
      expect(existsSync(join(dir, 'build'))).toBe(false);

      const validate = await runCli(['validate', '--format', 'json', '--cfn-lint', 'off', 'packs'], {
        cwd: dir,
      });
      expect(validate.code).toBe(1);
      const report = JSON.parse(validate.stdout) as JsonReport;
      expect(report.diagnostics.filter((d) => d.checkId === syntaxId)).toEqual([
        expect.objectContaining({
          location: { file: 'packs/policies/s3-versioning.guard', line: 3, column: 51 },
        }),
      ]);
    },
  );

  it.skipIf(!guard.available)(
    'the same policy inline in a rule block is located in the rule block',
    async () => {
      const dir = await repository('inline', brokenPolicy);
      const build = await runCli(['build', '-o', join(dir, 'build')], { cwd: dir });
      expect(build.code).toBe(1);
      // `policy: |` is line 6 of the rule block; the policy's line 3 is line 9, indented 6.
      expect(build.stderr).toContain(`packs/rules/s3-versioning.yaml:9:57  error  ${syntaxId}`);
      const validate = await runCli(['validate', '--format', 'json', '--cfn-lint', 'off', 'packs'], {
        cwd: dir,
      });
      expect(validate.code).toBe(1);
      const report = JSON.parse(validate.stdout) as JsonReport;
      expect(report.diagnostics.map((d) => [d.checkId, d.location])).toContainEqual([
        syntaxId,
        { file: 'packs/rules/s3-versioning.yaml', line: 9, column: 57 },
      ]);
    },
  );

  it.skipIf(!guard.available)(
    'the same policy as PolicyText of a hand-written template is located in it',
    async () => {
      const dir = join(root, `template-${++counter}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'pack.yaml'), handWrittenTemplate());
      const r = await runCli(['validate', '--format', 'json', '--cfn-lint', 'off', 'pack.yaml'], {
        cwd: dir,
      });
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout) as JsonReport;
      // `PolicyText: |` is line 15; the policy's line 3 is line 18, indented 12.
      expect(report.diagnostics.filter((d) => d.checkId === syntaxId).map((d) => d.location)).toEqual([
        { file: 'pack.yaml', line: 18, column: 63 },
      ]);
    },
  );

  it.skipIf(!guard.available)('import reports the PolicyText error at the template line', async () => {
    const dir = join(root, `import-${++counter}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'pack.yaml'), handWrittenTemplate());
    const r = await runCli(['import', '--into', 'packs', 'pack.yaml'], { cwd: dir });
    expect(r.stderr).toContain(`pack.yaml:18:63  error  ${syntaxId}`);
  });

  it.skipIf(!guard.available)("the example packs' Guard policy parses", async () => {
    const r = await runCli(
      ['validate', '--format', 'json', '--cfn-lint', 'off', '--cfn-guard', 'require', 'packs'],
      {
        cwd: packageRoot(),
      },
    );
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.diagnostics.filter((d) => d.checkId === syntaxId)).toEqual([]);
    expect(r.stderr).not.toContain('cfn-guard');
  });

  it.skipIf(!guard.available || !haveWild)(
    `the 11 Guard rules of the wild packs parse with no error${haveWild ? '' : ' [skipped: ../shared/samples/wild-conformance-packs is not present]'}`,
    async () => {
      const policies = readdirSync(wild)
        .filter((f) => /\.ya?ml$/.test(f))
        .flatMap((f) =>
          templatePolicies(parseYamlSource(f, readFileSync(join(wild, f), 'utf8'), { cloudFormation: true })),
        );
      expect(policies).toHaveLength(11);
      const result = await checkGuardPolicies(policies, 'require');
      expect(result.status).toMatchObject({ ran: true, policies: 11 });
      expect(result.diagnostics.filter((d) => d.checkId === syntaxId)).toEqual([]);
    },
  );
});

describe('a missing engine', () => {
  const missing = { PACKSMITH_CFN_GUARD: join(tmpdir(), 'no-such-cfn-guard') };

  it('is a visible notice in auto mode, an error (exit 1) with --cfn-guard require', async () => {
    const dir = await repository('file', brokenPolicy);
    const auto = await runCli(['build', '-o', join(dir, 'build')], { cwd: dir, env: missing });
    expect(auto.code).toBe(0);
    expect(auto.stderr).toMatch(
      /packsmith: cfn-guard does not work .*1 Guard policy was not parsed; install it/,
    );

    const validate = await runCli(['validate', '--cfn-lint', 'off', 'packs'], { cwd: dir, env: missing });
    expect(validate.code).toBe(0);
    expect(validate.stderr).toContain('1 Guard policy was not parsed');

    for (const command of [
      ['build', '-o', join(dir, 'build2'), '--cfn-guard', 'require'],
      ['validate', '--cfn-lint', 'off', '--cfn-guard', 'require', 'packs'],
    ]) {
      const r = await runCli(command, { cwd: dir, env: missing });
      expect(r.code, command[0]).toBe(1);
      expect(r.stderr).toContain('cfn-guard is required (--cfn-guard require)');
    }
  });

  it('is not looked for with --cfn-guard off', async () => {
    const dir = await repository('file', brokenPolicy);
    const r = await runCli(['build', '-o', join(dir, 'build'), '--cfn-guard', 'off'], {
      cwd: dir,
      env: missing,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('cfn-guard');
  });
});

describe(`packsmith test${needsGuard}`, () => {
  interface TestReport {
    ok: boolean;
    cases: Array<{
      rule: string;
      case: string;
      expected: string;
      actual?: string;
      ok: boolean;
      error?: string;
    }>;
    summary: { cases: number; passed: number; failed: number };
  }

  it.skipIf(!guard.available)('evaluates the example Guard rule cases through cfn-guard', async () => {
    const r = await runCli(['test', '--format', 'json'], { cwd: packageRoot() });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as TestReport;
    expect(report.ok).toBe(true);
    // Three rules, a compliant and a non-compliant item each: a .guard file and an inline policy.
    expect(report.cases.map((c) => [c.rule, c.case, c.actual])).toEqual([
      ['cloud-trail-cloudwatch-logs', 'a trail that delivers to a log group', 'COMPLIANT'],
      ['cloud-trail-cloudwatch-logs', 'a trail without a log group', 'NON_COMPLIANT'],
      ['iam-user-no-inline-policies', 'a user without inline policies', 'COMPLIANT'],
      ['iam-user-no-inline-policies', 'a user with an inline policy', 'NON_COMPLIANT'],
      ['iam-user-no-inline-policies', 'another resource type', 'NOT_APPLICABLE'],
      ['s3-bucket-owner-tag', 'a bucket with its owner', 'COMPLIANT'],
      ['s3-bucket-owner-tag', 'a bucket without an owner tag', 'NON_COMPLIANT'],
    ]);
    expect(report.cases.every((c) => c.ok)).toBe(true);
  });

  it.skipIf(!guard.available)('exits 1 and names the case whose expected verdict is wrong', async () => {
    const dir = join(root, `test-${++counter}`);
    await cp(join(packageRoot(), 'packs'), join(dir, 'packs'), { recursive: true });
    const file = join(dir, 'packs', 'rules', 'iam-user-no-inline-policies.yaml');
    await writeFile(file, readFileSync(file, 'utf8').replace('expect: COMPLIANT', 'expect: NON_COMPLIANT'));
    const r = await runCli(['test', 'iam-baseline'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'FAIL iam-user-no-inline-policies › a user without inline policies: expected NON_COMPLIANT, got COMPLIANT  packs/rules/iam-user-no-inline-policies.yaml:11:9',
    );
    expect(r.stderr).toContain('3 case(s): 2 passed, 1 failed');

    const junit = await runCli(['test', 'iam-baseline', '--format', 'junit'], { cwd: dir });
    expect(junit.code).toBe(1);
    // junit-10.xsd: <testsuites> carries only name, time, tests, failures, disabled, errors.
    expect(junit.stdout).toContain('<testsuites name="packsmith" tests="3" failures="1" errors="0">');
    expect(junit.stdout).toContain(
      '<testcase name="a user without inline policies" classname="iam-user-no-inline-policies">\n      <failure message="expected NON_COMPLIANT, got COMPLIANT" type="verdict">',
    );
    expect(junit.stdout.match(/<testcase /g)).toHaveLength(3);
    expect(junit10Problems(junit.stdout)).toEqual([]);
  });

  it.skipIf(!guard.available)(
    'a case whose item file is missing or outside the repository fails',
    async () => {
      const dir = await repository(
        'file',
        'rule r when resourceType == "AWS::S3::Bucket" { configuration.x exists }\n',
      );
      const file = join(dir, 'packs', 'rules', 's3-versioning.yaml');
      await writeFile(
        file,
        readFileSync(file, 'utf8').replace(
          '    file: ../policies/s3-versioning.guard\n',
          [
            '    file: ../policies/s3-versioning.guard',
            '    tests:',
            '      - { name: missing, file: ../policies/none.json, expect: COMPLIANT }',
            '      - { name: outside, file: ../../../outside.json, expect: COMPLIANT }',
            '      - { name: both, file: ../policies/x.json, item: {}, expect: COMPLIANT }',
            '',
          ].join('\n'),
        ),
      );
      await writeFile(join(root, 'outside.json'), '{"resourceType": "AWS::S3::Bucket"}');
      const r = await runCli(['test', '--format', 'json'], { cwd: dir });
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout) as TestReport;
      expect(report.cases.map((c) => [c.case, c.ok, c.error])).toEqual([
        ['missing', false, expect.stringMatching(/^the configuration item file "..\/policies\/none.json" /)],
        ['outside', false, expect.stringMatching(/leads outside the repository/)],
        ['both', false, 'give the configuration item inline (item) or as a file (file), exactly one of them'],
      ]);
    },
  );

  it('needs the engine, and a name that exists', async () => {
    const missing = { PACKSMITH_CFN_GUARD: join(tmpdir(), 'no-such-cfn-guard') };
    const r = await runCli(['test'], { cwd: packageRoot(), env: missing });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('packsmith test needs cfn-guard');
    const unknown = await runCli(['test', 'no-such-pack'], { cwd: packageRoot() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no pack or rule named "no-such-pack"');
  });
});
