/**
 * packsmith's own results cached per file (src/validation/check-cache.ts): a second run gives the
 * same report without parsing what it already knows; an entry that is not exactly what this version
 * writes is ignored; the folder stays within its bound.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkCacheKey,
  readCheckCacheEntry,
  storeCheckCacheEntries,
  type CheckCacheKeyParts,
} from '../../src/validation/check-cache.js';
import { validate, type ValidateOptions } from '../../src/validation/validate.js';
import { ruleTemplate } from '../support/templates.js';
import { readEntryFile } from '../../src/validation/cache-entry.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'packsmith-check-cache-'));

const template = (identifier: string) => ruleTemplate(identifier);

function folder(): { dir: string; cache: string } {
  const dir = tmp();
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'templates', 'good.yaml'), template('S3_BUCKET_VERSIONING_ENABLED'));
  writeFileSync(join(dir, 'templates', 'bad.yaml'), template('S3_BUCKET_VERSIONING_ENABLE'));
  writeFileSync(join(dir, 'templates', 'copy-of-bad.yaml'), template('S3_BUCKET_VERSIONING_ENABLE'));
  writeFileSync(join(dir, 'templates', 'broken.yaml'), 'Resources:\n  Rule: [\n');
  return { dir, cache: join(dir, 'cache') };
}

const run = (dir: string, extra: Partial<ValidateOptions> = {}) =>
  validate({
    paths: [join(dir, 'templates')],
    inline: false,
    strict: false,
    cfnLint: 'off',
    cfnGuard: 'off',
    ...extra,
  });

describe('the checks cache in validate', () => {
  // Outside any pack repository, so that the templates are checked against the shipped catalog.
  const cwd = process.cwd();
  beforeEach(() => process.chdir(tmp()));
  afterEach(() => process.chdir(cwd));

  it('inside a pack repository (its own catalog) only what each file is gets cached', async () => {
    const { dir, cache } = folder();
    mkdirSync(join(dir, 'packs'));
    process.chdir(dir);
    const fresh = await run(dir);
    expect(await run(dir, { checksCacheDir: cache })).toEqual(fresh);
    expect(await run(dir, { checksCacheDir: cache })).toEqual(fresh);
    const entries = readdirSync(cache).map((f) => JSON.parse(readFileSync(join(cache, f), 'utf8')).entry);
    expect(entries.every((e) => e.diagnostics === undefined)).toBe(true);
  });

  it('a second run reports exactly what the first did, from the cache', async () => {
    const { dir, cache } = folder();
    const fresh = await run(dir);
    const first = await run(dir, { checksCacheDir: cache });
    // One entry per distinct text: the two copies of bad.yaml share one.
    expect(readdirSync(cache).filter((f) => f.endsWith('.json'))).toHaveLength(3);
    const second = await run(dir, { checksCacheDir: cache });
    expect(first).toEqual(fresh);
    expect(second).toEqual(fresh);
    const files = second.diagnostics.map((d) => d.location?.file);
    expect(files.some((f) => f?.endsWith('copy-of-bad.yaml'))).toBe(true);
    expect(files.some((f) => f?.endsWith('/bad.yaml'))).toBe(true);
    expect(files.some((f) => f?.endsWith('broken.yaml'))).toBe(true);
  });

  it('answers from the entry without checking the file again', async () => {
    const { dir, cache } = folder();
    await run(dir, { checksCacheDir: cache });
    // Rewrite the entry of good.yaml with a finding of its own, in the shape the cache writes.
    const entries = readdirSync(cache).map((f) => join(cache, f));
    const good = entries.find((f) => JSON.parse(readFileSync(f, 'utf8')).entry.diagnostics.length === 0)!;
    const stored = JSON.parse(readFileSync(good, 'utf8'));
    stored.entry.diagnostics = [
      { checkId: 'PS100', severity: 'warning', message: 'from the cache', location: { line: 2, column: 3 } },
    ];
    writeFileSync(good, JSON.stringify(stored));
    const report = await run(dir, { checksCacheDir: cache });
    const cached = report.diagnostics.find((d) => d.message === 'from the cache');
    expect(cached?.location).toEqual({ file: expect.stringMatching(/good\.yaml$/), line: 2, column: 3 });
  });

  it('an entry of the wrong shape is ignored and rewritten', async () => {
    const { dir, cache } = folder();
    const fresh = await run(dir);
    await run(dir, { checksCacheDir: cache });
    const entries = readdirSync(cache).map((f) => join(cache, f));
    const corrupt = [
      (e: { entry: { diagnostics: unknown[] } }) => {
        e.entry.diagnostics = [
          { checkId: 'PS100', severity: 'fatal', message: 'x', location: { line: 1, column: 1 } },
        ];
      },
      (e: { entry: { kind: string } }) => {
        e.entry.kind = 'script';
      },
      (e: { key: string }) => {
        e.key = 'another';
      },
    ];
    entries.forEach((file, i) => {
      const e = JSON.parse(readFileSync(file, 'utf8'));
      corrupt[i % corrupt.length]!(e);
      writeFileSync(file, JSON.stringify(e));
    });
    writeFileSync(entries[0]!, '{ not json');
    expect(await run(dir, { checksCacheDir: cache })).toEqual(fresh);
    for (const file of entries) {
      const stored = JSON.parse(readFileSync(file, 'utf8'));
      expect(['template', 'broken']).toContain(stored.entry.kind);
      expect(Array.isArray(stored.entry.diagnostics)).toBe(true);
    }
  });

  it('--region and --inline are part of the key: each run is checked under its own options', async () => {
    const { dir, cache } = folder();
    await run(dir, { checksCacheDir: cache });
    const fresh = await run(dir, { inline: true, regions: ['cn-north-1'] });
    expect(await run(dir, { checksCacheDir: cache, inline: true, regions: ['cn-north-1'] })).toEqual(fresh);
    expect(readdirSync(cache).filter((f) => f.endsWith('.json'))).toHaveLength(6);
  });

  it('a template with a Guard policy keeps no findings in the cache (its policy is parsed every run)', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'templates'));
    writeFileSync(
      join(dir, 'templates', 'guard.yaml'),
      `Resources:
  Rule:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: rule
      Source:
        Owner: CUSTOM_POLICY
        SourceDetails:
          - EventSource: aws.config
            MessageType: ConfigurationItemChangeNotification
        CustomPolicyDetails:
          PolicyRuntime: guard-2.x.x
          PolicyText: |
            rule ok { configuration.x == 1 }
`,
    );
    const cache = join(dir, 'cache');
    await run(dir, { checksCacheDir: cache });
    const [entry] = readdirSync(cache).map((f) => JSON.parse(readFileSync(join(cache, f), 'utf8')));
    expect(entry.entry).toEqual({ kind: 'template' });
  });
});

describe('checkCacheKey', () => {
  const parts: CheckCacheKeyParts = {
    text: 'Resources: {}\n',
    packsmithVersion: '1.0.0',
    code: 'chunk-A',
    checkIds: ['PS100:error'],
    inline: false,
    regions: [],
  };
  it('changes with every part', () => {
    const base = checkCacheKey(parts);
    expect(checkCacheKey({ ...parts })).toBe(base);
    for (const change of [
      { text: 'Resources: {} \n' },
      { packsmithVersion: '1.0.1' },
      { code: 'chunk-B' },
      { checkIds: ['PS100:warning'] },
      { inline: true },
      { regions: ['eu-west-1'] },
    ]) {
      expect(checkCacheKey({ ...parts, ...change }), JSON.stringify(change)).not.toBe(base);
    }
  });
});

describe('the cache folder', () => {
  it('a missing or unreadable entry is no entry', async () => {
    const dir = tmp();
    expect(await readCheckCacheEntry(dir, 'a'.repeat(64))).toBeUndefined();
    expect(await readCheckCacheEntry(join(dir, 'nowhere'), 'a'.repeat(64))).toBeUndefined();
  });

  it('stays within its bound, keeping the entries written last', async () => {
    const dir = join(tmp(), 'cache');
    const key = (i: number) => String(i).padStart(64, '0');
    for (let i = 0; i < 12; i++) {
      expect(await storeCheckCacheEntries(dir, [[key(i), { kind: 'authoring' }]], 10)).toBeUndefined();
      await new Promise((r) => setTimeout(r, 5));
    }
    const left = readdirSync(dir).sort();
    expect(left.length).toBeLessThanOrEqual(10);
    expect(left).toContain(`${key(11)}.json`);
    expect(left).not.toContain(`${key(0)}.json`);
    expect(await readCheckCacheEntry(dir, key(11))).toEqual({ kind: 'authoring' });
  });

  it('a folder that cannot be written is reported, not thrown', async () => {
    const file = join(tmp(), 'file');
    writeFileSync(file, '');
    expect(await storeCheckCacheEntries(join(file, 'cache'), [['k', { kind: 'neither' }]])).toBeInstanceOf(
      Error,
    );
  });
});

describe('cache entry files are read within a bound', () => {
  it('an entry over the size bound, or not a regular file, is ignored without being read', async () => {
    const dir = tmp();
    const file = join(dir, 'entry.json');
    writeFileSync(file, JSON.stringify({ format: 1, key: 'k', entry: 'value' }));
    const isString = (v: unknown): v is string => typeof v === 'string';
    const expected = { format: 1, key: 'k', field: 'entry' };
    expect(await readEntryFile(file, expected, isString, 1024)).toBe('value');
    expect(await readEntryFile(file, expected, isString, 16)).toBeUndefined();
    mkdirSync(join(dir, 'folder.json'));
    expect(await readEntryFile(join(dir, 'folder.json'), expected, isString)).toBeUndefined();
  });
});
