/**
 * The report data of `status --format html`: with `--compliance`, what the aggregator reported goes
 * into the page (each pack's compliance and each rule's, with its controls).
 */
import { describe, expect, it } from 'vitest';
import { statusReportData } from '../../src/cli/run/status-report.js';
import type { DeployConfig } from '../../src/org/deploy-config.js';
import type { OrgTree } from '../../src/org/discover.js';
import { renderHtmlReport } from '../../src/report/html-report.js';
import { openStatusStore } from '../../src/state/store.js';
import { stackSetTree } from '../support/stackset-tree.js';

describe('statusReportData', () => {
  // No pack to look up: only what is passed through is under test.
  const base = {
    config: { packs: {} } as unknown as DeployConfig,
    packs: [],
    regions: ['us-east-1'],
    tree: {} as OrgTree,
    rows: [],
    now: new Date('2026-11-26T12:00:00.000Z'),
  };
  const compliance = {
    packs: [
      {
        pack: 'baseline',
        accountId: '111111111111',
        region: 'us-east-1',
        compliance: 'NON_COMPLIANT',
        compliantRules: 1,
        nonCompliantRules: 1,
        totalRules: 2,
      },
    ],
    rules: [
      {
        pack: 'baseline',
        accountId: '111111111111',
        region: 'us-east-1',
        ruleName: 's3-bucket-ssl',
        deployedRuleName: 's3-bucket-ssl-conformance-pack-abc',
        compliance: 'NON_COMPLIANT',
        controls: ['CIS 2.1.1'],
      },
    ],
  };

  it('carries compliance into the report when it was read, and the page shows it', () => {
    const data = statusReportData({ ...base, compliance });
    // The deployed rule name stays in `--format json`; the page names the authored rule.
    const { deployedRuleName: _, ...rule } = compliance.rules[0]!;
    expect(data.compliance).toEqual({ packs: compliance.packs, rules: [rule] });
    const html = renderHtmlReport(data);
    expect(html).toContain('<section id="compliance"');
    expect(html).toContain('<tr data-control="CIS 2.1.1">');
  });

  it('has no compliance without it', () => {
    expect(statusReportData(base)).not.toHaveProperty('compliance');
  });
});

describe('statusReportData with a stack set pack (issue 16)', () => {
  const tree = stackSetTree;
  const config = {
    packs: {
      baseline: {
        engine: 'stackset',
        stages: [
          { name: 'canary', ous: ['/Root/Canary'] },
          { name: 'production', ous: ['/Root/Prod'] },
        ],
      },
    },
  } as unknown as DeployConfig;
  const row = (accountId: string, status: string, wave: string, errorMessage?: string) => ({
    pack: 'baseline',
    stackSetName: 'packsmith-baseline',
    region: 'us-east-1',
    accountId,
    wave,
    status: status as 'UPDATE_FAILED',
    ...(errorMessage ? { errorMessage } : {}),
    target: true,
    history: {},
  });

  it('the overview names the stack set with its stages as waves; one cause for reasons that differ in the account only; operations in the deployments', () => {
    const store = openStatusStore(':memory:');
    try {
      const op = store.startStackSetOperation({
        pack: 'baseline',
        stackSetName: 'packsmith-baseline',
        runKey: 'k1',
        stage: 'production',
        stageIndex: 1,
        kind: 'update-instances',
        operationId: 'packsmith-k1-s1-update-instances-a1',
        attempt: 1,
        callerAccount: '111111111111',
        startedAt: new Date('2026-11-26T11:00:00.000Z'),
      });
      store.updateStackSetOperation(op, 'FAILED', 'tolerance exceeded', new Date('2026-11-26T11:05:00.000Z'));
      const data = statusReportData({
        config,
        packs: ['baseline'],
        regions: ['us-east-1'],
        tree,
        rows: [
          row('222222222201', 'UPDATE_SUCCESSFUL', 'canary'),
          row('333333333301', 'UPDATE_FAILED', 'production', 'no recorder in 333333333301'),
          row('333333333302', 'UPDATE_FAILED', 'production', 'no recorder in 333333333302'),
        ],
        store,
        now: new Date('2026-11-26T12:00:00.000Z'),
      });
      expect(data.packs).toEqual([
        {
          pack: 'baseline',
          orgPackName: 'packsmith-baseline',
          engine: 'stackset',
          regions: ['us-east-1'],
          waves: [
            { name: 'canary', accounts: ['222222222201'] },
            { name: 'production', accounts: ['333333333301', '333333333302'] },
          ],
        },
      ]);
      expect(data.accounts.map((a) => a.wave)).toEqual(['canary', 'production', 'production']);
      expect(data.deployments).toContainEqual({
        id: 'packsmith-k1-s1-update-instances-a1',
        pack: 'baseline',
        region: 'us-east-1',
        operation: 'update-instances',
        startedAt: '2026-11-26T11:00:00.000Z',
        endedAt: '2026-11-26T11:05:00.000Z',
        outcome: 'failed',
        wave: 'production',
      });
      const html = renderHtmlReport(data);
      expect(html).toContain('stack set packsmith-baseline');
      expect(html).not.toContain('organization conformance pack packsmith-baseline');
      // Both accounts under one cause, the reason normalised.
      expect(html.match(/no recorder in &lt;account&gt;/g)?.length).toBe(1);
      expect(html).toContain('packsmith-k1-s1-update-instances-a1');
    } finally {
      store.close();
    }
  });
});
