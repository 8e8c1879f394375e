/**
 * The equivalence definition (src/import/equivalence.ts): what it ignores and normalises, and that
 * it finds every kind of difference that matters.
 */
import { describe, expect, it } from 'vitest';
import { equivalentTemplates, templateDifferences } from '../../src/import/equivalence.js';

const original = () => ({
  Description: 'ignored',
  Parameters: {
    MaxAge: { Type: 'String', Default: '90', Description: 'days', AllowedValues: ['30', '90'] },
    Toggle: { Type: 'String', Default: 'true' },
  },
  Conditions: {
    maxAge: { 'Fn::Not': [{ 'Fn::Equals': ['', { Ref: 'MaxAge' }] }] },
    on: { 'Fn::Equals': [{ Ref: 'Toggle' }, 'true'] },
    both: { 'Fn::And': [{ Condition: 'on' }, { Condition: 'maxAge' }] },
  },
  Resources: {
    Rule: {
      Type: 'AWS::Config::ConfigRule',
      Condition: 'both',
      Controls: ['C-1', 'C-2'],
      Description: 'resource-level: ignored',
      Properties: {
        ConfigRuleName: 'access-keys-rotated',
        InputParameters: {
          maxAccessKeyAge: { 'Fn::If': ['maxAge', { Ref: 'MaxAge' }, { Ref: 'AWS::NoValue' }] },
          other: 14,
        },
        Source: { Owner: 'AWS', SourceIdentifier: 'ACCESS_KEYS_ROTATED' },
      },
    },
    Fix: {
      Type: 'AWS::Config::RemediationConfiguration',
      DependsOn: 'Rule',
      Properties: {
        ConfigRuleName: { Ref: 'Rule' },
        TargetType: 'SSM_DOCUMENT',
        TargetId: 'AWS-PublishSNSNotification',
        TargetVersion: 1,
        MaximumAutomaticAttempts: '5',
        Parameters: { Message: { StaticValue: { Values: [true] } } },
      },
    },
  },
});

/** The same pack as packsmith writes it: other condition names, strings, explicit defaults. */
const rebuilt = () => ({
  Parameters: {
    MaxAge: { Type: 'String', Default: '90', Description: 'days', AllowedValues: ['30', '90'] },
    Toggle: { Type: 'String', Default: 'true' },
  },
  Conditions: {
    ageSet: { 'Fn::Not': [{ 'Fn::Equals': ['', { Ref: 'MaxAge' }] }] },
    toggleOn: { 'Fn::Equals': [{ Ref: 'Toggle' }, 'true'] },
    everything: { 'Fn::And': [{ Condition: 'toggleOn' }, { Condition: 'ageSet' }] },
  },
  Resources: {
    Rule: {
      Type: 'AWS::Config::ConfigRule',
      Condition: 'everything',
      Controls: ['C-1', 'C-2'],
      Properties: {
        ConfigRuleName: 'access-keys-rotated',
        Source: { Owner: 'AWS', SourceIdentifier: 'ACCESS_KEYS_ROTATED' },
        InputParameters: {
          other: '14',
          maxAccessKeyAge: { 'Fn::If': ['ageSet', { Ref: 'MaxAge' }, { Ref: 'AWS::NoValue' }] },
        },
      },
    },
    Fix: {
      Type: 'AWS::Config::RemediationConfiguration',
      DependsOn: 'Rule',
      Properties: {
        ConfigRuleName: 'access-keys-rotated',
        TargetType: 'SSM_DOCUMENT',
        TargetId: 'AWS-PublishSNSNotification',
        TargetVersion: '1',
        Parameters: { Message: { StaticValue: { Values: ['true'] } } },
        Automatic: false,
        MaximumAutomaticAttempts: 5,
      },
    },
  },
});

type Template = ReturnType<typeof original>;
const changed = (edit: (t: Template) => void) => {
  const t = original();
  edit(t);
  return templateDifferences(t, rebuilt());
};

describe('template equivalence', () => {
  it('ignores condition names, order, quoting of scalars and the documented normalisations', () => {
    expect(templateDifferences(original(), rebuilt())).toEqual([]);
    expect(equivalentTemplates(rebuilt(), original())).toBe(true);
  });

  it('finds a changed parameter default, description or constraint', () => {
    expect(changed((t) => (t.Parameters.MaxAge.Default = '60'))).toEqual([
      'parameter "MaxAge".Default: "60" in the original, "90" rebuilt',
    ]);
    expect(
      changed((t) => delete (t.Parameters.MaxAge as Partial<typeof t.Parameters.MaxAge>).Description),
    ).toEqual(['parameter "MaxAge".Description: not in the original template']);
    expect(changed((t) => (t.Parameters.MaxAge.AllowedValues = ['90', '30']))).toHaveLength(1);
    expect(changed((t) => delete (t.Parameters as Partial<typeof t.Parameters>).Toggle)).toEqual([
      'parameter "Toggle": not in the original template',
    ]);
  });

  it('compares conditions by expression, also through Condition references', () => {
    expect(changed((t) => (t.Conditions.on = { 'Fn::Equals': [{ Ref: 'Toggle' }, 'false'] }))).toEqual([
      'condition {"Fn::And":[{"Fn::Equals":[{"Ref":"Toggle"},"false"]},{"Fn::Not":[{"Fn::Equals":["",{"Ref":"MaxAge"}]}]}]}: missing in the rebuilt template',
      'condition {"Fn::Equals":[{"Ref":"Toggle"},"false"]}: missing in the rebuilt template',
      'condition {"Fn::And":[{"Fn::Equals":[{"Ref":"Toggle"},"true"]},{"Fn::Not":[{"Fn::Equals":["",{"Ref":"MaxAge"}]}]}]}: not in the original template',
      'condition {"Fn::Equals":[{"Ref":"Toggle"},"true"]}: not in the original template',
      'rule "access-keys-rotated".condition: {"Fn::And":[{"Fn::Equals":[{"Ref":"Toggle"},"false"]},{"Fn::Not":[{"Fn::Equals":["",{"Ref":"MaxAge"}]}]}]} in the original, {"Fn::And":[{"Fn::Equals":[{"Ref":"Toggle"},"true"]},{"Fn::Not":[{"Fn::Equals":["",{"Ref":"MaxAge"}]}]}]} rebuilt',
    ]);
    // A rule tied to another condition with the same name elsewhere is a difference.
    expect(changed((t) => (t.Resources.Rule.Condition = 'on'))).toHaveLength(1);
    const idiom = changed((t) => {
      t.Resources.Rule.Properties.InputParameters.maxAccessKeyAge['Fn::If'][0] = 'on';
    });
    expect(idiom).toHaveLength(1);
    expect(idiom[0]).toMatch(/^rule "access-keys-rotated"\.properties\.InputParameters\.maxAccessKeyAge/);
  });

  it('matches rules by ConfigRuleName and finds changed properties, Controls and missing rules', () => {
    expect(changed((t) => (t.Resources.Rule.Controls = ['C-2', 'C-1']))).toHaveLength(1);
    expect(changed((t) => (t.Resources.Rule.Properties.InputParameters.other = 15))).toEqual([
      'rule "access-keys-rotated".properties.InputParameters.other: "15" in the original, "14" rebuilt',
    ]);
    expect(changed((t) => (t.Resources.Rule.Properties.ConfigRuleName = 'renamed'))).toEqual([
      'rule "renamed": missing in the rebuilt template',
      'rule "access-keys-rotated": not in the original template',
      'remediation of rule "renamed": missing in the rebuilt template',
      'remediation of rule "access-keys-rotated": not in the original template',
    ]);
    expect(
      changed(
        (t) =>
          ((t.Resources.Rule.Properties as Record<string, unknown>).MaximumExecutionFrequency = 'One_Hour'),
      ),
    ).toEqual([
      'rule "access-keys-rotated".properties.MaximumExecutionFrequency: missing in the rebuilt template',
    ]);
  });

  it('finds a renamed logical id: CloudFormation would replace the resource', () => {
    const renamed = (edit: (resources: Record<string, unknown>) => void) => {
      const t = rebuilt();
      edit(t.Resources as Record<string, unknown>);
      return templateDifferences(original(), t);
    };
    expect(
      renamed((r) => {
        r.AccessKeysRotated = r.Rule;
        delete r.Rule;
        (r.Fix as { DependsOn: string }).DependsOn = 'AccessKeysRotated';
      }),
    ).toEqual(['rule "access-keys-rotated".logicalId: "Rule" in the original, "AccessKeysRotated" rebuilt']);
    expect(
      renamed((r) => {
        r.AccessKeysRotatedRemediation = r.Fix;
        delete r.Fix;
      }),
    ).toEqual([
      'remediation of rule "access-keys-rotated".logicalId: "Fix" in the original, "AccessKeysRotatedRemediation" rebuilt',
    ]);
  });

  it('finds remediation differences: Automatic, parameters, numbers', () => {
    expect(
      changed((t) => ((t.Resources.Fix.Properties as Record<string, unknown>).Automatic = 'true')),
    ).toEqual([
      'remediation of rule "access-keys-rotated".properties.Automatic: true in the original, false rebuilt',
    ]);
    expect(changed((t) => (t.Resources.Fix.Properties.MaximumAutomaticAttempts = '6'))).toHaveLength(1);
    expect(
      changed((t) => (t.Resources.Fix.Properties.Parameters.Message.StaticValue.Values = [false])),
    ).toHaveLength(1);
  });

  it('reports a template that has a rule name twice', () => {
    const twice = original() as Record<string, unknown> & Template;
    (twice.Resources as Record<string, unknown>).Again = twice.Resources.Rule;
    expect(templateDifferences(twice, rebuilt())).toContain(
      'original: rule "access-keys-rotated" appears twice',
    );
  });
});

describe('equivalence: Mappings and rule names that are not literal', () => {
  const rule = (properties: Record<string, unknown>) => ({
    Type: 'AWS::Config::ConfigRule',
    Properties: { Source: { Owner: 'AWS', SourceIdentifier: 'ROOT_ACCOUNT_MFA_ENABLED' }, ...properties },
  });
  const template = (mappings: unknown, resources: Record<string, unknown>) => ({
    Parameters: { Name: { Type: 'String', Default: 'mfa' } },
    ...(mappings === undefined ? {} : { Mappings: mappings }),
    Resources: resources,
  });

  it('compares Mappings, values as text', () => {
    const resources = { Mfa: rule({ ConfigRuleName: 'mfa' }) };
    const a = template({ M: { k: { v: 1 } } }, resources);
    expect(templateDifferences(a, template({ M: { k: { v: '1' } } }, resources))).toEqual([]);
    expect(templateDifferences(a, template({ M: { k: { v: '2' } } }, resources))).toEqual([
      'Mappings: {"M":{"k":{"v":"1"}}} in the original, {"M":{"k":{"v":"2"}}} rebuilt',
    ]);
    expect(equivalentTemplates(a, template(undefined, resources))).toBe(false);
  });

  it('matches a rule named by Ref by that Ref, and a rule without a name by its logical id', () => {
    const fix = (name: unknown) => ({
      Type: 'AWS::Config::RemediationConfiguration',
      Properties: { ConfigRuleName: name, TargetType: 'SSM_DOCUMENT', TargetId: 'Doc' },
    });
    const a = template(undefined, {
      ByRef: rule({ ConfigRuleName: { Ref: 'Name' } }),
      Generated: rule({}),
      Other: rule({}),
      FixByRef: fix({ Ref: 'Name' }),
      FixGenerated: fix({ Ref: 'Generated' }),
    });
    expect(templateDifferences(a, structuredClone(a))).toEqual([]);
    // The same rules, but the generated-name rule under another logical id: a replacement.
    const renamed = structuredClone(a) as { Resources: Record<string, unknown> };
    renamed.Resources.Renamed = renamed.Resources.Generated;
    delete renamed.Resources.Generated;
    expect(templateDifferences(a, renamed).join('\n')).toMatch(/generated name of Generated.*missing/);
    // A literal name in place of the Ref is a difference.
    const literal = template(undefined, { ...a.Resources, ByRef: rule({ ConfigRuleName: 'mfa' }) });
    expect(templateDifferences(a, literal).join('\n')).toMatch(/rule "\{"Ref":"Name"\}": missing/);
  });
});
