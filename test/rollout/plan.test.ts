/**
 * planRegion, findOrphans and sameSecond: pure, so every case is a hand-built desired and observed
 * Region. The base case is a pack packsmith deployed (trusted record) that everyone holds.
 */
import { describe, expect, it } from 'vitest';
import type { OrgAccount } from '../../src/org/discover.js';
import {
  diffParameters,
  findOrphans,
  planRegion,
  sameSecond,
  type AccountRow,
  type DesiredRegion,
  type ObservedRegion,
  type RecordView,
} from '../../src/rollout/plan.js';

const account = (id: string): OrgAccount => ({
  id,
  name: `acct-${id.slice(-2)}`,
  email: `${id}@example.com`,
  status: 'ACTIVE',
  parentId: 'r-root',
  ouPath: '/Root',
  ancestorIds: ['r-root'],
});

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
/** Excluded by the targets (e.g. the management account). */
const X = '999999999999';
const SHA = 'a'.repeat(64);
const UPDATED = new Date('2024-05-01T10:00:00Z');

function desired(over: Partial<DesiredRegion> = {}): DesiredRegion {
  return {
    region: 'eu-west-1',
    templateBody: 'Resources: {}\n',
    templateSha256: SHA,
    parameters: { MaxKeyAge: '90', Retention: '400' },
    excludedAccounts: [X],
    included: [account(A), account(B), account(C)],
    deliveryBucket: 'awsconfigconforms-audit',
    excludedRules: [],
    ...over,
  };
}

function record(): RecordView {
  return {
    templateSha256: SHA,
    parameters: { MaxKeyAge: '90', Retention: '400' },
    excludedAccounts: [X],
    // Records keep milliseconds; AWS reports seconds: the same second must still be trusted.
    packLastUpdateTime: new Date(UPDATED.getTime() + 450).toISOString(),
    writtenAt: '2024-05-01T10:00:05.000Z',
    callerAccount: '123456789012',
  };
}

const row = (accountId: string, status: AccountRow['status'], errorCode?: string): AccountRow => ({
  accountId,
  status,
  ...(errorCode ? { errorCode } : {}),
});

function observed(over: Partial<ObservedRegion> = {}): ObservedRegion {
  return {
    region: 'eu-west-1',
    pack: {
      lastUpdateTime: UPDATED,
      excludedAccounts: [X],
      parameters: { MaxKeyAge: '90', Retention: '400' },
      deliveryBucket: 'awsconfigconforms-audit',
    },
    rows: [A, B, C].map((id) => row(id, 'CREATE_SUCCESSFUL')),
    record: record(),
    ...over,
  };
}

const pack = (over: Partial<NonNullable<ObservedRegion['pack']>>) => ({ ...observed().pack!, ...over });

describe('planRegion', () => {
  it('creates a pack that does not exist, every included account gaining it', () => {
    const plan = planRegion(desired(), { region: 'eu-west-1', rows: [] });
    expect(plan.action).toBe('create');
    expect(plan.template).toBe('new');
    expect(plan.gains).toEqual([A, B, C]);
    expect(plan.loses).toEqual([]);
    expect(plan.parameters).toEqual({ added: ['MaxKeyAge', 'Retention'], removed: [], changed: [] });
    expect(plan.observedLastUpdateTime).toBeNull();
    expect(plan.reasons).toHaveLength(1);
    expect(plan.reasons[0]).toContain('eu-west-1');
  });

  it('is unchanged with no reason when record, parameters, exclusions and statuses all agree', () => {
    const plan = planRegion(desired(), observed());
    expect(plan.action).toBe('unchanged');
    expect(plan.reasons).toEqual([]);
    expect(plan.template).toBe('same');
    expect(plan.gains).toEqual([]);
    expect(plan.loses).toEqual([]);
    expect(plan.failedAccounts).toEqual([]);
    expect(plan.drift).toEqual({ outsideTargets: [], changedOutside: false });
    expect(plan.observedLastUpdateTime).toBe(UPDATED.toISOString());
    expect(plan.desired.includedAccounts).toBe(3);
  });

  it('updates when the template hash changed', () => {
    const plan = planRegion(desired({ templateSha256: 'b'.repeat(64) }), observed());
    expect(plan.action).toBe('update');
    expect(plan.template).toBe('changed');
    expect(plan.reasons).toEqual(['the template changed']);
    expect(plan.drift.changedOutside).toBe(false);
  });

  it("distrusts a record whose LastUpdateTime is not the pack's: template unknown, changed outside", () => {
    const later = new Date(UPDATED.getTime() + 60_000);
    const plan = planRegion(desired(), observed({ pack: pack({ lastUpdateTime: later }) }));
    expect(plan.action).toBe('update');
    expect(plan.template).toBe('unknown');
    expect(plan.drift.changedOutside).toBe(true);
    expect(plan.reasons).toHaveLength(1);
    expect(plan.reasons[0]).toMatch(/changed outside packsmith/);
    expect(plan.reasons[0]).toContain(record().writtenAt);
    expect(plan.observedLastUpdateTime).toBe(later.toISOString());
  });

  it('[10] an unconfirmed record is verified against what AWS reports, not called drift', () => {
    const unconfirmed: RecordView = {
      ...record(),
      packLastUpdateTime: null,
      unconfirmedPutAt: '2024-05-01T09:59:58.000Z',
      deliveryBucket: 'awsconfigconforms-audit',
    };
    const same = planRegion(desired(), observed({ record: unconfirmed }));
    expect(same).toMatchObject({ action: 'unchanged', template: 'same', reasons: [] });
    expect(same.drift.changedOutside).toBe(false);
    // AWS reports other parameters than the record holds: someone else put the pack.
    const other = planRegion(
      desired(),
      observed({
        record: unconfirmed,
        pack: { ...observed().pack!, parameters: { MaxKeyAge: '30', Retention: '400' } },
      }),
    );
    expect(other).toMatchObject({ action: 'update', template: 'unknown' });
    expect(other.drift.changedOutside).toBe(true);
    expect(other.reasons[0]).toMatch(/was never confirmed and AWS now reports other settings/);
    // A LastUpdateTime well before the put: not this put's pack.
    const older = planRegion(
      desired(),
      observed({ record: { ...unconfirmed, unconfirmedPutAt: '2024-05-01T11:00:00.000Z' } }),
    );
    expect(older).toMatchObject({ action: 'update', template: 'unknown' });
    // Without the marker, a record without LastUpdateTime stays distrusted.
    const { unconfirmedPutAt: _u, ...unmarked } = unconfirmed;
    expect(planRegion(desired(), observed({ record: unmarked })).drift.changedOutside).toBe(true);
  });

  it('without a record the template is unknown, said in the reason, and it is not drift', () => {
    const plan = planRegion(desired(), observed({ record: undefined }));
    expect(plan.action).toBe('update');
    expect(plan.template).toBe('unknown');
    expect(plan.reasons).toEqual([expect.stringMatching(/no packsmith deployment record/)]);
    expect(plan.drift.changedOutside).toBe(false);
    expect(plan.drift.recordProblem).toBeUndefined();
  });

  it('passes the record problem through, in the reason and in the drift', () => {
    const problem = 'schema version 9 is newer than this packsmith';
    const plan = planRegion(desired(), observed({ record: undefined, recordProblem: problem }));
    expect(plan.template).toBe('unknown');
    expect(plan.reasons[0]).toContain(problem);
    expect(plan.drift.recordProblem).toBe(problem);
  });

  it('lists added, removed and changed parameters by name, sorted', () => {
    const plan = planRegion(
      desired({ parameters: { MaxKeyAge: '30', Zeta: '1', Alpha: 'x' } }),
      observed({ pack: pack({ parameters: { MaxKeyAge: '90', Retention: '400' } }) }),
    );
    expect(plan.action).toBe('update');
    expect(plan.parameters).toEqual({
      added: ['Alpha', 'Zeta'],
      removed: ['Retention'],
      changed: ['MaxKeyAge'],
    });
    expect(plan.reasons).toEqual([expect.stringContaining('parameters changed')]);
    for (const name of ['Alpha', 'Zeta', 'Retention', 'MaxKeyAge']) expect(plan.reasons[0]).toContain(name);
  });

  it('an exclusion change: newly included accounts gain the pack, holding ones newly excluded lose it', () => {
    // Before: C and X excluded (C holds nothing). Now: C included, B and X excluded (B holds it).
    const plan = planRegion(
      desired({ included: [account(A), account(C)], excludedAccounts: [B, X] }),
      observed({
        pack: pack({ excludedAccounts: [C, X] }),
        rows: [row(A, 'CREATE_SUCCESSFUL'), row(B, 'UPDATE_SUCCESSFUL')],
      }),
    );
    expect(plan.action).toBe('update');
    expect(plan.gains).toEqual([C]);
    expect(plan.loses).toEqual([B]);
    expect(plan.reasons).toEqual([
      expect.stringMatching(/excluded accounts changed.*1 account\(s\) gain.*1 lose/),
    ]);
  });

  it('an account excluded before and still being removed does not lose the pack again', () => {
    // X was already excluded by the last put; its removal failed. Nothing about it changes now.
    const plan = planRegion(
      desired(),
      observed({ rows: [...[A, B, C].map((id) => row(id, 'CREATE_SUCCESSFUL')), row(X, 'DELETE_FAILED')] }),
    );
    expect(plan.loses).toEqual([]);
    expect(plan.action).toBe('unchanged');
  });

  it('holding accounts neither targeted nor excluded are drift, not losses', () => {
    const newcomer = '444444444444';
    const plan = planRegion(
      desired(),
      observed({
        rows: [...[A, B, C].map((id) => row(id, 'CREATE_SUCCESSFUL')), row(newcomer, 'CREATE_SUCCESSFUL')],
      }),
    );
    expect(plan.drift.outsideTargets).toEqual([newcomer]);
    expect(plan.loses).toEqual([]);
    expect(plan.action).toBe('unchanged');
  });

  it('failed target rows make an update with a reason and the failed accounts', () => {
    const plan = planRegion(
      desired(),
      observed({
        rows: [
          row(A, 'CREATE_SUCCESSFUL'),
          row(B, 'CREATE_FAILED', 'NoAvailableConfigurationRecorderException'),
          row(C, 'UPDATE_IN_PROGRESS'),
          // A failure outside the targets is not the targets' failure.
          row(X, 'UPDATE_FAILED'),
        ],
      }),
    );
    expect(plan.action).toBe('update');
    expect(plan.failedAccounts).toEqual([B]);
    expect(plan.inProgressAccounts).toEqual([C]);
    expect(plan.reasons).toEqual([expect.stringContaining('failed in 1 target account')]);
  });

  it('a target account without any status row is put again', () => {
    const plan = planRegion(
      desired(),
      observed({ rows: [row(A, 'CREATE_SUCCESSFUL'), row(B, 'CREATE_SUCCESSFUL')] }),
    );
    expect(plan.action).toBe('update');
    expect(plan.reasons).toEqual([expect.stringContaining('1 target account(s) have no status')]);
  });

  it('updates when the delivery bucket or key prefix changed, also when one is added or removed', () => {
    const moved = planRegion(desired({ deliveryBucket: 'awsconfigconforms-other' }), observed());
    expect(moved.action).toBe('update');
    expect(moved.reasons).toEqual(['the delivery bucket changed']);
    const removed = planRegion(desired({ deliveryBucket: undefined }), observed());
    expect(removed.reasons).toEqual(['the delivery bucket changed']);
    expect(removed.desired).not.toHaveProperty('deliveryBucket');
    const prefixed = planRegion(desired({ deliveryKeyPrefix: 'org' }), observed());
    expect(prefixed.reasons).toEqual(['the delivery key prefix changed']);
  });
});

describe('sameSecond', () => {
  it('compares at second precision, across Date and string', () => {
    expect(sameSecond('2024-05-01T10:00:00.999Z', '2024-05-01T10:00:01.000Z')).toBe(false);
    expect(sameSecond('2024-05-01T10:00:01.000Z', new Date('2024-05-01T10:00:01.999Z'))).toBe(true);
    expect(sameSecond(new Date('2024-05-01T10:00:00Z'), '2024-05-01T10:00:00.000Z')).toBe(true);
  });

  it('is false when either side is missing', () => {
    expect(sameSecond(null, null)).toBe(false);
    expect(sameSecond(undefined, undefined)).toBe(false);
    expect(sameSecond('2024-05-01T10:00:00Z', null)).toBe(false);
    expect(sameSecond(undefined, new Date('2024-05-01T10:00:00Z'))).toBe(false);
  });
});

describe('findOrphans', () => {
  it('reports only unconfigured packs that have a record, sorted by name then Region', () => {
    const orphans = findOrphans(new Set(['kept']), [
      { orgPackName: 'zeta', region: 'us-east-1', record: { pack: 'zeta-pack', writtenAt: 'T2' } },
      { orgPackName: 'kept', region: 'us-east-1', record: { pack: 'kept' } },
      { orgPackName: 'console-made', region: 'us-east-1' },
      { orgPackName: 'alpha', region: 'us-east-1', record: {} },
      { orgPackName: 'alpha', region: 'eu-west-1', record: { writtenAt: 'T1' } },
    ]);
    expect(orphans).toEqual([
      { orgPackName: 'alpha', region: 'eu-west-1', lastDeployedAt: 'T1' },
      { orgPackName: 'alpha', region: 'us-east-1' },
      { orgPackName: 'zeta', region: 'us-east-1', pack: 'zeta-pack', lastDeployedAt: 'T2' },
    ]);
  });
});

describe('diffParameters', () => {
  it('compares own names only: a parameter named like an Object method is added, removed or changed like any other', () => {
    expect(diffParameters({}, { constructor: 'a', toString: 'b' })).toEqual({
      added: ['constructor', 'toString'],
      removed: [],
      changed: [],
    });
    expect(diffParameters({ constructor: 'a' }, {})).toEqual({
      added: [],
      removed: ['constructor'],
      changed: [],
    });
    expect(diffParameters({ constructor: 'a' }, { constructor: 'b' })).toEqual({
      added: [],
      removed: [],
      changed: ['constructor'],
    });
  });
});
