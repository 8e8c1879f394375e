/**
 * The authoring-format extensions import relies on, written by hand: pack conditions and what is
 * checked about them, per-pack overrides (including `null`), inputs bound to manifest-declared
 * parameters (the Fn::If / AWS::NoValue idiom chosen by `optional`), Lambda sources.
 */
import { describe, expect, it } from 'vitest';
import { composeRepository } from '../../src/authoring/compose.js';
import { parseRepository } from '../../src/authoring/repository.js';
import { loadCatalog } from '../../src/catalog/catalog.js';
import { extendCatalog } from '../../src/authoring/catalog-extensions.js';
import { sortDiagnostics } from '../../src/diagnostics/diagnostic.js';
import { toTemplate } from '../../src/generator/template.js';
import { buildRepository } from '../../src/generator/build.js';
import { defaultTemplates } from '../support/templates.js';
import { parse } from 'yaml';

const root = '/virtual';
function compose(files: Record<string, string>) {
  const repo = parseRepository(
    root,
    `${root}/packs`,
    Object.entries(files).map(([path, text]) => ({ path: `${root}/packs/${path}`, text })),
    { base: loadCatalog, extend: extendCatalog },
  );
  const result = composeRepository(repo);
  const diagnostics = sortDiagnostics([...repo.diagnostics, ...result.diagnostics]);
  const where = diagnostics.map(
    (d) =>
      `${d.location?.file.replace(/^.*packs\//, '')}:${d.location?.line}:${d.location?.column} ${d.checkId}`,
  );
  return { repo, result, diagnostics, where };
}

const accessKeys = `kind: rule
name: access-keys-rotated
description: Rotate keys.
source: { managed: ACCESS_KEYS_ROTATED }
parameters:
  maxAccessKeyAge: { expose: MaxAge }
controls: [C-1]
`;

describe('pack conditions', () => {
  it('are written as declared, and conditional rules and inputs refer to them', () => {
    const { result, diagnostics } = compose({
      'rules/a.yaml': accessKeys,
      'p.yaml': `kind: pack
name: p
parameters:
  MaxAge: { default: '90' }
  Toggle: { default: 'true', allowedValues: ['true', 'false'], constraintDescription: true or false }
conditions:
  on: { 'Fn::Equals': [{ Ref: Toggle }, 'true'] }
  inRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, us-east-1] }
  both: { 'Fn::And': [{ Condition: on }, { Condition: inRegion }] }
  ageGiven: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: MaxAge }, ''] }] }
rules:
  - use: access-keys-rotated
    condition: both
    parametersCondition: on
`,
    });
    expect(diagnostics).toEqual([]);
    const template = toTemplate(result.packs[0]!);
    expect(template.Conditions).toEqual({
      on: { 'Fn::Equals': [{ Ref: 'Toggle' }, 'true'] },
      inRegion: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
      both: { 'Fn::And': [{ Condition: 'on' }, { Condition: 'inRegion' }] },
      ageGiven: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'MaxAge' }, ''] }] },
    });
    expect(template.Parameters!.Toggle).toEqual({
      Type: 'String',
      Default: 'true',
      AllowedValues: ['true', 'false'],
      ConstraintDescription: 'true or false',
    });
    const rule = template.Resources.AccessKeysRotated as {
      Condition: string;
      Properties: Record<string, unknown>;
    };
    expect(rule.Condition).toBe('both');
    // The declared parameter: the idiom is chosen from the catalog (maxAccessKeyAge has a default),
    // on the pack's own "not empty" condition (operands in either order).
    expect(rule.Properties.InputParameters).toEqual({
      'Fn::If': [
        'on',
        { maxAccessKeyAge: { 'Fn::If': ['ageGiven', { Ref: 'MaxAge' }, { Ref: 'AWS::NoValue' }] } },
        { Ref: 'AWS::NoValue' },
      ],
    });
  });

  it('are rendered by the shipped template with Condition on the resources', () => {
    const files = {
      'rules/a.yaml': accessKeys,
      'remediations/r.yaml': `kind: remediation
name: r
rule: access-keys-rotated
runbook: AWS-PublishSNSNotification
parameters: { Message: hi, TopicArn: arn:aws:sns:us-east-1:111122223333:t }
`,
      'p.yaml': `kind: pack
name: p
parameters: { Toggle: { default: 'true' } }
conditions: { on: { 'Fn::Equals': [{ Ref: Toggle }, 'true'] } }
rules: [{ use: access-keys-rotated, condition: on }]
remediations: [{ use: r, condition: on }]
`,
    };
    const { repo } = compose(files);
    const built = buildRepository(repo, [], defaultTemplates(), { readme: false });
    expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const template = parse(built.built[0]!.template) as { Resources: Record<string, { Condition?: string }> };
    expect(Object.values(template.Resources).map((r) => r.Condition)).toEqual(['on', 'on']);
  });

  it('report unknown conditions, bad expressions, unknown Refs and cycles where they are written', () => {
    const { where, diagnostics, result } = compose({
      'rules/a.yaml': accessKeys,
      'p.yaml': `kind: pack
name: p
parameters: { MaxAge: { default: '90' } }
conditions:
  badRef: { 'Fn::Equals': [{ Ref: MaxAges }, x] }
  badFn: { 'Fn::Sub': x }
  loopA: { Condition: loopB }
  loopB: { 'Fn::Not': [{ Condition: loopA }] }
  tooFew: { 'Fn::And': [{ Condition: badRef }] }
rules:
  - use: access-keys-rotated
    condition: nope
    parameters:
      maxAccessKeyAge: { expose: MaxAge, condition: alsoNope }
`,
    });
    expect(where).toEqual([
      'p.yaml:5:35 PS135',
      'p.yaml:6:12 PS135',
      'p.yaml:7:3 PS135',
      'p.yaml:8:3 PS135',
      'p.yaml:9:24 PS135',
      'p.yaml:12:16 PS134',
      'p.yaml:14:53 PS134',
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      'Ref "MaxAges" names no parameter of the pack (did you mean "MaxAge"?)',
      '"Fn::Sub" is not a condition function; use Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition',
      'condition "loopA" refers to itself (through Condition)',
      'condition "loopB" refers to itself (through Condition)',
      'Fn::And takes a list of 2 to 10 conditions',
      'pack "p" declares no condition "nope"',
      'pack "p" declares no condition "alsoNope"',
    ]);
    expect(result.packs).toEqual([]);
  });
});

describe('inputs bound to manifest-declared parameters', () => {
  const pack = (spec: string) => `kind: pack
name: p
parameters: { MaxAge: { default: '90', description: declared } }
rules:
  - use: access-keys-rotated
    parameters:
      maxAccessKeyAge: ${spec}
`;
  const inputOf = (spec: string) => {
    const { result, diagnostics } = compose({ 'rules/a.yaml': accessKeys, 'p.yaml': pack(spec) });
    expect(diagnostics).toEqual([]);
    const template = toTemplate(result.packs[0]!);
    const props = (template.Resources.AccessKeysRotated as { Properties: { InputParameters: unknown } })
      .Properties;
    return { input: props.InputParameters, template };
  };

  it('optional: false is a plain Ref; the declaration is written unchanged', () => {
    const { input, template } = inputOf('{ expose: MaxAge, optional: false }');
    expect(input).toEqual({ maxAccessKeyAge: { Ref: 'MaxAge' } });
    expect(template.Parameters).toEqual({
      MaxAge: { Type: 'String', Default: '90', Description: 'declared' },
    });
    expect(template.Conditions).toBeUndefined();
  });

  it('optional: true uses the Fn::If / AWS::NoValue idiom on a condition made for it', () => {
    const { input, template } = inputOf('{ expose: MaxAge, optional: true }');
    expect(input).toEqual({
      maxAccessKeyAge: { 'Fn::If': ['maxAge', { Ref: 'MaxAge' }, { Ref: 'AWS::NoValue' }] },
    });
    expect(template.Conditions).toEqual({
      maxAge: { 'Fn::Not': [{ 'Fn::Equals': ['', { Ref: 'MaxAge' }] }] },
    });
    // The declaration is not changed for the idiom (no '' default or allowed value added).
    expect(template.Parameters).toEqual({
      MaxAge: { Type: 'String', Default: '90', Description: 'declared' },
    });
  });
});

describe('the condition of the idiom', () => {
  it('is never a declared condition with another expression: a new name is made', () => {
    const { result, diagnostics } = compose({
      'rules/a.yaml': accessKeys,
      'p.yaml': `kind: pack
name: p
parameters: { MaxAge: { default: '90' }, Toggle: { default: 'true' } }
conditions:
  maxAge: { 'Fn::Equals': [{ Ref: Toggle }, 'true'] }
rules:
  - use: access-keys-rotated
    parameters: { maxAccessKeyAge: { expose: MaxAge, optional: true } }
`,
    });
    expect(diagnostics).toEqual([]);
    const template = toTemplate(result.packs[0]!);
    expect(template.Conditions).toEqual({
      maxAge: { 'Fn::Equals': [{ Ref: 'Toggle' }, 'true'] },
      maxAge2: { 'Fn::Not': [{ 'Fn::Equals': ['', { Ref: 'MaxAge' }] }] },
    });
    const props = (template.Resources.AccessKeysRotated as { Properties: { InputParameters: unknown } })
      .Properties;
    expect(props.InputParameters).toEqual({
      maxAccessKeyAge: { 'Fn::If': ['maxAge2', { Ref: 'MaxAge' }, { Ref: 'AWS::NoValue' }] },
    });
  });
});

describe('per-pack overrides', () => {
  it('null removes a block value; controls [] removes the controls', () => {
    const { result, diagnostics } = compose({
      'rules/a.yaml': `${accessKeys}scope: { resourceTypes: ['AWS::IAM::User'] }\nmaximumExecutionFrequency: Six_Hours\n`,
      'p.yaml': `kind: pack
name: p
rules:
  - use: access-keys-rotated
    description: null
    scope: null
    maximumExecutionFrequency: null
    controls: []
    parameters: { maxAccessKeyAge: null }
`,
    });
    expect(diagnostics).toEqual([]);
    const template = toTemplate(result.packs[0]!);
    expect(template.Resources.AccessKeysRotated).toEqual({
      Type: 'AWS::Config::ConfigRule',
      Properties: {
        ConfigRuleName: 'access-keys-rotated',
        Source: { Owner: 'AWS', SourceIdentifier: 'ACCESS_KEYS_ROTATED' },
      },
    });
  });

  it('a Lambda ARN from a parameter must be a parameter of the pack', () => {
    const { where, diagnostics } = compose({
      'rules/l.yaml': `kind: rule
name: l
source:
  lambda:
    arn: { parameter: FunctionArn }
    triggers: [{ messageType: ScheduledNotification, maximumExecutionFrequency: One_Hour }]
`,
      'p.yaml': 'kind: pack\nname: p\nrules: [l]\n',
    });
    expect(where).toEqual(['p.yaml:3:9 PS123']);
    expect(diagnostics[0]!.message).toMatch(/takes its Lambda ARN from the parameter "FunctionArn"/);
  });
});
