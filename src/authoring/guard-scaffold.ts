/**
 * `packsmith add rule --guard NAME --resource-type TYPE`: a Guard custom policy rule to start from,
 * with what it takes to test it: the policy (.guard, Guard 2 syntax, which AWS Config's guard-2.x.x
 * runtime reads), a compliant and a non-compliant configuration item, and the test cases that name
 * them. The starting policy checks something every resource can have (an `owner` tag) so that the
 * cases pass as written; the comments say what to replace. Pure: returns the files to write.
 */
import { stringify } from 'yaml';

export interface GuardScaffold {
  /** Paths relative to the packs folder, with `/`. */
  files: Array<{ path: string; text: string }>;
  /** The rule block's path among `files`. */
  blockPath: string;
}

/** A resource type as AWS Config names it (`AWS::S3::Bucket`). */
export const resourceTypePattern = /^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$/;

export function guardRuleScaffold(options: {
  name: string;
  resourceType: string;
  /** The `# yaml-language-server: $schema=` path from packs/rules/, when there is one. */
  schemaPath?: string;
}): GuardScaffold {
  const { name, resourceType } = options;
  const guardRule = name.replace(/[^A-Za-z0-9_]/g, '_');
  const policy = [
    `# ${name}: what every ${resourceType} must satisfy. Guard 2 syntax: AWS Config evaluates it with`,
    '# the guard-2.x.x runtime against each configuration item (resourceType, configuration,',
    '# supplementaryConfiguration, tags). Replace the check below with yours, then update the samples',
    `# in tests/${name}/ and run: packsmith test ${name}`,
    `rule ${guardRule} when resourceType == "${resourceType}" {`,
    '  tags.owner exists',
    '  tags.owner != ""',
    `    <<Tag every ${resourceType} with the team that owns it (tag key owner).>>`,
    '}',
    '',
  ].join('\n');
  const item = (tags: Record<string, string>) =>
    `${JSON.stringify({ resourceType, configuration: {}, tags }, null, 2)}\n`;
  const otherType = resourceType === 'AWS::S3::Bucket' ? 'AWS::SQS::Queue' : 'AWS::S3::Bucket';
  const block = {
    kind: 'rule',
    name,
    description: `Checks every ${resourceType} with a Guard policy (replace with what it checks).`,
    source: {
      guard: {
        file: `../policies/${name}.guard`,
        tests: [
          { name: 'a compliant item', file: `../policies/tests/${name}/compliant.json`, expect: 'COMPLIANT' },
          {
            name: 'a non-compliant item',
            file: `../policies/tests/${name}/non-compliant.json`,
            expect: 'NON_COMPLIANT',
          },
          {
            name: 'another resource type',
            item: { resourceType: otherType, configuration: {} },
            expect: 'NOT_APPLICABLE',
          },
        ],
      },
    },
    scope: { resourceTypes: [resourceType] },
  };
  const header = options.schemaPath ? `# yaml-language-server: $schema=${options.schemaPath}\n` : '';
  const blockPath = `rules/${name}.yaml`;
  return {
    blockPath,
    files: [
      { path: blockPath, text: header + stringify(block, { lineWidth: 0 }) },
      { path: `policies/${name}.guard`, text: policy },
      { path: `policies/tests/${name}/compliant.json`, text: item({ owner: 'platform-team' }) },
      { path: `policies/tests/${name}/non-compliant.json`, text: item({}) },
    ],
  };
}
