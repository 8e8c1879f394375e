/**
 * Issue 16: `engine: stackset` in packsmith.deploy.yaml: stages with OUs, accounts, overrides and
 * operation preferences; every problem at once, located (PS550 'stackset-stage-ous', PS551
 * 'stackset-ou-in-two-stages', PS552 'deploy-engine-setting', PS508 for overrides, PS554
 * 'stackset-strict-concurrency').
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { engineOf, parseDeployConfig, stackSetNameOf } from '../../src/org/deploy-config.js';
import { deployPackProblems } from '../../src/org/deploy-packs.js';

const FILE = 'packsmith.deploy.yaml';
const seen = (list: Diagnostic[]) =>
  list.map((d) => `${d.location?.line}:${d.location?.column} ${d.checkId} ${d.message}`);

const head = [
  'deployingAccount: "111122223333"',
  'role: management',
  'regions: [us-east-1, eu-west-1]',
  'templateBuckets: { us-east-1: acme-templates-use1, eu-west-1: acme-templates-euw1 }',
  'packs:',
];

describe('[16] stack set engine configuration', () => {
  it('loads a stack set pack with stages, overrides and preferences', () => {
    const text = [
      ...head,
      '  baseline:',
      '    engine: stackset',
      '    parameters: { MaxAccessKeyAge: 90 }',
      '    stages:',
      '      - name: canary',
      '        ous: [/Root/Sandbox]',
      '        maxConcurrent: 25%',
      '        failureTolerance: 1',
      '        concurrencyMode: SOFT',
      '      - name: production',
      '        ous: [ou-abcd-12345678]',
      '        accounts: ["444455556666"]',
      '        accountFilter: INTERSECTION',
      '        parameters: { MaxAccessKeyAge: 30 }',
      '        regionConcurrency: PARALLEL',
      '    autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false }',
      '    callAs: SELF',
      '  web:',
      '    targets: { ous: [/Root] }',
      '',
    ].join('\n');
    const loaded = parseDeployConfig(FILE, text);
    expect(loaded.problems).toEqual([]);
    const baseline = loaded.config!.packs.baseline!;
    expect(engineOf(baseline)).toBe('stackset');
    expect(engineOf(loaded.config!.packs.web!)).toBe('organization');
    expect(stackSetNameOf('baseline', baseline)).toBe('packsmith-baseline');
    expect(baseline.stages!.map((s) => s.name)).toEqual(['canary', 'production']);
  });

  it('reports every problem of the stages and of the other engine at once, located', () => {
    const many = Array.from({ length: 51 }, (_, i) => `ou-abcd-${String(10000000 + i)}`);
    const text = [
      /*  1-5 */ ...head,
      /*  6 */ '  baseline:',
      /*  7 */ '    engine: stackset',
      /*  8 */ '    targets: { ous: [/Root] }',
      /*  9 */ '    waves: [{ name: first, ous: [/Root] }]',
      /* 10 */ '    stages:',
      /* 11 */ '      - name: canary',
      /* 12 */ '        ous: [/Root/Sandbox]',
      /* 13 */ '      - name: production',
      /* 14 */ `        ous: [${many.join(', ')}]`,
      /* 15 */ '      - name: canary',
      /* 16 */ '        ous: [/Root/Prod, /Root/Sandbox]',
      /* 17 */ '      - name: empty',
      /* 18 */ '  web:',
      /* 19 */ '    targets: { ous: [/Root] }',
      /* 20 */ '    stages: [{ name: x, ous: [/Root] }]',
      /* 21 */ '    callAs: SELF',
      /* 22 */ '  plain: {}',
      '',
    ].join('\n');
    const loaded = parseDeployConfig(FILE, text);
    expect(seen(loaded.problems)).toEqual([
      '8:5 PS552 `targets` of pack baseline applies to organization conformance packs only; this pack deploys by `engine: stackset` (target OUs and accounts in `stages`)',
      '9:5 PS552 `waves` of pack baseline applies to organization conformance packs only; this pack deploys by `engine: stackset` (target OUs and accounts in `stages`)',
      '14:9 PS550 stage 2 of pack baseline names 51 OUs; one stack set operation takes at most 50',
      '15:15 PS503 stage `canary` is named twice (also stage 1)',
      '16:27 PS551 OU `/Root/Sandbox` is already in stage 1 of pack baseline',
      '17:9 PS504 stage 4 of pack baseline targets no OU and no account',
      '20:5 PS552 `stages` of pack web applies to `engine: stackset` only; this pack deploys as an organization conformance pack',
      '21:5 PS552 `callAs` of pack web applies to `engine: stackset` only; this pack deploys as an organization conformance pack',
      '22:3 PS504 pack plain has no `targets` (or, with `engine: stackset`, `stages`)',
    ]);
  });

  it('maxConcurrent above one with STRICT and no failure tolerance (one at a time in AWS) is a PS554 warning', () => {
    const text = [
      /* 1-5 */ ...head,
      /*  6 */ '  baseline:',
      /*  7 */ '    engine: stackset',
      /*  8 */ '    stages:',
      /*  9 */ "      - { name: a, ous: [/Root/A], maxConcurrent: '100%' }",
      /* 10 */ '      - { name: b, ous: [/Root/B], maxConcurrent: 10, failureTolerance: 0, concurrencyMode: STRICT }',
      /* 11 */ "      - { name: c, ous: [/Root/C], maxConcurrent: 10, failureTolerance: '0%' }",
      /* 12 */ "      - { name: d, ous: [/Root/D], maxConcurrent: '100%', concurrencyMode: SOFT }",
      /* 13 */ '      - { name: e, ous: [/Root/E], maxConcurrent: 10, failureTolerance: 2 }',
      /* 14 */ "      - { name: f, ous: [/Root/F], maxConcurrent: 10, failureTolerance: '5%' }",
      /* 15 */ '      - { name: g, ous: [/Root/G], maxConcurrent: 1 }',
      /* 16 */ '      - { name: h, ous: [/Root/H] }',
      '',
    ].join('\n');
    const loaded = parseDeployConfig(FILE, text);
    expect(seen(loaded.problems)).toEqual([
      '9:36 PS554 stage 1 of pack baseline sets maxConcurrent 100%, but with STRICT failure tolerance and failureTolerance 0 AWS runs one account at a time per Region',
      '10:36 PS554 stage 2 of pack baseline sets maxConcurrent 10, but with STRICT failure tolerance and failureTolerance 0 AWS runs one account at a time per Region',
      '11:36 PS554 stage 3 of pack baseline sets maxConcurrent 10, but with STRICT failure tolerance and failureTolerance 0 AWS runs one account at a time per Region',
    ]);
    expect(loaded.problems.every((d) => d.severity === 'warning')).toBe(true);
    expect(loaded.config).toBeDefined();
  });

  it('a stage override naming a parameter the pack does not declare is PS508, at the override', () => {
    const text = [
      ...head,
      '  baseline:',
      '    engine: stackset',
      '    stages:',
      '      - name: canary',
      '        ous: [/Root/Sandbox]',
      '        parameters: { MaxAccessKeyAg: 30 }',
      '',
    ].join('\n');
    const loaded = parseDeployConfig(FILE, text);
    expect(loaded.problems).toEqual([]);
    const pack = {
      parameters: [{ name: 'MaxAccessKeyAge', default: '90', constraints: {} }],
      rules: [],
    } as never;
    const problems = deployPackProblems({
      source: loaded.source,
      repository: { packs: new Map([['baseline', pack]]), unbuilt: new Set() },
    });
    expect(seen(problems)).toEqual([
      '11:23 PS508 pack baseline has no parameter `MaxAccessKeyAg` (did you mean `MaxAccessKeyAge`?)',
    ]);
  });
});
