import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCatalog, outputFiles } from '../../scripts/generate-catalog.js';
import type { ManagedRule, Runbook } from '../../src/catalog/types.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const sharedDir = resolve(repoRoot, '../shared/catalog');
const sharedAbsent = !existsSync(join(sharedDir, 'managed-rules.json'));
if (sharedAbsent) console.warn(`[skip] generator-vs-committed-data test: ${sharedDir} is absent`);

const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'packsmith-catalog-'));
  temps.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** A tiny input in the shared catalog's format, with the irregular cases the real data has. */
function writeFixture(
  dir: string,
  rules: unknown[],
  runbooks: unknown[],
  descriptions: Record<string, unknown> = fixtureDescriptions,
  regionRules: Record<string, unknown> = fixtureRegionRules,
): void {
  writeFileSync(
    join(dir, 'region-availability.json'),
    JSON.stringify({
      format: 'test',
      generated: '2026',
      sources: [{ name: 'pages', url_or_repo_path: 'github:c2hans/aws-docs', commit_or_date: '1ae5aa2c' }],
      regions: ['us-gov-west-1', 'us-east-1', 'eu-west-1'],
      partitions: { aws: ['us-east-1', 'eu-west-1'], 'aws-us-gov': ['us-gov-west-1'] },
      regionNames: { 'us-east-1': 'US East (N. Virginia)' },
      rules: regionRules,
    }),
  );
  writeFileSync(join(dir, 'managed-rules.json'), JSON.stringify(rules));
  writeFileSync(
    join(dir, 'rule-descriptions.json'),
    JSON.stringify({ format: 'test', generated: '2026-12-02', sources: [], rules: descriptions }),
  );
  writeFileSync(join(dir, 'remediation-documents.json'), JSON.stringify(runbooks));
}

const fixtureDescriptions: Record<string, unknown> = {
  Z_RULE: {
    description: 'Checks if z is rotated. The rule is NON_COMPLIANT if it is not.',
    docPath: 'z-rule.html',
    source: 'c2hans/aws-docs@1ae5aa2c',
    note: 'cut',
  },
};

const fixtureRegionRules: Record<string, unknown> = {
  Z_RULE: { unavailable: ['us-gov-west-1'], source: '1ae5aa2c', deprecated: 'discontinued' },
};

const fixtureRules = [
  {
    identifier: 'Z_RULE',
    name: 'z-rule',
    triggers: { configurationChange: false, periodic: true, defaultFrequency: 'TwentyFour_Hours' },
    triggerText: 'Periodic',
    resourceTypes: [],
    parameters: [{ name: 'maxAge', type: 'int', optional: false, default: 90 }],
    source: 'awsdocs/aws-config-developer-guide:doc_source/z-rule.md@abc1234',
    provenance: { triggers: 'docs-2023', resourceTypes: 'none-documented', parameters: 'docs-2023' },
  },
  {
    identifier: 'A_RULE_TAGGED',
    name: 'a-rule-tagged',
    triggers: { configurationChange: true, periodic: false },
    triggerText: null,
    resourceTypes: ['AWS::S3::Bucket'],
    parameters: [{ name: 'requiredKeyTags', type: 'CSV', optional: true }],
    source: 'niaid/terraform-aws-managed-config-rules:rules.yaml@def5678',
    provenance: { triggers: 'pattern:*-tagged', resourceTypes: 'niaid-2026', parameters: 'pattern' },
  },
];

const fixtureRunbooks = [
  {
    name: 'AWS-Zeta',
    parseWarnings: ['dropped 2 bullets'],
    documentType: null,
    parameters: [
      { name: 'AutomationAssumeRole', type: 'String', required: false, requiredSource: 'docs-marker' },
      { name: 'Mode', type: null, required: null, allowedValues: ['a', 'b'], default: 1 },
    ],
    family: 'AWS',
    assumeRoleParameter: 'AutomationAssumeRole',
    resourceIdParameterCandidates: [],
    source: 'awsdocs/aws-systems-manager-user-guide:doc_source/zeta.md@a7e29b6',
  },
  {
    name: 'AWS-Alpha',
    parseWarnings: [],
    documentType: 'Automation',
    parameters: [{ name: 'BucketName', type: 'String', required: true, requiredSource: 'docs-marker' }],
    family: 'AWS',
    assumeRoleParameter: null,
    resourceIdParameterCandidates: ['BucketName'],
    observedInSamplePacks: [
      {
        pack: 'sample.yaml',
        configRule: 'S3_RULE',
        resourceIdParameter: ['BucketName'],
        staticParameters: [],
        targetType: 'SSM_DOCUMENT',
        automatic: true,
      },
    ],
    source: 'awsdocs/aws-systems-manager-user-guide:doc_source/alpha.md@a7e29b6',
  },
];

describe('generate-catalog on a small fixture', () => {
  const input = tempDir();
  writeFixture(input, fixtureRules, fixtureRunbooks);
  const out = tempDir();
  const result = generateCatalog({ sharedDir: input, outDir: out });
  const rules = readJson<ManagedRule[]>(join(out, outputFiles.rules));
  const runbooks = readJson<Runbook[]>(join(out, outputFiles.runbooks));

  it('writes sorted entries in the ManagedRule shape, provenance folded in', () => {
    expect(result).toMatchObject({ rules: 2, runbooks: 2 });
    expect(rules.map((r) => r.identifier)).toEqual(['A_RULE_TAGGED', 'Z_RULE']);
    expect(rules[1]).toEqual({
      identifier: 'Z_RULE',
      name: 'z-rule',
      triggers: { configurationChange: false, periodic: true },
      resourceTypes: [],
      parameters: [{ name: 'maxAge', type: 'int', optional: false, default: '90' }],
      description: 'Checks if z is rotated. The rule is NON_COMPLIANT if it is not.',
      documentationUrl: 'https://docs.aws.amazon.com/config/latest/developerguide/z-rule.html',
      availability: { unavailable: ['us-gov-west-1'] },
      deprecated: 'discontinued',
      origin: 'aws',
      provenance: {
        availability: 'c2hans/aws-docs@1ae5aa2c ("AWS Region:" line of the rule\'s page)',
        description: 'c2hans/aws-docs@1ae5aa2c (cut)',
        parameters: 'docs-2023',
        resourceTypes: 'none-documented',
        source: 'awsdocs/aws-config-developer-guide:doc_source/z-rule.md@abc1234',
        triggerText: 'Periodic',
        triggers: 'docs-2023',
      },
    });
    expect(rules[0]?.provenance.triggerText).toBeUndefined();
    // A rule rule-descriptions.json does not describe has neither field nor provenance for it.
    expect(rules[0]?.description).toBeUndefined();
    expect(rules[0]?.documentationUrl).toBeUndefined();
    expect(rules[0]?.provenance.description).toBeUndefined();
    // A rule region-availability.json does not cover has no availability: unknown everywhere.
    expect(rules[0]?.availability).toBeUndefined();
    expect(rules[0]?.provenance.availability).toBeUndefined();
  });

  it('writes the documented Regions, partitions and sources (sorted) to regions.json', () => {
    const regions = readJson<Record<string, unknown>>(join(out, outputFiles.regions));
    expect(regions.regions).toEqual(['eu-west-1', 'us-east-1', 'us-gov-west-1']);
    expect(regions.partitions).toEqual({ aws: ['eu-west-1', 'us-east-1'], 'aws-us-gov': ['us-gov-west-1'] });
    expect(regions.sources).toHaveLength(1);
  });

  it('runbooks: untyped → String, unmarked → not required, each with a provenance note', () => {
    expect(runbooks.map((r) => r.name)).toEqual(['AWS-Alpha', 'AWS-Zeta']);
    const zeta = runbooks[1] as Runbook;
    expect(zeta.parameters[1]).toEqual({
      name: 'Mode',
      type: 'String',
      required: false,
      default: '1',
      allowedValues: ['a', 'b'],
    });
    expect(zeta.provenance['parameters.Mode.type']).toBe('not documented; assumed String');
    expect(zeta.provenance['parameters.Mode.required']).toMatch(/not marked/);
    expect(zeta.provenance['parameters.AutomationAssumeRole.required']).toBeUndefined();
    expect(zeta.provenance.parseWarnings).toBe('dropped 2 bullets');
    expect(zeta.documentType).toBeUndefined();
    expect(zeta.origin).toBe('aws');
  });

  it('a binding seen in every sample-pack use becomes the confirmed resource-id parameter', () => {
    const alpha = runbooks[0] as Runbook;
    expect(alpha.resourceIdParameter).toBe('BucketName');
    expect(alpha.observedInSamplePacks).toHaveLength(1);
    expect(alpha.assumeRoleParameter).toBeUndefined();
    expect(alpha.provenance.assumeRoleParameter).toMatch(/no assume-role parameter/);
    expect((runbooks[1] as Runbook).resourceIdParameter).toBeUndefined();
  });

  it('one entry per line, LF, trailing newline; README names the inputs', () => {
    const text = readFileSync(join(out, outputFiles.rules), 'utf8');
    expect(text.split('\n')).toHaveLength(2 + 2 + 1);
    expect(text.endsWith('}\n]\n')).toBe(true);
    expect(text).not.toContain('\r');
    const readme = readFileSync(join(out, outputFiles.readme), 'utf8');
    expect(readme).toContain('npm run catalog:generate');
    expect(readme).toMatch(/`managed-rules\.json` \| `[0-9a-f]{64}`/);
  });

  it('is deterministic: a second run gives byte-identical files', () => {
    const again = tempDir();
    generateCatalog({ sharedDir: input, outDir: again });
    for (const f of Object.values(outputFiles)) {
      expect(readFileSync(join(again, f))).toEqual(readFileSync(join(out, f)));
    }
  });

  it('fails, naming the entry, on an input it does not understand', () => {
    const bad = tempDir();
    writeFixture(
      bad,
      [{ ...fixtureRules[0], parameters: [{ name: 'x', type: 'Integer', optional: true }] }],
      [],
    );
    expect(() => generateCatalog({ sharedDir: bad, outDir: tempDir() })).toThrow(
      /managed-rules\.json\[0\] \(Z_RULE\)\.parameters\[0\]\.type: unknown rule parameter type "Integer"/,
    );
    writeFixture(bad, [{ ...fixtureRules[0], deprecated: true }], []);
    expect(() => generateCatalog({ sharedDir: bad, outDir: tempDir() })).toThrow(
      /unexpected field "deprecated"/,
    );
    writeFixture(bad, [fixtureRules[0], fixtureRules[0]], []);
    expect(() => generateCatalog({ sharedDir: bad, outDir: tempDir() })).toThrow(/"Z_RULE" appears twice/);
    writeFixture(bad, fixtureRules, [], { NOT_A_RULE: fixtureDescriptions.Z_RULE });
    expect(() => generateCatalog({ sharedDir: bad, outDir: tempDir() })).toThrow(
      /rule-descriptions\.json: rules\.NOT_A_RULE describes a rule that is not in managed-rules\.json/,
    );
    writeFixture(bad, fixtureRules, [], {
      Z_RULE: { ...(fixtureDescriptions.Z_RULE as object), docPath: '../evil' },
    });
    expect(() => generateCatalog({ sharedDir: bad, outDir: tempDir() })).toThrow(
      /rules\.Z_RULE\.docPath: not a Developer Guide page name/,
    );
    writeFixture(bad, fixtureRules, [], fixtureDescriptions, {
      NOT_A_RULE: { unavailable: [], source: 'x' },
    });
    expect(() => generateCatalog({ sharedDir: bad, outDir: tempDir() })).toThrow(
      /region-availability\.json: rules\.NOT_A_RULE is not a rule of managed-rules\.json/,
    );
    writeFixture(bad, fixtureRules, [], fixtureDescriptions, {
      Z_RULE: { unavailable: ['xx-moon-1'], source: 'x' },
    });
    expect(() => generateCatalog({ sharedDir: bad, outDir: tempDir() })).toThrow(
      /rules\.Z_RULE\.unavailable: "xx-moon-1" is not in region-availability\.json\.regions/,
    );
    writeFixture(bad, fixtureRules, [], fixtureDescriptions, {
      Z_RULE: { available: [], unavailable: [], source: 'x' },
    });
    expect(() => generateCatalog({ sharedDir: bad, outDir: tempDir() })).toThrow(/exactly one of/);
  });

  it('runs as a script with --shared and --out (npm run catalog:generate)', () => {
    const dest = tempDir();
    const stdout = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'scripts/generate-catalog.ts'), '--shared', input, '--out', dest],
      { cwd: repoRoot, encoding: 'utf8' },
    );
    expect(stdout).toContain('2 managed rules, 2 runbooks');
    expect(readFileSync(join(dest, outputFiles.rules))).toEqual(readFileSync(join(out, outputFiles.rules)));
  });
});

describe('committed catalog data', () => {
  it.skipIf(sharedAbsent)(
    `is what scripts/generate-catalog.ts makes of ../shared/catalog (skipped when absent: ${sharedDir})`,
    () => {
      const out = tempDir();
      generateCatalog({ sharedDir, outDir: out });
      for (const f of Object.values(outputFiles)) {
        const committed = readFileSync(join(repoRoot, 'src/catalog/data', f), 'utf8');
        const generated = readFileSync(join(out, f), 'utf8');
        expect(generated, `src/catalog/data/${f} is stale: run npm run catalog:generate`).toBe(committed);
      }
    },
  );
});

describe('committed catalog data: descriptions', () => {
  const rules = readJson<ManagedRule[]>(join(repoRoot, 'src/catalog/data', outputFiles.rules));
  it('every managed rule says what it checks and links its Developer Guide page, with provenance', () => {
    const missing = rules.filter(
      (r) =>
        r.description === undefined ||
        r.documentationUrl !== `https://docs.aws.amazon.com/config/latest/developerguide/${r.name}.html` ||
        r.provenance.description === undefined,
    );
    expect(missing.map((r) => r.identifier)).toEqual([]);
    const rotated = rules.find((r) => r.identifier === 'ACCESS_KEYS_ROTATED');
    expect(rotated?.description).toMatch(/^Checks if active IAM access keys are rotated/);
    // The six rules whose name is not the lowercased identifier link their name's page.
    expect(rules.find((r) => r.identifier === 'INCOMING_SSH_DISABLED')?.documentationUrl).toMatch(
      /\/restricted-ssh\.html$/,
    );
  });
});
