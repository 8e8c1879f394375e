/**
 * The IAM policy: the README shows what the code generates, every action packsmith says it calls
 * is the action of a real SDK command, and the documents have the shape IAM accepts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cloudformation from '@aws-sdk/client-cloudformation';
import * as config from '@aws-sdk/client-config-service';
import * as organizations from '@aws-sdk/client-organizations';
import * as s3 from '@aws-sdk/client-s3';
import * as sts from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { iamActionOf, serviceOf } from '../../src/aws/iam-actions.js';
import {
  accountCheckStatements,
  actionsCalledByPackSmith,
  deployerStatements,
  iamPolicyMarkdown,
  iamPolicyMarkers,
  policyDocument,
  withIamPolicySection,
} from '../../src/aws/iam-policy.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runCli } from '../support/cli.js';

/** Every command class each SDK package exports, with its client's class name. */
const sdks: Array<[string, object]> = [
  ['CloudFormationClient', cloudformation],
  ['ConfigServiceClient', config],
  ['OrganizationsClient', organizations],
  ['S3Client', s3],
  ['STSClient', sts],
];
const commandActions = new Map<string, string[]>();
for (const [client, module] of sdks) {
  for (const name of Object.keys(module).filter((k) => /^[A-Z]\w*Command$/.test(k))) {
    const action = iamActionOf(client, name);
    commandActions.set(action, [...(commandActions.get(action) ?? []), name]);
  }
}

describe('iamActionOf', () => {
  it('maps S3 operations whose permission has another name', () => {
    expect(iamActionOf('S3Client', 'GetPublicAccessBlockCommand')).toBe('s3:GetBucketPublicAccessBlock');
    expect(iamActionOf('S3Client', 'HeadObjectCommand')).toBe('s3:GetObject');
    expect(iamActionOf('S3Client', 'HeadBucketCommand')).toBe('s3:ListBucket');
    expect(iamActionOf('S3Client', 'PutObjectCommand')).toBe('s3:PutObject');
  });

  it('is service:Operation for the other services', () => {
    expect(iamActionOf('ConfigServiceClient', 'PutOrganizationConformancePackCommand')).toBe(
      'config:PutOrganizationConformancePack',
    );
    expect(iamActionOf('OrganizationsClient', 'ListAWSServiceAccessForOrganizationCommand')).toBe(
      'organizations:ListAWSServiceAccessForOrganization',
    );
    expect(iamActionOf('STSClient', 'AssumeRoleCommand')).toBe('sts:AssumeRole');
    expect(serviceOf('ConfigServiceClient')).toBe('config');
  });

  it('every action packsmith calls comes from an exported SDK command', () => {
    const { deployer, accountCheck } = actionsCalledByPackSmith();
    expect(deployer.length).toBeGreaterThan(0);
    expect(accountCheck.length).toBeGreaterThan(0);
    const unmapped = [...deployer, ...accountCheck].filter((a) => !commandActions.has(a));
    expect(unmapped).toEqual([]);
    // Sanity of the enumeration itself: these come from differently named commands.
    expect(commandActions.get('s3:GetBucketPublicAccessBlock')).toContain('GetPublicAccessBlockCommand');
    expect(commandActions.get('s3:GetObject')).toEqual(
      expect.arrayContaining(['GetObjectCommand', 'HeadObjectCommand']),
    );
  });
});

describe('the policy documents', () => {
  const shapeProblems = (doc: ReturnType<typeof policyDocument>) => {
    const problems: string[] = [];
    if (doc.Version !== '2012-10-17') problems.push('Version');
    if (!Array.isArray(doc.Statement) || doc.Statement.length === 0) problems.push('Statement');
    const sids = new Set<string>();
    for (const s of doc.Statement) {
      if (s.Effect !== 'Allow') problems.push(`${s.Sid}: Effect`);
      if (!Array.isArray(s.Action) || s.Action.length === 0) problems.push(`${s.Sid}: Action`);
      if (s.Action.some((a) => !/^[a-z0-9-]+:[A-Za-z0-9*]+$/.test(a))) problems.push(`${s.Sid}: action name`);
      if (new Set(s.Action).size !== s.Action.length) problems.push(`${s.Sid}: duplicate action`);
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      if (resources.length === 0 || resources.some((r) => r !== '*' && !r.startsWith('arn:aws:')))
        problems.push(`${s.Sid}: Resource`);
      if (!/^[A-Za-z0-9]+$/.test(s.Sid) || sids.has(s.Sid)) problems.push(`${s.Sid}: Sid`);
      sids.add(s.Sid);
    }
    // IAM reads the JSON: it must survive a round trip unchanged.
    if (JSON.stringify(JSON.parse(JSON.stringify(doc))) !== JSON.stringify(doc)) problems.push('JSON');
    return problems;
  };

  it('have the shape IAM accepts, with defaults and with real names', () => {
    expect(shapeProblems(policyDocument(deployerStatements()))).toEqual([]);
    expect(shapeProblems(policyDocument(accountCheckStatements()))).toEqual([]);
    expect(
      shapeProblems(
        policyDocument(
          deployerStatements({
            templateBuckets: ['acme-templates-eu', 'acme-templates-us'],
            deliveryBuckets: ['awsconfigconforms-acme'],
            accountCheckRoleName: 'PacksmithRecorderCheck',
          }),
        ),
      ),
    ).toEqual([]);
  });

  it('real bucket names give bucket ARNs, and object ARNs only below packsmith/', () => {
    const templates = ['acme-templates-eu', 'acme-templates-us'];
    const statements = deployerStatements({
      templateBuckets: templates,
      deliveryBuckets: ['awsconfigconforms-acme'],
    }).map((s) => s.statement);
    const sid = (id: string) => statements.find((s) => s.Sid === id);
    expect(sid('TemplateBuckets')?.Resource).toEqual(templates.map((b) => `arn:aws:s3:::${b}`));
    expect(sid('TemplateBucketObjects')?.Resource).toEqual(
      templates.map((b) => `arn:aws:s3:::${b}/packsmith/*`),
    );
    expect(sid('DeliveryBuckets')?.Resource).toEqual(['arn:aws:s3:::awsconfigconforms-acme']);
    // Object actions never reach beyond packsmith/ of the template buckets.
    for (const s of statements.filter((x) => x.Action.some((a) => /Object$/.test(a)))) {
      for (const r of [s.Resource].flat()) expect(r).toMatch(/^arn:aws:s3:::[^/]+\/packsmith\/\*$/);
    }
    // Without a check role, with real buckets, the AssumeRole statement is left out.
    expect(sid('AssumeAccountCheckRole')).toBeUndefined();
    const withRole = deployerStatements({ templateBuckets: templates, accountCheckRoleName: 'Check' });
    expect(withRole.find((s) => s.statement.Sid === 'AssumeAccountCheckRole')?.statement.Resource).toBe(
      'arn:aws:iam::*:role/Check',
    );
  });
});

describe('packsmith iam-policy for a GovCloud deployment', () => {
  it('writes every ARN in arn:aws-us-gov: (buckets, objects, the check role), none in arn:aws:', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'packsmith-iam-gov-'));
    try {
      writeFileSync(
        join(dir, 'packsmith.deploy.yaml'),
        [
          "deployingAccount: '111122223333'",
          'role: delegated-administrator',
          'regions: [us-gov-west-1, us-gov-east-1]',
          'templateBuckets: { us-gov-west-1: acme-gov-west, us-gov-east-1: acme-gov-east }',
          'accountCheckRoleName: PacksmithCheck',
          'packs: { p: { targets: { ous: [/Root] }, deliveryBucket: awsconfigconforms-acme } }',
          '',
        ].join('\n'),
      );
      const r = await runCli(['iam-policy', '--root', dir]);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { Statement: Array<{ Sid: string; Resource: string | string[] }> };
      const resources = doc.Statement.flatMap((s) => [s.Resource].flat()).filter((x) => x !== '*');
      expect(resources).toEqual(
        expect.arrayContaining([
          'arn:aws-us-gov:s3:::acme-gov-east',
          'arn:aws-us-gov:s3:::acme-gov-west/packsmith/*',
          'arn:aws-us-gov:s3:::awsconfigconforms-acme',
          'arn:aws-us-gov:iam::*:role/PacksmithCheck',
        ]),
      );
      expect(resources.every((x) => x.startsWith('arn:aws-us-gov:'))).toBe(true);
      expect(r.stdout).not.toContain('arn:aws:');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the README section', () => {
  it('is what iamPolicyMarkdown() generates', () => {
    const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
    const start = readme.indexOf(iamPolicyMarkers.start);
    const end = readme.indexOf(iamPolicyMarkers.end);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    expect(readme.slice(start + iamPolicyMarkers.start.length, end)).toBe(`\n${iamPolicyMarkdown()}\n`);
    expect(withIamPolicySection(readme)).toBe(readme);
  });

  it('withIamPolicySection replaces a stale section, keeps the rest, and is idempotent', () => {
    const stale = `# Title\n\nbefore\n${iamPolicyMarkers.start}\nold policy\n${iamPolicyMarkers.end}\nafter\n`;
    const once = withIamPolicySection(stale);
    expect(once).not.toContain('old policy');
    expect(once.startsWith(`# Title\n\nbefore\n${iamPolicyMarkers.start}\n`)).toBe(true);
    expect(once.endsWith(`${iamPolicyMarkers.end}\nafter\n`)).toBe(true);
    expect(once).toContain(iamPolicyMarkdown());
    expect(withIamPolicySection(once)).toBe(once);
    expect(() => withIamPolicySection('# no markers\n')).toThrow(/markers/);
  });
});
