/**
 * desiredState on a tiny repository written to a temp dir (one rule with a remediation, one with
 * a bounded parameter, one whose parameter has no default), a deployment configuration parsed
 * from text, and a hand-made organization. Problems are checked at the line:column of the text.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../../src/authoring/repository.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { buildRepository, type BuiltPack } from '../../src/generator/build.js';
import { deployChecks } from '../../src/checks/deploy.js';
import { parseDeployConfig } from '../../src/org/deploy-config.js';
import type { OrgAccount, OrgTree } from '../../src/org/discover.js';
import { desiredState, type DesiredState } from '../../src/rollout/desired.js';
import { packageRoot } from '../../src/util/package-root.js';
import { defaultTemplates } from '../support/templates.js';

const templatesDir = join(packageRoot(), 'templates');
const packTemplatePath = join(templatesDir, 'conformance-pack.yaml.hbs');

const PACK = [
  'kind: pack',
  'name: tiny',
  'rules:',
  '  - s3-bucket-versioning-enabled',
  '  - key-age',
  '  - instance-type',
  'remediations:',
  '  - s3-enable-versioning',
  '',
].join('\n');
const KEY_AGE = [
  'kind: rule',
  'name: key-age',
  'source: { managed: ACCESS_KEYS_ROTATED }',
  'parameters:',
  '  maxAccessKeyAge:',
  '    expose: MaxKeyAge',
  '    default: 90',
  '    minimum: 1',
  '    maximum: 365',
  '',
].join('\n');
// DESIRED_INSTANCE_TYPE requires instanceType: the exposed parameter has no default.
const INSTANCE_TYPE = [
  'kind: rule',
  'name: instance-type',
  'source: { managed: DESIRED_INSTANCE_TYPE }',
  'parameters:',
  '  instanceType:',
  '    expose: InstanceTypes',
  '',
].join('\n');

const PROD = 'ou-root-prod0000';
function tree(): OrgTree {
  const account = (id: string, parentId: string): OrgAccount => ({
    id,
    name: `acct-${id.slice(-2)}`,
    email: `${id}@example.com`,
    status: 'ACTIVE',
    parentId,
    ouPath: parentId === PROD ? '/Root/Prod' : '/Root',
    ancestorIds: parentId === PROD ? ['r-root', PROD] : ['r-root'],
  });
  return {
    organizationId: 'o-test',
    managementAccountId: '100000000000',
    featureSet: 'ALL',
    root: { id: 'r-root', name: 'Root', path: '/Root' },
    ous: [{ id: PROD, name: 'Prod', parentId: 'r-root', path: '/Root/Prod', depth: 1 }],
    accounts: [
      account('100000000000', 'r-root'),
      account('200000000001', PROD),
      account('200000000002', PROD),
      account('300000000001', 'r-root'),
    ],
  };
}

const HEADER = [
  "deployingAccount: '100000000000'",
  'role: management',
  'regions: [us-east-1, eu-west-1]',
  'templateBuckets:',
  '  us-east-1: packsmith-templates-use1',
  '  eu-west-1: packsmith-templates-euw1',
  'packs:',
];

interface Resource {
  Type: string;
  Properties: { ConfigRuleName?: string };
}
const resourcesOf = (body: string) => (load(body) as { Resources: Record<string, Resource> }).Resources;

/** Builds `pack` in a temporary repository: the example repository's `copies`, and `files` written (paths under packs/). */
async function buildInTemp(
  copies: readonly string[],
  files: Record<string, string>,
  pack: string,
): Promise<{ root: string; built: Map<string, BuiltPack> }> {
  const root = mkdtempSync(join(tmpdir(), 'packsmith-desired-'));
  mkdirSync(join(root, 'packs', 'rules'), { recursive: true });
  mkdirSync(join(root, 'packs', 'remediations'), { recursive: true });
  for (const file of copies) cpSync(join(packageRoot(), 'packs', file), join(root, 'packs', file));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(root, 'packs', file), text);
  const repo = await loadRepository(root);
  const result = buildRepository(
    repo,
    [pack],
    {
      defaultPackTemplate: packTemplatePath,
      defaultReadmeTemplate: join(templatesDir, 'pack-readme.md.hbs'),
      read: (path) => readFileSync(path, 'utf8'),
      readPackTemplate: defaultTemplates().readPackTemplate,
    },
    { readme: false },
  );
  expect(result.diagnostics).toEqual([]);
  return { root, built: new Map(result.built.map((b) => [b.name, b])) };
}

/** The desired state of the configuration `text` (which must have no schema error) over `built`. */
function desiredOf(
  built: ReadonlyMap<string, BuiltPack>,
  text: string,
): { state: DesiredState; text: string } {
  const loaded = parseDeployConfig('packsmith.deploy.yaml', text);
  expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
  const state = desiredState({
    config: loaded.config!,
    source: loaded.source,
    tree: tree(),
    built,
    packTemplate: () => ({
      text: readFileSync(packTemplatePath, 'utf8'),
      file: 'conformance-pack.yaml.hbs',
    }),
  });
  return { state, text };
}

describe('desiredState', () => {
  let root: string;
  let built: Map<string, BuiltPack>;

  beforeAll(async () => {
    // The example repository's blocks for versioning and its remediation; the rest written here.
    ({ root, built } = await buildInTemp(
      ['rules/s3-bucket-versioning-enabled.yaml', 'remediations/s3-enable-versioning.yaml'],
      { 'rules/key-age.yaml': KEY_AGE, 'rules/instance-type.yaml': INSTANCE_TYPE, 'tiny.yaml': PACK },
      'tiny',
    ));
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const run = (lines: string[]) => desiredOf(built, [...HEADER, ...lines, ''].join('\n'));

  describe('a valid configuration', () => {
    let state: DesiredState;
    beforeAll(() => {
      ({ state } = run([
        '  tiny:',
        '    targets:',
        '      ous: [/Root/Prod]',
        '    deliveryBucket: awsconfigconforms-audit',
        '    parameters:',
        '      InstanceTypes: t3.micro',
        '      MaxKeyAge: 45',
        '    regionParameters:',
        '      eu-west-1:',
        '        MaxKeyAge: 30',
        '    excludeRules:',
        '      eu-west-1: [s3-bucket-versioning-enabled]',
      ]));
    });
    const region = (name: string) => state.packs[0]!.regions.find((r) => r.region === name)!;

    it('has no problem and one entry per configured Region', () => {
      expect(state.diagnostics).toEqual([]);
      expect(state.packs.map((p) => [p.pack, p.orgPackName])).toEqual([['tiny', 'tiny']]);
      expect(state.packs[0]!.regions.map((r) => r.region)).toEqual(['us-east-1', 'eu-west-1']);
    });

    it("leaves an excluded rule and its remediation out of that Region's template only", () => {
      const east = resourcesOf(region('us-east-1').templateBody);
      const west = resourcesOf(region('eu-west-1').templateBody);
      const tiny = built.get('tiny')!;
      const versioning = tiny.pack.rules.find((r) => r.ruleName === 's3-bucket-versioning-enabled')!;
      const remediation = tiny.pack.remediations.find((r) => r.ruleName === versioning.ruleName)!;
      // Where nothing is excluded, the built template itself.
      expect(region('us-east-1').templateBody).toBe(tiny.template);
      expect(Object.keys(east)).toEqual(
        expect.arrayContaining([versioning.logicalId, remediation.logicalId]),
      );
      expect(Object.keys(west)).not.toContain(versioning.logicalId);
      expect(Object.keys(west)).not.toContain(remediation.logicalId);
      expect(Object.values(west).map((r) => r.Properties.ConfigRuleName)).not.toContain(versioning.ruleName);
      // Every other resource stays.
      expect(Object.keys(west).sort()).toEqual(
        Object.keys(east)
          .filter((k) => k !== versioning.logicalId && k !== remediation.logicalId)
          .sort(),
      );
      expect(region('eu-west-1').excludedRules).toEqual([versioning.ruleName]);
      expect(region('us-east-1').excludedRules).toEqual([]);
    });

    it('hashes the body it deploys', () => {
      for (const r of state.packs[0]!.regions) {
        expect(r.templateSha256).toBe(createHash('sha256').update(r.templateBody, 'utf8').digest('hex'));
      }
      expect(region('us-east-1').templateSha256).not.toBe(region('eu-west-1').templateSha256);
    });

    it('applies regionParameters in their Region only, every value as a string', () => {
      expect(region('us-east-1').parameters).toEqual({ InstanceTypes: 't3.micro', MaxKeyAge: '45' });
      expect(region('eu-west-1').parameters).toEqual({ InstanceTypes: 't3.micro', MaxKeyAge: '30' });
    });

    it('turns the targets into included accounts and ExcludedAccounts', () => {
      for (const r of state.packs[0]!.regions) {
        expect(r.included.map((a) => a.id)).toEqual(['200000000001', '200000000002']);
        expect(r.excludedAccounts).toEqual(['100000000000', '300000000001']);
        expect(r.deliveryBucket).toBe('awsconfigconforms-audit');
      }
    });
  });

  it('reports every problem at once, each located in packsmith.deploy.yaml', () => {
    const lines = [
      '  tiny:',
      '    targets:',
      '      ous: [/Root/Prod]',
      "      excludeAccounts: ['999999999999']",
      '    parameters:',
      '      MaxKeyAges: 45',
      '      MaxKeyAge: 400',
      '    regionParameters:',
      '      eu-west-1:',
      '        MaxKeyAge: abc',
      '    excludeRules:',
      '      eu-west-1: [s3-bucket-versionning-enabled]',
      '  ghost:',
      '    targets: { ous: [/Root] }',
    ];
    const { state, text } = run(lines);
    const fileLines = text.split('\n');
    /** 1-based line:column of `token` on the line that contains `context`. */
    const pos = (context: string, token: string) => {
      const i = fileLines.findIndex((l) => l.includes(context));
      expect(i, context).toBeGreaterThanOrEqual(0);
      return `${i + 1}:${fileLines[i]!.indexOf(token) + 1}`;
    };
    const found = (id: string) =>
      state.diagnostics
        .filter((d: Diagnostic) => d.checkId === id)
        .map((d) => ({ at: `${d.location?.line}:${d.location?.column}`, message: d.message }));

    expect(found('PS508')).toEqual([
      { at: pos('MaxKeyAges:', 'MaxKeyAges'), message: expect.stringMatching(/did you mean `MaxKeyAge`/) },
    ]);
    expect(found('PS509')).toEqual([
      { at: pos('MaxKeyAge: 400', '400'), message: expect.stringContaining('must be at most 365') },
      { at: pos('MaxKeyAge: abc', 'abc'), message: expect.stringContaining('must be a number') },
    ]);
    expect(found('PS514')).toEqual([
      {
        at: pos('versionning', 's3-bucket-versionning-enabled'),
        message: expect.stringMatching(/did you mean `s3-bucket-versioning-enabled`/),
      },
    ]);
    // InstanceTypes has no default and no value: once, naming every Region, at the pack's key.
    const missing = found('PS515');
    expect(missing.map((m) => m.at)).toEqual([pos('  tiny:', 'tiny')]);
    expect(missing[0]?.message).toMatch(/InstanceTypes.*us-east-1, eu-west-1/);
    expect(found('PS507')).toEqual([
      { at: pos('  ghost:', 'ghost'), message: expect.stringContaining('ghost') },
    ]);
    expect(found('PS510')).toEqual([
      { at: pos('excludeAccounts', "'999999999999'"), message: expect.stringContaining('999999999999') },
    ]);
    // Nothing else, and the broken pack is not planned while the valid one is.
    const ids = new Set(state.diagnostics.map((d) => d.checkId));
    expect([...ids].sort()).toEqual(['PS507', 'PS508', 'PS509', 'PS510', 'PS514', 'PS515']);
    expect(state.packs.map((p) => p.pack)).toEqual(['tiny']);
    // The unknown rule is not "excluded" anywhere.
    expect(state.packs[0]!.regions.every((r) => r.excludedRules.length === 0)).toBe(true);
  });
});

// Issue 14: a pack holding managed rules AWS does not document in a deployment Region. By default
// (`unavailableRules: fail`) the configuration check refuses, naming each rule, the Region and the
// setting to add (PS517); with `exclude`, that Region's template omits them (the `excludeRules`
// path) and the desired Region names the controls not evaluated there.
const PS517 = deployChecks['deploy-rule-unavailable'].id;
const regionsHeader = (regions: string[]) => [
  "deployingAccount: '100000000000'",
  'role: management',
  `regions: [${regions.join(', ')}]`,
  'templateBuckets:',
  ...regions.map((r) => `  ${r}: packsmith-templates-${r}`),
  'packs:',
  '  base:',
  '    targets: { ous: [/Root] }',
];

describe('unavailable rules per Region', () => {
  let root: string;
  let built: Map<string, BuiltPack>;

  beforeAll(async () => {
    ({ root, built } = await buildInTemp(
      [
        'rules/s3-bucket-versioning-enabled.yaml',
        'remediations/s3-enable-versioning.yaml',
        'rules/root-account-mfa-enabled.yaml',
      ],
      {
        'base.yaml':
          'kind: pack\nname: base\nrules:\n  - s3-bucket-versioning-enabled\n  - root-account-mfa-enabled\n' +
          'remediations:\n  - s3-enable-versioning\n',
      },
      'base',
    ));
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const run = (regions: string[], lines: string[] = []) =>
    desiredOf(built, [...regionsHeader(regions), ...lines, ''].join('\n'));

  it('default (fail): one error at the pack naming the rule, the Region and the setting to add', () => {
    const { state, text } = run(['us-east-1', 'me-central-1']);
    const found = state.diagnostics.filter((d) => d.checkId === PS517);
    expect(found).toHaveLength(1);
    expect(found[0]?.severity).toBe('error');
    const line = text.split('\n').findIndex((l) => l === '  base:') + 1;
    expect(found[0]?.location?.line).toBe(line);
    expect(found[0]?.message).toContain('me-central-1: root-account-mfa-enabled (ROOT_ACCOUNT_MFA_ENABLED)');
    expect(found[0]?.message).toContain('`unavailableRules: exclude` under `packs.base`');
    expect(found[0]?.message).not.toContain('us-east-1');
  });

  it('no problem where every rule exists, in a Region without data, or when excludeRules already leaves it out', () => {
    expect(run(['us-east-1', 'eu-west-1']).state.diagnostics).toEqual([]);
    expect(run(['us-east-1', 'xx-future-1']).state.diagnostics).toEqual([]);
    expect(
      run(
        ['us-east-1', 'me-central-1'],
        ['    excludeRules:', '      me-central-1: [root-account-mfa-enabled]'],
      ).state.diagnostics,
    ).toEqual([]);
  });

  it("exclude: that Region's template lacks the rule (and only it), the other keeps it, controls named", () => {
    const { state } = run(['us-east-1', 'me-central-1'], ['    unavailableRules: exclude']);
    expect(state.diagnostics).toEqual([]);
    const region = (name: string) => state.packs[0]!.regions.find((r) => r.region === name)!;
    const base = built.get('base')!;
    const mfa = base.pack.rules.find((r) => r.ruleName === 'root-account-mfa-enabled')!;
    expect(region('us-east-1').templateBody).toBe(base.template);
    expect(region('us-east-1').unavailableRules).toBeUndefined();
    const east = resourcesOf(region('us-east-1').templateBody);
    const gulf = resourcesOf(region('me-central-1').templateBody);
    expect(Object.keys(east)).toContain(mfa.logicalId);
    expect(Object.keys(east).filter((k) => !(k in gulf))).toEqual([mfa.logicalId]);
    expect(region('me-central-1').excludedRules).toEqual(['root-account-mfa-enabled']);
    expect(region('me-central-1').unavailableRules).toEqual([
      { rule: 'root-account-mfa-enabled', identifier: 'ROOT_ACCOUNT_MFA_ENABLED', controls: mfa.controls },
    ]);
    expect(mfa.controls.length).toBeGreaterThan(0);
  });
});
