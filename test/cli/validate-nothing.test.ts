/**
 * `packsmith validate` never reports "no problems" for a run that checked nothing: a path that does
 * not exist and a folder without any template or authoring file are usage errors (exit 2), so a CI
 * job pointed at the wrong place fails.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'packsmith-validate-nothing-'));
  mkdirSync(join(dir, 'packs'));
  mkdirSync(join(dir, 'empty'));
  mkdirSync(join(dir, 'other'));
  writeFileSync(join(dir, 'other', 'notes.yaml'), 'just: some settings\n');
  writeFileSync(join(dir, 'other', 'README.md'), '# nothing to check\n');
  writeFileSync(
    join(dir, 'packs', 'r.yaml'),
    'kind: rule\nname: r\nsource:\n  managed: S3_BUCKET_VERSIONING_ENABLED\n',
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const validate = (...args: string[]) => runCli(['validate', ...args, '--cfn-lint', 'off'], { cwd: dir });

describe('[10] validate with nothing to check', () => {
  it('[10] a mistyped path is a usage error with "did you mean" over the names beside it', async () => {
    const { code, stdout, stderr } = await validate('pakcs');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('pakcs: no such file or folder (did you mean packs?)');
    expect(stderr).not.toMatch(/no problems/);
  });

  it('[10] an empty folder is a usage error naming the extensions looked for', async () => {
    const { code, stdout, stderr } = await validate('empty');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'empty: no conformance pack template or packsmith authoring file to check (looked for *.yaml, *.yml, *.json, *.template files with Resources or a kind)',
    );
  });

  it('[10] a folder holding only other YAML files is the same error', async () => {
    const { code, stderr } = await validate('other');
    expect(code).toBe(2);
    expect(stderr).toContain('other: no conformance pack template or packsmith authoring file to check');
  });

  it('[10] a folder with an authoring file is still checked', async () => {
    const { code, stdout } = await validate('packs');
    expect(code).toBe(0);
    expect(stdout).toMatch(/1 file/);
  });
});
