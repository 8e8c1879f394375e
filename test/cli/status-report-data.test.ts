/**
 * The report data of `status --format html`: with `--compliance`, what the aggregator reported goes
 * into the page (each pack's compliance and each rule's, with its controls).
 */
import { describe, expect, it } from 'vitest';
import { statusReportData } from '../../src/cli/run/status-report.js';
import type { DeployConfig } from '../../src/org/deploy-config.js';
import type { OrgTree } from '../../src/org/discover.js';
import { renderHtmlReport } from '../../src/report/html-report.js';

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
