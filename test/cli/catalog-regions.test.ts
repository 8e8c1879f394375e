import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ManagedRule } from '../../src/catalog/types.js';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { runCli } from '../support/cli.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
function scratch(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'packsmith-cli-regions-'));
  temps.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
const plain = scratch();
const run = (args: string[], cwd = plain) => runCli(['catalog', ...args], { cwd });
const listed = (stdout: string) =>
  (JSON.parse(stdout) as { rules: ManagedRule[] }).rules.map((r) => r.identifier);

describe('catalog show: Region availability (issue 14)', () => {
  it('says compactly where the rule is unavailable, or that it is everywhere', async () => {
    const root = await run(['show', 'ROOT_ACCOUNT_MFA_ENABLED']);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/^ {2}regions: +unavailable in: .*cn-north-1.*us-gov-west-1$/m);
    const cloudfront = await run(['show', 'CLOUDFRONT_VIEWER_POLICY_HTTPS']);
    expect(cloudfront.stdout).toMatch(/^ {2}regions: +only in: us-east-1$/m);
    const everywhere = loadCatalog()
      .rules()
      .find((r) => r.availability?.unavailable?.length === 0) as ManagedRule;
    const all = await run(['show', everywhere.identifier]);
    expect(all.stdout).toMatch(/^ {2}regions: +all 38 documented Regions$/m);
    const json = JSON.parse((await run(['show', 'ROOT_ACCOUNT_MFA_ENABLED', '--format', 'json'])).stdout) as {
      rule: ManagedRule;
    };
    expect(json.rule.availability?.unavailable).toContain('us-gov-west-1');
    expect(json.rule.provenance.availability).toMatch(/^c2hans\/aws-docs@/);
  });
});

describe('catalog list --region', () => {
  it('cn-north-1 lists only rules documented there', async () => {
    const r = await run(['list', '--region', 'cn-north-1', '--format', 'json']);
    expect(r.code).toBe(0);
    const ids = listed(r.stdout);
    const catalog = loadCatalog();
    expect(ids.length).toBeGreaterThan(100);
    expect(ids.length).toBeLessThan(catalog.rules().length - 400);
    for (const id of ids) expect(catalog.availability(id, 'cn-north-1')).toBe('available');
    expect(ids).not.toContain('ROOT_ACCOUNT_MFA_ENABLED');
    expect(ids).not.toContain('ACCOUNT_PART_OF_ORGANIZATIONS');
    const east = listed((await run(['list', '--region', 'us-east-1', '--format', 'json'])).stdout);
    expect(east).toContain('ROOT_ACCOUNT_MFA_ENABLED');
    expect(east).toContain('CLOUDFRONT_VIEWER_POLICY_HTTPS');
  });

  it('a Region without data keeps every rule (unknown is not unavailable) and says so', async () => {
    const r = await run(['list', '--region', 'us-isob-east-1', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(listed(r.stdout)).toHaveLength(802);
    expect(r.stderr).toMatch(/no availability data for us-isob-east-1/);
  });

  it('a malformed Region, or --region with --runbooks, is a usage error', async () => {
    expect((await run(['list', '--region', 'Narnia'])).code).toBe(2);
    expect((await run(['list', '--runbooks', '--region', 'us-east-1'])).code).toBe(2);
  });

  it('a catalog extension declares availability for a new rule', async () => {
    const repo = scratch({
      'packs/catalog.yaml': [
        'kind: catalog',
        'rules:',
        '  - identifier: ORG_NEW_MANAGED_RULE',
        '    availability:',
        '      unavailable: [us-gov-west-1]',
        '',
      ].join('\n'),
    });
    const gov = listed(
      (await run(['list', '--region', 'us-gov-west-1', '--format', 'json', '--root', repo])).stdout,
    );
    expect(gov).not.toContain('ORG_NEW_MANAGED_RULE');
    const east = listed(
      (await run(['list', '--region', 'us-east-1', '--format', 'json', '--root', repo])).stdout,
    );
    expect(east).toContain('ORG_NEW_MANAGED_RULE');
    const show = await run(['show', 'ORG_NEW_MANAGED_RULE', '--root', repo]);
    expect(show.stdout).toMatch(/^ {2}regions: +unavailable in: us-gov-west-1$/m);
  });
});
