/**
 * Files a pack names (Guard policy files, pack templates, authoring files) are read only when they
 * are regular files inside the pack repository and within their size limit; files given to
 * validate and import are regular files within the size AWS can deploy. Nothing outside the
 * repository is ever read, echoed or written, and nothing hangs on a FIFO or a device.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inputFileLimits } from '../../src/facts/limits.js';
import { readRealFile, readUserFile } from '../../src/source/read-file.js';
import { runCli, type CliResult } from '../support/cli.js';

/** Distinctive fake secrets: they must appear nowhere packsmith writes. */
const envSecret = 'FAKEENVSECRET-9q7w3e5r1t';
const fileSecret = 'FAKEFILESECRET-x8c6v4b2n0';

let base: string;
let root: string;
let outside: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'packsmith-containment-'));
  root = join(base, 'repo');
  outside = join(base, 'elsewhere');
  mkdirSync(join(root, 'packs', 'rules'), { recursive: true });
  mkdirSync(join(root, 'packs', 'policies'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.guard'), `rule leak { ${fileSecret} exists }\n# ${fileSecret}\n`);
  writeFileSync(join(outside, 'pack.yaml.hbs'), `# ${fileSecret}\n{{#each}}\nResources: {{${fileSecret}}}\n`);
  writeFileSync(join(root, 'packs', 'policies', 'ok.guard'), 'rule ok { configuration.userName exists }\n');
});

afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

function guardRule(file: string): void {
  writeFileSync(
    join(root, 'packs', 'rules', 'guarded.yaml'),
    [
      'kind: rule',
      'name: guarded',
      'source:',
      '  guard:',
      `    file: ${JSON.stringify(file)}`,
      'scope:',
      '  resourceTypes: [AWS::IAM::User]',
      '',
    ].join('\n'),
  );
}

function pack(template?: string): void {
  writeFileSync(
    join(root, 'packs', 'baseline.yaml'),
    [
      'kind: pack',
      'name: baseline',
      ...(template === undefined ? [] : [`template: ${JSON.stringify(template)}`]),
      'rules:',
      '  - guarded',
      '',
    ].join('\n'),
  );
}

const build = (format = 'text'): Promise<CliResult> =>
  runCli(['build', '--format', format], { cwd: root, env: { AWS_SECRET_ACCESS_KEY: envSecret } });

/** Everything the run wrote: its output and every file under the repository. */
function everythingWritten(result: CliResult): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return [result.stdout, result.stderr, ...files].join('\n');
}

function expectNoSecret(result: CliResult): void {
  const written = everythingWritten(result);
  expect(written).not.toContain(envSecret);
  expect(written).not.toContain(fileSecret);
  expect(written).not.toContain('rule leak');
  expect(existsSync(join(root, 'build'))).toBe(false);
}

const mkfifo = (path: string): void => {
  execFileSync('mkfifo', [path]);
};

describe('files a pack names', () => {
  it('[1] a Guard file: /proc/self/environ is a located error and no credential reaches any output', async () => {
    guardRule('/proc/self/environ');
    pack();
    for (const format of ['text', 'json']) {
      const result = await build(format);
      expect(result.code).toBe(1);
      expect(result[format === 'json' ? 'stdout' : 'stderr']).toMatch(
        /packs\/rules\/guarded\.yaml:5:11.*PS103|"checkId": "PS103"/s,
      );
      expect(result.stdout + result.stderr).toContain('outside the repository');
      expectNoSecret(result);
      // Nothing of the process environment (read from the file) is written either.
      expect(everythingWritten(result)).not.toMatch(/\bPATH=/);
    }
  });

  it('[1] a Guard file: given as an absolute path outside the repository is refused, its text shipped nowhere', async () => {
    guardRule(join(outside, 'secret.guard'));
    pack();
    const result = await build();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('packs/rules/guarded.yaml:5:11');
    expect(result.stderr).toMatch(
      /PS103.*the Guard policy file ".*secret\.guard" leads outside the repository/,
    );
    expect(result.stderr).toContain('Move the Guard policy file inside the repository');
    expectNoSecret(result);
  });

  it('[1] a symbolic link inside the repository to a Guard file outside it is refused', async () => {
    symlinkSync(join(outside, 'secret.guard'), join(root, 'packs', 'policies', 'linked.guard'));
    guardRule('../policies/linked.guard');
    pack();
    const result = await build();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /packs\/rules\/guarded\.yaml:5:11.*PS103.*"\.\.\/policies\/linked\.guard" leads outside the repository/,
    );
    expectNoSecret(result);
  });

  it('[1] a Guard file inside the repository is read and shipped as before', async () => {
    guardRule('../policies/ok.guard');
    pack();
    const result = await build();
    expect(result.stderr).toContain('0 error(s)');
    expect(result.code).toBe(0);
    expect(readFileSync(join(root, 'build', 'baseline.yaml'), 'utf8')).toContain(
      'configuration.userName exists',
    );
  });

  it('[1] a Guard file over the byte size AWS’s 10,000-character limit allows is refused unread', async () => {
    writeFileSync(
      join(root, 'packs', 'policies', 'big.guard'),
      'x'.repeat(inputFileLimits.guardPolicyFileBytes + 1),
    );
    guardRule('../policies/big.guard');
    pack();
    const result = await build();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /guarded\.yaml:5:11.*PS103.*is 40001 bytes, over the limit of 40000 bytes; AWS accepts a Guard policy of at most 10000 characters/,
    );
  });

  it('[1] a symbolic link under packs/ to an authoring file or folder outside the repository is a located error', async () => {
    guardRule('../policies/ok.guard');
    pack();
    writeFileSync(join(outside, 'stray.yaml'), `kind: rule\nname: stray\ndescription: ${fileSecret}\n`);
    symlinkSync(join(outside, 'stray.yaml'), join(root, 'packs', 'rules', 'stray.yaml'));
    symlinkSync(outside, join(root, 'packs', 'shared'));
    const result = await build();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/packs\/rules\/stray\.yaml:1:1.*PS103.*symbolic link leads outside/);
    expect(result.stderr).toMatch(/packs\/shared:1:1.*PS103.*symbolic link leads outside/);
    expectNoSecret(result);
  });

  it('[1] an authoring file read through a packs/ folder that leads outside the repository is refused', async () => {
    rmSync(join(root, 'packs'), { recursive: true });
    mkdirSync(join(outside, 'packs'));
    writeFileSync(join(outside, 'packs', 'p.yaml'), `kind: pack\nname: p\nrules: []\n# ${fileSecret}\n`);
    symlinkSync(join(outside, 'packs'), join(root, 'packs'));
    const result = await build();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /packs\/p\.yaml:1:1.*PS103.*the authoring file leads outside the repository/,
    );
    expectNoSecret(result);
  });

  it('[2] template: /dev/zero ends quickly with a located error', { timeout: 15_000 }, async () => {
    guardRule('../policies/ok.guard');
    pack('/dev/zero');
    const result = await build();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/packs\/baseline\.yaml:3:11.*PS103.*"\/dev\/zero"/);
  });

  it(
    '[2] a FIFO as template: and as a Guard file: ends quickly with located errors',
    { timeout: 15_000 },
    async () => {
      mkfifo(join(root, 'packs', 'pipe.hbs'));
      mkfifo(join(root, 'packs', 'policies', 'pipe.guard'));
      guardRule('../policies/pipe.guard');
      pack('pipe.hbs');
      const result = await build();
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /guarded\.yaml:5:11.*PS103.*"\.\.\/policies\/pipe\.guard" is not a regular file \(a FIFO\).*A regular file is needed/s,
      );
      // The Guard error stops composition of the pack, so its template is checked with a good rule.
      guardRule('../policies/ok.guard');
      const again = await build();
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(
        /baseline\.yaml:3:11.*PS103.*"pipe\.hbs" is not a regular file \(a FIFO\)/,
      );
    },
  );

  it('[2] a template: outside the repository is refused without echoing its lines', async () => {
    guardRule('../policies/ok.guard');
    pack(join(outside, 'pack.yaml.hbs'));
    const result = await build();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /baseline\.yaml:3:11.*PS103.*the pack template ".*pack\.yaml\.hbs" leads outside/,
    );
    expect(result.stderr).not.toContain('#each');
    expectNoSecret(result);
  });

  it('[2] a symbolic link in the repository to a template outside it is refused', async () => {
    symlinkSync(join(outside, 'pack.yaml.hbs'), join(root, 'packs', 'pack.yaml.hbs'));
    guardRule('../policies/ok.guard');
    pack('pack.yaml.hbs');
    const result = await build();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/baseline\.yaml:3:11.*PS103.*leads outside the repository/);
    expectNoSecret(result);
  });
});

describe('files given to validate and import', () => {
  it('[2] validate of a FIFO ends with a clear usage error', { timeout: 15_000 }, async () => {
    mkfifo(join(base, 'pipe.yaml'));
    const result = await runCli(['validate', '--cfn-lint', 'off', join(base, 'pipe.yaml')], { cwd: base });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pipe.yaml is not a regular file (a FIFO)');
  });

  it('[2] validate of /dev/zero ends with a clear usage error', { timeout: 15_000 }, async () => {
    const result = await runCli(['validate', '--cfn-lint', 'off', '/dev/zero'], { cwd: base });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a regular file (a device)');
  });

  it(
    '[3] validate of a 50 MB template is a located error at file:1:1, not parsed',
    { timeout: 30_000 },
    async () => {
      const line = '  R: { Type: AWS::Config::ConfigRule, Properties: { Source: { Owner: AWS } } }\n';
      const text = `Resources:\n${line.repeat(Math.ceil((50 * 1024 * 1024) / line.length))}`;
      writeFileSync(join(base, 'huge.yaml'), text);
      const result = await runCli(['validate', '--cfn-lint', 'off', 'huge.yaml'], { cwd: base });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(
        /huge\.yaml\n\s+1:1\s+error\s+PS103\s+this file is \d+ bytes, over the limit of 307200 bytes; AWS deploys no conformance pack template over 307200 bytes \(300 KB\), so this one cannot be deployed and was not parsed\n\s+fix: Split the pack/,
      );
      expect(result.stdout).toContain('1 error, 0 warnings, 0 suppressed in 1 file');
    },
  );

  it(
    '[3] import of a template over 300 KB is a located error and imports nothing; a FIFO is a usage error',
    { timeout: 30_000 },
    async () => {
      writeFileSync(join(base, 'big.yaml'), `Resources: {}\n#${'x'.repeat(inputFileLimits.templateBytes)}\n`);
      const result = await runCli(['import', 'big.yaml', '--into', 'packs'], { cwd: base });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/big\.yaml:1:1.*PS103.*cannot be deployed/);
      expect(existsSync(join(base, 'packs'))).toBe(false);

      mkfifo(join(base, 'pipe.yaml'));
      const fifo = await runCli(['import', 'pipe.yaml', '--into', 'packs'], { cwd: base });
      expect(fifo.code).toBe(2);
      expect(fifo.stderr).toContain('pipe.yaml is not a regular file (a FIFO)');
    },
  );
});

describe('readUserFile', () => {
  it('[1] reads at most the limit even when a file reports a size of 0 (/proc/self/environ)', () => {
    const read = readUserFile('/proc/self/environ', { purpose: 'test file', maxBytes: 8 });
    expect(read).toMatchObject({ ok: false, reason: 'too-large' });
    expect(JSON.stringify(read)).not.toMatch(/=/);
  });

  it('[1] refuses a file outside the root after following links, and reads one inside', () => {
    symlinkSync(join(outside, 'secret.guard'), join(root, 'link.guard'));
    const options = { purpose: 'test file', maxBytes: 1000, root };
    const refused = readUserFile(join(root, 'link.guard'), options);
    expect(refused).toMatchObject({ ok: false, reason: 'outside' });
    expect(JSON.stringify(refused)).not.toContain(fileSecret);
    const inside = readUserFile(join(root, 'packs', 'policies', 'ok.guard'), options);
    expect(inside).toMatchObject({ ok: true, text: 'rule ok { configuration.userName exists }\n' });
    expect(readUserFile(join(root, 'nothing.guard'), options)).toMatchObject({
      ok: false,
      reason: 'missing',
    });
  });

  it('[1] readRealFile (a path a folder walk found free of links) refuses a file swapped for a link since', () => {
    // loadRepository reads the files its walk listed without resolving each again: should one have
    // become a link to a file outside since, the open refuses it rather than following it.
    const path = join(root, 'packs', 'policies', 'ok.guard');
    const options = { purpose: 'test file', maxBytes: 1000 };
    expect(readRealFile(path, options)).toMatchObject({ ok: true, realPath: path });
    rmSync(path);
    symlinkSync(join(outside, 'secret.guard'), path);
    const refused = readRealFile(path, options);
    expect(refused).toMatchObject({ ok: false, reason: 'unreadable' });
    expect(JSON.stringify(refused)).not.toContain(fileSecret);
  });
});
