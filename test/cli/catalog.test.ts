import { Ajv } from 'ajv';
import type { Static, TSchema } from '@sinclair/typebox';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ManagedRule, Runbook } from '../../src/catalog/types.js';
import type { ManagedRuleOutputSchema, RunbookOutputSchema } from '../../src/report/schemas/catalog.js';
import { CatalogListOutputSchema, CatalogShowOutputSchema } from '../../src/report/schemas/catalog.js';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { runCli } from '../support/cli.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const sharedRules = resolve(repoRoot, '../shared/catalog/managed-rules.json');
const sharedAbsent = !existsSync(sharedRules);
if (sharedAbsent) console.warn(`[skip] CLI-vs-shared-catalog test: ${sharedRules} is absent`);

// The output schemas and the catalog types must describe the same objects (compile-time check).
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const ruleSchemaMatchesType: Same<Static<typeof ManagedRuleOutputSchema>, ManagedRule> = true;
const runbookSchemaMatchesType: Same<Static<typeof RunbookOutputSchema>, Runbook> = true;

const ajv = new Ajv({ strict: false });
function expectValid(schema: TSchema, doc: unknown): void {
  const validate = ajv.compile(schema);
  const ok = validate(doc);
  expect(validate.errors ?? [], 'output does not match its JSON Schema').toEqual([]);
  expect(ok).toBe(true);
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A scratch folder to run in: outside the repository, so no packs/ folder is found by accident. */
function scratch(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'packsmith-cli-catalog-'));
  temps.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const plain = scratch();
const run = (args: string[], cwd = plain) => runCli(['catalog', ...args], { cwd });

describe('packsmith catalog show', () => {
  it('shows a rule with each parameter, its type and whether it is optional', async () => {
    const r = await run(['show', 'S3_BUCKET_VERSIONING_ENABLED']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^S3_BUCKET_VERSIONING_ENABLED {2}\(s3-bucket-versioning-enabled\)$/m);
    expect(r.stdout).toMatch(/^ {4}isMfaDeleteEnabled +String +optional$/m);
    expect(r.stdout).toMatch(/triggers: +configuration changes$/m);
    expect(r.stdout).toMatch(/resource types: +AWS::S3::Bucket$/m);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('says what the rule checks and links its documentation page; provenance only in JSON', async () => {
    const r = await run(['show', 'restricted-ssh']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[1]).toMatch(
      /^ {2}Checks if the incoming SSH traffic for the security groups is accessible\./,
    );
    expect(r.stdout).toMatch(
      /^ {2}documentation: +https:\/\/docs\.aws\.amazon\.com\/config\/latest\/developerguide\/restricted-ssh\.html$/m,
    );
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    // No provenance strings (crawl sources, commits) in the text output.
    expect(r.stdout).not.toMatch(/provenance|@[0-9a-f]{7,}|niaid|awsdocs\/|docs-2023/);
    expect(r.stdout).toContain('--format json');
    const json = JSON.parse((await run(['show', 'restricted-ssh', '--format', 'json'])).stdout) as {
      rule: ManagedRule;
    };
    expect(json.rule.provenance.description).toMatch(/@[0-9a-f]{40}$/);
    expect(json.rule.documentationUrl).toMatch(/\/restricted-ssh\.html$/);
    const runbook = await run(['show', 'AWS-EnableS3BucketEncryption']);
    expect(runbook.stdout).not.toMatch(/provenance|@[0-9a-f]{7,}|doc_source/);
  });

  it('a parameter with a default shows it, and whether it is also marked optional', async () => {
    const r = await run(['show', 'ACCESS_KEYS_ROTATED']);
    expect(r.stdout).toMatch(/^ {4}maxAccessKeyAge +int +default "90"$/m);
    expect(r.stdout).toMatch(/triggers: +periodic$/m);
    const acm = await run(['show', 'ACM_CERTIFICATE_EXPIRATION_CHECK']);
    expect(acm.stdout).toMatch(/^ {4}daysToExpiration +int +optional, default "14"$/m);
    expect(acm.stdout).toMatch(/triggers: +configuration changes and periodic$/m);
  });

  it('accepts the documented rule name', async () => {
    const r = await run(['show', 'restricted-ssh', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      entry: 'rule',
      rule: { identifier: 'INCOMING_SSH_DISABLED' },
    });
  });

  it('unknown identifier: exit 1, the suggestion and the fix on stderr, nothing on stdout', async () => {
    const r = await run(['show', 'S3_BUCKET_VERSIONNG_ENABLED']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'packsmith: unknown managed rule identifier "S3_BUCKET_VERSIONNG_ENABLED" (did you mean S3_BUCKET_VERSIONING_ENABLED?)',
    );
    expect(r.stderr).toMatch(
      /fix: if AWS published this rule after packsmith's catalog, .*docs\/catalog\.md/,
    );
  });

  it('unknown runbook name: the runbook message', async () => {
    const r = await run(['show', 'AWS-EnableS3BucketEncrypton']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'unknown runbook "AWS-EnableS3BucketEncrypton" (did you mean AWS-EnableS3BucketEncryption?)',
    );
  });

  it('shows a runbook: parameters, assume role, labelled guess, snapshot note', async () => {
    const r = await run(['show', 'AWS-ConfigureS3BucketVersioning']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/assume-role parameter: +AutomationAssumeRole$/m);
    expect(r.stdout).toMatch(/resource id candidates: +BucketName \(a name-based guess, not documented\)$/m);
    expect(r.stdout).toMatch(/^ {4}BucketName +String +required$/m);
    expect(r.stdout).toMatch(
      /VersioningState +String +optional +default "Enabled"; allowed: Enabled, Suspended$/m,
    );
    expect(r.stdout).toMatch(/note: parameters come from a May 2021 documentation snapshot/);
  });

  it('a confirmed resource-id parameter is shown as confirmed', async () => {
    const r = await run(['show', 'AWS-EnableS3BucketEncryption']);
    expect(r.stdout).toMatch(/resource id parameter: +BucketName \(confirmed\)$/m);
  });

  it('AWS_CONFIG_PROCESS_CHECK is known although it has no entry', async () => {
    const text = await run(['show', 'AWS_CONFIG_PROCESS_CHECK']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/process check/);
    const json = await run(['show', 'AWS_CONFIG_PROCESS_CHECK', '--format', 'json']);
    const doc = JSON.parse(json.stdout) as unknown;
    expect(doc).toMatchObject({ kind: 'catalog-show', entry: 'process-check' });
    expectValid(CatalogShowOutputSchema, doc);
  });

  it('--format json: the full entry, valid against the catalog-show schema', async () => {
    const rule = await run(['show', 'ACCESS_KEYS_ROTATED', '--format', 'json']);
    const ruleDoc = JSON.parse(rule.stdout) as { schemaVersion: number; rule: ManagedRule };
    expect(ruleDoc.schemaVersion).toBe(1);
    expect(ruleDoc.rule.parameters).toEqual([
      { name: 'maxAccessKeyAge', type: 'int', optional: false, default: '90' },
    ]);
    expectValid(CatalogShowOutputSchema, ruleDoc);
    const runbook = await run(['show', 'AWS-DisableS3BucketPublicReadWrite', '--format', 'json']);
    const runbookDoc = JSON.parse(runbook.stdout) as { runbook: Runbook };
    expect(runbookDoc.runbook.resourceIdParameter).toBe('S3BucketName');
    expectValid(CatalogShowOutputSchema, runbookDoc);
  });

  it('bad option values are usage errors (exit 2)', async () => {
    const format = await run(['show', 'ACCESS_KEYS_ROTATED', '--format', 'yaml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be one of text, json (got "yaml")');
    expect((await run(['show'])).code).toBe(2);
    const root = await run(['show', 'ACCESS_KEYS_ROTATED', '--root', join(plain, 'missing')]);
    expect(root.code).toBe(2);
    expect(root.stderr).toContain('not a directory');
  });
});

describe('packsmith catalog list', () => {
  it('text: an aligned table of every rule and a count line', async () => {
    const r = await run(['list']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^IDENTIFIER +TRIGGERS +RESOURCE TYPES$/);
    expect(lines.at(-1)).toBe('802 managed rules');
    expect(lines).toHaveLength(1 + 802 + 1);
    const triggerColumn = lines[0]?.indexOf('TRIGGERS');
    const acm = lines.find((l) => l.startsWith('ACM_CERTIFICATE_EXPIRATION_CHECK ')) ?? '';
    expect(acm.indexOf('change, periodic')).toBe(triggerColumn);
    expect(acm).toMatch(/AWS::ACM::Certificate$/);
    expect(lines.find((l) => l.startsWith('ACCOUNT_PART_OF_ORGANIZATIONS '))).toMatch(/no resource type/);
  });

  it('text: long resource-type lists are truncated with a "+N more"', async () => {
    const r = await run(['list', '--text', 'CLOUDWATCH_ALARM_RESOURCE_CHECK']);
    const row = r.stdout.split('\n').find((l) => l.startsWith('CLOUDWATCH_ALARM_RESOURCE_CHECK')) ?? '';
    expect(row).toMatch(/, \+\d+ more$/);
    expect(row.length).toBeLessThanOrEqual(140);
  });

  it('filters: resource type (any case), trigger and every word of --text', async () => {
    const r = await run([
      'list',
      '--resource-type',
      'aws::s3::bucket',
      '--trigger',
      'periodic',
      '--format',
      'json',
    ]);
    const rules = (JSON.parse(r.stdout) as { rules: ManagedRule[] }).rules;
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.resourceTypes).toContain('AWS::S3::Bucket');
      expect(rule.triggers.periodic).toBe(true);
    }
    expect(rules.map((x) => x.identifier)).toContain('S3_BUCKET_PUBLIC_READ_PROHIBITED');
    expect(rules.map((x) => x.identifier)).not.toContain('S3_BUCKET_VERSIONING_ENABLED');

    const text = await run(['list', '--text', 'S3 versioning']);
    expect(text.stdout.split('\n')[1]).toMatch(/^S3_BUCKET_VERSIONING_ENABLED +change +AWS::S3::Bucket$/);
    expect(text.stdout).toMatch(/^\d of 802 managed rules$/m);

    const change = await run(['list', '--trigger', 'change', '--text', 'access keys rotated']);
    expect(change.stdout).toMatch(/^0 of 802 managed rules$/m);
  });

  it('--text searches descriptions, resource types and parameters, ranked (issue 12)', async () => {
    const firstTen = async (query: string) => {
      const r = await run(['list', '--text', query, '--format', 'json']);
      expect(r.code).toBe(0);
      return (JSON.parse(r.stdout) as { rules: ManagedRule[] }).rules.slice(0, 10).map((x) => x.identifier);
    };
    const group = await firstTen('security group');
    expect(group).toContain('RESTRICTED_INCOMING_TRAFFIC');
    expect(group).toContain('INCOMING_SSH_DISABLED');
    expect(await firstTen('rotation')).toContain('ACCESS_KEYS_ROTATED');
    // A resource type written as the type or as words, and a parameter name.
    expect((await firstTen('AWS::EC2::SecurityGroup')).slice(0, 10)).toContain('INCOMING_SSH_DISABLED');
    expect((await firstTen('maxAccessKeyAge'))[0]).toBe('ACCESS_KEYS_ROTATED');
    const text = await run(['list', '--text', 'security group']);
    expect(text.stdout.split('\n')[0]).toMatch(/^IDENTIFIER/);
    expect(text.stdout).toMatch(/^\d+ of 802 managed rules$/m);
  });

  it('a resource type no rule lists gets a note with a suggestion', async () => {
    const r = await run(['list', '--resource-type', 'AWS::S3::Buckets']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'no managed rule lists resource type "AWS::S3::Buckets" (did you mean AWS::S3::Bucket?)',
    );
  });

  it('--runbooks lists runbooks; the text filter applies to their names', async () => {
    const r = await run(['list', '--runbooks', '--text', 's3 encryption', '--format', 'json']);
    const doc = JSON.parse(r.stdout) as { kind: string; runbooks: Runbook[] };
    expect(doc.kind).toBe('catalog-list');
    expect(doc.runbooks.map((x) => x.name)).toContain('AWS-EnableS3BucketEncryption');
    for (const runbook of doc.runbooks)
      expect(runbook.name.toLowerCase()).toMatch(/s3.*encryption|encryption.*s3/);
    expectValid(CatalogListOutputSchema, doc);

    const text = await run(['list', '--runbooks']);
    expect(text.stdout.split('\n')[0]).toMatch(/^NAME +PARAMETERS +ASSUME ROLE +RESOURCE ID$/);
    expect(text.stdout).toMatch(
      /^AWS-ConfigureS3BucketVersioning +3 \(1 required\) +AutomationAssumeRole +BucketName \(guess\)$/m,
    );
    expect(text.stdout).toMatch(/^175 runbooks$/m);
  });

  it('bad option values are usage errors (exit 2)', async () => {
    const trigger = await run(['list', '--trigger', 'hourly']);
    expect(trigger.code).toBe(2);
    expect(trigger.stderr).toContain('--trigger must be one of change, periodic (got "hourly")');
    expect((await run(['list', '--format', 'xml'])).code).toBe(2);
    expect((await run(['list', '--runbooks', '--trigger', 'change'])).code).toBe(2);
    expect((await run(['list', '--resource-type', ' '])).code).toBe(2);
  });

  it('--format json: every rule, valid against the catalog-list schema', async () => {
    const r = await run(['list', '--format', 'json']);
    const doc = JSON.parse(r.stdout) as { schemaVersion: number; kind: string; rules: ManagedRule[] };
    expect(doc.kind).toBe('catalog-list');
    expect(doc.rules).toHaveLength(802);
    expectValid(CatalogListOutputSchema, doc);
  });

  it.skipIf(sharedAbsent)(
    `--format json agrees with ../shared/catalog/managed-rules.json for all 802 rules (skipped when absent)`,
    async () => {
      interface SharedRule {
        identifier: string;
        name: string;
        triggers: { configurationChange: boolean; periodic: boolean };
        resourceTypes: string[];
        parameters: Array<{ name: string; type: string; optional: boolean; default?: string }>;
      }
      const shared = JSON.parse(readFileSync(sharedRules, 'utf8')) as SharedRule[];
      const r = await run(['list', '--format', 'json']);
      const listed = new Map(
        (JSON.parse(r.stdout) as { rules: ManagedRule[] }).rules.map((x) => [x.identifier, x]),
      );
      expect(shared).toHaveLength(802);
      expect(listed.size).toBe(802);
      for (const s of shared) {
        const rule = listed.get(s.identifier);
        expect(rule, s.identifier).toBeDefined();
        expect(
          {
            name: rule?.name,
            triggers: rule?.triggers,
            resourceTypes: rule?.resourceTypes,
            parameters: rule?.parameters,
          },
          s.identifier,
        ).toEqual({
          name: s.name,
          triggers: { configurationChange: s.triggers.configurationChange, periodic: s.triggers.periodic },
          resourceTypes: s.resourceTypes,
          parameters: s.parameters.map((p) => ({
            name: p.name,
            type: p.type,
            optional: p.optional,
            ...(p.default !== undefined ? { default: String(p.default) } : {}),
          })),
        });
      }
    },
  );
});

describe('repository catalog extensions', () => {
  const extension = [
    'kind: catalog',
    'rules:',
    '  - identifier: ORG_NEW_MANAGED_RULE',
    '    resourceTypes: [AWS::S3::Bucket]',
    '    parameters:',
    '      - name: threshold',
    '        type: int',
    '        default: 5',
    '  - identifier: ACCESS_KEYS_ROTATED',
    '    parameters:',
    '      - name: maxAccessKeyAge',
    '        type: int',
    '        default: 60',
    'runbooks:',
    '  - name: Custom-FixBucket',
    '    resourceIdParameter: BucketName',
    '    parameters:',
    '      - name: BucketName',
    '        required: true',
    '',
  ].join('\n');

  it('with --root, show and list include the repository entries and corrections', async () => {
    const repo = scratch({ 'packs/catalog.yaml': extension });
    const show = await run(['show', 'ORG_NEW_MANAGED_RULE', '--root', repo]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/origin: +repository \(catalog extension\)/);
    expect(show.stdout).toMatch(/^ {4}threshold +int +default "5"$/m);
    expect(show.stdout).toMatch(/triggers: +configuration changes and periodic$/m);
    expect(show.stdout).toMatch(/^ {2}catalog extension: +\S*packs\/catalog\.yaml$/m);

    const corrected = await run(['show', 'ACCESS_KEYS_ROTATED', '--root', repo, '--format', 'json']);
    const rule = (JSON.parse(corrected.stdout) as { rule: ManagedRule }).rule;
    expect(rule.parameters).toEqual([
      { name: 'maxAccessKeyAge', type: 'int', optional: false, default: '60' },
    ]);
    expect(rule.resourceTypes).toEqual(['AWS::IAM::User']);
    expect(rule.origin).toBe('repository');

    const list = await run(['list', '--root', repo, '--resource-type', 'AWS::S3::Bucket', '--text', 'org']);
    expect(list.stdout).toMatch(/^ORG_NEW_MANAGED_RULE +change, periodic +AWS::S3::Bucket$/m);
    expect(list.stdout).toMatch(/^1 of 803 managed rules \(1 from catalog extensions\)$/m);

    const runbook = await run(['show', 'Custom-FixBucket', '--root', repo]);
    expect(runbook.code).toBe(0);
    expect(runbook.stdout).toMatch(/resource id parameter: +BucketName \(confirmed\)/);
    expect(runbook.stdout).not.toContain('May 2021');
  });

  it('without --root, a packs/ folder in the working directory is used', async () => {
    const repo = scratch({ 'packs/catalog.yaml': extension });
    expect((await run(['show', 'ORG_NEW_MANAGED_RULE'], repo)).code).toBe(0);
    // ...and elsewhere the shipped catalog alone does not know the rule.
    const elsewhere = await run(['show', 'ORG_NEW_MANAGED_RULE']);
    expect(elsewhere.code).toBe(1);
  });

  it('an invalid extension file is reported as a warning and not applied', async () => {
    const repo = scratch({ 'packs/catalog.yaml': 'kind: catalog\nrules:\n  - identifier: lower_case_bad\n' });
    const r = await run(['show', 'ACCESS_KEYS_ROTATED', '--root', repo]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^packsmith: warning: the pack repository has 1 error\(s\);/);
    expect(r.stderr).toMatch(/packs\/catalog\.yaml:3:\d+ +error /);
    expect(r.stdout).toMatch(/origin: +aws/);
  });
});

describe('colour and start-up', () => {
  it('honours NO_COLOR, and colours when forced', async () => {
    const coloured = await runCli(['catalog', 'list', '--text', 'access keys rotated'], {
      cwd: plain,
      env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
    });
    expect(coloured.stdout).toContain('\u001b[1mIDENTIFIER');
    const plainRun = await runCli(['catalog', 'list', '--text', 'access keys rotated'], {
      cwd: plain,
      env: { NO_COLOR: '1', FORCE_COLOR: '1' },
    });
    expect(plainRun.stdout).not.toContain('\u001b[');
  });

  it('the command file imports the catalog and the repository loader only inside its actions', () => {
    const source = readFileSync(join(repoRoot, 'src/cli/commands/catalog.ts'), 'utf8');
    const staticImports = [...source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)].map(
      (m) => m[1],
    );
    expect(staticImports.filter((m) => /catalog\/(catalog|extensions)|authoring\//.test(m ?? ''))).toEqual(
      [],
    );
    expect(source).toContain("await import('../../catalog/catalog.js')");
  });

  it('catalog --help lists both subcommands and exits 0', async () => {
    const r = await runCli(['catalog', '--help'], { cwd: plain });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/list \[options\]/);
    expect(r.stdout).toMatch(/show \[options\] <identifier>/);
  });
});

void ruleSchemaMatchesType;
void runbookSchemaMatchesType;

const listed = (stdout: string) =>
  (JSON.parse(stdout) as { rules: ManagedRule[] }).rules.map((r) => r.identifier);

describe('catalog show: Region availability (issue 14)', () => {
  it('says compactly where the rule is unavailable, or that it is everywhere', async () => {
    const root = await run(['show', 'ROOT_ACCOUNT_MFA_ENABLED']);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/^ {2}regions: +unavailable in: .*cn-north-1.*us-gov-west-1$/m);
    const cloudfront = await run(['show', 'CLOUDFRONT_VIEWER_POLICY_HTTPS']);
    expect(cloudfront.stdout).toMatch(/^ {2}regions: +only in: us-east-1$/m);
    const everywhere = loadCatalog()
      .rules()
      .find((r) => r.availability?.unavailable?.length === 0) as ManagedRule;
    const all = await run(['show', everywhere.identifier]);
    expect(all.stdout).toMatch(/^ {2}regions: +all 38 documented Regions$/m);
    const json = JSON.parse((await run(['show', 'ROOT_ACCOUNT_MFA_ENABLED', '--format', 'json'])).stdout) as {
      rule: ManagedRule;
    };
    expect(json.rule.availability?.unavailable).toContain('us-gov-west-1');
    expect(json.rule.provenance.availability).toMatch(/^c2hans\/aws-docs@/);
  });
});

describe('catalog list --region', () => {
  it('cn-north-1 lists only rules documented there', async () => {
    const r = await run(['list', '--region', 'cn-north-1', '--format', 'json']);
    expect(r.code).toBe(0);
    const ids = listed(r.stdout);
    const catalog = loadCatalog();
    expect(ids.length).toBeGreaterThan(100);
    expect(ids.length).toBeLessThan(catalog.rules().length - 400);
    for (const id of ids) expect(catalog.availability(id, 'cn-north-1')).toBe('available');
    expect(ids).not.toContain('ROOT_ACCOUNT_MFA_ENABLED');
    expect(ids).not.toContain('ACCOUNT_PART_OF_ORGANIZATIONS');
    const east = listed((await run(['list', '--region', 'us-east-1', '--format', 'json'])).stdout);
    expect(east).toContain('ROOT_ACCOUNT_MFA_ENABLED');
    expect(east).toContain('CLOUDFRONT_VIEWER_POLICY_HTTPS');
  });

  it('a Region without data keeps every rule (unknown is not unavailable) and says so', async () => {
    const r = await run(['list', '--region', 'us-isob-east-1', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(listed(r.stdout)).toHaveLength(802);
    expect(r.stderr).toMatch(/no availability data for us-isob-east-1/);
  });

  it('a malformed Region, or --region with --runbooks, is a usage error', async () => {
    expect((await run(['list', '--region', 'Narnia'])).code).toBe(2);
    expect((await run(['list', '--runbooks', '--region', 'us-east-1'])).code).toBe(2);
  });

  it('a catalog extension declares availability for a new rule', async () => {
    const repo = scratch({
      'packs/catalog.yaml': [
        'kind: catalog',
        'rules:',
        '  - identifier: ORG_NEW_MANAGED_RULE',
        '    availability:',
        '      unavailable: [us-gov-west-1]',
        '',
      ].join('\n'),
    });
    const gov = listed(
      (await run(['list', '--region', 'us-gov-west-1', '--format', 'json', '--root', repo])).stdout,
    );
    expect(gov).not.toContain('ORG_NEW_MANAGED_RULE');
    const east = listed(
      (await run(['list', '--region', 'us-east-1', '--format', 'json', '--root', repo])).stdout,
    );
    expect(east).toContain('ORG_NEW_MANAGED_RULE');
    const show = await run(['show', 'ORG_NEW_MANAGED_RULE', '--root', repo]);
    expect(show.stdout).toMatch(/^ {2}regions: +unavailable in: us-gov-west-1$/m);
  });
});
