/**
 * The report data of `status --format html`: with `--compliance`, what the aggregator reported goes
 * into the page (each pack's compliance and each rule's, with its controls).
 */
import { describe, expect, it } from 'vitest';
import { statusReportData } from '../../src/cli/run/status-report.js';
import type { DeployConfig } from '../../src/org/deploy-config.js';
import type { OrgTree } from '../../src/org/discover.js';
import { renderHtmlReport } from '../../src/report/html-report.js';
import { timelineChart } from '../../src/report/timeline-chart.js';
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

  it('the timeline has each stage operation started and ended beside the organization packs, and its instances (CANCELLED: not attempted)', () => {
    const store = openStatusStore(':memory:');
    try {
      const both = {
        packs: { ...config.packs, orgpack: { targets: { ous: ['/Root'] } } },
      } as unknown as DeployConfig;
      const deployment = store.startDeployment({
        pack: 'orgpack',
        orgPackName: 'orgpack',
        region: 'us-east-1',
        operation: 'create',
        templateSha256: 'a'.repeat(64),
        parameters: {},
        excludedAccounts: 0,
        callerAccount: '111111111111',
        startedAt: new Date('2026-11-26T10:00:00.000Z'),
      });
      store.finishDeployment(deployment, 'succeeded', new Date('2026-11-26T10:02:00.000Z'));
      const operation = (stage: string, index: number, startedAt: string) =>
        store.startStackSetOperation({
          pack: 'baseline',
          stackSetName: 'packsmith-baseline',
          runKey: 'k1',
          stage,
          stageIndex: index,
          kind: 'create-instances',
          operationId: `packsmith-k1-s${index}-create-instances-a1`,
          attempt: 1,
          callerAccount: '111111111111',
          startedAt: new Date(startedAt),
        });
      const canary = operation('canary', 0, '2026-11-26T11:00:00.000Z');
      store.recordStackInstances(
        canary,
        [{ accountId: '222222222201', region: 'us-east-1', status: 'CURRENT', detailedStatus: 'SUCCEEDED' }],
        new Date('2026-11-26T11:01:00.000Z'),
      );
      store.updateStackSetOperation(canary, 'SUCCEEDED', null, new Date('2026-11-26T11:01:00.000Z'));
      const production = operation('production', 1, '2026-11-26T11:02:00.000Z');
      store.recordStackInstances(
        production,
        [
          {
            accountId: '333333333301',
            region: 'us-east-1',
            status: 'OUTDATED',
            detailedStatus: 'FAILED',
            statusReason: 'no recorder',
          },
          { accountId: '333333333302', region: 'us-east-1', status: 'OUTDATED', detailedStatus: 'CANCELLED' },
        ],
        new Date('2026-11-26T11:04:00.000Z'),
      );
      store.updateStackSetOperation(
        production,
        'FAILED',
        'tolerance exceeded',
        new Date('2026-11-26T11:04:00.000Z'),
      );
      const data = statusReportData({
        config: both,
        packs: ['orgpack', 'baseline'],
        regions: ['us-east-1'],
        tree,
        rows: [],
        store,
        now: new Date('2026-11-26T12:00:00.000Z'),
      });
      const events = data.timeline
        .map((e) => [
          e.at.slice(11, 16),
          e.pack,
          e.kind,
          e.wave ?? '',
          e.outcome ?? e.status ?? '',
          e.accountId ?? '',
        ])
        .sort();
      expect(events).toEqual(
        [
          ['10:00', 'orgpack', 'deployment-started', '', '', ''],
          ['10:02', 'orgpack', 'deployment-ended', '', 'succeeded', ''],
          ['11:00', 'baseline', 'deployment-started', 'canary', '', ''],
          ['11:01', 'baseline', 'status', 'canary', 'CREATE_SUCCESSFUL', '222222222201'],
          ['11:01', 'baseline', 'deployment-ended', 'canary', 'succeeded', ''],
          ['11:02', 'baseline', 'deployment-started', 'production', '', ''],
          ['11:04', 'baseline', 'status', 'production', 'CREATE_FAILED', '333333333301'],
          ['11:04', 'baseline', 'status', 'production', 'NOT_ATTEMPTED', '333333333302'],
          ['11:04', 'baseline', 'deployment-ended', 'production', 'failed', ''],
        ].sort(),
      );
      expect(data.timeline.filter((e) => e.pack === 'baseline').every((e) => e.engine === 'stackset')).toBe(
        true,
      );
      expect(
        data.timeline.find((e) => e.wave === 'production' && e.kind === 'deployment-started'),
      ).toMatchObject({
        operation: 'create-instances',
        operationId: 'packsmith-k1-s1-create-instances-a1',
      });
      // The chart draws each stage's accounts reaching a final status (the not attempted one does not).
      const chart = timelineChart(data.timeline, 2);
      expect(chart.series.map((c) => c.label)).toEqual([
        'baseline · us-east-1 · wave canary',
        'baseline · us-east-1 · wave production',
      ]);
      expect(renderHtmlReport(data)).toContain('baseline · us-east-1 · wave production');
    } finally {
      store.close();
    }
  });
});
