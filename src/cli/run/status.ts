/**
 * `packsmith status`: every account's status per pack and Region as AWS reports it now, merged
 * with what the local status database recorded (its last recorded change and deployment). Target
 * accounts without any status are shown as NOT_DEPLOYED.
 */
import { printableLine } from '../../util/text.js';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { statusReportData, wavesOf } from './status-report.js';
import {
  complianceCsv,
  csvField,
  complianceCsvHeader,
  fetchPackCompliance,
  type PackCompliance,
  type RuleCompliance,
  type UnmappedRule,
} from '../../rollout/compliance.js';
import { engineOf, orgPackNameOf, ouRefPattern, stackSetNameOf, targetsOf } from '../../org/deploy-config.js';
import { stackSetRegionOf } from '../../app/stackset.js';
import { observeStackSet } from '../../rollout/stackset.js';
import { stageTargets } from '../../rollout/stackset-plan.js';
import {
  lastRecordedInstances,
  mergeStackInstance,
  normalizeStatusReason,
  type RecordedInstance,
} from '../../rollout/stackset-status.js';
import { resolveTargets } from '../../org/targeting.js';
import { hintFor } from '../../rollout/hints.js';
import { describePack } from '../../rollout/observe.js';
import { recordedUnavailableRules } from '../../rollout/records.js';
import { bucketOf } from '../../app/context.js';
import type { ReportNotEvaluated } from '../../report/report-data.js';
import { fetchDetailedStatus } from '../../rollout/poll.js';
import { openStatusStore, type AccountStatusRecord, type StatusStore } from '../../state/store.js';
import type { StatusCommandOptions } from '../options.js';
import { UsageError } from '../errors.js';
import { jsonDocument, processOutput } from '../output.js';
import type { StatusOutputSchema } from '../../report/schemas/rollout.js';
import type { Static } from '@sinclair/typebox';
import { buildPacks, discover, loadRolloutContext } from './rollout-context.js';
import { table } from './table.js';
import type { OrgTree } from '../../org/discover.js';
import { summarizeAccounts, type AccountSummary, type SummaryRow } from '../../rollout/account-summary.js';
import type { Painter } from '../terminal.js';
import { formatCounts, formatFailureCauses } from '../account-summary-text.js';

type StatusRow = Static<typeof StatusOutputSchema>['accounts'][number];

export async function runStatus(packs: string[], options: StatusCommandOptions): Promise<number> {
  const io = processOutput();
  for (const id of options.account ?? []) {
    if (!/^\d{12}$/.test(id)) throw new UsageError(`--account ${id}: an account id has 12 digits`);
  }
  for (const ou of options.ou ?? []) {
    if (!ouRefPattern.test(ou))
      throw new UsageError(`--ou ${ou}: give an OU id (ou-…, r-…) or a path from the root (/Root/Prod)`);
  }
  if (options.format === 'csv' && !options.compliance) {
    throw new UsageError('--format csv is the compliance evidence format: use it with --compliance');
  }
  const ctx = loadRolloutContext(packs, options, io);
  try {
    const tree = await discover(ctx);
    const byId = new Map(tree.accounts.map((a) => [a.id, a]));
    const local = openLocalHistory(ctx.statePath);
    let store = local.store;
    let unavailable = local.unavailable;
    /** What the local history recorded; a store that fails while read is dropped, AWS goes on. */
    const recordedOf = (pack: string, region: string): AccountStatusRecord[] => {
      try {
        return store?.currentStatuses({ pack, region }) ?? [];
      } catch (error) {
        unavailable = (error as Error).message;
        store?.close();
        store = undefined;
        return [];
      }
    };
    const wanted = options.account?.length ? new Set(options.account) : undefined;
    /** What the local history recorded of a stack set pack's instances; a failing store is dropped. */
    const recordedInstancesOf = (pack: string, shown: ReadonlySet<string>): Map<string, RecordedInstance> => {
      try {
        if (!store) return new Map();
        const s = store;
        return lastRecordedInstances(s.stackSetOperations({ pack }), (row) => s.stackInstances(row), shown);
      } catch (error) {
        unavailable = (error as Error).message;
        store?.close();
        store = undefined;
        return new Map();
      }
    };
    /**
     * A stack set pack: every stage's account × Region (the stage as the row's wave) and every
     * instance AWS lists, live (ListStackInstances through the engine's observe) merged with the
     * store's last recorded status and reason.
     */
    const stackSetRows = async (pack: string): Promise<StatusRow[]> => {
      const deployment = ctx.config.packs[pack]!;
      const stackSetName = stackSetNameOf(pack, deployment);
      const callAs =
        deployment.callAs ?? (ctx.config.role === 'delegated-administrator' ? 'DELEGATED_ADMIN' : 'SELF');
      const stageOf = new Map<string, string>();
      for (const stage of deployment.stages ?? [])
        for (const a of stageTargets(tree, stage).accounts)
          if (!stageOf.has(a.id)) stageOf.set(a.id, stage.name);
      const observed = await observeStackSet(ctx.aws.cloudformation(stackSetRegionOf(ctx)), {
        stackSetName,
        callAs,
      });
      const live = new Map(observed.instances.map((i) => [`${i.account}/${i.region}`, i]));
      // The rows shown: per Region, the stages' accounts and every account with an instance there.
      const shown = new Map<string, string[]>();
      for (const region of ctx.regions) {
        const inRegion = observed.instances.filter((i) => i.region === region).map((i) => i.account);
        shown.set(
          region,
          [...new Set([...stageOf.keys(), ...inRegion])].sort().filter((id) => !wanted || wanted.has(id)),
        );
      }
      const recorded = recordedInstancesOf(
        pack,
        new Set([...shown].flatMap(([region, ids]) => ids.map((id) => `${id}/${region}`))),
      );
      const out: StatusRow[] = [];
      for (const region of ctx.regions) {
        for (const id of shown.get(region)!) {
          const k = `${id}/${region}`;
          const rec = recorded.get(k);
          const merged = mergeStackInstance({
            accountId: id,
            region,
            ...(live.has(k) ? { live: live.get(k)! } : {}),
            ...(rec ? { recorded: rec } : {}),
          });
          const account = byId.get(id);
          const failed = merged.status.endsWith('_FAILED');
          const hint = failed ? hintFor(undefined, merged.reason) : undefined;
          const stage = stageOf.get(id);
          out.push({
            pack,
            stackSetName,
            region,
            accountId: id,
            ...(account ? { name: account.name, ouPath: account.ouPath } : {}),
            ...(stage ? { wave: stage } : {}),
            status: merged.status,
            ...(failed && merged.reason ? { errorMessage: merged.reason } : {}),
            ...(hint ? { hint } : {}),
            stackInstance: merged.stackInstance,
            target: stageOf.has(id),
            history: rec
              ? {
                  ...(rec.record.detailedStatus ? { recordedDetailedStatus: rec.record.detailedStatus } : {}),
                  lastObservedAt: rec.record.observedAt,
                  lastOperationId: rec.operation.operationId,
                }
              : {},
          });
        }
      }
      return out;
    };
    let rows: StatusRow[] = [];
    const notEvaluated: ReportNotEvaluated[] = [];
    const waveOf = wavesOf(ctx.config, tree, ctx.packs);
    try {
      for (const pack of ctx.packs) {
        const deployment = ctx.config.packs[pack];
        if (!deployment) continue;
        if (engineOf(deployment) === 'stackset') {
          rows.push(...(await stackSetRows(pack)));
          continue;
        }
        const orgPackName = orgPackNameOf(pack, deployment);
        const targets = new Set(resolveTargets(tree, targetsOf(deployment)).included.map((a) => a.id));
        for (const region of ctx.regions) {
          const config = ctx.aws.config(region);
          const exists = await describePack(config, orgPackName);
          const aws = exists ? (await fetchDetailedStatus(config, orgPackName)).rows : [];
          if (exists) notEvaluated.push(...(await notEvaluatedIn(ctx, pack, orgPackName, region, io)));
          const recorded = new Map<string, AccountStatusRecord>(
            recordedOf(pack, region).map((r) => [r.accountId, r]),
          );
          const ids = new Set([...targets, ...aws.map((r) => r.accountId)]);
          const fromAws = new Map(aws.map((r) => [r.accountId, r]));
          for (const id of [...ids].sort()) {
            if (wanted && !wanted.has(id)) continue;
            const row = fromAws.get(id);
            const account = byId.get(id);
            const rec = recorded.get(id);
            const hint = row?.status.endsWith('_FAILED')
              ? hintFor(row.errorCode, row.errorMessage)
              : undefined;
            const wave = waveOf.get(`${pack} ${id}`);
            rows.push({
              pack,
              orgPackName,
              region,
              accountId: id,
              ...(account ? { name: account.name, ouPath: account.ouPath } : {}),
              ...(wave ? { wave } : {}),
              status: row?.status ?? 'NOT_DEPLOYED',
              ...(row?.errorCode ? { errorCode: row.errorCode } : {}),
              ...(row?.errorMessage ? { errorMessage: row.errorMessage } : {}),
              ...(hint ? { hint } : {}),
              ...(row?.lastUpdateTime ? { lastUpdateTime: row.lastUpdateTime.toISOString() } : {}),
              target: targets.has(id),
              history: rec
                ? {
                    recordedStatus: rec.status,
                    lastObservedAt: rec.observedAt,
                    lastDeploymentId: rec.deploymentId,
                  }
                : {},
            });
          }
        }
      }
    } catch (error) {
      store?.close();
      throw error;
    }
    rows = rows.filter(rowFilter(options, tree));
    const summary = summarizeAccounts(rows.map(summaryRowOf));
    const compliance = options.compliance ? await complianceOf(ctx, options, io) : undefined;
    if (compliance) {
      const byAccount = new Map(compliance.packs.map((c) => [`${c.pack} ${c.region} ${c.accountId}`, c]));
      for (const r of rows) {
        const c = byAccount.get(`${r.pack} ${r.region} ${r.accountId}`);
        if (c) r.compliance = c.compliance;
      }
    }
    const emit = (text: string) => {
      if (options.output) writeFileSync(resolve(options.output), text.endsWith('\n') ? text : `${text}\n`);
      else io.out(text);
    };
    if (options.format === 'html') {
      try {
        const { renderHtmlReport } = await import('../../report/html-report.js');
        const data = statusReportData({
          config: ctx.config,
          packs: ctx.packs,
          regions: ctx.regions,
          tree,
          rows,
          ...(store ? { store } : {}),
          ...(compliance ? { compliance } : {}),
          notEvaluated,
        });
        emit(renderHtmlReport(data));
        if (options.output)
          io.err(`Wrote ${options.output}: open it in a browser (it loads nothing from the network).`);
      } finally {
        store?.close();
      }
      // Writing the report is the command's whole work: the failures are in the report.
      return 0;
    } else if (options.format === 'csv') {
      store?.close();
      // One table for every pack: the pack's name leads each row.
      const lines = [`pack,${complianceCsvHeader.join(',')}`];
      for (const pack of ctx.packs) {
        const rowsOfPack = (compliance?.rules ?? []).filter((x) => x.pack === pack);
        const body = complianceCsv(rowsOfPack).split('\n').slice(1).filter(Boolean);
        lines.push(...body.map((line) => `${csvField(pack)},${line}`));
      }
      emit(`${lines.join('\n')}\n`);
    } else if (options.format === 'json') {
      store?.close();
      emit(
        jsonDocument('status', {
          accounts: rows,
          counts: summary.statuses,
          summary,
          notEvaluated,
          localHistory:
            unavailable === undefined ? { available: true } : { available: false, reason: unavailable },
          ...(compliance ? { compliance } : {}),
        }),
      );
    } else {
      store?.close();
      const history = !existsSync(ctx.statePath)
        ? io.paint.dim(`(no local history at ${printableLine(ctx.statePath)}: statuses are AWS's only)`)
        : unavailable !== undefined
          ? io.paint.yellow(
              `(local history unavailable: ${printableLine(unavailable)}; statuses are AWS's only)`,
            )
          : undefined;
      emit(
        statusText(
          rows,
          { summary, options, compliance: Boolean(compliance), history, notEvaluated },
          io.paint,
        ),
      );
    }
    return rows.some((r) => r.target && (r.status.endsWith('_FAILED') || r.status === 'NOT_DEPLOYED'))
      ? 1
      : 0;
  } finally {
    ctx.close();
  }
}

/**
 * The local history, opened read-only: `status` reads AWS, and a missing, damaged, locked or newer
 * store only takes away the recorded columns, with the reason said.
 */
function openLocalHistory(path: string): { store?: StatusStore; unavailable?: string } {
  if (!existsSync(path)) return { unavailable: `no local history at ${path}` };
  try {
    return { store: openStatusStore(path, { readonly: true }) };
  } catch (error) {
    return { unavailable: `${path}: ${(error as Error).message}` };
  }
}

/**
 * `--compliance`: each selected pack's compliance per account and Region, read through the
 * configuration's organization aggregator, its rules mapped back to the authored ones and their
 * Controls (src/rollout/compliance.ts).
 */
async function complianceOf(
  ctx: ReturnType<typeof loadRolloutContext>,
  options: StatusCommandOptions,
  io: ReturnType<typeof processOutput>,
) {
  const aggregator = ctx.config.complianceAggregator;
  if (!aggregator) {
    throw new UsageError(
      `--compliance reads an AWS Config organization aggregator: set complianceAggregator: {name: ...} in ${ctx.configFile}`,
    );
  }
  const built = await buildPacks(ctx, io);
  const client = ctx.aws.config(aggregator.region ?? ctx.config.regions[0] ?? 'us-east-1');
  const packs: Array<PackCompliance & { pack: string }> = [];
  const rules: Array<RuleCompliance & { pack: string }> = [];
  const unmapped: Array<UnmappedRule & { pack: string }> = [];
  for (const pack of ctx.packs) {
    const deployment = ctx.config.packs[pack];
    const composed = built.get(pack)?.pack;
    if (!deployment || !composed) continue;
    const result = await fetchPackCompliance(client, {
      aggregator: aggregator.name,
      orgPackName: orgPackNameOf(pack, deployment),
      regions: [...ctx.regions],
      rules: composed.rules.map((r) => ({ ruleName: r.ruleName, controls: r.controls })),
      ...(options.account?.length ? { accounts: options.account } : {}),
    });
    packs.push(...result.packs.map((c) => ({ ...c, pack })));
    rules.push(...result.rules.map((c) => ({ ...c, pack })));
    unmapped.push(...result.unmapped.map((c) => ({ ...c, pack })));
  }
  return { aggregator: aggregator.name, packs, rules, unmapped };
}

/**
 * The rules the pack's deployment in the Region left out as unavailable there, from its deployment
 * record in the template bucket (what deploy wrote, also on a machine without the local history).
 * A record that cannot be read is said once and leaves the Region's list unknown, not empty.
 */
async function notEvaluatedIn(
  ctx: ReturnType<typeof loadRolloutContext>,
  pack: string,
  orgPackName: string,
  region: string,
  io: ReturnType<typeof processOutput>,
): Promise<ReportNotEvaluated[]> {
  try {
    const left = await recordedUnavailableRules(ctx.aws.s3(region), {
      bucket: bucketOf(ctx, region),
      owner: ctx.config.deployingAccount,
      orgPackName,
    });
    return left.map((u) => ({
      pack,
      region,
      rule: u.rule,
      identifier: u.identifier,
      controls: [...u.controls],
    }));
  } catch (error) {
    io.err(
      printableLine(
        `packsmith: cannot read the deployment record of ${orgPackName} in ${region} (${(error as Error).message}): which controls are not evaluated there is unknown`,
      ),
    );
    return [];
  }
}

/** Per pack and Region, the rules left out there and the controls not evaluated, one line each. */
function formatNotEvaluated(list: readonly ReportNotEvaluated[], p: Painter): string[] {
  if (list.length === 0) return [];
  return [
    p.yellow('Not evaluated: rules left out where AWS does not document them (unavailableRules: exclude)'),
    ...list.map((u) =>
      printableLine(
        `  ${u.pack} in ${u.region}: ${u.rule} (${u.identifier})${u.controls.length ? `; controls ${u.controls.join(', ')}` : ''}`,
      ),
    ),
  ];
}

/** The text output: the rows when asked for, then the summary, the failures by cause, what is not evaluated. */
function statusText(
  rows: readonly StatusRow[],
  o: {
    summary: AccountSummary;
    options: StatusCommandOptions;
    compliance: boolean;
    history?: string;
    notEvaluated: readonly ReportNotEvaluated[];
  },
  p: Painter,
): string {
  const listed = showsTable(o.options);
  const lines = [
    ...(listed ? [statusTable(rows, o.compliance), ''] : []),
    ...formatCounts(o.summary, p),
    ...(o.summary.failures.length ? ['', ...formatFailureCauses(o.summary.failures, p)] : []),
    ...(o.notEvaluated.length ? ['', ...formatNotEvaluated(o.notEvaluated, p)] : []),
  ];
  if (listed && rows.some((r) => !r.target))
    lines.push(p.dim('* not a target of the configuration (joined later, or excluded since)'));
  if (!listed && rows.length > 0)
    lines.push(p.dim('(rows: --all, or --failed, --account ID, --ou OU; every row: --format json or html)'));
  if (o.history) lines.push(o.history);
  return lines.join('\n');
}

/** The text table lists rows on request: `--all`, or a selection that is naturally short. */
function showsTable(options: StatusCommandOptions): boolean {
  return Boolean(options.all || options.failed || options.account?.length);
}

/** `--failed` and `--ou` (an OU id among the account's ancestors, or its path or a parent path). */
function rowFilter(options: StatusCommandOptions, tree: OrgTree): (r: StatusRow) => boolean {
  const ancestors = new Map(tree.accounts.map((a) => [a.id, a.ancestorIds]));
  const ous = options.ou ?? [];
  const inOu = (r: StatusRow) =>
    ous.some((ou) =>
      ou.startsWith('/')
        ? r.ouPath !== undefined && (r.ouPath === ou || r.ouPath.startsWith(`${ou.replace(/\/+$/, '')}/`))
        : (ancestors.get(r.accountId) ?? []).includes(ou),
    );
  return (r) => (!options.failed || r.status.endsWith('_FAILED')) && (ous.length === 0 || inOu(r));
}

function summaryRowOf(r: StatusRow): SummaryRow {
  return {
    pack: r.pack,
    region: r.region,
    accountId: r.accountId,
    status: r.status,
    failed: r.status.endsWith('_FAILED'),
    ...(r.wave !== undefined ? { wave: r.wave } : {}),
    ...(r.name !== undefined ? { name: r.name } : {}),
    ...(r.ouPath !== undefined ? { ouPath: r.ouPath } : {}),
    ...(r.errorCode !== undefined ? { errorCode: r.errorCode } : {}),
    // A stack instance's StatusReason, normalised: the accounts of one cause group once.
    ...(r.errorMessage !== undefined
      ? { errorMessage: r.stackSetName ? normalizeStatusReason(r.errorMessage) : r.errorMessage }
      : {}),
    ...(r.hint !== undefined ? { hint: r.hint } : {}),
  };
}

/** Today's full table: one row per account, pack and Region. */
function statusTable(rows: readonly StatusRow[], compliance: boolean): string {
  return table(
    [
      'pack',
      'region',
      'account',
      'name',
      'OU',
      'status',
      ...(compliance ? ['compliance'] : []),
      'since',
      'error',
    ],
    rows.map((r) => [
      r.pack,
      r.region,
      r.accountId + (r.target ? '' : ' *'),
      r.name ?? '',
      r.ouPath ?? '',
      r.status,
      ...(compliance ? [r.compliance ?? '-'] : []),
      r.lastUpdateTime ?? '',
      [r.errorCode, r.errorMessage].filter(Boolean).join(': '),
    ]),
  );
}
