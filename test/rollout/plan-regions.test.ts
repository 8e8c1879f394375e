/** Issue 14: the plan says which controls are not evaluated in which Region (`unavailableRules: exclude`). */
import { describe, expect, it } from 'vitest';
import { planRegion, type DesiredRegion } from '../../src/rollout/plan.js';

const desired = (over: Partial<DesiredRegion> = {}): DesiredRegion => ({
  region: 'me-central-1',
  templateBody: 'Resources: {}\n',
  templateSha256: 'a'.repeat(64),
  parameters: {},
  excludedAccounts: [],
  included: [],
  excludedRules: [],
  ...over,
});

describe('plan: rules left out where AWS does not document them', () => {
  it('carries the rules and their controls into the Region plan', () => {
    const unavailableRules = [
      { rule: 'root-account-mfa-enabled', identifier: 'ROOT_ACCOUNT_MFA_ENABLED', controls: ['CIS-1.5'] },
    ];
    const plan = planRegion(desired({ excludedRules: ['root-account-mfa-enabled'], unavailableRules }), {
      region: 'me-central-1',
      rows: [],
    });
    expect(plan.desired.unavailableRules).toEqual(unavailableRules);
    expect(plan.desired.excludedRules).toEqual(['root-account-mfa-enabled']);
  });

  it('says nothing of them where none is left out', () => {
    const plan = planRegion(desired(), { region: 'me-central-1', rows: [] });
    expect(plan.desired.unavailableRules).toBeUndefined();
  });
});
