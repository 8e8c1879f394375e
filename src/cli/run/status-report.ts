/**
 * The data of `packsmith status --format html`: what AWS reports now (the status rows), the
 * configuration's waves, and the deployments and status transitions the local database recorded.
 */
import {
  engineOf,
  orgPackNameOf,
  stackSetNameOf,
  targetsOf,
  type DeployConfig,
  type PackDeployment,
} from '../../org/deploy-config.js';
import { stageTargets } from '../../rollout/stackset-plan.js';
import { normalizeStatusReason, reportStatusOfInstance } from '../../rollout/stackset-status.js';
import type { OrgTree } from '../../org/discover.js';
import { resolveTargets } from '../../org/targeting.js';
import type {
  ReportData,
  ReportPack,
  ReportNotEvaluated,
  ReportPackCompliance,
  ReportRuleCompliance,
  ReportTimelineEvent,
} from '../../report/report-data.js';
import { resolveWaves } from '../../rollout/waves.js';
import type { StatusStore } from '../../state/store.js';
import { packsmithVersion } from '../../util/version.js';
import type { StatusOutputSchema } from '../../report/schemas/rollout.js';
import type { Static } from '@sinclair/typebox';

type StatusRow = Static<typeof StatusOutputSchema>['accounts'][number];

/** Deployments per pack and Region whose transitions go into the timeline (the latest ones). */
const DEPLOYMENTS_IN_TIMELINE = 20;

/** The configured waves of a pack, with their accounts (none without waves). */
function wavesOfPack(tree: OrgTree, deployment: PackDeployment): Array<{ name: string; accounts: string[] }> {
  if (engineOf(deployment) === 'stackset') {
    // A stack set pack's stages, an account in its first stage only.
    const seen = new Set<string>();
    return (deployment.stages ?? []).map((stage) => ({
      name: stage.name,
      accounts: stageTargets(tree, stage)
        .accounts.map((a) => a.id)
        .filter((id) => !seen.has(id) && Boolean(seen.add(id))),
    }));
  }
  if (!deployment.waves) return [];
  const included = resolveTargets(tree, targetsOf(deployment)).included;
  return resolveWaves({ tree, included, waves: deployment.waves }).waves.map((w) => ({
    name: w.name,
    accounts: w.accounts.map((a) => a.id),
  }));
}

/** Each account's wave per pack, keyed `pack accountId`. */
export function wavesOf(config: DeployConfig, tree: OrgTree, packs: readonly string[]): Map<string, string> {
  const waveOf = new Map<string, string>();
  for (const pack of packs) {
    const deployment = config.packs[pack];
    if (!deployment) continue;
    for (const w of wavesOfPack(tree, deployment))
      for (const id of w.accounts) waveOf.set(`${pack} ${id}`, w.name);
  }
  return waveOf;
}

export function statusReportData(input: {
  config: DeployConfig;
  packs: readonly string[];
  regions: readonly string[];
  tree: OrgTree;
  rows: readonly StatusRow[];
  store?: StatusStore;
  now?: Date;
  /** Rules left out per pack and Region, from the deployment records. */
  notEvaluated?: readonly ReportNotEvaluated[];
  /** Read through the organization aggregator (`--compliance`). */
  compliance?: { packs: readonly ReportPackCompliance[]; rules: readonly ReportRuleCompliance[] };
}): ReportData {
  const { config, tree, store } = input;
  const waveOf = new Map<string, string>();
  const packs = input.packs.flatMap((pack): ReportPack[] => {
    const deployment = config.packs[pack];
    if (!deployment) return [];
    const waves = wavesOfPack(tree, deployment);
    for (const w of waves) for (const id of w.accounts) waveOf.set(`${pack} ${id}`, w.name);
    if (engineOf(deployment) === 'stackset')
      return [
        {
          pack,
          orgPackName: stackSetNameOf(pack, deployment),
          engine: 'stackset' as const,
          regions: [...input.regions],
          waves,
        },
      ];
    return [{ pack, orgPackName: orgPackNameOf(pack, deployment), regions: [...input.regions], waves }];
  });
  const history = input.packs.flatMap((pack) =>
    (store?.history({ pack, limit: 500 }) ?? []).filter((d) => input.regions.includes(d.region)),
  );
  // Stack set packs' operations, each a stage's: in the deployments table, in the Region the stack
  // sets are administered from (the first).
  const stackSetOperations = packs
    .filter((p) => p.engine === 'stackset')
    .flatMap((p) => store?.stackSetOperations({ pack: p.pack, limit: 500 }) ?? []);
  const timeline: ReportTimelineEvent[] = [];
  const seen = new Map<string, number>();
  for (const d of history) {
    const wave = d.wave ? { wave: d.wave } : {};
    timeline.push({ at: d.startedAt, pack: d.pack, region: d.region, kind: 'deployment-started', ...wave });
    if (d.endedAt) {
      timeline.push({
        at: d.endedAt,
        pack: d.pack,
        region: d.region,
        kind: 'deployment-ended',
        ...(d.outcome ? { outcome: d.outcome } : {}),
        ...wave,
      });
    }
    const key = `${d.pack} ${d.region}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    if (n >= DEPLOYMENTS_IN_TIMELINE) continue;
    for (const t of store?.transitions(d.id) ?? []) {
      timeline.push({
        at: t.observedAt,
        pack: d.pack,
        region: d.region,
        kind: 'status',
        accountId: t.accountId,
        status: t.status,
        ...wave,
      });
    }
  }
  // Stack set packs: each stage's operation starts and ends beside the organization packs'
  // deployments (in the Region the stack sets are administered from), and its instances' statuses
  // as the operation recorded them, in the Region of each instance.
  const operationsSeen = new Map<string, number>();
  for (const o of stackSetOperations) {
    const common = {
      pack: o.pack,
      wave: o.stage,
      engine: 'stackset' as const,
      operation: o.kind,
      operationId: o.operationId,
    };
    const adminRegion = input.regions[0] ?? '';
    timeline.push({ at: o.startedAt, region: adminRegion, kind: 'deployment-started', ...common });
    if (o.endedAt)
      timeline.push({
        at: o.endedAt,
        region: adminRegion,
        kind: 'deployment-ended',
        outcome: o.status.toLowerCase(),
        ...common,
      });
    const n = operationsSeen.get(o.pack) ?? 0;
    operationsSeen.set(o.pack, n + 1);
    if (n >= DEPLOYMENTS_IN_TIMELINE) continue;
    const kind = o.kind === 'create-instances' ? 'create' : 'update';
    for (const r of store?.stackInstances(o.id) ?? []) {
      if (!input.regions.includes(r.region)) continue;
      timeline.push({
        at: r.observedAt,
        region: r.region,
        kind: 'status',
        accountId: r.accountId,
        status: reportStatusOfInstance(r, kind),
        ...common,
      });
    }
  }
  return {
    title: `packsmith status: ${input.packs.join(', ')}`,
    generatedAt: (input.now ?? new Date()).toISOString(),
    packsmithVersion: packsmithVersion(),
    packs,
    accounts: input.rows.map((r) => {
      const wave = waveOf.get(`${r.pack} ${r.accountId}`);
      return {
        pack: r.pack,
        region: r.region,
        accountId: r.accountId,
        ...(r.name !== undefined ? { name: r.name } : {}),
        ...(r.ouPath !== undefined ? { ouPath: r.ouPath } : {}),
        status: r.status,
        ...(r.errorCode ? { errorCode: r.errorCode } : {}),
        // A stack instance's StatusReason normalised, so that one cause groups its accounts once.
        ...(r.errorMessage
          ? { errorMessage: r.stackSetName ? normalizeStatusReason(r.errorMessage) : r.errorMessage }
          : {}),
        ...(r.hint ? { hint: r.hint } : {}),
        ...(r.lastUpdateTime ? { lastUpdateTime: r.lastUpdateTime } : {}),
        ...(wave ? { wave } : {}),
        target: r.target,
      };
    }),
    deployments: [
      ...history.map((d) => ({
        id: String(d.id),
        pack: d.pack,
        region: d.region,
        operation: d.operation,
        startedAt: d.startedAt,
        endedAt: d.endedAt,
        outcome: d.outcome,
        ...(d.wave ? { wave: d.wave } : {}),
      })),
      ...stackSetOperations.map((o) => ({
        id: o.operationId,
        pack: o.pack,
        region: input.regions[0] ?? '',
        operation: o.kind,
        startedAt: o.startedAt,
        endedAt: o.endedAt,
        outcome: o.status.toLowerCase(),
        wave: o.stage,
      })),
    ],
    timeline,
    ...(input.notEvaluated?.length
      ? { notEvaluated: input.notEvaluated.map((u) => ({ ...u, controls: [...u.controls] })) }
      : {}),
    ...(input.compliance
      ? {
          compliance: {
            packs: input.compliance.packs.map((c) => ({ ...c })),
            rules: input.compliance.rules.map((r) => ({
              pack: r.pack,
              accountId: r.accountId,
              region: r.region,
              ruleName: r.ruleName,
              compliance: r.compliance,
              controls: [...r.controls],
            })),
          },
        }
      : {}),
  };
}
