/**
 * resourceTypesEvaluated: which resource types a template's rules evaluate, from literal scopes
 * and the shipped catalog, and which rules cannot be told.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { resourceTypesEvaluated } from '../../src/rollout/resource-types.js';

const catalog = loadCatalog();
const typesOf = (identifier: string): string[] => {
  const rule = catalog.rule(identifier);
  if (!rule) throw new Error(`${identifier} is not in the catalog`);
  return rule.resourceTypes;
};

const rule = (logicalId: string, body: string) =>
  `  ${logicalId}:\n    Type: AWS::Config::ConfigRule\n    Properties:\n${body
    .trim()
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n')}\n`;

const template = (...rules: string[]) =>
  `Parameters:\n  Types:\n    Type: String\nResources:\n${rules.join('')}`;

describe('resourceTypesEvaluated', () => {
  it("takes a managed rule's types from the catalog", () => {
    const r = resourceTypesEvaluated(
      template(
        rule(
          'Versioning',
          'ConfigRuleName: s3-versioning\nSource:\n  Owner: AWS\n  SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED',
        ),
        rule(
          'Volumes',
          'ConfigRuleName: volumes\nSource:\n  Owner: AWS\n  SourceIdentifier: ENCRYPTED_VOLUMES',
        ),
      ),
      catalog,
    );
    const expected = [
      ...new Set([...typesOf('S3_BUCKET_VERSIONING_ENABLED'), ...typesOf('ENCRYPTED_VOLUMES')]),
    ].sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(r).toEqual({ types: expected, unknownRules: [] });
  });

  it('prefers a literal Scope.ComplianceResourceTypes over the catalog, and falls back to it when the scope is computed', () => {
    const r = resourceTypesEvaluated(
      template(
        rule(
          'Scoped',
          'ConfigRuleName: scoped\nScope:\n  ComplianceResourceTypes: [AWS::Custom::Thing]\nSource:\n  Owner: AWS\n  SourceIdentifier: ENCRYPTED_VOLUMES',
        ),
        rule(
          'Computed',
          'ConfigRuleName: computed\nScope:\n  ComplianceResourceTypes: !Ref Types\nSource:\n  Owner: AWS\n  SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED',
        ),
      ),
      catalog,
    );
    expect(r.types).toContain('AWS::Custom::Thing');
    for (const t of typesOf('S3_BUCKET_VERSIONING_ENABLED')) expect(r.types).toContain(t);
    // The scoped rule's catalog types are not added: it evaluates only its scope.
    for (const t of typesOf('ENCRYPTED_VOLUMES')) expect(r.types).not.toContain(t);
  });

  it('skips account-level managed rules, process checks and periodic custom rules', () => {
    expect(typesOf('IAM_PASSWORD_POLICY')).toEqual([]);
    const r = resourceTypesEvaluated(
      template(
        rule(
          'Password',
          'ConfigRuleName: password\nSource:\n  Owner: AWS\n  SourceIdentifier: IAM_PASSWORD_POLICY',
        ),
        rule(
          'Process',
          'ConfigRuleName: process\nSource:\n  Owner: AWS\n  SourceIdentifier: AWS_CONFIG_PROCESS_CHECK',
        ),
        rule(
          'Periodic',
          'ConfigRuleName: periodic\nSource:\n  Owner: CUSTOM_LAMBDA\n  SourceIdentifier: arn:aws:lambda:us-east-1:111111111111:function:f\n  SourceDetails:\n    - EventSource: aws.config\n      MessageType: ScheduledNotification',
        ),
      ),
      catalog,
    );
    expect(r).toEqual({ types: [], unknownRules: [] });
  });

  it('lists custom rules without a scope and managed identifiers the catalog does not know', () => {
    const r = resourceTypesEvaluated(
      template(
        rule(
          'Lambda',
          'ConfigRuleName: lambda-rule\nSource:\n  Owner: CUSTOM_LAMBDA\n  SourceIdentifier: arn:aws:lambda:us-east-1:111111111111:function:f\n  SourceDetails:\n    - EventSource: aws.config\n      MessageType: ConfigurationItemChangeNotification',
        ),
        rule(
          'Guard',
          "Source:\n  Owner: CUSTOM_POLICY\n  SourceDetails:\n    - EventSource: aws.config\n      MessageType: ConfigurationItemChangeNotification\n  CustomPolicyDetails:\n    PolicyRuntime: guard-2.x.x\n    PolicyText: 'rule x { }'",
        ),
        rule(
          'Typo',
          'ConfigRuleName: typo\nSource:\n  Owner: AWS\n  SourceIdentifier: S3_BUCKET_VERSIONING_ENABLD',
        ),
        rule(
          'ScopedGuard',
          "ConfigRuleName: scoped-guard\nScope:\n  ComplianceResourceTypes: ['AWS::SQS::Queue']\nSource:\n  Owner: CUSTOM_POLICY\n  CustomPolicyDetails:\n    PolicyRuntime: guard-2.x.x\n    PolicyText: 'rule x { }'",
        ),
      ),
      catalog,
    );
    // The Guard rule has no literal name: its logical id stands for it.
    expect(r).toEqual({ types: ['AWS::SQS::Queue'], unknownRules: ['Guard', 'lambda-rule', 'typo'] });
  });

  it('ignores remediation resources and rejects a template that does not parse', () => {
    const r = resourceTypesEvaluated(
      `Resources:\n  Fix:\n    Type: AWS::Config::RemediationConfiguration\n    Properties:\n      ConfigRuleName: x\n      TargetType: SSM_DOCUMENT\n      TargetId: AWS-Doc\n      ResourceType: AWS::S3::Bucket\n`,
      catalog,
    );
    expect(r).toEqual({ types: [], unknownRules: [] });
    expect(() => resourceTypesEvaluated('Resources: [unclosed', catalog)).toThrow(/does not parse/);
  });
});
