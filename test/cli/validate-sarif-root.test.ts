/** `validate --sarif-root`: paths relative to the repository root when validate runs in a subfolder. */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';

function monorepo(): string {
  const repo = mkdtempSync(join(tmpdir(), 'ps-sarif-root-'));
  mkdirSync(join(repo, 'infra'));
  cpSync(join(packageRoot(), 'packs'), join(repo, 'infra', 'packs'), { recursive: true });
  return repo;
}

type Log = {
  runs: Array<{
    results: Array<{ locations?: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
  }>;
};
const uris = (stdout: string) =>
  (JSON.parse(stdout) as Log).runs[0]!.results.flatMap((r) =>
    (r.locations ?? []).map((l) => l.physicalLocation.artifactLocation.uri),
  );

describe('validate --sarif-root', () => {
  it('gives paths from the root, and refuses a root that does not hold the files', async () => {
    const repo = monorepo();
    const cwd = join(repo, 'infra');
    // A finding to place: a rule with an unknown managed identifier.
    writeFileSync(
      join(cwd, 'packs', 'rules', 'bad.yaml'),
      'kind: rule\nname: bad\nsource: { managed: S3_NOT_A_RULE }\n',
    );
    const args = ['validate', '--format', 'sarif', '--cfn-lint', 'off'];
    const plain = await runCli(args, { cwd });
    expect(uris(plain.stdout)).toContain('packs/rules/bad.yaml');
    const rooted = await runCli([...args, '--sarif-root', '..'], { cwd });
    expect(uris(rooted.stdout)).toContain('infra/packs/rules/bad.yaml');
    expect(uris(rooted.stdout).every((u) => u.startsWith('infra/'))).toBe(true);
    const outside = await runCli([...args, '--sarif-root', 'packs/rules'], { cwd });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('is outside it');
  });
});
