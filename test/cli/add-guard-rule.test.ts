/**
 * `add rule --guard NAME --resource-type TYPE`: the scaffold builds, and its test cases pass through
 * the real engine as written; a wrong sample makes `packsmith test` fail and name the case.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';
import { tool } from '../support/tools.js';

function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ps-guard-rule-'));
  cpSync(join(packageRoot(), 'packs'), join(dir, 'packs'), { recursive: true });
  return dir;
}

const args = ['add', 'rule', '--guard', 'volume-owner', '--resource-type', 'AWS::EC2::Volume'];

describe('add rule --guard', () => {
  it('writes the policy, two samples and the rule block with its cases, adds it to the pack, and builds', async () => {
    const dir = repository();
    const added = await runCli([...args, '--pack', 's3-data-protection'], { cwd: dir });
    expect(added.code, added.stderr).toBe(0);
    for (const file of [
      'packs/rules/volume-owner.yaml',
      'packs/policies/volume-owner.guard',
      'packs/policies/tests/volume-owner/compliant.json',
      'packs/policies/tests/volume-owner/non-compliant.json',
    ]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    const block = parse(readFileSync(join(dir, 'packs/rules/volume-owner.yaml'), 'utf8')) as {
      source: { guard: { tests: Array<{ expect: string }> } };
      scope: { resourceTypes: string[] };
    };
    expect(block.source.guard.tests.map((t) => t.expect)).toEqual([
      'COMPLIANT',
      'NON_COMPLIANT',
      'NOT_APPLICABLE',
    ]);
    expect(block.scope.resourceTypes).toEqual(['AWS::EC2::Volume']);
    expect(readFileSync(join(dir, 'packs/s3-data-protection.yaml'), 'utf8')).toContain('volume-owner');
    const build = await runCli(['build'], { cwd: dir });
    expect(build.code, build.stderr).toBe(0);
    expect(readFileSync(join(dir, 'build/s3-data-protection.yaml'), 'utf8')).toContain('AWS::EC2::Volume');
  });

  it('refuses an identifier with --guard, a bad resource type, and an existing block (exit 2, 2, 1)', async () => {
    const dir = repository();
    expect(
      (await runCli(['add', 'rule', 'S3_BUCKET_VERSIONING_ENABLED', ...args.slice(2)], { cwd: dir })).code,
    ).toBe(2);
    const bad = await runCli(['add', 'rule', '--guard', 'x', '--resource-type', 'EC2 Volume'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--resource-type');
    const clash = await runCli(
      ['add', 'rule', '--guard', 's3-bucket-owner-tag', '--resource-type', 'AWS::S3::Bucket'],
      {
        cwd: dir,
      },
    );
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('already exists');
  });

  const guard = tool('cfn-guard');
  it.skipIf(!guard.available)(
    `its cases pass through cfn-guard as written, and a wrong sample fails by name${guard.available ? '' : ` (skipped: ${guard.reason})`}`,
    async () => {
      const dir = repository();
      expect((await runCli(args, { cwd: dir })).code).toBe(0);
      const ok = await runCli(['test', 'volume-owner'], { cwd: dir });
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(ok.stdout + ok.stderr).toContain('3 passed, 0 failed');
      writeFileSync(
        join(dir, 'packs/policies/tests/volume-owner/compliant.json'),
        JSON.stringify({ resourceType: 'AWS::EC2::Volume', configuration: {}, tags: {} }),
      );
      const failed = await runCli(['test', 'volume-owner'], { cwd: dir });
      expect(failed.code).toBe(1);
      expect(failed.stdout + failed.stderr).toMatch(/volume-owner › a compliant item/);
    },
  );
});
