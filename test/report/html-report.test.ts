/**
 * The HTML status report without a browser: hostile account names and messages cannot break out of
 * the page's markup or its embedded JSON, the page references nothing outside itself, the same data
 * gives the same bytes, and 5,000 accounts × 2 Regions stay a few megabytes.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { organizationResourceStatuses } from '../../src/facts/enums.js';
import {
  formatDuration,
  renderHtmlReport,
  reportGridData,
  scriptSafeJson,
  type ReportGridData,
} from '../../src/report/html-report.js';
import type { ReportAccount, ReportData } from '../../src/report/report-data.js';

const regions = ['us-east-1', 'eu-west-1'];
const hostile = [
  '</script><script>alert(1)</script>',
  '<!--<script>',
  'line\u2028sep\u2029para',
  '<img src=x onerror=alert(2)>',
  '"\'&amp;`=${x}{{title}}',
  '</SCRIPT >',
];

function report(accountCount: number, mutate?: (a: ReportAccount, i: number) => void): ReportData {
  const accounts: ReportAccount[] = [];
  for (let i = 0; i < accountCount; i++) {
    for (const region of regions) {
      const a: ReportAccount = {
        pack: 'baseline',
        region,
        accountId: String(200000000000 + i),
        name: `member-${i}`,
        ouPath: `/Root/ou-${i % 7}/team-${i % 3}`,
        status: i % 97 === 5 ? 'CREATE_FAILED' : 'CREATE_SUCCESSFUL',
        target: true,
        wave: i % 2 ? 'canary' : 'rest',
        lastUpdateTime: `2026-11-26T10:${String(i % 60).padStart(2, '0')}:00.000Z`,
      };
      if (a.status === 'CREATE_FAILED') {
        a.errorCode = 'NoAvailableConfigurationRecorder';
        a.errorMessage = `You must create a configuration recorder in ${region}.`;
        a.hint = 'Turn on an AWS Config configuration recorder, then deploy again.';
      }
      mutate?.(a, i);
      accounts.push(a);
    }
  }
  const ids = [...new Set(accounts.map((a) => a.accountId))];
  return {
    title: 'Rollout of baseline',
    generatedAt: '2026-11-26T12:00:00.000Z',
    packsmithVersion: '0.1.0',
    packs: [
      {
        pack: 'baseline',
        orgPackName: 'packsmith-baseline',
        regions,
        waves: [
          { name: 'canary', accounts: ids.filter((_, i) => i % 2) },
          { name: 'rest', accounts: ids.filter((_, i) => i % 2 === 0) },
        ],
      },
    ],
    accounts,
    deployments: regions.map((region, i) => ({
      id: `dep-${i}`,
      pack: 'baseline',
      region,
      operation: 'create',
      startedAt: `2026-11-26T09:0${i}:00.000Z`,
      endedAt: `2026-11-26T11:0${i}:00.000Z`,
      outcome: 'succeeded',
    })),
    timeline: accounts.map((a) => ({
      at: a.lastUpdateTime!,
      pack: a.pack,
      region: a.region,
      kind: 'status' as const,
      accountId: a.accountId,
      status: a.status,
    })),
  };
}

const embedded = (html: string): string => {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  expect(m, 'the embedded data').not.toBeNull();
  return m![1]!;
};
/** Outside the embedded JSON, i.e. the markup that handlebars produced. */
const markup = (html: string): string => html.replace(embedded(html), '');

describe('renderHtmlReport escaping', () => {
  const data = report(12, (a, i) => {
    if (i < hostile.length) {
      a.name = hostile[i];
      a.status = 'UPDATE_FAILED';
      a.errorCode = hostile[(i + 1) % hostile.length];
      a.errorMessage = hostile[(i + 2) % hostile.length];
      a.hint = hostile[(i + 3) % hostile.length];
      a.ouPath = `/Root/${hostile[(i + 4) % hostile.length]}`;
    }
  });
  data.title = hostile[0]!;
  const html = renderHtmlReport(data);

  it('embeds the data so that no string can end the script element or open a comment', () => {
    const json = embedded(html);
    expect(json).not.toMatch(/<|>|\u2028|\u2029/);
    // Parsing it back gives every hostile string unchanged.
    const grid = JSON.parse(json) as ReportGridData;
    expect(grid).toEqual(reportGridData(data));
    for (const s of hostile) expect(grid.strings).toContain(s);
    // Exactly two script elements: the JSON and the page's own script.
    expect(html.match(/<script/gi)).toHaveLength(2);
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html).not.toContain('<!--');
  });

  it('escapes hostile strings everywhere it writes them as markup', () => {
    const outside = markup(html);
    for (const s of hostile.filter((h) => /[<>"'&]/.test(h))) expect(outside).not.toContain(s);
    expect(outside).not.toMatch(/<img|onerror=/i);
    expect(outside).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    // Handlebars syntax inside data is not evaluated a second time.
    expect(outside).toContain('{{title}}');
  });

  it('lists every failed account server-side, once per cause', () => {
    const failed = data.accounts.filter((a) => a.status.endsWith('_FAILED'));
    const causes = markup(html).match(/<li class="cause"[\s\S]*?<\/li>/g) ?? [];
    expect(causes).toHaveLength(new Set(failed.map((a) => `${a.errorCode}\n${a.hint}`)).size);
    for (const a of failed) {
      const holding = causes.filter((c) => c.includes(`<tr data-account="${a.accountId}">`));
      expect(holding, a.accountId).toHaveLength(1);
    }
  });

  it('escapes U+2028/2029 in any JSON it embeds', () => {
    const value = { s: '\u2028</script><!--&\u2029' };
    const safe = scriptSafeJson(value);
    expect(safe).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(safe)).toEqual(value);
  });
});

describe('renderHtmlReport as a self-contained page', () => {
  const data = report(60);
  const html = renderHtmlReport(data);

  it('references nothing outside the page: no URL, no src, no link, no import', () => {
    // A URL inside data (an error message may quote one) is data, not a reference.
    const withUrl = report(3, (a) => {
      a.errorMessage = 'see https://docs.aws.amazon.com/config/';
    });
    const outside = markup(renderHtmlReport(withUrl));
    expect(embedded(renderHtmlReport(withUrl))).toContain('https://docs.aws.amazon.com');
    for (const page of [markup(html), outside.replace(/<p class="message">[\s\S]*?<\/p>/g, '')]) {
      expect(page).not.toMatch(/https?:\/\//i);
      expect(page).not.toMatch(
        /\ssrc=|<link|<iframe|<img|@import|url\(|\bfetch\(|XMLHttpRequest|\/\/\s*cdn/i,
      );
      expect(page).not.toMatch(/<script(?![^>]*type="application\/json")[^>]*\ssrc/i);
    }
  });

  it("declares a Content-Security-Policy that allows the page's own style and script and nothing else", () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(csp).toContain(`style-src ${hash(style)}`);
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).not.toContain('unsafe-inline');
  });

  it('renders the same bytes for the same data, and different bytes for different data', () => {
    expect(renderHtmlReport(report(60))).toBe(html);
    const changed = report(60);
    changed.accounts[7]!.status = 'UPDATE_IN_PROGRESS';
    expect(renderHtmlReport(changed)).not.toBe(html);
  });

  it('does not depend on the order the accounts come in', () => {
    const shuffled = { ...data, accounts: [...data.accounts].reverse() };
    expect(renderHtmlReport(shuffled)).toBe(html);
  });

  it('summarises each Region with its counts per status', () => {
    for (const region of regions) {
      const inRegion = data.accounts.filter((a) => a.region === region);
      const row = new RegExp(`<tr data-region="${region}">[\\s\\S]*?</tr>`).exec(html)?.[0];
      expect(row).toBeDefined();
      for (const status of organizationResourceStatuses) {
        const n = inRegion.filter((a) => a.status === status).length;
        if (n) expect(row).toContain(`${status}: ${n}`);
        else expect(row).not.toContain(`${status}:`);
      }
    }
  });

  it('groups failures by cause: the code and hint once, its accounts collapsible, the command to retry', () => {
    const failing = new Set([5, 15, 25, 35, 45, 55]);
    const one = report(60, (a, i) => {
      if (!failing.has(i)) return;
      a.status = 'CREATE_FAILED';
      a.errorCode = 'NoAvailableConfigurationRecorder';
      a.errorMessage = `You must create a configuration recorder in ${a.region}.`;
      a.hint = 'Turn on an AWS Config configuration recorder, then deploy again.';
    });
    const page = markup(renderHtmlReport(one));
    const causes = page.match(/<li class="cause"[\s\S]*?<\/li>/g) ?? [];
    expect(causes).toHaveLength(1);
    expect(page.split('Turn on an AWS Config configuration recorder, then deploy again.')).toHaveLength(2);
    expect(causes[0]).toContain('6 accounts, 12 account × Region statuses');
    expect(causes[0]).toMatch(/<details>\s*<summary>6 accounts<\/summary>/);
    expect(causes[0]!.match(/<tr data-account=/g)).toHaveLength(6);
    expect(causes[0]).toContain(`${regions[1]}`);
    expect(causes[0]).toContain('<code>packsmith deploy baseline</code>');
    // Not one row per account × pack × Region any more.
    expect(page).not.toContain('failures-table');
  });

  it('caps the accounts listed under the causes and says how many more there are', () => {
    const many = report(60, (a, i) => {
      if (i % 10 !== 3) return;
      a.status = 'CREATE_FAILED';
      a.errorCode = 'InternalFailure';
    });
    const page = markup(renderHtmlReport(many, { rowLimit: 4 }));
    expect(page.match(/<tr data-account=/g)).toHaveLength(4);
    // Six accounts of one cause, then the one account of the other cause.
    expect(page).toContain('and 2 more accounts');
    expect(page).toContain('and 1 more account ');
    expect(page).toContain('Accounts beyond the first 4 are left out of these lists');
  });

  it("shows each Region's accounts and the duration and outcome of its last deployment", () => {
    const withRunning: ReportData = {
      ...data,
      deployments: [
        ...data.deployments,
        // The latest in us-east-1, still running when the report was written (12:00).
        {
          id: 'dep-9',
          pack: 'baseline',
          region: regions[0]!,
          operation: 'update',
          startedAt: '2026-11-26T11:45:30.000Z',
          endedAt: null,
          outcome: null,
        },
      ],
    };
    const page = renderHtmlReport(withRunning);
    const row = (region: string) => new RegExp(`<tr data-region="${region}">[\\s\\S]*?</tr>`).exec(page)![0];
    expect(row(regions[0]!)).toContain('<span class="duration">14 min 30 s so far</span>');
    expect(row(regions[0]!)).toContain('running, started');
    expect(row(regions[1]!)).toContain('<span class="duration">2 h</span>');
    expect(row(regions[1]!)).toContain('succeeded, started');
    expect(row(regions[1]!)).toMatch(/<td class="num">60<\/td>/);
    const none = renderHtmlReport({ ...data, deployments: [] });
    expect(none).toContain('none recorded');
  });

  it('formats durations as people read them', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(45_400)).toBe('45 s');
    expect(formatDuration(12 * 60_000 + 5_000)).toBe('12 min 5 s');
    expect(formatDuration(3 * 60_000)).toBe('3 min');
    expect(formatDuration(2 * 3_600_000 + 3 * 60_000)).toBe('2 h 3 min');
    expect(formatDuration(-1)).toBe('');
    expect(formatDuration(Number.NaN)).toBe('');
  });

  it('draws the timeline as a labelled chart with the puts marked, not a table of status changes', () => {
    const withPuts: ReportData = {
      ...data,
      timeline: [
        ...data.timeline,
        ...regions.map((region) => ({
          at: '2026-11-26T09:59:00.000Z',
          pack: 'baseline',
          region,
          kind: 'deployment-started' as const,
        })),
      ],
    };
    const page = renderHtmlReport(withPuts);
    expect(page).toContain('<svg id="timeline-chart"');
    expect(page).toContain('aria-label="Accounts completed over time per Region and wave"');
    expect(page).toContain(
      '<title id="timeline-chart-title">Accounts completed over time per Region and wave</title>',
    );
    expect(page).toContain('>Accounts completed</text>');
    expect(page).toContain('>Time (UTC, 2026-11-26)</text>');
    expect(page.match(/<path class="series"/g)).toHaveLength(regions.length);
    expect(page.match(/<g class="put"/g)).toHaveLength(regions.length);
    for (const region of regions)
      expect(page).toMatch(
        new RegExp(
          `<tr data-region="${region}" data-wave=""><th scope="row">${region}</th><td class="num">60</td>`,
        ),
      );
    expect(page).not.toContain('data-kind="status"');
    expect(page).not.toContain('Showing the latest');
  });

  it('escapes the text of the chart', () => {
    const hostileWave = { ...data, timeline: data.timeline.map((e) => ({ ...e, wave: hostile[0] })) };
    const page = markup(renderHtmlReport(hostileWave));
    expect(page).not.toContain(hostile[0]);
    expect(page).toContain('wave &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('renderHtmlReport with compliance', () => {
  const data = report(10);
  const rules = ['s3-bucket-ssl', 'iam-password-policy'];
  data.compliance = {
    packs: data.accounts.map((a, n) => ({
      pack: a.pack,
      accountId: a.accountId,
      region: a.region,
      compliance: n % 4 === 1 ? 'NON_COMPLIANT' : 'COMPLIANT',
      compliantRules: n % 4 === 1 ? 1 : 2,
      nonCompliantRules: n % 4 === 1 ? 1 : 0,
      totalRules: 2,
    })),
    rules: data.accounts.flatMap((a, n) =>
      rules.map((ruleName) => ({
        pack: a.pack,
        accountId: a.accountId,
        region: a.region,
        ruleName,
        compliance: n % 4 === 1 && ruleName === 's3-bucket-ssl' ? 'NON_COMPLIANT' : 'COMPLIANT',
        controls: ruleName === 's3-bucket-ssl' ? ['CIS 2.1.1', hostile[0]!] : [],
      })),
    ),
  };
  const html = renderHtmlReport(data);
  const nonCompliant = data.compliance.packs.filter((p) => p.compliance === 'NON_COMPLIANT');

  it('shows compliance per control, with the accounts not compliant', () => {
    const row = /<tr data-control="CIS 2.1.1">[\s\S]*?<\/tr>/.exec(html)?.[0];
    expect(row).toBeDefined();
    const accounts = new Set(nonCompliant.map((p) => p.accountId)).size;
    // Rules, accounts not compliant, non-compliant evaluations, compliant evaluations, other.
    expect(row!.match(/<td class="num">([^<]*)<\/td>/g)).toEqual(
      [1, accounts, nonCompliant.length, data.accounts.length - nonCompliant.length, 0].map(
        (n) => `<td class="num">${n}</td>`,
      ),
    );
    expect(html).toContain('<th scope="row">no control mapped</th>');
    // The control's name comes from the pack: escaped like any other text.
    expect(markup(html)).not.toContain(hostile[0]);
  });

  it('lists each account and Region whose pack is not compliant, with its non-compliant rules', () => {
    const rows = html.match(/<tr data-account="[^"]*" data-region="[^"]*">[\s\S]*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(nonCompliant.length);
    for (const p of nonCompliant) {
      const row = rows.find((r) => r.includes(`data-account="${p.accountId}" data-region="${p.region}"`));
      expect(row).toContain('<td class="num">1 of 2</td><td>s3-bucket-ssl</td>');
    }
  });

  it('has no compliance section when compliance was not read', () => {
    expect(html).toContain('<section id="compliance"');
    expect(renderHtmlReport(report(10))).not.toContain('id="compliance"');
  });
});

describe('renderHtmlReport for a large organization', () => {
  it('keeps 5,000 accounts × 2 Regions well within a few megabytes', () => {
    const data = report(5_000, (a, i) => {
      if (i % 50 === 0) {
        a.status = 'CREATE_FAILED';
        a.errorCode = 'InternalFailure';
        a.errorMessage = `Internal failure ${i} while creating the conformance pack in this account.`;
      }
    });
    const html = renderHtmlReport(data);
    const bytes = Buffer.byteLength(html);
    expect(bytes).toBeLessThan(3 * 1024 * 1024);
    const grid = JSON.parse(embedded(html)) as ReportGridData;
    expect(grid.cells).toHaveLength(10_000);
    expect(grid.accounts).toHaveLength(5_000);
    // The timeline (10,000 events) is a chart of a bounded size, not 10,000 rows.
    expect(html).not.toContain('data-kind="status"');
    expect(html.match(/<path class="series"/g)).toHaveLength(regions.length);
  });
});

describe('renderHtmlReport with controls not evaluated', () => {
  const base = report(4);
  const rule = (region: string, name: string, controls: string[]) => ({
    pack: 'baseline',
    region,
    rule: name,
    identifier: name.toUpperCase().replaceAll('-', '_'),
    controls,
  });

  it("names, per pack, each Region's rules left out and their controls, in the pack's Region order", () => {
    const page = renderHtmlReport({
      ...base,
      notEvaluated: [
        rule(regions[1]!, 'root-account-mfa-enabled', ['CIS-1.5', 'IA-2']),
        rule(regions[1]!, 'access-keys-rotated', []),
      ],
    });
    const table = /<table class="not-evaluated">[\s\S]*?<\/table>/.exec(page)?.[0] ?? '';
    expect(table).toContain('Controls not evaluated');
    const rows = table.match(/<tr data-region="[^"]+" data-rule="[^"]+">/g);
    expect(rows).toEqual([
      `<tr data-region="${regions[1]}" data-rule="access-keys-rotated">`,
      `<tr data-region="${regions[1]}" data-rule="root-account-mfa-enabled">`,
    ]);
    expect(table).toContain('<td class="text">CIS-1.5, IA-2</td>');
    expect(table).toContain('<span class="muted">none mapped</span>');
  });

  it('escapes what the records hold, and has no such table when nothing was left out', () => {
    const page = renderHtmlReport({ ...base, notEvaluated: [rule(regions[0]!, hostile[0]!, [hostile[3]!])] });
    expect(markup(page)).not.toContain(hostile[0]);
    expect(markup(page)).not.toMatch(/<img/i);
    expect(renderHtmlReport(base)).not.toContain('class="not-evaluated"');
  });
});
