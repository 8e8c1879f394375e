/**
 * The self-contained HTML status report (`packsmith status --format html`): one file with inline
 * CSS and JS and no external reference, so it can be mailed or archived and opened offline.
 *
 * Summaries, waves, failures (grouped by cause), deployments and the timeline are rendered here through handlebars
 * (HTML-escaped, readable without JS). The grid of every account × Region is built in the browser
 * from compact JSON embedded in the page: 5,000 accounts × several Regions would be megabytes of
 * markup, and data in a JSON block cannot inject markup the way interpolated HTML could.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type HandlebarsCompiler from 'handlebars';
import { timelineChart } from './timeline-chart.js';
import { summarizeAccounts, type SummaryRow } from '../rollout/account-summary.js';
import { packageRoot } from '../util/package-root.js';
import {
  reportAccountStatuses,
  statusGroup,
  type ReportAccount,
  type ReportAccountStatus,
  type ReportData,
  type ReportDeployment,
  type StatusGroup,
} from './report-data.js';

/** Rows of the timeline and deployments tables, and failed accounts listed under their causes, beyond which the page notes what it left out. */
export const reportRowLimit = 2_000;

export interface HtmlReportOptions {
  /** Default {@link reportRowLimit}. */
  rowLimit?: number;
}

/**
 * The grid's data as embedded in the page. Repeated text (packs, Regions, statuses, OU paths, error
 * codes, messages, hints, waves, times) is stored once in `strings` and referenced by index, -1 when
 * absent; this keeps 10,000 cells at a few hundred kilobytes.
 */
export interface ReportGridData {
  strings: string[];
  /** Pack names in the report's order, as string indexes. */
  packs: number[];
  /** Regions per pack, as string indexes, parallel to `packs`. */
  regions: number[][];
  /** `[accountId, name, ouPath]`, sorted by account id. */
  accounts: Array<[string, number, number]>;
  /**
   * `[account (index into accounts), pack, region, status, target 1|0, wave, errorCode, errorMessage,
   * hint, lastUpdateTime]`, sorted by pack, Region, OU path and account id.
   */
  cells: Array<[number, number, number, number, 0 | 1, number, number, number, number, number]>;
}

const groupLabels: Record<StatusGroup, { label: string; glyph: string }> = {
  succeeded: { label: 'Succeeded', glyph: '✓' },
  failed: { label: 'Failed', glyph: '✗' },
  'in-progress': { label: 'In progress', glyph: '…' },
  'not-deployed': { label: 'Not deployed', glyph: '○' },
};
const groups = Object.keys(groupLabels) as StatusGroup[];

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** ISO times from different sources may differ in precision or offset: compare instants, then text. */
const compareTime = (a: string, b: string): number => {
  const d = Date.parse(a) - Date.parse(b);
  return Number.isNaN(d) || d === 0 ? compareText(a, b) : d;
};
const count = (n: number): string => n.toLocaleString('en-US');
/** `1 account`, `2 accounts`; `what` in the singular, its plural given when it is not `what` + s. */
const counted = (n: number, what: string, plural = `${what}s`): string =>
  `${count(n)} ${n === 1 ? what : plural}`;

/** A duration as people read it: `45 s`, `12 min 5 s`, `2 h 3 min`; empty for a negative or unknown one. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** The report's rows as the account summariser reads them: `status` and the page count alike. */
function summaryRows(accounts: readonly ReportAccount[]): SummaryRow[] {
  return accounts.map((a) => ({
    pack: a.pack,
    region: a.region,
    ...(a.wave !== undefined ? { wave: a.wave } : {}),
    accountId: a.accountId,
    ...(a.name !== undefined ? { name: a.name } : {}),
    ...(a.ouPath !== undefined ? { ouPath: a.ouPath } : {}),
    status: a.status,
    failed: statusGroup(a.status) === 'failed',
    ...(a.errorCode !== undefined ? { errorCode: a.errorCode } : {}),
    ...(a.errorMessage !== undefined ? { errorMessage: a.errorMessage } : {}),
    ...(a.hint !== undefined ? { hint: a.hint } : {}),
  }));
}

/** The latest deployment of one pack in one Region: its outcome and how long it took (or has run). */
function lastDeployment(deployments: readonly ReportDeployment[], generatedAt: string) {
  const last = [...deployments].sort((x, y) => compareTime(x.startedAt, y.startedAt)).at(-1);
  if (!last) return { lastStarted: '', lastDuration: '', lastOutcome: '' };
  const end = last.endedAt ?? generatedAt;
  const duration = formatDuration(Date.parse(end) - Date.parse(last.startedAt));
  return {
    lastStarted: last.startedAt,
    lastDuration: last.endedAt === null && duration ? `${duration} so far` : duration,
    lastOutcome: last.outcome ?? (last.endedAt === null ? 'running' : ''),
  };
}

/** Pack and Region order: as the packs list them, then any others the accounts mention, sorted. */
function layout(data: ReportData): Array<{ pack: string; regions: string[] }> {
  const out = new Map<string, string[]>();
  for (const p of data.packs) out.set(p.pack, [...p.regions]);
  const extra = new Map<string, Set<string>>();
  for (const a of data.accounts) {
    const regions = out.get(a.pack);
    if (regions?.includes(a.region)) continue;
    if (!extra.has(a.pack)) extra.set(a.pack, new Set());
    extra.get(a.pack)!.add(a.region);
  }
  for (const pack of [...extra.keys()].sort(compareText)) {
    if (!out.has(pack)) out.set(pack, []);
    out.get(pack)!.push(...[...extra.get(pack)!].sort(compareText));
  }
  return [...out].map(([pack, regions]) => ({ pack, regions }));
}

function sortedCells(data: ReportData): ReportAccount[] {
  const order = new Map<string, number>();
  layout(data).forEach(({ pack, regions }, i) =>
    regions.forEach((r, j) => order.set(`${pack}\n${r}`, i * 10_000 + j)),
  );
  return data.accounts
    .map((a, i) => ({ a, i }))
    .sort(
      (x, y) =>
        order.get(`${x.a.pack}\n${x.a.region}`)! - order.get(`${y.a.pack}\n${y.a.region}`)! ||
        compareText(x.a.ouPath ?? '', y.a.ouPath ?? '') ||
        compareText(x.a.accountId, y.a.accountId) ||
        x.i - y.i,
    )
    .map(({ a }) => a);
}

/** The compact grid data the page's script reads (see {@link ReportGridData}). */
export function reportGridData(data: ReportData): ReportGridData {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const str = (s: string | undefined): number => {
    if (s === undefined || s === '') return -1;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.push(s) - 1;
      index.set(s, i);
    }
    return i;
  };
  const packs = layout(data);
  // Name and OU of an account are the same in every Region; the first one given wins.
  const accountInfo = new Map<string, { name?: string; ouPath?: string }>();
  for (const a of data.accounts) {
    const known = accountInfo.get(a.accountId);
    if (!known) accountInfo.set(a.accountId, { name: a.name, ouPath: a.ouPath });
    else {
      known.name ??= a.name;
      known.ouPath ??= a.ouPath;
    }
  }
  const accountIds = [...accountInfo.keys()].sort(compareText);
  const accountIndex = new Map(accountIds.map((id, i) => [id, i]));
  const grid: ReportGridData = {
    strings,
    packs: packs.map((p) => str(p.pack)),
    regions: packs.map((p) => p.regions.map(str)),
    accounts: accountIds.map((id) => {
      const info = accountInfo.get(id)!;
      return [id, str(info.name), str(info.ouPath)];
    }),
    cells: [],
  };
  for (const a of sortedCells(data)) {
    grid.cells.push([
      accountIndex.get(a.accountId)!,
      str(a.pack),
      str(a.region),
      str(a.status),
      a.target ? 1 : 0,
      str(a.wave),
      str(a.errorCode),
      str(a.errorMessage),
      str(a.hint),
      str(a.lastUpdateTime),
    ]);
  }
  return grid;
}

/**
 * JSON that is safe inside `<script type="application/json">`: no `<` (so neither `</script>` nor
 * `<!--` can end or change the element), no `>` or `&`, and U+2028/2029 escaped for any reader that
 * treats them as line ends. Only string contents can hold these characters, where `\uXXXX` means the same.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

interface StatusCounts {
  total: number;
  byGroup: Record<StatusGroup, number>;
  /** Counts formatted for the page. */
  byStatus: Array<{ status: string; count: string }>;
}

function countStatuses(statuses: ReportAccountStatus[]): StatusCounts {
  const byStatus: Record<string, number> = {};
  for (const s of statuses) byStatus[s] = (byStatus[s] ?? 0) + 1;
  return countsOf(byStatus);
}

/** Rows per status (as the account summariser counts them) grouped and in legend order. */
function countsOf(byStatus: Record<string, number>): StatusCounts {
  const byGroup = { succeeded: 0, failed: 0, 'in-progress': 0, 'not-deployed': 0 };
  let total = 0;
  for (const [s, n] of Object.entries(byStatus)) {
    byGroup[statusGroup(s as ReportAccountStatus)] += n;
    total += n;
  }
  return {
    total,
    byGroup,
    // Known statuses in legend order, then any AWS may add later, sorted.
    byStatus: [
      ...reportAccountStatuses.filter((s) => s in byStatus),
      ...Object.keys(byStatus)
        .filter((s) => !(reportAccountStatuses as readonly string[]).includes(s))
        .sort(),
    ].map((status) => ({ status, count: count(byStatus[status]!) })),
  };
}

/** The latest `limit` items by time, in time order, and a note when some were left out. */
function latest<T>(items: T[], at: (item: T) => string, limit: number, what: string) {
  const sorted = items
    .map((item, i) => ({ item, i }))
    .sort((x, y) => compareTime(at(x.item), at(y.item)) || x.i - y.i)
    .map(({ item }) => item);
  const rows = sorted.slice(Math.max(0, sorted.length - limit));
  const note =
    rows.length < sorted.length
      ? `Showing the latest ${count(rows.length)} of ${count(sorted.length)} ${what}.`
      : '';
  return { rows, total: sorted.length, note };
}

/**
 * Compliance per control (every rule evaluation of the controls' rules, per account and Region) and
 * per account (the accounts whose pack is not compliant, most non-compliant rules first).
 */
function complianceView(data: ReportData, limit: number) {
  const c = data.compliance;
  if (!c) return { any: false };
  const info = new Map(data.accounts.map((a) => [a.accountId, a]));
  const byControl = new Map<
    string,
    { rules: Set<string>; compliant: number; nonCompliant: number; other: number; failing: Set<string> }
  >();
  for (const r of c.rules) {
    for (const control of r.controls.length ? r.controls : ['']) {
      const g = byControl.get(control) ?? {
        rules: new Set<string>(),
        compliant: 0,
        nonCompliant: 0,
        other: 0,
        failing: new Set<string>(),
      };
      g.rules.add(`${r.pack} ${r.ruleName}`);
      if (r.compliance === 'COMPLIANT') g.compliant++;
      else if (r.compliance === 'NON_COMPLIANT') {
        g.nonCompliant++;
        g.failing.add(r.accountId);
      } else g.other++;
      byControl.set(control, g);
    }
  }
  const controls = [...byControl]
    .sort(([a, x], [b, y]) => y.failing.size - x.failing.size || compareText(a, b))
    .map(([control, g]) => ({
      control: control || 'no control mapped',
      mapped: control !== '',
      rules: count(g.rules.size),
      compliant: count(g.compliant),
      nonCompliant: count(g.nonCompliant),
      other: count(g.other),
      accountsNonCompliant: count(g.failing.size),
    }));
  const nonCompliantRules = new Map<string, string[]>();
  for (const r of c.rules) {
    if (r.compliance !== 'NON_COMPLIANT') continue;
    const key = `${r.pack}\n${r.region}\n${r.accountId}`;
    nonCompliantRules.set(key, [...(nonCompliantRules.get(key) ?? []), r.ruleName]);
  }
  const notCompliant = c.packs
    .filter((p) => p.compliance !== 'COMPLIANT')
    .sort(
      (x, y) =>
        y.nonCompliantRules - x.nonCompliantRules ||
        compareText(x.accountId, y.accountId) ||
        compareText(x.pack, y.pack) ||
        compareText(x.region, y.region),
    );
  const statuses: Record<string, number> = {};
  for (const p of c.packs) statuses[p.compliance] = (statuses[p.compliance] ?? 0) + 1;
  return {
    any: true,
    evaluated: count(c.packs.length),
    statuses: Object.keys(statuses)
      .sort()
      .map((s) => ({ status: s, count: count(statuses[s]!) })),
    controls,
    accounts: notCompliant.slice(0, limit).map((p) => ({
      accountId: p.accountId,
      name: info.get(p.accountId)?.name ?? '',
      ouPath: info.get(p.accountId)?.ouPath ?? '',
      pack: p.pack,
      region: p.region,
      compliance: p.compliance,
      rules: `${count(p.nonCompliantRules)} of ${count(p.totalRules)}`,
      ruleNames: (nonCompliantRules.get(`${p.pack}\n${p.region}\n${p.accountId}`) ?? [])
        .sort(compareText)
        .join(', '),
    })),
    anyAccounts: notCompliant.length > 0,
    note:
      notCompliant.length > limit
        ? `Showing the first ${count(limit)} of ${count(notCompliant.length)} accounts × Regions not compliant.`
        : '',
  };
}

/** Everything the template shows, already sorted, counted and turned into text. */
function viewModel(data: ReportData, limit: number) {
  const cells = sortedCells(data);
  const byPackRegion = new Map<string, ReportAccount[]>();
  for (const c of cells) {
    const key = `${c.pack}\n${c.region}`;
    if (!byPackRegion.has(key)) byPackRegion.set(key, []);
    byPackRegion.get(key)!.push(c);
  }
  const packInfo = new Map(data.packs.map((p) => [p.pack, p]));
  const packs = layout(data).map(({ pack, regions }) => {
    const info = packInfo.get(pack);
    const regionRows = regions.map((region) => {
      const inRegion = byPackRegion.get(`${pack}\n${region}`) ?? [];
      // Counted by the account summariser, as `status` counts them.
      const summary = summarizeAccounts(summaryRows(inRegion));
      const c = countsOf(summary.statuses);
      return {
        region,
        ...c,
        accounts: count(summary.accounts),
        succeeded: count(c.byGroup.succeeded),
        failed: count(c.byGroup.failed),
        inProgress: count(c.byGroup['in-progress']),
        notDeployed: count(c.byGroup['not-deployed']),
        ...lastDeployment(
          data.deployments.filter((d) => d.pack === pack && d.region === region),
          data.generatedAt,
        ),
      };
    });
    const waves = (info?.waves ?? []).map((w) => {
      const members = new Set(w.accounts);
      // Counted per account × Region: a wave's account may fail in one Region and succeed in another.
      const statuses = regions.flatMap((region) => {
        const inRegion = new Map(
          (byPackRegion.get(`${pack}\n${region}`) ?? [])
            .filter((a) => members.has(a.accountId))
            .map((a) => [a.accountId, a.status]),
        );
        return w.accounts.map((id) => inRegion.get(id) ?? 'NOT_DEPLOYED');
      });
      const g = countStatuses(statuses).byGroup;
      return {
        name: w.name,
        accounts: count(members.size),
        succeeded: count(g.succeeded),
        failed: count(g.failed),
        inProgress: count(g['in-progress']),
        notDeployed: count(g['not-deployed']),
      };
    });
    // In the pack's Region order, then by rule: what each Region's deployment left out.
    const notEvaluated = (data.notEvaluated ?? [])
      .filter((u) => u.pack === pack)
      .sort((a, b) => regions.indexOf(a.region) - regions.indexOf(b.region) || compareText(a.rule, b.rule))
      .map((u) => ({
        region: u.region,
        rule: u.rule,
        identifier: u.identifier,
        controls: u.controls.join(', '),
      }));
    return {
      pack,
      orgPackName: info?.orgPackName ?? '',
      kind: info?.engine === 'stackset' ? 'stack set' : 'organization conformance pack',
      regions: regionRows,
      waves,
      hasWaves: waves.length > 0,
      notEvaluated,
      hasNotEvaluated: notEvaluated.length > 0,
    };
  });

  // Failures grouped by cause by the account summariser: the code and hint once, then the accounts.
  const summary = summarizeAccounts(summaryRows(cells));
  let accountsLeft = limit;
  const causes = summary.failures.map((f, n) => {
    const shown = f.accounts.slice(0, Math.max(0, accountsLeft));
    accountsLeft -= shown.length;
    return {
      id: `cause-${n + 1}`,
      errorCode: f.errorCode ?? '',
      hint: f.hint ?? '',
      errorMessage: f.errorMessage ?? '',
      rows: counted(f.rows, 'account × Region status', 'account × Region statuses'),
      accountCount: counted(f.accounts.length, 'account'),
      packs: f.packs.join(', '),
      regions: f.regions.join(', '),
      ous: f.ous.map((o) => ({ ouPath: o.ouPath, accounts: count(o.accounts) })),
      command: f.command,
      accounts: shown.map((a) => ({
        accountId: a.accountId,
        name: a.name ?? '',
        ouPath: a.ouPath ?? '',
        places: a.places.join(', '),
      })),
      more: shown.length < f.accounts.length ? counted(f.accounts.length - shown.length, 'more account') : '',
    };
  });
  const failedRows = summary.failures.reduce((n, f) => n + f.rows, 0);

  const deployments = latest(data.deployments, (d) => d.startedAt, limit, 'deployments');
  const distinctAccounts = new Set(data.accounts.map((a) => a.accountId)).size;

  return {
    title: data.title,
    generatedAt: data.generatedAt,
    packsmithVersion: data.packsmithVersion,
    accountsTotal: count(distinctAccounts),
    cellsTotal: count(data.accounts.length),
    packs,
    legend: groups.map((g) => ({
      group: g,
      ...groupLabels[g],
      statuses: reportAccountStatuses.filter((s) => statusGroup(s) === g).join(', '),
    })),
    failures: {
      total: count(failedRows),
      causes: counted(causes.length, 'cause'),
      accounts: counted(
        new Set(summary.failures.flatMap((f) => f.accounts.map((a) => a.accountId))).size,
        'account',
      ),
      any: causes.length > 0,
      list: causes,
      note: causes.some((c) => c.more)
        ? `Accounts beyond the first ${count(limit)} are left out of these lists; the grid's status filter shows all of them.`
        : '',
    },
    deployments: {
      ...deployments,
      any: deployments.total > 0,
      rows: deployments.rows.map((d) => ({
        id: d.id,
        pack: d.pack,
        region: d.region,
        operation: d.operation,
        wave: d.wave ?? '',
        startedAt: d.startedAt,
        endedAt: d.endedAt ?? '',
        outcome: d.outcome ?? (d.endedAt === null ? 'running' : ''),
      })),
    },
    chart: timelineChart(data.timeline, packs.length),
    compliance: complianceView(data, limit),
  };
}

interface CompiledReport {
  template: HandlebarsCompiler.TemplateDelegate;
  csp: string;
}
let compiled: CompiledReport | undefined;

const sha256Source = (text: string): string =>
  `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Compiles the template once per process. Its one `<style>` and one script are literal text, so
 * their hashes can go into the page's Content-Security-Policy: the page may run that script and
 * nothing else, and may load nothing at all.
 */
function compile(): CompiledReport {
  if (compiled) return compiled;
  const file = join(packageRoot(), 'templates', 'status-report.html.hbs');
  const text = readFileSync(file, 'utf8');
  const style = /<style>([\s\S]*?)<\/style>/.exec(text)?.[1];
  const script = /<script>([\s\S]*?)<\/script>/.exec(text)?.[1];
  if (style === undefined || script === undefined || /\{\{/.test(style + script)) {
    throw new Error(`${file}: needs one literal <style> and one literal <script> (no {{ }} inside)`);
  }
  const csp = [
    "default-src 'none'",
    `style-src ${sha256Source(style)}`,
    `script-src ${sha256Source(script)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  // The full handlebars (with its compiler) loads only when a report is rendered.
  const handlebars = createRequire(import.meta.url)('handlebars') as typeof HandlebarsCompiler;
  const template = handlebars.compile(text, { strict: true, knownHelpersOnly: true, preventIndent: true });
  compiled = { template, csp };
  return compiled;
}

/** The report page for `data`: the same data gives the same bytes. */
export function renderHtmlReport(data: ReportData, options: HtmlReportOptions = {}): string {
  const { template, csp } = compile();
  const limit = options.rowLimit ?? reportRowLimit;
  return template({ ...viewModel(data, limit), csp, dataJson: scriptSafeJson(reportGridData(data)) });
}
