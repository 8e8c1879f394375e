/**
 * Issue 9, items 9 and 10: user-supplied patterns are evaluated in linear time, and plain values
 * whose meaning depends on the YAML version (or that lose digits) are located errors in authoring
 * files, located warnings in templates, and imported as written.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ambiguousScalars } from '../../src/source/yaml-scalars.js';
import { parseYamlSource } from '../../src/source/yaml-source.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'packsmith-values-'));
/** Per-test hang guard: the unbounded engine took minutes on these inputs. */
const hangGuard = 20_000;
const evil = '(a|aa)+b';
const fortyFourAs = 'a'.repeat(44);

interface Diag {
  checkId: string;
  severity: string;
  message: string;
  fix?: string;
  location?: { file: string; line: number; column: number };
}

async function validateJson(dir: string): Promise<{ code: number; diagnostics: Diag[] }> {
  const r = await runCli(['validate', '--format', 'json', '--cfn-lint', 'off', dir]);
  try {
    return { code: r.code, diagnostics: (JSON.parse(r.stdout) as { diagnostics: Diag[] }).diagnostics };
  } catch {
    throw new Error(r.stdout + '\n---\n' + r.stderr);
  }
}

/** A template with one parameter, referenced by a rule's input. */
const parameterTemplate = (definition: string) => `Parameters:
  Owner:
    Type: String
${definition}
Resources:
  Rule:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: grantee
      Source:
        Owner: AWS
        SourceIdentifier: S3_BUCKET_POLICY_GRANTEE_CHECK
      InputParameters:
        awsPrincipals:
          Ref: Owner
`;

function templateDir(text: string): string {
  const dir = tmp();
  writeFileSync(join(dir, 'pack.yaml'), text);
  return dir;
}

/** A pack repository with one rule block and one manifest; returns the root. */
function repository(rule: string, manifestExtra = ''): string {
  const root = tmp();
  mkdirSync(join(root, 'packs/rules'), { recursive: true });
  writeFileSync(
    join(root, 'packs/rules/grantee.yaml'),
    `kind: rule
name: grantee
source:
  managed: S3_BUCKET_POLICY_GRANTEE_CHECK
${rule}`,
  );
  writeFileSync(
    join(root, 'packs/pack.yaml'),
    `kind: pack
name: values
rules:
  - grantee
${manifestExtra}`,
  );
  return root;
}

async function build(root: string) {
  return runCli(['build', '--root', root, '--out', join(root, 'build'), '--format', 'json']);
}

describe('[9] user-supplied patterns are evaluated in linear time', () => {
  // Load the commands once, so the timings below measure the checks, not module loading.
  beforeAll(async () => {
    await validateJson(templateDir(parameterTemplate('    Default: x')));
    await build(repository(''));
  }, 120_000);

  it(
    '[9] validate of an AllowedPattern (a|aa)+b with a 44-character default finishes and reports the mismatch',
    async () => {
      const dir = templateDir(
        parameterTemplate(`    AllowedPattern: '${evil}'\n    Default: ${fortyFourAs}`),
      );
      const started = Date.now();
      const { code, diagnostics } = await validateJson(dir);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(code).toBe(1);
      const mismatch = diagnostics.filter((d) => d.checkId === 'PS205');
      expect(mismatch).toHaveLength(1);
      expect(mismatch[0]!.message).toBe('the Default of Owner does not match its AllowedPattern');
      expect(mismatch[0]!.location).toMatchObject({ file: expect.stringMatching(/pack\.yaml$/), line: 5 });
    },
    hangGuard,
  );

  it(
    '[9] validate accepts a default the same pattern matches, as a whole value',
    async () => {
      const ok = await validateJson(
        templateDir(parameterTemplate(`    AllowedPattern: '${evil}'\n    Default: aab`)),
      );
      expect(ok.diagnostics.filter((d) => d.checkId === 'PS205' || d.checkId === 'PS136')).toEqual([]);
      // Whole-value semantics: a match inside the value is not enough.
      const partial = await validateJson(
        templateDir(parameterTemplate(`    AllowedPattern: '${evil}'\n    Default: aabx`)),
      );
      expect(partial.diagnostics.map((d) => d.checkId)).toContain('PS205');
    },
    hangGuard,
  );

  it(
    '[9] build with a pack parameter pattern (a|aa)+b and a 44-character default finishes with a located error',
    async () => {
      const root = repository(
        'parameters:\n  awsPrincipals:\n    expose: Owner\n',
        `parameters:\n  Owner:\n    default: ${fortyFourAs}\n    pattern: '${evil}'\n`,
      );
      const started = Date.now();
      const r = await build(root);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('PS117');
      expect(r.stdout).toContain(`must match the pattern ${evil}`);
      expect(r.stdout).toMatch(/packs\/pack\.yaml",\s*"line": 7,/);
    },
    hangGuard,
  );

  it(
    '[9] build with a rule parameter pattern (a|aa)+b and a 44-character default finishes with a located error',
    async () => {
      const root = repository(
        `parameters:\n  awsPrincipals:\n    expose: Owner\n    default: ${fortyFourAs}\n    pattern: '${evil}'\n`,
      );
      const started = Date.now();
      const r = await build(root);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`must match the pattern ${evil}`);
    },
    hangGuard,
  );

  it('[9] a backreference pattern gives a located warning in validate, not an error', async () => {
    const dir = templateDir(parameterTemplate(`    AllowedPattern: '(a)\\1'\n    Default: aa`));
    const { code, diagnostics } = await validateJson(dir);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(code).toBe(0);
    const warning = diagnostics.find((d) => d.checkId === 'PS136');
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toMatch(/could not be checked offline.*backreference/);
    expect(warning?.location).toMatchObject({ line: 4, column: 21 });
  });

  it('[9] a lookahead pattern gives a located warning in build, and the build succeeds', async () => {
    const root = repository(
      'parameters:\n  awsPrincipals:\n    expose: Owner\n',
      `parameters:\n  Owner:\n    default: abc\n    pattern: '(?=a)abc'\n`,
    );
    const r = await build(root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PS136');
    expect(r.stdout).toMatch(/lookahead or lookbehind/);
  });

  it('[9] a pattern that does not compile stays an error', async () => {
    const { code, diagnostics } = await validateJson(
      templateDir(parameterTemplate(`    AllowedPattern: '(a'\n    Default: a`)),
    );
    expect(code).toBe(1);
    expect(diagnostics.find((d) => d.checkId === 'PS205')?.message).toMatch(/not a valid regular expression/);
  });
});

/** Each kind of ambiguous plain scalar, with a part of the message it must produce. */
const ambiguous: ReadonlyArray<[text: string, says: RegExp]> = [
  ['012345678901', /the number 12345678901, YAML 1\.1 \(CloudFormation\) the text "012345678901"/],
  ['0755', /octal number 493/],
  ['017', /octal number 15/],
  ['0o17', /the text "0o17"/],
  ['0x1F', /the number 31/],
  ['9007199254740993', /9007199254740992/],
  ['1.00000000000000001', /more digits than a number keeps/],
  ['.inf', /no text form/],
  ['-.inf', /no text form/],
  ['.nan', /no text form/],
  ['yes', /boolean true/],
  ['no', /boolean false/],
  ['on', /boolean true/],
  ['Off', /boolean false/],
  ['NO', /boolean false/],
  ['1:30', /base-60/],
  ['1_000', /the number 1000/],
];

describe('[10] values whose meaning depends on the YAML version', () => {
  it('[10] each ambiguous plain scalar in an authoring file is a located error of build, with the quoted advice', async () => {
    for (const [text, says] of [...ambiguous, ['y', /boolean true/] as const]) {
      const root = repository(`parameters:\n  awsPrincipals: ${text}\n`);
      const r = await build(root);
      expect(r.code, text).toBe(1);
      const report = JSON.parse(r.stdout) as { diagnostics: Diag[] };
      const found = report.diagnostics.filter((d) => d.checkId === 'PS137');
      expect(found, text).toHaveLength(1);
      expect(found[0]!.severity).toBe('error');
      expect(found[0]!.message, text).toMatch(says);
      expect(found[0]!.fix).toBe(`Quote it as it is written: '${text}'.`);
      expect(found[0]!.location).toMatchObject({
        file: expect.stringMatching(/packs\/rules\/grantee\.yaml$/),
        line: 6,
        column: 18,
      });
      // Nothing else is reported at the same place (no cascade into a schema or type error).
      expect(report.diagnostics.filter((d) => d.location?.line === 6)).toHaveLength(1);
    }
  }, 60_000);

  it('[10] the same values quoted build, and keep their text in the template', async () => {
    const root = repository(`parameters:\n  awsPrincipals: '012345678901'\n`);
    const r = await build(root);
    expect(r.code).toBe(0);
    expect(readFileSync(join(root, 'build/values.yaml'), 'utf8')).toContain('awsPrincipals: "012345678901"');
  });

  it('[10] each ambiguous plain scalar in a template is a located warning of validate with the text as written', async () => {
    for (const [text, says] of ambiguous) {
      const dir = templateDir(parameterTemplate(`    Default: ${text}`));
      const { code, diagnostics } = await validateJson(dir);
      expect(
        diagnostics.filter((d) => d.severity === 'error'),
        text,
      ).toEqual([]);
      expect(code, text).toBe(0);
      const found = diagnostics.filter((d) => d.checkId === 'PS138');
      expect(found, text).toHaveLength(1);
      expect(found[0]!.severity).toBe('warning');
      expect(found[0]!.message, text).toMatch(says);
      expect(found[0]!.fix).toContain(`'${text}'`);
      expect(found[0]!.location).toMatchObject({ line: 4, column: 14 });
    }
  }, 60_000);

  it("[10] an account id in InputParameters gets the advice '012345678901', not '12345678901'", async () => {
    const dir = templateDir(
      parameterTemplate('    Default: x')
        .replace('          Ref: Owner', '')
        .replace('awsPrincipals:', 'awsPrincipals: 012345678901'),
    );
    const { diagnostics } = await validateJson(dir);
    const advice = diagnostics.filter(
      (d) => d.message.includes('12345678901') || d.fix?.includes('12345678901'),
    );
    expect(advice.map((d) => d.checkId)).toEqual(['PS138']);
    expect(advice[0]!.fix).toContain("'012345678901'");
    expect(JSON.stringify(advice)).not.toContain("'12345678901'");
  });

  it('[10] import writes an ambiguous template value as the text it was written with, and warns', async () => {
    const dir = templateDir(parameterTemplate('    Default: 012345678901'));
    const into = join(tmp(), 'packs');
    const r = await runCli(['import', join(dir, 'pack.yaml'), '--into', into]);
    expect(r.code).toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/PS138.*012345678901|012345678901[\s\S]*PS138/);
    const written = readdirSync(into, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => readFileSync(join(into, f), 'utf8'))
      .join('\n');
    expect(written).toContain("'012345678901'");
    expect(written).not.toMatch(/[^0']12345678901/);
    // The written files build (no PS137: the value is quoted).
    const b = await runCli(['build', '--root', join(into, '..'), '--out', join(into, '../build')]);
    expect(b.code).toBe(0);
  });

  it('[10] quoted, tagged, block and key scalars are not ambiguous; plain ones in flow lists and short-form tags are', () => {
    const source = parseYamlSource(
      't.yaml',
      [
        "a: '0755'",
        'b: !!str 0755',
        'c: |',
        '  yes',
        '0755: key',
        'd: [1, 0x1F, 90]',
        'e: !If [c, yes, "no"]',
        'f: 1.0',
        'g: 9007199254740991',
        '',
      ].join('\n'),
      { cloudFormation: true },
    );
    expect(ambiguousScalars(source).map((a) => [a.path, a.text])).toEqual([
      [['d', 1], '0x1F'],
      [['e', 'Fn::If', 1], 'yes'],
    ]);
  });
});

describe('[10] the quick scan before the walk', () => {
  it('[10] finds each ambiguous scalar wherever a plain value can stand: after a comment with a tab, CRLF, flow maps and lists, list items, after other text', () => {
    const places: ReadonlyArray<(v: string) => string> = [
      (v) => `a: ${v}\n`,
      (v) => `a: ${v}\t# note\n`,
      (v) => `a: ${v} # note\n`,
      (v) => `a: ${v}\r\nb: 1\r\n`,
      (v) => `a: {b: ${v}, c: 1}\n`,
      (v) => `a: [x,${v}]\n`,
      (v) => `a:\n  - ${v}\n`,
      (v) => `a: "x, y"\nb: 'it''s'\nc:\t${v}\n`,
      (v) => `a: ${v}   \n`,
    ];
    for (const [text] of ambiguous) {
      for (const place of places) {
        const yaml = place(text);
        const found = ambiguousScalars(parseYamlSource('t.yaml', yaml, { cloudFormation: true }));
        expect(
          found.map((a) => a.text),
          JSON.stringify(yaml),
        ).toEqual([text]);
      }
    }
  });
});

const samples = join(packageRoot(), '../shared/samples/aws-conformance-packs');
describe.skipIf(!existsSync(samples))("[10] AWS's 122 sample packs", () => {
  it('[10] have no ambiguous plain value (no new warning, no new error)', () => {
    const files = readdirSync(samples);
    expect(files).toHaveLength(122);
    const found = files.flatMap((f) =>
      ambiguousScalars(
        parseYamlSource(f, readFileSync(join(samples, f), 'utf8'), { cloudFormation: true }),
      ).map((a) => `${f}: ${a.text}`),
    );
    expect(found).toEqual([]);
  }, 60_000);
});
