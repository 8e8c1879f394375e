/**
 * Property-based tests over hostile input: authoring files, templates and import. Texts are the
 * example packs' files and a few AWS sample templates, mutated (characters inserted and deleted,
 * values swapped for hostile scalars: aliases, unknown tags, huge and octal-looking numbers, YAML
 * 1.1 booleans, control characters, deep nesting, prototype names, long strings), and random
 * structures. The pure functions never throw, the CLI never prints a stack trace or "unexpected
 * error" and exits 0, 1 or 2, every problem in a file is located at line ≥ 1 and column ≥ 1, and
 * each input takes bounded time and memory. Seeds are fixed: a failure prints its seed and path
 * (fast-check's report) and replays the same way.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRepository, type InputFile } from '../../src/authoring/repository.js';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { extendCatalog } from '../../src/authoring/catalog-extensions.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { buildRepository } from '../../src/generator/build.js';
import { planImport } from '../../src/import/plan.js';
import { readTemplate } from '../../src/import/read-template.js';
import { parseYamlSource } from '../../src/source/yaml-source.js';
import { packageRoot } from '../../src/util/package-root.js';
import { checkTemplate, locateFindings } from '../../src/validation/validate-template.js';
import { runCli } from '../support/cli.js';
import { defaultTemplates } from '../support/templates.js';

/** Fixed for CI; FUZZ_SEED and FUZZ_RUNS (a multiplier) explore further by hand. */
const SEED = Number(process.env.FUZZ_SEED ?? 90_217);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1);
/** One input's work, far above what any of them needs (a few ms to a few hundred). */
const PER_INPUT_MS = 5_000;
/** Through the CLI: two commands, the first loading its modules on a loaded machine. */
const CLI_PER_INPUT_MS = 15_000;
/** Growth of the heap over a whole property: the inputs are small, so is what they may cost. */
const HEAP_GROWTH_BYTES = 512 * 1024 * 1024;

const root = packageRoot();
const packsDir = join(root, 'packs');
const samplesDir = join(root, '../shared/samples/aws-conformance-packs');
const samplesPresent = existsSync(samplesDir);
/** Small samples with rules, remediations, conditions and parameters. */
const sampleNames = [
  'Security-Best-Practices-for-ECR.yaml',
  'custom-conformance-pack.yaml',
  'Operational-Best-Practices-for-Amazon-DynamoDB-with-Remediation.yaml',
  'Security-Best-Practices-for-Lambda.yaml',
];

function yamlFilesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? yamlFilesBelow(join(dir, e.name))
        : /\.ya?ml$/.test(e.name)
          ? [join(dir, e.name)]
          : [],
    )
    .sort();
}

const authoringFiles: InputFile[] = yamlFilesBelow(packsDir).map((path) => ({
  path,
  text: readFileSync(path, 'utf8'),
}));
const catalogs = { base: loadCatalog, extend: extendCatalog };
const templates = defaultTemplates();
/** The example packs built, as templates to mutate, and the samples when they are there. */
const builtTemplates = buildRepository(
  parseRepository(root, packsDir, authoringFiles, catalogs),
  [],
  templates,
  { readme: false },
).built.map((b) => b.template);
const sampleTexts = samplesPresent ? sampleNames.map((n) => readFileSync(join(samplesDir, n), 'utf8')) : [];
const templateTexts = [...builtTemplates, ...sampleTexts];

// ---------------------------------------------------------------------------------------------
// Arbitraries

const hostileScalars = [
  '*undefinedAlias',
  '&anchor value',
  '!!js/function "function () { return 1 }"',
  '!!js/undefined ""',
  '!!python/object/apply:os.system ["true"]',
  '!<tag:yaml.org,2002:js/regexp> /x/',
  '!Ref',
  '!GetAtt',
  '!If [Missing, a, b]',
  '!Sub',
  '99999999999999999999999999',
  '9007199254740993',
  '1e400',
  '-1e-400',
  '012',
  '012345678901',
  '0o17',
  '0x1F',
  '0b1010',
  '1_000',
  '12:30:00',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  '.inf',
  '-.Inf',
  '.nan',
  '~',
  'null',
  '2001-12-14t21:59:43.10-05:00',
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '"\\u0000\\u001b[31mred\\u001b[0m\\u202e"',
  '"\\x07\\x08\\x0b\\x0c"',
  "'\t tab'",
  '"\\uD800"',
  '{ __proto__: { polluted: true } }',
  '[*a, *a]',
  '<<: *a',
  '? complex key',
  '|\n  literal',
  '>-\n  folded',
  '---',
  '...',
  '%YAML 1.1',
  '%TAG ! tag:example.com,2000:',
  '@reserved',
  '`reserved',
  '{{#if (log "x")}}{{/if}}',
  '{{> partial}}',
  '${AWS::AccountId}',
];

/** A hostile scalar, or one built to size: long strings, deep nesting, alias chains. */
const hostileValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...hostileScalars) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 100_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 300 }).map((n) => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 12 }).map((levels) => {
      // The classic alias bomb, inline: each level holds nine of the previous.
      const parts = ['&l0 [x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < levels; i++)
        parts.push(
          `&l${i} [${Array(9)
            .fill(`*l${i - 1}`)
            .join(', ')}]`,
        );
      return `[${parts.join(', ')}]`;
    }),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

const insertable = fc.oneof(
  fc.constantFrom(
    ':',
    '-',
    '- ',
    ': ',
    '&',
    '*',
    '!',
    '|',
    '>',
    '{',
    '}',
    '[',
    ']',
    ',',
    '#',
    '"',
    "'",
    '%',
    '@',
  ),
  fc.constantFrom(
    '\n',
    '\r',
    '\r\n',
    '\t',
    ' ',
    '  ',
    '\u0000',
    '\u001b',
    '\u00a0',
    '\ufeff',
    '\u2028',
    '\u202e',
  ),
  fc.string({ unit: 'binary', maxLength: 8 }),
);

type Mutation =
  | { op: 'insert'; at: number; text: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'value'; at: number; value: string }
  | { op: 'line'; at: number; indent: number; key: string; value: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: insertable }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('value' as const), at: fc.nat(), value: hostileValue }),
  },
  fc.record({
    op: fc.constant('line' as const),
    at: fc.nat(),
    indent: fc.integer({ min: 0, max: 8 }),
    key: fc.oneof(
      fc.constantFrom(
        '__proto__',
        'constructor',
        'toString',
        'kind',
        'name',
        'Resources',
        'file',
        'template',
        'Type',
        'Condition',
        '<<',
      ),
      fc.string({ maxLength: 12 }),
    ),
    value: hostileValue,
  }),
);

/** Applies a mutation at a position taken modulo the text's length (values and lines: the n-th one). */
function mutate(text: string, m: Mutation): string {
  if (m.op === 'insert') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + m.text + text.slice(at);
  }
  if (m.op === 'delete') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + text.slice(at + m.length);
  }
  const lines = text.split('\n');
  if (m.op === 'line') {
    const at = m.at % (lines.length + 1);
    lines.splice(at, 0, `${' '.repeat(m.indent)}${m.key}: ${m.value}`);
    return lines.join('\n');
  }
  // Swap the value of the n-th `key: value` line.
  const valued = lines.flatMap((line, i) => (/^\s*-?\s*[^\s#:][^:]*:\s+\S/.test(line) ? [i] : []));
  if (valued.length === 0) return `${text}\nkey: ${m.value}\n`;
  const i = valued[m.at % valued.length]!;
  lines[i] = lines[i]!.replace(/^(\s*-?\s*[^\s#:][^:]*:\s+).*$/, (_, key: string) => key + m.value);
  return lines.join('\n');
}

const mutated = (texts: readonly string[]): fc.Arbitrary<string> =>
  fc
    .tuple(fc.constantFrom(...texts), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([text, ms]) => ms.reduce(mutate, text));

/** Random documents, shaped like authoring files or templates or like nothing at all, as YAML/JSON. */
const structured: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      fc
        .record({
          kind: fc.constantFrom('rule', 'remediation', 'pack', 'catalog', '__proto__', 'toString'),
          name: fc.oneof(
            fc.string({ maxLength: 20 }),
            fc.constantFrom('__proto__', 'constructor', 's3-bucket-versioning-enabled'),
          ),
          rest: fc.dictionary(
            fc.oneof(
              fc.constantFrom(
                'source',
                'rules',
                'parameters',
                'scope',
                'template',
                'remediations',
                'overrides',
                '__proto__',
              ),
              fc.string({ maxLength: 10 }),
            ),
            fc.jsonValue({ maxDepth: 4 }),
            { maxKeys: 5 },
          ),
        })
        .map(({ rest, ...head }) => ({ ...head, ...rest })),
      fc.record({
        Resources: fc.dictionary(
          fc.oneof(fc.constantFrom('R', 'toString', '__proto__'), fc.string({ maxLength: 8 })),
          fc.oneof(
            fc.jsonValue({ maxDepth: 3 }),
            fc.record({
              Type: fc.constantFrom(
                'AWS::Config::ConfigRule',
                'AWS::Config::RemediationConfiguration',
                'AWS::S3::Bucket',
              ),
              Condition: fc.constantFrom('toString', 'valueOf', 'C'),
              Properties: fc.jsonValue({ maxDepth: 3 }),
            }),
          ),
          { maxKeys: 4 },
        ),
        Parameters: fc.jsonValue({ maxDepth: 3 }),
        Conditions: fc.jsonValue({ maxDepth: 3 }),
      }),
      fc.jsonValue({ maxDepth: 5 }),
    ),
    fc.boolean(),
  )
  .map(([value, asJson]) => (asJson ? JSON.stringify(value) : toYaml(value)));

/** A plain YAML rendering (flow style through JSON strings, so any key is safe). */
function toYaml(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    return value.length ? value.map((v) => `\n${indent}- ${toYaml(v, `${indent}  `)}`).join('') : '[]';
  }
  const entries = Object.entries(value);
  return entries.length
    ? entries.map(([k, v]) => `\n${indent}${JSON.stringify(k)}: ${toYaml(v, `${indent}  `)}`).join('')
    : '{}';
}

// ---------------------------------------------------------------------------------------------
// Checks

/** Problems in a file must say where: line and column from 1. */
function locationProblems(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.flatMap((d) => {
    const loc = d.location;
    if (!loc) return [];
    const ok = typeof loc.file === 'string' && loc.file.length > 0 && loc.line >= 1 && loc.column >= 1;
    return ok ? [] : [`${d.checkId} ${JSON.stringify(loc)}: ${d.message}`];
  });
}

function timed<T>(what: string, run: () => T): T {
  const started = performance.now();
  const result = run();
  const took = performance.now() - started;
  if (took > PER_INPUT_MS) throw new Error(`${what} took ${Math.round(took)} ms`);
  return result;
}

/** Runs `property` with the fixed seed, and checks the heap grew within bounds. */
async function check<T>(property: fc.IRawProperty<T>, numRuns: number, seed = SEED): Promise<void> {
  const before = process.memoryUsage().heapUsed;
  await fc.assert(property, { seed, numRuns: numRuns * RUNS, endOnFailure: true });
  expect(process.memoryUsage().heapUsed - before).toBeLessThan(HEAP_GROWTH_BYTES);
}

const authoringTexts = authoringFiles.map((f) => f.text);
const anyText = fc.oneof(mutated(authoringTexts), mutated(templateTexts), structured);

// ---------------------------------------------------------------------------------------------

describe('fuzzing the pure functions', () => {
  it('[3] [14] parseYamlSource never throws and locates every syntax error', async () => {
    await check(
      fc.property(anyText, fc.boolean(), (text, cloudFormation) => {
        const source = timed('parseYamlSource', () =>
          parseYamlSource('packs/fuzzed.yaml', text, { cloudFormation }),
        );
        expect(locationProblems(source.syntaxErrors)).toEqual([]);
        const where = source.locate(['Resources', 'R', 'Properties']);
        expect(where.line).toBeGreaterThanOrEqual(1);
        expect(where.column).toBeGreaterThanOrEqual(1);
      }),
      400,
    );
  }, 60_000);

  it('[1] [2] [10] [13] a repository with one mutated authoring file parses, composes and builds without throwing', async () => {
    const fileAt = fc.nat({ max: authoringFiles.length - 1 });
    const text = fc.oneof(
      { weight: 4, arbitrary: mutated(authoringTexts) },
      { weight: 1, arbitrary: structured },
    );
    await check(
      fc.property(fileAt, text, (index, replacement) => {
        const files = authoringFiles.map((f, i) => (i === index ? { path: f.path, text: replacement } : f));
        const result = timed('parse and build', () =>
          buildRepository(parseRepository(root, packsDir, files, catalogs), [], templates, { readme: true }),
        );
        expect(locationProblems(result.diagnostics)).toEqual([]);
        // Problems of the authoring files are placed in them.
        for (const d of result.diagnostics) expect(d.location, `${d.checkId}: ${d.message}`).toBeDefined();
      }),
      150,
    );
  }, 60_000);

  it('[3] [13] [14] the template checks never throw and locate every finding', async () => {
    const catalog = loadCatalog();
    await check(
      fc.property(
        fc.oneof({ weight: 4, arbitrary: mutated(templateTexts) }, { weight: 1, arbitrary: structured }),
        fc.boolean(),
        (text, inline) => {
          const source = parseYamlSource('fuzzed.yaml', text, { cloudFormation: true });
          if (source.syntaxErrors.length) return;
          const located = timed('checkTemplate', () =>
            locateFindings(source, checkTemplate(source, catalog, { inline })),
          );
          expect(locationProblems(located)).toEqual([]);
        },
      ),
      250,
    );
  }, 60_000);

  it('[10] [14] import reads and plans mutated templates without throwing, every problem located', async () => {
    await check(
      fc.property(
        fc.array(
          fc.oneof({ weight: 4, arbitrary: mutated(templateTexts) }, { weight: 1, arbitrary: structured }),
          { minLength: 1, maxLength: 3 },
        ),
        (texts) => {
          const read = texts.map((text, i) =>
            timed('readTemplate', () => readTemplate({ path: `/fuzz/t${i}.yaml`, file: `t${i}.yaml`, text })),
          );
          for (const r of read) expect(locationProblems(r.diagnostics)).toEqual([]);
          const ok = read.flatMap((r) => (r.template ? [r.template] : []));
          timed('planImport', () => planImport(ok));
        },
      ),
      200,
    );
  }, 60_000);
});

describe('crashes the fuzzing found, kept as cases', () => {
  const withRule = (file: string, edit: (text: string) => string): InputFile[] =>
    authoringFiles.map((f) => (f.path.endsWith(`/rules/${file}`) ? { path: f.path, text: edit(f.text) } : f));
  const build = (files: InputFile[]) =>
    buildRepository(parseRepository(root, packsDir, files, catalogs), [], templates, { readme: false });

  it('[10] a block name that is a number in disguise (name: -.Inf) is an ambiguous value, not a crash', () => {
    const file = 's3-bucket-public-write-prohibited.yaml';
    const cases = { '-.Inf': 'PS137', '012': 'PS137', '.nan': 'PS137', '1e3': 'PS101' };
    for (const [name, checkId] of Object.entries(cases)) {
      const result = build(withRule(file, (t) => t.replace(/^name: .*$/m, `name: ${name}`)));
      const inFile = result.diagnostics.filter((d) => d.location?.file === `packs/rules/${file}`);
      expect(
        inFile.map((d) => [d.checkId, d.location?.line, d.location?.column]),
        name,
      ).toEqual([[checkId, 3, 7]]);
    }
  });

  it('[10] a misspelt required field (sourcé:) is reported once, and the block is not composed without it', async () => {
    const file = 'mfa-enabled-for-iam-console-access.yaml';
    const result = build(withRule(file, (t) => t.replace(/^source:/m, 'sourcé:')));
    // (The pure build reads no Guard files: the examples' rules with a .guard file report it unread.)
    const shown = result.diagnostics.filter(
      (d) =>
        !['iam-user-no-inline-policies.yaml', 'cloud-trail-cloudwatch-logs.yaml'].some((f) =>
          d.location?.file.endsWith(f),
        ),
    );
    expect(shown.map((d) => [d.checkId, d.location?.file, d.location?.line])).toEqual([
      ['PS101', `packs/rules/${file}`, 5],
    ]);
    // Through the CLI, which reads the Guard files the blocks name after parsing.
    const dir = mkdtempSync(join(tmpdir(), 'packsmith-fuzz-case-'));
    try {
      cpSync(packsDir, join(dir, 'packs'), { recursive: true });
      const path = join(dir, 'packs', 'rules', file);
      writeFileSync(path, readFileSync(path, 'utf8').replace(/^source:/m, 'sourcé:'));
      const r = await runCli(['build', '--root', dir, '--out', join(dir, 'build')]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`packs/rules/${file}:5:1  error  PS101  unknown field \`sourcé\``);
      expect(r.stderr).not.toContain('unexpected error');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('fuzzing the CLI', () => {
  const base = mkdtempSync(join(tmpdir(), 'packsmith-fuzz-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  let n = 0;

  /** A fresh repository holding the example packs, one file replaced by `text`. */
  function repositoryWith(index: number, text: string): string {
    const dir = join(base, `r${n++}`);
    for (const f of authoringFiles) {
      const target = join(dir, 'packs', relative(packsDir, f.path));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, f === authoringFiles[index] ? text : f.text);
    }
    mkdirSync(join(dir, 'packs', 'policies'), { recursive: true });
    writeFileSync(
      join(dir, 'packs', 'policies', 'iam-user-no-inline-policies.guard'),
      readFileSync(join(packsDir, 'policies', 'iam-user-no-inline-policies.guard')),
    );
    return dir;
  }

  function expectHonest(r: { code: number; stdout: string; stderr: string }): void {
    const all = `${r.stdout}\n${r.stderr}`;
    expect([0, 1, 2], all).toContain(r.code);
    expect(all).not.toMatch(/unexpected error/);
    expect(all).not.toMatch(/^ {4}at /m);
  }

  /** Every `file:line:column` a text report prints has line and column from 1 (linear: outputs can be long). */
  function expectLocated(text: string): void {
    for (const m of text.matchAll(/\.ya?ml:(-?\d+):(-?\d+)/g)) {
      expect(Number(m[1]), m[0]).toBeGreaterThanOrEqual(1);
      expect(Number(m[2]), m[0]).toBeGreaterThanOrEqual(1);
    }
  }

  it('[2] [10] [15] build and validate of a repository with a mutated file: exit 0/1/2, no stack trace, located', async () => {
    const fileAt = fc.nat({ max: authoringFiles.length - 1 });
    await check(
      fc.asyncProperty(fileAt, mutated(authoringTexts), async (index, text) => {
        const dir = repositoryWith(index, text);
        const started = performance.now();
        const build = await runCli(['build', '--root', dir, '--out', join(dir, 'build')]);
        expectHonest(build);
        expectLocated(build.stderr);
        const validate = await runCli([
          'validate',
          join(dir, 'packs'),
          '--format',
          'json',
          '--cfn-lint',
          'off',
        ]);
        expectHonest(validate);
        if (validate.stdout.trim()) {
          const report = JSON.parse(validate.stdout) as { diagnostics?: Diagnostic[] };
          expect(locationProblems(report.diagnostics ?? [])).toEqual([]);
        }
        expect(performance.now() - started).toBeLessThan(CLI_PER_INPUT_MS);
      }),
      12,
    );
  }, 60_000);

  it('[3] [10] [14] validate and import of a mutated template: exit 0/1/2, no stack trace, located', async () => {
    await check(
      fc.asyncProperty(
        fc.oneof({ weight: 4, arbitrary: mutated(templateTexts) }, { weight: 1, arbitrary: structured }),
        async (text) => {
          const dir = join(base, `t${n++}`);
          mkdirSync(dir);
          const file = join(dir, 'fuzzed.yaml');
          writeFileSync(file, text);
          const started = performance.now();
          const validate = await runCli(['validate', file, '--cfn-lint', 'off']);
          expectHonest(validate);
          expectLocated(validate.stdout + validate.stderr);
          const imported = await runCli(['import', file, '--into', join(dir, 'packs')]);
          expectHonest(imported);
          expectLocated(imported.stdout + imported.stderr);
          expect(performance.now() - started).toBeLessThan(CLI_PER_INPUT_MS);
        },
      ),
      15,
    );
  }, 60_000);
});

describe('the AWS sample templates in the corpus', () => {
  const missing = `skipped: ${resolve(samplesDir)} does not exist`;
  it.skipIf(!samplesPresent)(
    `[3] are fuzzed with the example packs' templates${samplesPresent ? '' : ` (${missing})`}`,
    () => {
      expect(sampleTexts).toHaveLength(sampleNames.length);
      expect(templateTexts.length).toBeGreaterThan(builtTemplates.length);
    },
  );
  // In CI the samples must be there: a corpus silently reduced is a weaker test.
  it.runIf(!samplesPresent && Boolean(process.env.CI))('[3] are required when CI is set', () => {
    throw new Error(`the AWS sample templates are required when CI is set (${missing})`);
  });
});
