/**
 * Authoring checks that need a repository of their own: two blocks or packs sharing a name
 * (PS102), Guard custom policies (PS122), long rule names (PS127) and values longer than the API
 * allows (PS129). `packsmith build --format json` reports each once, with its id and severity, at
 * the file:line:column to fix; a value within its limit is not reported.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { limits } from '../../src/facts/limits.js';
import { runCli } from '../support/cli.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'packsmith-block-checks-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Writes `files` (path below the repository → lines) into the repository. */
function write(files: Record<string, string | string[]>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), Array.isArray(text) ? [...text, ''].join('\n') : text);
  }
}

interface Reported {
  checkId: string;
  severity: string;
  message: string;
  location?: { file: string; line: number; column: number };
}

/** `packsmith build` in the repository: its exit code and each diagnostic as `id severity file:line:column`. */
async function build(): Promise<{ code: number; found: string[]; diagnostics: Reported[] }> {
  const { code, stdout, stderr } = await runCli(['build', '--format', 'json', '--out', 'built'], {
    cwd: root,
  });
  if (!stdout) throw new Error(stderr);
  const diagnostics = (JSON.parse(stdout) as { diagnostics: Reported[] }).diagnostics;
  const found = diagnostics.map(
    (d) => `${d.checkId} ${d.severity} ${d.location?.file}:${d.location?.line}:${d.location?.column}`,
  );
  return { code, found, diagnostics };
}

/** A diagnostic as `build` lists it, e.g. `PS102 error packs/rules/b.yaml:2:7`. */
const check = (id: string, severity: 'error' | 'warning') => (place: string) => `${id} ${severity} ${place}`;

const rule = (name: string, identifier = 'S3_BUCKET_VERSIONING_ENABLED') => [
  'kind: rule',
  `name: ${name}`,
  'source:',
  `  managed: ${identifier}`,
];

describe('PS102 duplicate-block', () => {
  const duplicate = check('PS102', 'error');

  it('reports the second of two rule blocks, remediation blocks or packs sharing a name, at its name', async () => {
    write({
      'packs/rules/a.yaml': rule('versioning'),
      'packs/rules/b.yaml': rule('versioning', 'ENCRYPTED_VOLUMES'),
      'packs/remediations/a.yaml': [
        'kind: remediation',
        'name: fix',
        'rule: versioning',
        'runbook: AWS-ConfigureS3BucketVersioning',
        'parameters:',
        '  BucketName: { resourceId: true }',
      ],
      'packs/remediations/b.yaml': [
        'kind: remediation',
        'name: fix',
        'rule: versioning',
        'runbook: AWS-ConfigureS3BucketVersioning',
        'parameters:',
        '  BucketName: { resourceId: true }',
      ],
      'packs/one.yaml': ['kind: pack', 'name: baseline', 'rules: [versioning]'],
      'packs/two.yaml': ['kind: pack', 'name: baseline', 'rules: [versioning]'],
    });
    const { code, found, diagnostics } = await build();
    expect(code).toBe(1);
    expect(found).toEqual([
      duplicate('packs/remediations/b.yaml:2:7'),
      duplicate('packs/rules/b.yaml:2:7'),
      duplicate('packs/two.yaml:2:7'),
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      'remediation block "fix" is already defined at packs/remediations/a.yaml:2:7',
      'rule block "versioning" is already defined at packs/rules/a.yaml:2:7',
      'pack "baseline" is already defined at packs/one.yaml:2:7',
    ]);
  });
});

describe('PS122 guard-policy', () => {
  const guard = check('PS122', 'error');
  const guardRule = (name: string, fields: string[]) => [
    'kind: rule',
    `name: ${name}`,
    'source:',
    '  guard:',
    ...fields.map((f) => `    ${f}`),
    'scope:',
    '  resourceTypes: [AWS::IAM::User]',
  ];

  it('reports a policy given twice, missing, unreadable, empty or over the AWS limit, where it is written', async () => {
    write({
      'packs/rules/both.yaml': guardRule('both', [
        'policy: "rule r { configuration.a exists }"',
        'file: ok.guard',
      ]),
      'packs/rules/neither.yaml': guardRule('neither', ['debugLogDelivery: true']),
      'packs/rules/missing.yaml': guardRule('missing', ['file: missing.guard']),
      'packs/rules/empty-inline.yaml': guardRule('empty-inline', ['policy: "  "']),
      'packs/rules/empty-file.yaml': guardRule('empty-file', ['file: empty.guard']),
      'packs/rules/long.yaml': guardRule('long', ['file: long.guard']),
      'packs/rules/at-limit.yaml': guardRule('at-limit', ['file: at-limit.guard']),
      'packs/rules/ok.guard': 'rule ok { configuration.userName exists }\n',
      'packs/rules/empty.guard': '\n',
      'packs/rules/long.guard': 'x'.repeat(limits.guardPolicyTextLength + 1),
      // A comment only: a policy that parses (PS160 has its own tests in test/validation/guard.test.ts).
      'packs/rules/at-limit.guard': '#'.repeat(limits.guardPolicyTextLength),
      'packs/guarded.yaml': ['kind: pack', 'name: guarded', 'rules: [at-limit]'],
    });
    const { code, found, diagnostics } = await build();
    expect(code).toBe(1);
    expect(found).toEqual([
      guard('packs/rules/both.yaml:4:3'),
      guard('packs/rules/empty-file.yaml:5:11'),
      guard('packs/rules/empty-inline.yaml:5:13'),
      guard('packs/rules/long.yaml:5:11'),
      guard('packs/rules/missing.yaml:5:11'),
      guard('packs/rules/neither.yaml:4:3'),
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      'give the Guard policy inline (policy) or as a file (file), not both',
      'the Guard policy is empty',
      'the Guard policy is empty',
      `the Guard policy has ${limits.guardPolicyTextLength + 1} characters; AWS allows at most ${limits.guardPolicyTextLength}`,
      expect.stringMatching(/^cannot read the Guard policy file "missing.guard": it /),
      'a Guard custom policy needs its policy text (policy) or a .guard file (file)',
    ]);
  });
});

describe('PS127 rule-name-length', () => {
  const long = check('PS127', 'warning');
  const over = 'r'.repeat(limits.ruleNameRecommendedLength + 1);
  const atLimit = 'a'.repeat(limits.ruleNameRecommendedLength);

  it('warns about a block name or ruleName longer than recommended, and builds anyway', async () => {
    write({
      'packs/rules/by-name.yaml': rule(over),
      'packs/rules/by-rule-name.yaml': [...rule('short'), `ruleName: ${over}x`],
      'packs/rules/at-limit.yaml': [...rule('at-limit'), `ruleName: ${atLimit}`],
      'packs/baseline.yaml': ['kind: pack', 'name: baseline', `rules: [${over}, short, at-limit]`],
    });
    const { code, found, diagnostics } = await build();
    expect(code).toBe(0);
    expect(found).toEqual([long('packs/rules/by-name.yaml:2:7'), long('packs/rules/by-rule-name.yaml:5:11')]);
    expect(diagnostics[0]!.message).toBe(
      `rule name "${over}" has ${over.length} characters; keep it to ${limits.ruleNameRecommendedLength}`,
    );
  });
});

describe('PS129 value-length', () => {
  const tooLong = check('PS129', 'error');
  const value = 'v'.repeat(limits.inputParameterValueLength + 1);
  const staticValue = 's'.repeat(limits.staticValueLength + 1);

  it('reports an input value, an exposed default, a pack parameter default and a static remediation value over their limits', async () => {
    write({
      'packs/rules/tags.yaml': [...rule('tags', 'REQUIRED_TAGS'), 'parameters:', `  tag1Key: ${value}`],
      'packs/rules/exposed.yaml': [
        ...rule('exposed', 'REQUIRED_TAGS'),
        'parameters:',
        '  tag1Key:',
        '    expose: TagKey',
        `    default: ${value}`,
      ],
      'packs/rules/fits.yaml': [
        ...rule('fits', 'REQUIRED_TAGS'),
        'parameters:',
        `  tag1Key: ${value.slice(1)}`,
      ],
      'packs/remediations/fix.yaml': [
        'kind: remediation',
        'name: fix',
        'rule: tags',
        'runbook: AWS-EnableS3BucketEncryption',
        'parameters:',
        '  BucketName: { resourceId: true }',
        `  SSEAlgorithm: ${staticValue}`,
      ],
      'packs/baseline.yaml': [
        'kind: pack',
        'name: baseline',
        'parameters:',
        '  Owner:',
        `    default: ${value}`,
        'rules: [tags, exposed, fits]',
        'remediations: [fix]',
      ],
    });
    const { code, found, diagnostics } = await build();
    expect(code).toBe(1);
    // A rule input this long also makes InputParameters too long (PS128), a different limit; the
    // built template's own checks (PS205, PS220) see the same long values and are not reported again.
    expect(found.filter((f) => /^PS(205|220) /.test(f))).toEqual([]);
    expect(found.filter((f) => f.startsWith('PS129 '))).toEqual([
      tooLong('packs/baseline.yaml:5:14'),
      tooLong('packs/remediations/fix.yaml:7:17'),
      tooLong('packs/rules/exposed.yaml:8:14'),
      tooLong('packs/rules/tags.yaml:6:12'),
    ]);
    expect(diagnostics.filter((d) => d.checkId === 'PS129').map((d) => d.message)).toEqual([
      `the default of pack parameter "Owner" has ${value.length} characters; at most ${limits.inputParameterValueLength} are allowed`,
      `a static value of "SSEAlgorithm" has ${staticValue.length} characters; at most ${limits.staticValueLength} are allowed`,
      `the value of "tag1Key" has ${value.length} characters; at most ${limits.inputParameterValueLength} are allowed`,
      `the value of "tag1Key" has ${value.length} characters; at most ${limits.inputParameterValueLength} are allowed`,
    ]);
  });
});
