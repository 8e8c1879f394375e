import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeployConfig, orgPackNameOf, parseDeployConfig } from '../../src/org/deploy-config.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';

const FILE = 'packsmith.deploy.yaml';
const at = (d: Diagnostic) => `${d.location?.line}:${d.location?.column}`;

const good = `# yaml-language-server: $schema=./schemas/deploy.schema.json
deployingAccount: "111122223333"
role: delegated-administrator
assumeRoleName: PacksmithDeployer
regions: [us-east-1, eu-west-1]
templateBuckets:
  us-east-1: acme-packsmith-templates-use1
  eu-west-1: acme-packsmith-templates-euw1
packs:
  baseline:
    orgPackName: acme-baseline
    targets:
      ous: [/Root]
      excludeOus: [/Root/Sandbox]
      excludeAccounts: ["444455556666"]
    deliveryBucket: awsconfigconforms-acme-results
    deliveryKeyPrefix: baseline
    parameters:
      MaxAccessKeyAge: 90
      RequireMfa: true
    regionParameters:
      eu-west-1: { MaxAccessKeyAge: "60" }
    excludeRules:
      eu-west-1: [iam-user-mfa-enabled]
  web:
    targets:
      ous: [ou-abcd-12345678, /Root/Prod/Web]
      accounts: ["777788889999"]
`;

describe('deployment configuration', () => {
  it('loads a good file with its values and no problems', () => {
    const dir = mkdtempSync(join(tmpdir(), 'packsmith-deploy-'));
    writeFileSync(join(dir, FILE), good);
    const loaded = loadDeployConfig(join(dir, FILE), FILE);
    expect(loaded.problems).toEqual([]);
    const config = loaded.config!;
    expect(config.role).toBe('delegated-administrator');
    expect(config.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(config.packs.baseline!.parameters).toEqual({ MaxAccessKeyAge: 90, RequireMfa: true });
    expect(orgPackNameOf('baseline', config.packs.baseline!)).toBe('acme-baseline');
    expect(orgPackNameOf('web', config.packs.web!)).toBe('web');
  });

  it('the example of docs/deploy-config.md is a valid configuration', () => {
    const doc = readFileSync(new URL('../../docs/deploy-config.md', import.meta.url), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const loaded = parseDeployConfig(FILE, example!);
    expect(loaded.problems).toEqual([]);
    expect(Object.keys(loaded.config!.packs).length).toBeGreaterThan(0);
  });

  it('reports every mistake at once, each at its line:column', () => {
    const text = [
      /*  1 */ 'deployingAccount: "12345"',
      /*  2 */ 'role: admin',
      /*  3 */ 'regions: [us-east-1, eu-west-1, us-east-1, eu-north-1]',
      /*  4 */ 'templateBuckets:',
      /*  5 */ '  us-east-1: acme-templates',
      /*  6 */ '  eu-west-1: Bad_Bucket',
      /*  7 */ '  ap-south-1: acme-templates-aps1',
      /*  8 */ 'pakcs: {}',
      /*  9 */ 'packs:',
      /* 10 */ '  baseline:',
      /* 11 */ '    targets:',
      /* 12 */ '      ous: [/Root/Prod, /Root/Prod, Prod]',
      /* 13 */ '      accounts: ["111122223333"]',
      /* 14 */ '      excludeAccounts: ["111122223333"]',
      /* 15 */ '    deliveryBucket: my-config-bucket',
      /* 16 */ '    parameters: { A: { nested: 1 } }',
      /* 17 */ '    regionParameters:',
      /* 18 */ '      eu-west-2: { A: "1" }',
      /* 19 */ '    excludeRules:',
      /* 20 */ '      us-east-1: [rule-a, rule-a]',
      /* 21 */ '  other:',
      /* 22 */ '    orgPackName: baseline',
      /* 23 */ '    targets: { excludeOus: [/Root/Dev] }',
      /* 24 */ '    delivery: x',
      '',
    ].join('\n');
    const loaded = parseDeployConfig(FILE, text);
    expect(loaded.config).toBeUndefined();
    const found = loaded.problems.map((d) => `${at(d)} ${d.checkId} ${d.message}`);
    const expected: Array<[string, string, RegExp]> = [
      [
        '1:19',
        'PS101',
        /`deployingAccount` \("12345"\) is not of the expected form: The account that calls PutOrganizationConformancePack \(12 digits\)/,
      ],
      ['2:7', 'PS101', /`role` is "admin"; it must be one of "management", "delegated-administrator"/],
      ['3:33', 'PS503', /Region `us-east-1` is listed twice/],
      ['3:44', 'PS502', /no template bucket for Region eu-north-1/],
      ['6:14', 'PS101', /`templateBuckets.eu-west-1` \("Bad_Bucket"\) is not of the expected form/],
      ['7:3', 'PS506', /template bucket for ap-south-1, which is not in `regions`/],
      ['8:1', 'PS101', /unknown field `pakcs` in the file \(did you mean `packs`\?\)/],
      ['12:25', 'PS503', /OU `\/Root\/Prod` is listed twice/],
      ['12:37', 'PS101', /`packs.baseline.targets.ous.2` \("Prod"\) is not of the expected form/],
      ['14:25', 'PS503', /`111122223333` is both in `accounts` and in `excludeAccounts`/],
      [
        '15:21',
        'PS101',
        /`packs.baseline.deliveryBucket` \("my-config-bucket"\) is not of the expected form: DeliveryS3Bucket: an org pack's delivery bucket name must start with "awsconfigconforms"/,
      ],
      [
        '16:22',
        'PS101',
        /`packs.baseline.parameters.A` is a mapping; it must be text, a number or a boolean/,
      ],
      [
        '18:7',
        'PS501',
        /`regionParameters` of pack baseline names Region eu-west-2, which is not in `regions` \(did you mean eu-west-1\?\)/,
      ],
      ['20:27', 'PS503', /rule `rule-a` is listed twice/],
      ['22:18', 'PS505', /packs baseline and other both deploy as organization conformance pack baseline/],
      ['23:5', 'PS504', /pack other targets no OU and no account/],
      ['24:5', 'PS101', /unknown field `delivery` in `packs.other`/],
    ];
    for (const [position, id, message] of expected) {
      expect(found, `${position} ${id} ${message}`).toContainEqual(
        expect.stringMatching(new RegExp(`^${position} ${id} ${message.source}`)),
      );
    }
    expect(found).toHaveLength(expected.length);
    // Errors first by position, and the unused bucket is only a warning.
    expect(loaded.problems.find((d) => d.checkId === 'PS506')?.severity).toBe('warning');
  });

  it('reports a missing required field at the mapping and a syntax error at its position', () => {
    const missing = parseDeployConfig(
      FILE,
      'role: management\nregions: [us-east-1]\ntemplateBuckets: {}\npacks: {}\n',
    );
    expect(missing.problems.map((d) => `${at(d)} ${d.message}`)).toEqual([
      '1:1 the file is missing the required field `deployingAccount`',
      '2:11 no template bucket for Region us-east-1 in `templateBuckets`',
      '4:8 `packs` has 0 entries; it needs at least 1',
    ]);
    const syntax = parseDeployConfig(FILE, 'regions: [us-east-1\nrole: x\n');
    expect(syntax.problems[0]?.checkId).toBe('PS100');
    expect(syntax.config).toBeUndefined();
  });

  it('a warning alone still loads the configuration', () => {
    const text = good.replace(
      '  eu-west-1: acme-packsmith-templates-euw1',
      '  eu-west-1: acme-packsmith-templates-euw1\n  eu-west-3: spare-bucket',
    );
    const loaded = parseDeployConfig(FILE, text);
    expect(loaded.problems.map((d) => [d.severity, at(d)])).toEqual([['warning', '9:3']]);
    expect(loaded.config).toBeDefined();
  });
});
