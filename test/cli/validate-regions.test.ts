/**
 * Issue 14: `validate --region` and `build --region` warn (PS230) at each managed rule AWS does not
 * document in a named Region, at the rule block's line (or the template's); unknown Regions stay quiet.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleRegion } from '../../src/validation/checks/rule-region.js';
import { runCli } from '../support/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'packsmith-validate-regions-'));
  mkdirSync(join(dir, 'packs', 'rules'), { recursive: true });
  writeFileSync(
    join(dir, 'packs', 'rules', 'root-mfa.yaml'),
    'kind: rule\nname: root-mfa\nsource:\n  managed: ROOT_ACCOUNT_MFA_ENABLED\n',
  );
  writeFileSync(
    join(dir, 'packs', 'rules', 'versioning.yaml'),
    'kind: rule\nname: versioning\nsource:\n  managed: S3_BUCKET_VERSIONING_ENABLED\n',
  );
  writeFileSync(
    join(dir, 'packs', 'base.yaml'),
    'kind: pack\nname: base\nrules:\n  - root-mfa\n  - versioning\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const validate = (...args: string[]) => runCli(['validate', ...args, '--cfn-lint', 'off'], { cwd: dir });
const id = ruleRegion.meta.id;
interface Found {
  checkId: string;
  severity: string;
  message: string;
  location: { file: string; line: number };
}
const found = (stdout: string): Found[] =>
  (JSON.parse(stdout) as { diagnostics: Found[] }).diagnostics.filter((d) => d.checkId === id);

describe(`${id} rule-unavailable-in-region`, () => {
  it('validate --region: a warning at the rule block naming the rule and the Region, only there', async () => {
    const r = await validate('packs', '--region', 'us-east-1', 'us-gov-west-1', '--format', 'json');
    expect(r.code).toBe(0);
    const hits = found(r.stdout);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      severity: 'warning',
      location: { file: 'packs/rules/root-mfa.yaml', line: 4 },
    });
    expect(hits[0]?.message).toMatch(/^ROOT_ACCOUNT_MFA_ENABLED is not available in us-gov-west-1 /);
    expect(hits[0]?.message).not.toContain('us-east-1');
  });

  it('without --region, in a Region where every rule exists, or one without data: no warning', async () => {
    expect((await validate('packs')).stdout).not.toContain(id);
    expect((await validate('packs', '--region', 'us-east-1')).stdout).not.toContain(id);
    expect((await validate('packs', '--region', 'us-isob-east-1')).stdout).not.toContain(id);
  });

  it('--strict makes it fail; a malformed Region is a usage error', async () => {
    expect((await validate('packs', '--region', 'cn-north-1', '--strict')).code).toBe(1);
    expect((await validate('packs', '--region', 'Gov')).code).toBe(2);
  });

  it('a template: the warning is at the template line', async () => {
    writeFileSync(
      join(dir, 't.yaml'),
      [
        'Resources:',
        '  RootMfa:',
        '    Type: AWS::Config::ConfigRule',
        '    Properties:',
        '      ConfigRuleName: root-mfa',
        '      Source:',
        '        Owner: AWS',
        '        SourceIdentifier: ROOT_ACCOUNT_MFA_ENABLED',
        '',
      ].join('\n'),
    );
    const r = await validate('t.yaml', '--region', 'cn-north-1', 'cn-northwest-1', '--format', 'json');
    const hits = found(r.stdout);
    expect(hits.map((h) => [h.location.file, h.location.line])).toEqual([['t.yaml', 8]]);
    expect(hits[0]?.message).toContain('not available in cn-north-1, cn-northwest-1');
  });

  it('build --region reports the same warning and still writes the templates', async () => {
    const r = await runCli(['build', '--region', 'us-gov-west-1', '--cfn-guard', 'off'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/packs\/rules\/root-mfa\.yaml:4:\d+ +warning +PS230 .*us-gov-west-1/);
    expect(readFileSync(join(dir, 'build', 'base.yaml'), 'utf8')).toContain('ROOT_ACCOUNT_MFA_ENABLED');
  });
});
