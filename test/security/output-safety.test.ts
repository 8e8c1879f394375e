/**
 * What packsmith writes stays packsmith's: text from AWS or from files reaches the terminal only
 * sanitised (control characters and bidi overrides shown escaped, CSV cells never formulas), pack
 * templates cannot call a helper that writes anywhere, and `build` writes all of its outputs or none.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { CreateAccountCommand, ListAccountsCommand } from '@aws-sdk/client-organizations';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors.js';
import { nodeOutputFs, writeAllOrNothing, type OutputFs } from '../../src/cli/run/write-outputs.js';
import { jsonDocument } from '../../src/cli/output.js';
import { formatRolloutSummary } from '../../src/cli/rollout-summary.js';
import { table } from '../../src/cli/run/table.js';
import { compileOptions } from '../../src/generator/render.js';
import { csvField } from '../../src/rollout/compliance.js';
import { githubCommand } from '../../src/report/validation/github.js';
import type { AccountState } from '../../src/rollout/tracker.js';
import { motoSkipNote, motoStatus, organizationsClient } from '../support/moto.js';
import { startRolloutFixture } from '../support/rollout-fixture.js';
import { runCli } from '../support/cli.js';
import { defaultTemplates } from '../support/templates.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'packsmith-output-safety-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const defaultLayout = readFileSync(defaultTemplates().defaultPackTemplate, 'utf8');

/** A repository with packs `names`, each of one managed rule, the first rendered by `layout` if given. */
function repository(names: string[], layout?: string): void {
  mkdirSync(join(dir, 'packs/rules'), { recursive: true });
  writeFileSync(
    join(dir, 'packs/rules/versioning.yaml'),
    'kind: rule\nname: s3-bucket-versioning-enabled\nsource:\n  managed: S3_BUCKET_VERSIONING_ENABLED\n',
  );
  names.forEach((name, i) => {
    const template = layout !== undefined && i === 0 ? 'template: layout.yaml.hbs\n' : '';
    writeFileSync(
      join(dir, `packs/${name}.yaml`),
      `kind: pack\nname: ${name}\n${template}rules:\n  - s3-bucket-versioning-enabled\n`,
    );
  });
  if (layout !== undefined) writeFileSync(join(dir, 'packs/layout.yaml.hbs'), layout);
}

/** Line and column (1-based) of the first occurrence of `needle` in `text`. */
function position(text: string, needle: string): { line: number; column: number } {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

describe('[12] pack templates cannot call helpers that write', () => {
  const withLayout = (insert: string) => defaultLayout.replace('\nResources:\n', `\n${insert}\nResources:\n`);

  it('[12] {{#if (log …)}} in a custom template is refused, located, and writes nothing to stdout', async () => {
    const layout = withLayout('{{#if (log "LOGGED-BY-TEMPLATE")}}{{/if}}');
    repository(['baseline'], layout);
    const result = await runCli(['build', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('LOGGED-BY-TEMPLATE');
    const doc = JSON.parse(result.stdout) as {
      ok: boolean;
      diagnostics: Array<{ message: string; location: { file: string; line: number; column: number } }>;
    };
    expect(doc.ok).toBe(false);
    const at = position(layout, '(log');
    expect(doc.diagnostics).toContainEqual(
      expect.objectContaining({
        message: expect.stringMatching(/\(log\)/) as unknown,
        location: expect.objectContaining({ file: 'packs/layout.yaml.hbs', ...at }) as unknown,
      }),
    );
    expect(existsSync(join(dir, 'build'))).toBe(false);
  });

  it('[12] a (log …) in a hash argument, inside a block with block parameters, is refused and located', async () => {
    const layout = withLayout(
      '{{#each rules as |r|}}{{foo bar=(log "Y-BY-TEMPLATE")}}{{comment r.ruleName x=(log "Z-BY-TEMPLATE")}}{{/each}}',
    );
    repository(['baseline'], layout);
    const result = await runCli(['build', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).not.toMatch(/[YZ]-BY-TEMPLATE/);
    const doc = JSON.parse(result.stdout) as {
      diagnostics: Array<{ message: string; location: { line: number; column: number } }>;
    };
    const located = doc.diagnostics.map((d) => ({ ...d.location, log: /\(log\)/.test(d.message) }));
    expect(located).toContainEqual(expect.objectContaining({ ...position(layout, '(log "Y'), log: true }));
    expect(located).toContainEqual(expect.objectContaining({ ...position(layout, '(log "Z'), log: true }));
  });

  it('[12] lookup, partials, decorators and nested subexpressions are refused at any depth', async () => {
    const layout = withLayout(
      [
        '{{#with (str (lookup @root "constructor"))}}{{/with}}',
        '{{#unless x}}{{else if (str (str (log "deep")))}}{{/unless}}',
        '{{#*inline "p"}}x{{/inline}}',
        '{{> p}}',
      ].join('\n'),
    );
    repository(['baseline'], layout);
    const result = await runCli(['build', '--format', 'json'], { cwd: dir });
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout) as { diagnostics: Array<{ message: string }> };
    const messages = doc.diagnostics.map((d) => d.message).join('\n');
    expect(messages).toMatch(/\(lookup\)/);
    expect(messages).toMatch(/\(log\)/);
    expect(messages).toMatch(/partials and decorators/);
  });

  it('[12] the compiler itself knows no helper but packsmith’s and the block helpers', () => {
    for (const text of ['{{#if (log "X")}}{{/if}}', '{{str (lookup this "x")}}', '{{unknown x}}']) {
      expect(() => Handlebars.precompile(text, compileOptions('yaml')), text).toThrow(/knownHelpersOnly/);
    }
    expect(() => Handlebars.precompile('{{#if x}}{{str y}}{{/if}}', compileOptions('yaml'))).not.toThrow();
  });
});

describe('[15] build writes all of its outputs or none', () => {
  /** The real file system, except that the `n`th write (1-based) fails with `code`. */
  function failingWrite(n: number, code: string): OutputFs {
    let writes = 0;
    return {
      ...nodeOutputFs,
      writeFile: async (path, content, encoding) => {
        writes += 1;
        if (writes === n) {
          await nodeOutputFs.writeFile(path, '', encoding); // the partial file a full disk leaves
          throw Object.assign(new Error(`${code}: write failed`), { code });
        }
        return nodeOutputFs.writeFile(path, content, encoding);
      },
    };
  }

  it('[15] a full disk on the second write leaves the previous outputs and no temporary file', async () => {
    const out = join(dir, 'build');
    mkdirSync(out);
    writeFileSync(join(out, 'a.yaml'), 'old a\n');
    writeFileSync(join(out, 'b.yaml'), 'old b\n');
    const files = ['a', 'b', 'c'].map((n) => ({ path: join(out, `${n}.yaml`), content: `new ${n}\n` }));
    const error = await writeAllOrNothing(out, files, failingWrite(2, 'ENOSPC')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(1);
    expect((error as Error).message).toMatch(
      /cannot write .*b\.yaml: no space left on the device \(ENOSPC\)/,
    );
    expect((error as Error).message).toMatch(/nothing was written.*Free some space/);
    expect((await readdir(out)).sort()).toEqual(['a.yaml', 'b.yaml']);
    expect(readFileSync(join(out, 'a.yaml'), 'utf8')).toBe('old a\n');
    expect(readFileSync(join(out, 'b.yaml'), 'utf8')).toBe('old b\n');

    // With room on the disk, the same call replaces all three.
    expect(await writeAllOrNothing(out, files)).toEqual([false, false, false]);
    expect((await readdir(out)).sort()).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
    expect(await writeAllOrNothing(out, files)).toEqual([true, true, true]);
  });

  it('[15] an output folder that cannot be created is a failure naming the folder', async () => {
    const denied: OutputFs = {
      ...nodeOutputFs,
      mkdir: () => Promise.reject(Object.assign(new Error('EACCES: denied'), { code: 'EACCES' })),
    };
    const out = join(dir, 'locked/build');
    const error = await writeAllOrNothing(out, [{ path: join(out, 'a.yaml'), content: 'a\n' }], denied).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(1);
    expect((error as Error).message).toMatch(
      /cannot create the output folder .*locked\/build: permission denied \(EACCES\); choose a writable folder with --out/,
    );
    expect(existsSync(join(dir, 'locked'))).toBe(false);
  });

  it('[15] --out naming an existing file is a usage error naming the path, nothing written', async () => {
    repository(['baseline']);
    writeFileSync(join(dir, 'taken'), 'not a folder\n');
    const result = await runCli(['build', '--out', 'taken'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('packsmith: the output folder taken is a file');
    expect(result.stderr).toContain('--out');
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect(readFileSync(join(dir, 'taken'), 'utf8')).toBe('not a folder\n');
  });

  it('[15] an output path taken by a folder fails before any pack is written', async () => {
    repository(['alpha', 'beta']);
    mkdirSync(join(dir, 'build/beta.yaml'), { recursive: true });
    const result = await runCli(['build'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/packsmith: cannot write build\/beta\.yaml: it is a folder \(EISDIR\)/);
    expect(result.stderr).not.toMatch(/unexpected error/);
    expect((await readdir(join(dir, 'build'))).sort()).toEqual(['beta.yaml']);
  });

  it.skipIf(process.getuid?.() === 0)(
    '[15] an output folder that is not writable gives a clear message and exit 1',
    async () => {
      repository(['baseline']);
      mkdirSync(join(dir, 'build'));
      chmodSync(join(dir, 'build'), 0o555);
      try {
        const result = await runCli(['build'], { cwd: dir });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/cannot write build\/baseline\.yaml: permission denied \(EACCES\)/);
        expect(result.stderr).not.toMatch(/unexpected error/);
      } finally {
        chmodSync(join(dir, 'build'), 0o755);
      }
      expect(await readdir(join(dir, 'build'))).toEqual([]);
    },
  );
});

/** An account name that sets the window title, rings the bell, clears the screen and flips the line. */
const hostileName = 'evil\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202egnp.exe';
/** Any character that must not reach a terminal raw: C0 but LF, DEL, C1, bidi controls. */
// eslint-disable-next-line no-control-regex
const rawControl = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex
const packsmithColour = /\u001b\[\d+m/g;

describe('[11] text from AWS or from files never reaches the terminal raw', () => {
  const account: AccountState = {
    id: '111122223333',
    name: hostileName,
    ouPath: 'Root/\u001b[2JOU',
    state: 'failed',
    status: 'CREATE_FAILED',
    errorCode: 'Bad\u0007Code',
    errorMessage: 'line one\n\u001b]0;owned\u0007line two',
  } as AccountState;
  const counts = {
    pending: 0,
    'in-progress': 0,
    succeeded: 0,
    failed: 1,
    'not-reported': 0,
    suspended: 0,
    joined: 0,
    'outside-targets': 0,
    excluded: 0,
  } as unknown as Parameters<typeof formatRolloutSummary>[0]['counts'];

  it('[11] the rollout summary shows escapes visibly and keeps packsmith’s own colours', () => {
    const input = {
      pack: 'p',
      region: 'us-east-1',
      operation: 'create' as const,
      accounts: [account],
      counts,
      outcome: 'failed' as const,
    };
    const coloured = formatRolloutSummary({ ...input, color: true });
    expect(coloured).toMatch(packsmithColour);
    expect(coloured.replace(packsmithColour, '')).not.toMatch(rawControl);
    const plain = formatRolloutSummary({ ...input, color: false });
    expect(plain).not.toMatch(rawControl);
    expect(plain).toContain('evil\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202egnp.exe');
    // A line break in an AWS message does not start a line of its own.
    expect(plain).toContain('    line one\\x0a\\x1b]0;owned\\x07line two');
  });

  it('[11] table cells are sanitised and stay on their line', () => {
    const text = table(
      ['account', 'name'],
      [
        ['1', hostileName],
        ['2', 'a\nb\tc'],
      ],
    );
    expect(text).not.toMatch(rawControl);
    expect(text.split('\n')).toHaveLength(3);
    expect(text).toContain('a\\x0ab\\x09c');
  });

  it('[11] JSON output escapes DEL, C1 and bidirectional controls and reads back the same', () => {
    const value = { name: `${hostileName}\u007f\u2066\u2028` };
    const doc = jsonDocument('test', value);
    expect(doc).not.toMatch(rawControl);
    expect(doc).not.toMatch(/[\u2028\u2029]/);
    expect(doc).toContain('\\u001b]0;pwned\\u0007');
    expect((JSON.parse(doc) as typeof value).name).toBe(value.name);
  });

  it('[11] CSV cells that a spreadsheet would run as formulas are neutralised', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(['+1', '-1+2', '@SUM(A1)', '\tx'].map(csvField)).toEqual(["'+1", "'-1+2", "'@SUM(A1)", "'\tx"]);
    expect(csvField('COMPLIANT')).toBe('COMPLIANT');
  });

  it('[11] GitHub annotations (whose log renders ANSI) carry no raw control character', () => {
    const line = githubCommand({
      checkId: 'PS210',
      severity: 'error',
      message: `rule ${hostileName}`,
      fix: 'fix \u001b[2J it',
      location: { file: 'packs/\u001b[2J.yaml', line: 1, column: 1 },
    });
    expect(line).not.toMatch(rawControl);
    expect(line).toContain('rule evil\\x1b]0;pwned\\x07');
    expect(line).toContain('file=packs/\\x1b[2J.yaml');
  });

  it('[11] an error message that quotes user input is sanitised (end to end)', async () => {
    repository(['baseline']);
    const result = await runCli(['build', 'base\u001b[2J\u001b]0;pwned\u0007'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(rawControl);
    expect(result.stderr).toContain('there is no pack named "base\\x1b[2J\\x1b]0;pwned\\x07"');
  });

  it.skipIf(!motoStatus().available)(
    `[11] status shows an account name with terminal escapes escaped${motoSkipNote()}`,
    async () => {
      const f = await startRolloutFixture({ accounts: 1, regions: ['us-east-1'] });
      try {
        const org = organizationsClient({ endpoint: f.sandbox.moto.endpoint });
        await org.send(new CreateAccountCommand({ AccountName: hostileName, Email: 'evil@example.com' }));
        const listed = await org.send(new ListAccountsCommand({}));
        expect(listed.Accounts?.map((a) => a.Name)).toContain(hostileName);
        org.destroy();
        const summary = await f.cli('status');
        expect(summary.stdout).not.toMatch(rawControl);
        const status = await f.cli('status', '--all');
        expect(status.stdout).toContain('NOT_DEPLOYED');
        expect(status.stdout).not.toMatch(rawControl);
        expect(status.stdout).toContain('evil\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202egnp.exe');
        const json = await f.cli('status', '--format', 'json');
        expect(json.stdout).not.toMatch(rawControl);
        const doc = JSON.parse(json.stdout) as { accounts: Array<{ name?: string }> };
        expect(doc.accounts.map((a) => a.name)).toContain(hostileName);
      } finally {
        await f.stop();
      }
    },
    120_000,
  );
});
