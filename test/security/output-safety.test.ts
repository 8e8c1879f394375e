/**
 * What packsmith writes stays packsmith's: text from AWS or from files reaches the terminal only
 * sanitised (control characters and bidi overrides shown escaped, CSV cells never formulas), pack
 * templates cannot call a helper that writes anywhere, and `build` writes all of its outputs or none.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileOptions } from '../../src/generator/render.js';
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
