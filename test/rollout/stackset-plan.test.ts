/** Issue 16: the stack set plan per stage (create / update / unchanged), from observed state only. */
import { describe, expect, it } from 'vitest';
import { organizationStatusOfPackState } from '../../src/facts/enums.js';
import type { PackDeployment } from '../../src/org/deploy-config.js';
import type { OrgTree } from '../../src/org/discover.js';
import {
  planStackSet,
  stageTargets,
  type ObservedStackSet,
  type Parameter,
} from '../../src/rollout/stackset-plan.js';
import { stackSetTemplate } from '../../src/rollout/stackset-template.js';
import { orgAccount, stackSetTree } from '../support/stackset-tree.js';
import { accessKeysPackTemplate } from '../support/templates.js';

const tree = stackSetTree;
const deployment: PackDeployment = {
  engine: 'stackset',
  parameters: { MaxAccessKeyAge: 90 },
  stages: [
    { name: 'canary', ous: ['/Root/Canary'], maxConcurrent: '50%', failureTolerance: 1 },
    {
      name: 'production',
      ous: ['ou-root-prod0001'],
      parameters: { MaxAccessKeyAge: 30 },
      concurrencyMode: 'SOFT',
    },
  ],
};
const config = { regions: ['us-east-1', 'eu-west-1'], role: 'management' as const };
const packTemplate = accessKeysPackTemplate;
const body = (age = '90') =>
  stackSetTemplate({
    packName: 'baseline',
    packTemplate: packTemplate(age),
    parameters: [{ name: 'MaxAccessKeyAge', default: age }],
  }).body;
const nothing: ObservedStackSet = {
  name: 'packsmith-baseline',
  exists: false,
  parameters: [],
  instances: [],
  overrides: new Map(),
};
const p = (k: string, v: string): Parameter => ({ ParameterKey: k, ParameterValue: v });
const deployed = (overrides: Record<string, Parameter[]> = {}): ObservedStackSet => ({
  name: 'packsmith-baseline',
  exists: true,
  templateBody: body(),
  parameters: [p('MaxAccessKeyAge', '90')],
  instances: ['222222222201', '333333333301', '333333333302'].flatMap((a) =>
    config.regions.map((region) => ({ account: a, region, status: 'CURRENT', detailedStatus: 'SUCCEEDED' })),
  ),
  overrides: new Map(
    Object.entries({
      '222222222201/us-east-1': [],
      '333333333301/us-east-1': [p('MaxAccessKeyAge', '30')],
      ...overrides,
    }),
  ),
});

describe('[16] stack set plan', () => {
  it('a new stack set: every stage creates its instances, overrides and preferences per stage', () => {
    const plan = planStackSet({
      pack: 'baseline',
      deployment,
      config,
      tree,
      templateBody: body(),
      observed: nothing,
    });
    expect(plan.stackSet).toBe('create');
    expect(plan.stackSetName).toBe('packsmith-baseline');
    expect(plan.callAs).toBe('SELF');
    expect(plan.parameters).toEqual([p('MaxAccessKeyAge', '90')]);
    const [canary, production] = plan.stages;
    expect(canary).toMatchObject({
      action: 'create',
      accounts: ['222222222201'],
      targets: { OrganizationalUnitIds: ['ou-root-canary01'] },
      overrides: [],
      createRegions: ['us-east-1', 'eu-west-1'],
      preferences: {
        RegionOrder: ['us-east-1', 'eu-west-1'],
        RegionConcurrencyType: 'SEQUENTIAL',
        MaxConcurrentPercentage: 50,
        FailureToleranceCount: 1,
        ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE',
      },
    });
    // The suspended account is not reached; the production override is the stage's.
    expect(production).toMatchObject({
      action: 'create',
      accounts: ['333333333301', '333333333302'],
      overrides: [p('MaxAccessKeyAge', '30')],
      preferences: {
        MaxConcurrentCount: 1,
        FailureToleranceCount: 0,
        ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      },
    });
    expect(production!.create).toHaveLength(4);
  });

  it('nothing changed: every stage unchanged', () => {
    const plan = planStackSet({
      pack: 'baseline',
      deployment,
      config,
      tree,
      templateBody: body(),
      observed: deployed(),
    });
    expect(plan.stackSet).toBe('unchanged');
    expect(plan.stages.map((s) => s.action)).toEqual(['unchanged', 'unchanged']);
  });

  it('a parameter left to its template Default: unchanged whether AWS lists it or not; another value updates', () => {
    // DescribeStackSet may or may not list a parameter the stack set was not given (undocumented).
    const byDefault: PackDeployment = { ...deployment, parameters: undefined };
    const plan = (parameters: Parameter[]) =>
      planStackSet({
        pack: 'baseline',
        deployment: byDefault,
        config,
        tree,
        templateBody: body(),
        observed: { ...deployed(), parameters },
      }).stackSet;
    expect(plan([])).toBe('unchanged');
    expect(plan([p('MaxAccessKeyAge', '90')])).toBe('unchanged');
    expect(plan([p('MaxAccessKeyAge', '60')])).toBe('update');
  });

  it('a template change updates every stage, with the rule-level diff', () => {
    const plan = planStackSet({
      pack: 'baseline',
      deployment,
      config,
      tree,
      templateBody: body('60'),
      observed: deployed(),
    });
    expect(plan.stackSet).toBe('update');
    expect(plan.ruleChanges).toEqual([
      {
        rule: 'access-keys-rotated',
        change: 'changed',
        details: ['InputParameters.maxAccessKeyAge: "90" → "60"'],
      },
    ]);
    expect(plan.stages.map((s) => s.action)).toEqual(['update', 'update']);
    expect(plan.stages[0]!.reasons).toEqual(['the template or the stack set parameters change']);
  });

  it('an override change updates its stage only; a missing instance is created', () => {
    const observed = deployed({ '333333333301/us-east-1': [p('MaxAccessKeyAge', '45')] });
    observed.instances = observed.instances.filter(
      (i) => !(i.account === '222222222201' && i.region === 'eu-west-1'),
    );
    const plan = planStackSet({ pack: 'baseline', deployment, config, tree, templateBody: body(), observed });
    expect(plan.stages[0]).toMatchObject({
      action: 'create',
      create: ['222222222201/eu-west-1'],
      createRegions: ['eu-west-1'],
    });
    expect(plan.stages[1]).toMatchObject({
      action: 'update',
      reasons: ["the stage's parameter overrides change"],
    });
  });

  it('an unknown OU is a problem of the plan', () => {
    const plan = planStackSet({
      pack: 'baseline',
      deployment: { ...deployment, stages: [{ name: 'x', ous: ['/Root/Nope'] }] },
      config,
      tree,
      templateBody: body(),
      observed: nothing,
    });
    expect(plan.problems).toEqual(['stage x: OU /Root/Nope is not in the organization']);
  });

  it('the single-account pack states map explicitly onto the organization vocabulary', () => {
    expect(organizationStatusOfPackState('CREATE_COMPLETE', 'create')).toBe('CREATE_SUCCESSFUL');
    expect(organizationStatusOfPackState('CREATE_COMPLETE', 'update')).toBe('UPDATE_SUCCESSFUL');
    expect(organizationStatusOfPackState('CREATE_FAILED', 'update')).toBe('UPDATE_FAILED');
    expect(organizationStatusOfPackState('CREATE_IN_PROGRESS', 'update')).toBe('UPDATE_IN_PROGRESS');
    expect(organizationStatusOfPackState('DELETE_FAILED', 'create')).toBe('DELETE_FAILED');
  });
});

describe('[16] stack set targets', () => {
  it('a stage targeting the root leaves out the management account (service-managed stack sets never deploy there)', () => {
    const withManagement: OrgTree = {
      ...tree,
      accounts: [orgAccount('111111111111', 'r-root', '/Root'), ...tree.accounts],
    };
    const { accounts } = stageTargets(withManagement, { name: 'all', ous: ['/Root'] });
    expect(accounts.map((a) => a.id)).toEqual(['222222222201', '333333333301', '333333333302']);
  });
});
