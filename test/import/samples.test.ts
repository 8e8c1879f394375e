/**
 * AWS's 122 sample conformance packs (../shared/samples, not part of this repository) import in one
 * run, share blocks, and rebuild into templates equivalent to the samples. Skipped, with the reason
 * in its name, when the samples are not there.
 */
import { limits } from '../../src/facts/limits.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { templateDifferences } from '../../src/import/equivalence.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli, type CliResult } from '../support/cli.js';
import { errorsOf, readOriginal, readTree, rebuild, scratch, type Rebuilt } from './support.js';

const repoRoot = packageRoot();
const dir = join(repoRoot, '../shared/samples/aws-conformance-packs');
const present = existsSync(dir);
const title = present
  ? 'AWS sample conformance packs'
  : `AWS sample conformance packs (skipped: ${resolve(dir)} does not exist)`;

describe.skipIf(!present)(title, () => {
  const samples = present
    ? readdirSync(dir)
        .filter((f) => /\.(ya?ml|json)$/i.test(f))
        .sort()
    : [];
  let cli: CliResult;
  let packs: string;
  let files: Record<string, string>;
  let rebuilt: Rebuilt;
  let manifests: Array<{ name: string; from?: string; rules: unknown[]; remediations?: unknown[] }>;

  /** A manifest's original template (each manifest's comment names the file it came from), read once. */
  const originals = new Map<string, unknown>();
  const originalOf = (manifest: (typeof manifests)[number]): unknown => {
    const file = manifest.from;
    expect(file, manifest.name).toBeDefined();
    if (!originals.has(manifest.name)) originals.set(manifest.name, readOriginal(join(dir, file!)));
    return originals.get(manifest.name);
  };

  beforeAll(async () => {
    packs = join(scratch(), 'packs');
    cli = await runCli(['import', dir, '--into', packs]);
    files = readTree(packs);
    rebuilt = await rebuild(packs);
    manifests = Object.entries(files)
      .filter(([f]) => !f.includes('/'))
      .map(([, text]) => ({
        ...(parse(text) as (typeof manifests)[number]),
        from: /^# Imported from (.+) by packsmith import\.$/m.exec(text)?.[1],
      }));
  }, 120_000);

  it('imports all 122 in one invocation', () => {
    expect(samples).toHaveLength(122);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/^imported 122 of 122 template\(s\) into /);
    expect(manifests).toHaveLength(122);
  });

  it('rebuilds every sample into an equivalent template', () => {
    // Each manifest records the file it came from; pack names are file names made valid.
    const problems: string[] = [];
    let compared = 0;
    for (const manifest of manifests) {
      const built = rebuilt.templates.get(manifest.name);
      if (built === undefined) {
        problems.push(`${manifest.name}: not built`);
        continue;
      }
      const differences = templateDifferences(originalOf(manifest), built, 5);
      problems.push(...differences.map((d) => `${manifest.name}: ${d}`));
      compared++;
    }
    expect(problems).toEqual([]);
    expect(compared).toBe(122);
  });

  it('keeps every logical id and rule name: a pack deployed from a sample is updated in place', () => {
    // Logical id → type and ConfigRuleName (a remediation's `Ref: RuleId` resolved to the name).
    const resourcesOf = (template: unknown) => {
      type Resource = { Type?: unknown; Properties?: { ConfigRuleName?: unknown } };
      const resources = ((template as { Resources?: Record<string, Resource> }).Resources ?? {}) as Record<
        string,
        Resource
      >;
      const nameOf = (r: Resource): string => {
        const name = r.Properties?.ConfigRuleName;
        const ref = (name as { Ref?: unknown } | undefined)?.Ref;
        return typeof ref === 'string' && resources[ref] ? nameOf(resources[ref]) : String(name);
      };
      return new Map(Object.entries(resources).map(([id, r]) => [id, `${String(r.Type)} ${nameOf(r)}`]));
    };
    const lost: string[] = [];
    let kept = 0;
    for (const manifest of manifests) {
      const built = resourcesOf(rebuilt.templates.get(manifest.name) ?? {});
      const original = resourcesOf(originalOf(manifest));
      for (const [id, what] of original) {
        if (built.get(id) === what) kept++;
        else lost.push(`${manifest.name}: ${id} (${what}) is ${built.get(id) ?? 'missing'}`);
      }
      for (const id of built.keys()) if (!original.has(id)) lost.push(`${manifest.name}: ${id} is new`);
    }
    expect(lost).toEqual([]);
    expect(kept).toBe(8214 + 5);
    // Only the ids packsmith would not derive are written into the manifests.
    const keptIn = (pack: string) =>
      manifests
        .find((m) => m.name === pack)!
        .rules.filter((r) => typeof r === 'object' && r !== null && 'logicalId' in r);
    const cis = keptIn('Operational-Best-Practices-for-CIS-AWS-v1-4-Level1');
    expect(cis).toContainEqual({ use: 'restricted-ssh', logicalId: 'IncomingSshDisabled' });
    expect(cis).toHaveLength(13);
    expect(keptIn('Operational-Best-Practices-for-NIST-CSF')).toHaveLength(7);
  });

  it('builds all 122 without errors, and no more of them over the inline limit than the originals', () => {
    expect(errorsOf(rebuilt.diagnostics)).toEqual([]);
    expect(rebuilt.built).toHaveLength(122);
    // One original (ABS-CCIGv2-Material, 51,307 bytes) is over 51,200 bytes; packsmith's output,
    // without the samples' comments and with compact sequences, is not larger.
    const overInline = rebuilt.built.filter((b) => b.bytes > limits.templateBodyBytes).map((b) => b.name);
    expect(overInline.length).toBeLessThanOrEqual(1);
    expect(rebuilt.diagnostics.filter((d) => d.checkId === 'PS133')).toHaveLength(overInline.length);
  });

  it('shares blocks: fewer rule blocks than rules, and blocks used by several packs', () => {
    const totalRules = manifests.reduce((n, m) => n + m.rules.length, 0);
    expect(totalRules).toBe(8214);
    const ruleBlocks = Object.keys(files).filter((f) => f.startsWith('rules/'));
    expect(ruleBlocks.length).toBeLessThan(totalRules);
    const users = new Map<string, number>();
    for (const m of manifests) {
      for (const include of m.rules) {
        const name = typeof include === 'string' ? include : (include as { use: string }).use;
        users.set(name, (users.get(name) ?? 0) + 1);
      }
    }
    expect(users.size).toBe(ruleBlocks.length);
    const shared = [...users.values()].filter((n) => n >= 2).length;
    expect(shared).toBeGreaterThan(0);
    expect(Math.max(...users.values())).toBeGreaterThanOrEqual(2);
    expect(cli.stdout).toContain(`${ruleBlocks.length} rule block(s) for ${totalRules} rule(s)`);
  });

  it('writes no two block files with the same content', () => {
    const blocks = Object.entries(files).filter(
      ([f]) => f.startsWith('rules/') || f.startsWith('remediations/'),
    );
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const [file, text] of blocks) {
      const first = seen.get(text);
      if (first) duplicates.push(`${file} = ${first}`);
      else seen.set(text, file);
    }
    expect(duplicates).toEqual([]);
  });

  it('keeps the process checks, the Lambda rule, the toggles and the remediations of the samples', () => {
    const text = (path: string) => readFileSync(join(packs, path), 'utf8');
    expect(parse(text('rules/CustomRuleForEC2.yaml')).source).toEqual({
      lambda: {
        arn: { parameter: 'CustomConfigRuleLambdaArn' },
        triggers: ['ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification'],
      },
    });
    const nzism = parse(text('Operational-Best-Practices-for-NZISM-Extension.yaml')) as {
      rules: Array<{ condition?: string }>;
    };
    expect(nzism.rules.filter((r) => r.condition !== undefined).length).toBe(12);
    expect(Object.keys(files).filter((f) => f.startsWith('remediations/'))).toHaveLength(5);
  });
});
