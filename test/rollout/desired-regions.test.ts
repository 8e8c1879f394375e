/**
 * Issue 14: a pack holding managed rules AWS does not document in a deployment Region. By default
 * (`unavailableRules: fail`) the configuration check refuses, naming each rule, the Region and the
 * setting to add (PS517); with `exclude`, that Region's template omits them (the `excludeRules`
 * path) and the desired Region names the controls not evaluated there.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../../src/authoring/repository.js';
import { deployChecks } from '../../src/checks/deploy.js';
import { buildRepository, type BuiltPack } from '../../src/generator/build.js';
import { parseDeployConfig } from '../../src/org/deploy-config.js';
import type { OrgTree } from '../../src/org/discover.js';
import { desiredState, type DesiredState } from '../../src/rollout/desired.js';
import { packageRoot } from '../../src/util/package-root.js';
import { defaultTemplates } from '../support/templates.js';

const templatesDir = join(packageRoot(), 'templates');
const packTemplatePath = join(templatesDir, 'conformance-pack.yaml.hbs');
const PS517 = deployChecks['deploy-rule-unavailable'].id;

const tree: OrgTree = {
  organizationId: 'o-test',
  managementAccountId: '100000000000',
  featureSet: 'ALL',
  root: { id: 'r-root', name: 'Root', path: '/Root' },
  ous: [],
  accounts: [
    {
      id: '200000000001',
      name: 'a',
      email: 'a@example.com',
      status: 'ACTIVE',
      parentId: 'r-root',
      ouPath: '/Root',
      ancestorIds: ['r-root'],
    },
  ],
};

const header = (regions: string[]) => [
  "deployingAccount: '100000000000'",
  'role: management',
  `regions: [${regions.join(', ')}]`,
  'templateBuckets:',
  ...regions.map((r) => `  ${r}: packsmith-templates-${r}`),
  'packs:',
  '  base:',
  '    targets: { ous: [/Root] }',
];

interface Resource {
  Type: string;
  Properties: { ConfigRuleName?: string };
}
const resourcesOf = (body: string) => (load(body) as { Resources: Record<string, Resource> }).Resources;

describe('unavailable rules per Region', () => {
  let root: string;
  let built: Map<string, BuiltPack>;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'packsmith-desired-regions-'));
    mkdirSync(join(root, 'packs', 'rules'), { recursive: true });
    mkdirSync(join(root, 'packs', 'remediations'), { recursive: true });
    for (const file of [
      'rules/s3-bucket-versioning-enabled.yaml',
      'remediations/s3-enable-versioning.yaml',
      'rules/root-account-mfa-enabled.yaml',
    ])
      cpSync(join(packageRoot(), 'packs', file), join(root, 'packs', file));
    writeFileSync(
      join(root, 'packs', 'base.yaml'),
      'kind: pack\nname: base\nrules:\n  - s3-bucket-versioning-enabled\n  - root-account-mfa-enabled\n' +
        'remediations:\n  - s3-enable-versioning\n',
    );
    const repo = await loadRepository(root);
    const result = buildRepository(
      repo,
      ['base'],
      {
        defaultPackTemplate: packTemplatePath,
        defaultReadmeTemplate: join(templatesDir, 'pack-readme.md.hbs'),
        read: (path) => readFileSync(path, 'utf8'),
        readPackTemplate: defaultTemplates().readPackTemplate,
      },
      { readme: false },
    );
    expect(result.diagnostics).toEqual([]);
    built = new Map(result.built.map((b) => [b.name, b]));
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function run(regions: string[], lines: string[] = []): { state: DesiredState; text: string } {
    const text = [...header(regions), ...lines, ''].join('\n');
    const loaded = parseDeployConfig('packsmith.deploy.yaml', text);
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const state = desiredState({
      config: loaded.config!,
      source: loaded.source,
      tree,
      built,
      packTemplate: () => ({
        text: readFileSync(packTemplatePath, 'utf8'),
        file: 'conformance-pack.yaml.hbs',
      }),
    });
    return { state, text };
  }

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
