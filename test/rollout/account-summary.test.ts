/**
 * The account summariser (src/rollout/account-summary.ts) and the deploy end summary built on it:
 * counts per pack, Region, wave and status; failures grouped by cause, each named once with its
 * accounts, OUs and command; at 200 accounts with 6 failing for one cause, one screen.
 */
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { RolloutOutputSchema } from '../../src/report/schemas/rollout.js';
import { summarizeAccounts, type SummaryRow } from '../../src/rollout/account-summary.js';
import { hintFor } from '../../src/rollout/hints.js';
import { createTracker } from '../../src/rollout/tracker.js';
import { formatFailureCauses } from '../../src/cli/account-summary-text.js';
import { reportResults, type PackRegionResult } from '../../src/cli/run/rollout-runner.js';
import type { Output } from '../../src/cli/output.js';
import { painter } from '../../src/cli/terminal.js';

const RECORDER = 'NoAvailableConfigurationRecorderException';
const recorderMessage =
  'You must create a configuration recorder before you can create or update a Config rule.';
const id = (n: number) => String(100000000000 + n);
const ouOf = (n: number) => `/Root/ou-${n % 3}`;

function row(n: number, region: string, failed = false, extra: Partial<SummaryRow> = {}): SummaryRow {
  return {
    pack: 'baseline',
    region,
    accountId: id(n),
    name: `acct-${n}`,
    ouPath: ouOf(n),
    status: failed ? 'CREATE_FAILED' : 'CREATE_SUCCESSFUL',
    failed,
    ...(failed ? { errorCode: RECORDER, errorMessage: recorderMessage } : {}),
    ...extra,
  };
}

const plain = painter(false);

describe('summarizeAccounts', () => {
  it('counts per status, pack, Region and wave, and groups failures by code and hint', () => {
    const rows = [
      row(1, 'us-east-1', true, { wave: 'canary' }),
      row(1, 'eu-west-1', true, { wave: 'canary' }),
      row(2, 'us-east-1', true, { wave: 'rest' }),
      row(3, 'us-east-1', false, { wave: 'rest' }),
      row(4, 'us-east-1', true, {
        wave: 'rest',
        errorCode: 'MaxNumberOfConfigRulesExceededException',
        errorMessage: 'limit of 1000',
      }),
      row(5, 'us-east-1', true, { errorCode: 'Weird', errorMessage: 'one thing' }),
      row(6, 'us-east-1', true, { errorCode: 'Weird', errorMessage: 'another thing' }),
    ];
    const s = summarizeAccounts(rows);
    expect(s).toMatchObject({ rows: 7, accounts: 6, statuses: { CREATE_FAILED: 6, CREATE_SUCCESSFUL: 1 } });
    expect(s.byRegion).toEqual([
      { key: 'us-east-1', rows: 6, statuses: { CREATE_FAILED: 5, CREATE_SUCCESSFUL: 1 } },
      { key: 'eu-west-1', rows: 1, statuses: { CREATE_FAILED: 1 } },
    ]);
    expect(s.byPack).toEqual([
      { key: 'baseline', rows: 7, statuses: { CREATE_FAILED: 6, CREATE_SUCCESSFUL: 1 } },
    ]);
    // Rows outside any wave are not counted under a wave.
    expect(s.byWave.map((w) => [w.key, w.rows])).toEqual([
      ['canary', 2],
      ['rest', 3],
    ]);
    // One cause per code and hint; without a hint, messages tell causes apart.
    expect(s.failures.map((f) => [f.errorCode, f.accounts.map((a) => a.accountId), f.rows])).toEqual([
      [RECORDER, [id(1), id(2)], 3],
      ['MaxNumberOfConfigRulesExceededException', [id(4)], 1],
      ['Weird', [id(5)], 1],
      ['Weird', [id(6)], 1],
    ]);
    const [recorder] = s.failures;
    expect(recorder).toMatchObject({
      hint: hintFor(RECORDER),
      errorMessage: recorderMessage,
      packs: ['baseline'],
      regions: ['eu-west-1', 'us-east-1'],
      command: 'packsmith deploy baseline',
      ous: [
        { ouPath: '/Root/ou-1', accounts: 1 },
        { ouPath: '/Root/ou-2', accounts: 1 },
      ],
    });
    expect(recorder!.accounts[0]!.places).toEqual(['baseline eu-west-1', 'baseline us-east-1']);
    expect(summarizeAccounts(rows.slice(0, 1), { retry: 'destroy' }).failures[0]!.command).toBe(
      'packsmith destroy baseline',
    );
  });

  it('in text, a cause is named once, its hint once, and long account lists end with "… and N more"', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [
      row(i, 'us-east-1', true),
      row(i, 'eu-west-1', true),
    ]).flat();
    const text = formatFailureCauses(summarizeAccounts(rows).failures, plain).join('\n');
    expect(text.split(RECORDER)).toHaveLength(2);
    expect(text.split(hintFor(RECORDER)!)).toHaveLength(2);
    expect(text).toContain(`${RECORDER}: 30 account(s), 60 row(s)`);
    expect(text).toContain('… and 22 more');
    expect(text).toContain('retry once fixed: packsmith deploy baseline');
    expect(text.split('\n').length).toBeLessThan(20);
  });
});

describe('the deploy end summary at 200 accounts, 6 failing for one cause', () => {
  const REGIONS = ['us-east-1', 'eu-west-1'];
  const failing = new Set([3, 40, 77, 120, 150, 199]);
  const since = new Date('2026-01-01T00:00:00Z');

  function regionResult(region: string): PackRegionResult {
    const targets = Array.from({ length: 200 }, (_, i) => ({
      id: id(i),
      name: `acct-${i}`,
      ouPath: ouOf(i),
    }));
    const t = createTracker({ operation: 'create', since, targets, excluded: [] });
    const at = new Date(since.getTime() + 5000);
    t.observe(
      targets.map((a, i) =>
        failing.has(i)
          ? {
              accountId: a.id,
              status: 'CREATE_FAILED' as const,
              errorCode: RECORDER,
              errorMessage: recorderMessage,
              lastUpdateTime: at,
            }
          : { accountId: a.id, status: 'CREATE_SUCCESSFUL' as const, lastUpdateTime: at },
      ),
    );
    return {
      pack: 'baseline',
      orgPackName: 'baseline',
      region,
      operation: 'create',
      outcome: 'failed',
      accounts: t.accounts(),
      counts: t.counts(),
      polls: 1,
      requests: 1,
    };
  }

  it('fits one screen (≤ 40 lines) and names the cause once with its 6 accounts', () => {
    let out = '';
    const io: Output = { out: (s) => (out += s), err: () => undefined, paint: plain };
    const code = reportResults(
      REGIONS.map((r) => regionResult(r)),
      [],
      'text',
      io,
    );
    expect(code).toBe(1);
    const lines = out.trimEnd().split('\n');
    expect(lines.length, out).toBeLessThanOrEqual(40);
    expect(out.split(RECORDER)).toHaveLength(2);
    expect(out.split(hintFor(RECORDER)!)).toHaveLength(2);
    expect(out).toContain(`${RECORDER}: 6 account(s), 12 row(s)`);
    for (const n of failing) expect(out.split(id(n)), id(n)).toHaveLength(2);
    for (const region of REGIONS)
      expect(out).toContain(`baseline create in ${region} failed: 194 of 200 accounts succeeded, 6 failed`);
  });

  it('in JSON, every Region keeps its failed accounts and the causes come once, valid by the schema', () => {
    let out = '';
    const io: Output = { out: (s) => (out += s), err: () => undefined, paint: plain };
    reportResults(
      REGIONS.map((r) => regionResult(r)),
      [],
      'json',
      io,
    );
    const doc = JSON.parse(out) as {
      regions: Array<{ failed: unknown[] }>;
      failures: Array<{ errorCode: string; rows: number; accounts: Array<{ accountId: string }> }>;
    };
    const validate = new Ajv({ strict: false }).compile(RolloutOutputSchema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.regions.map((r) => r.failed.length)).toEqual([6, 6]);
    expect(doc.failures).toHaveLength(1);
    expect(doc.failures[0]).toMatchObject({ errorCode: RECORDER, rows: 12 });
    expect(doc.failures[0]!.accounts.map((a) => a.accountId)).toEqual(
      [...failing].sort((a, b) => a - b).map(id),
    );
  });
});
