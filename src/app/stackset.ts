/**
 * The stack set engine in `plan` and `deploy` (issue 16): packs with `engine: stackset` are planned
 * from the observed stack set and applied stage by stage (`rollout/stackset.ts`); the organization
 * engine's packs go their own way beside them. The stack set lives in the first of the
 * deployment's Regions; its instances in every Region, in the order of `regions`.
 */
import type { BuiltPack } from '../generator/build.js';
import { engineOf, stackSetNameOf, type PackDeployment } from '../org/deploy-config.js';
import type { OrgTree } from '../org/discover.js';
import { sha256Hex, stageTemplate } from '../rollout/records.js';
import { templateKey, templateS3Uri as templateS3Uri_ } from '../rollout/s3-keys.js';
import {
  applyStackSet,
  observeStackSet,
  overrideSamples,
  type StackSetApplyResult,
  type StackSetEvent,
} from '../rollout/stackset.js';
import { planStackSet, type StackSetPlan } from '../rollout/stackset-plan.js';
import { packNeedsStaging, stackSetTemplate } from '../rollout/stackset-template.js';
import type { StatusStore } from '../state/store.js';
import { bucketOf, type RolloutContext, type RolloutSetup } from './context.js';
import type { PlanDocument } from './documents.js';
import { refused } from './errors.js';

/** The selected packs that deploy by `engine: stackset`. */
export const stackSetPacksOf = (ctx: Pick<RolloutSetup, 'packs' | 'config'>): string[] =>
  ctx.packs.filter((p) => {
    const d = ctx.config.packs[p];
    return d !== undefined && engineOf(d) === 'stackset';
  });

/** The Region the stack sets are administered from: the first deployment Region. */
export const stackSetRegionOf = (ctx: Pick<RolloutSetup, 'regions'>): string => ctx.regions[0]!;

/** Each stack set pack's plan against what AWS shows now. Unknown OUs stop here. */
export async function planStackSetPacks(
  ctx: RolloutContext,
  built: ReadonlyMap<string, BuiltPack>,
  tree: OrgTree,
): Promise<StackSetPlan[]> {
  const plans: StackSetPlan[] = [];
  const problems: string[] = [];
  for (const pack of stackSetPacksOf(ctx)) {
    const deployment = ctx.config.packs[pack]!;
    const b = built.get(pack);
    if (!b) continue;
    // Over the inline limit: staged like the organization engine's templates, by deploy, in each
    // Region's bucket (content-addressed, so the plan knows the URIs without writing anything).
    const templateS3Uris = packNeedsStaging(b.template)
      ? Object.fromEntries(
          ctx.regions.map((region) => [
            region,
            templateS3Uri_(
              bucketOf(ctx, region),
              templateKey(stackSetNameOf(pack, deployment), sha256Hex(b.template)),
            ),
          ]),
        )
      : undefined;
    const templateBody = stackSetTemplate({
      packName: pack,
      packTemplate: b.template,
      parameters: b.pack.parameters,
      ...(templateS3Uris ? { templateS3Uris } : {}),
      ...(deployment.deliveryBucket ? { deliveryBucket: deployment.deliveryBucket } : {}),
      ...(deployment.deliveryKeyPrefix ? { deliveryKeyPrefix: deployment.deliveryKeyPrefix } : {}),
    }).body;
    const plan = await planOneStackSet(ctx, { pack, deployment, tree, templateBody, regions: ctx.regions });
    problems.push(...plan.problems.map((p) => `pack ${pack}: ${p}`));
    plans.push(plan);
  }
  if (problems.length) throw refused(`the stack set stages cannot be resolved:\n  ${problems.join('\n  ')}`);
  return plans;
}

/**
 * One stack set's plan against what AWS shows now (administered from the first deployment Region,
 * instances in `regions`): what packs and `packsmith bootstrap` share. The plan's `problems` name
 * unknown OUs.
 */
export async function planOneStackSet(
  ctx: RolloutContext,
  input: {
    pack: string;
    deployment: PackDeployment;
    tree: OrgTree;
    templateBody: string;
    regions: readonly string[];
  },
): Promise<StackSetPlan> {
  const { pack, deployment, tree, templateBody } = input;
  const config = { regions: [...input.regions], role: ctx.config.role };
  const empty = { name: '', exists: false, parameters: [], instances: [], overrides: new Map() };
  // The stages' accounts first (to know which instances to sample for their overrides)...
  const draft = planStackSet({ pack, deployment, config, tree, templateBody, observed: empty });
  // ...then the plan against what AWS shows.
  const observed = await observeStackSet(ctx.aws.cloudformation(stackSetRegionOf(ctx)), {
    stackSetName: draft.stackSetName,
    callAs: draft.callAs,
    samples: overrideSamples(draft.stages, input.regions),
  });
  return planStackSet({ pack, deployment, config, tree, templateBody, observed });
}

export interface StackSetDeployInput {
  ctx: RolloutContext;
  built: ReadonlyMap<string, BuiltPack>;
  plans: readonly StackSetPlan[];
  store: StatusStore;
  resume: boolean;
  follow: { intervalMs: number; timeoutMs: number; signal?: AbortSignal };
  onEvent?: (pack: string, event: StackSetEvent) => void;
}

/** Applies each stack set plan with changes; a pack whose stage failed does not stop the other packs. */
export async function deployStackSetPacks(input: StackSetDeployInput): Promise<StackSetApplyResult[]> {
  const { ctx, store } = input;
  const cf = ctx.aws.cloudformation(stackSetRegionOf(ctx));
  const results: StackSetApplyResult[] = [];
  for (const plan of input.plans) {
    if (!hasChanges(plan)) continue;
    if (input.follow.signal?.aborted) break;
    const b = input.built.get(plan.pack);
    if (b && packNeedsStaging(b.template)) {
      // A copy in each Region's bucket: the pack in each Region reads its own (the template maps it).
      for (const region of ctx.regions) {
        await stageTemplate(ctx.aws.s3(region), {
          bucket: bucketOf(ctx, region),
          owner: ctx.config.deployingAccount,
          orgPackName: plan.stackSetName,
          body: b.template,
        });
      }
    }
    results.push(
      await applyStackSet({
        cf,
        plan,
        callerAccount: ctx.config.deployingAccount,
        store,
        follow: input.follow,
        resume: input.resume,
        onEvent: (e) => input.onEvent?.(plan.pack, e),
      }),
    );
  }
  return results;
}

export const hasChanges = (plan: StackSetPlan): boolean =>
  plan.stackSet !== 'unchanged' || plan.stages.some((s) => s.action !== 'unchanged');

/** One line per stage, for the plan and the confirmation. */
export function stackSetPlanLines(plan: StackSetPlan): string[] {
  const lines = [`${plan.pack}: stack set ${plan.stackSetName} (${plan.stackSet})`];
  for (const c of plan.ruleChanges ?? [])
    lines.push(`  rule ${c.rule}: ${c.change}${c.details.length ? ` (${c.details.join('; ')})` : ''}`);
  for (const s of plan.stages) {
    const counts =
      s.action === 'create'
        ? `${s.create.length} instance(s) to create${s.update.length ? `, ${s.update.length} to update` : ''}`
        : s.action === 'update'
          ? `${s.update.length} instance(s) to update: ${s.reasons.join('; ')}`
          : `${s.accounts.length} account(s) × ${plan.regions.length} Region(s) up to date`;
    lines.push(`  stage ${s.index + 1} ${s.name}: ${s.action}, ${counts}`);
  }
  return lines;
}

/** The stack set results as diagnostics-free lines: failed stages name their accounts and reasons. */
export function stackSetResultLines(result: StackSetApplyResult): string[] {
  const lines = [`${result.stackSetName}: ${result.outcome}`];
  for (const s of result.stages) {
    lines.push(
      `  stage ${s.stage}: ${s.outcome}${s.operations.length ? ` (${s.operations.map((o) => `${o.kind} ${o.operationId} ${o.status}`).join(', ')})` : ''}`,
    );
    for (const f of s.failures)
      lines.push(`    ${f.account} ${f.region}: ${f.status}${f.reason ? `: ${f.reason}` : ''}`);
    if (s.notAttempted.length)
      lines.push(
        `    ${s.notAttempted.length} instance(s) not attempted (CANCELLED: the operation stopped before reaching them; not failures)`,
      );
  }
  return lines;
}

/** A stack set plan as `plan --format json` shows it (StackSetPlanSchema). */
export function stackSetPlanDocument(plan: StackSetPlan): NonNullable<PlanDocument['stackSets']>[number] {
  return {
    pack: plan.pack,
    stackSetName: plan.stackSetName,
    callAs: plan.callAs,
    regions: [...plan.regions],
    stackSet: plan.stackSet,
    ...(plan.ruleChanges
      ? {
          ruleChanges: plan.ruleChanges.map((c) => ({
            rule: c.rule,
            change: c.change,
            details: [...c.details],
          })),
        }
      : {}),
    stages: plan.stages.map((s) => ({
      name: s.name,
      index: s.index,
      action: s.action,
      accounts: [...s.accounts],
      create: [...s.create],
      update: [...s.update],
      reasons: [...s.reasons],
    })),
  };
}
