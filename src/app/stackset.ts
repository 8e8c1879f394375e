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
  planAgainstAws,
  type StackSetApplyResult,
  type StackSetEvent,
} from '../rollout/stackset.js';
import type { StackSetPlan } from '../rollout/stackset-plan.js';
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

/**
 * The Region the stack sets are administered from: the configuration's first Region, whatever
 * `--region` selects (a stack set lives in one Region; selecting another must not look for it, or
 * create a second one, there). The lock lives in the same Region (app/lock.ts).
 */
export const stackSetRegionOf = (ctx: Pick<RolloutSetup, 'config'>): string => ctx.config.regions[0]!;

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
  return planAgainstAws(ctx.aws.cloudformation(stackSetRegionOf(ctx)), {
    pack,
    deployment,
    config,
    tree,
    templateBody,
  });
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

/** A stack set plan as `plan --format json` shows it and `deploy --plan` applies it (StackSetPlanSchema). */
export function stackSetPlanDocument(plan: StackSetPlan): StackSetPlanDocument {
  return {
    pack: plan.pack,
    stackSetName: plan.stackSetName,
    callAs: plan.callAs,
    regions: [...plan.regions],
    stackSet: plan.stackSet,
    templateBody: plan.templateBody,
    templateSha256: sha256Hex(plan.templateBody),
    parameters: plan.parameters.map((p) => ({ ...p })),
    autoDeployment: { ...plan.autoDeployment },
    ...(plan.capabilities ? { capabilities: [...plan.capabilities] } : {}),
    observed: { ...(plan.observedStackSet ?? { exists: plan.stackSet !== 'create' }) },
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
      targets: {
        OrganizationalUnitIds: [...s.targets.OrganizationalUnitIds],
        ...(s.targets.Accounts ? { Accounts: [...s.targets.Accounts] } : {}),
        ...(s.targets.AccountFilterType ? { AccountFilterType: s.targets.AccountFilterType } : {}),
      },
      overrides: s.overrides.map((p) => ({ ...p })),
      preferences: { ...s.preferences, RegionOrder: [...s.preferences.RegionOrder] },
      createRegions: [...s.createRegions],
    })),
  };
}

export type StackSetPlanDocument = NonNullable<PlanDocument['stackSets']>[number];

/** A saved stack set plan as the engine applies it: exactly what the plan file says. */
export function stackSetPlanFromDocument(doc: StackSetPlanDocument): StackSetPlan {
  return {
    pack: doc.pack,
    stackSetName: doc.stackSetName,
    callAs: doc.callAs,
    regions: [...doc.regions],
    stackSet: doc.stackSet,
    templateBody: doc.templateBody,
    parameters: doc.parameters.map((p) => ({ ...p })),
    ...(doc.ruleChanges
      ? { ruleChanges: doc.ruleChanges.map((c) => ({ ...c, details: [...c.details] })) }
      : {}),
    autoDeployment: { ...doc.autoDeployment },
    ...(doc.capabilities ? { capabilities: [...doc.capabilities] } : {}),
    stages: doc.stages.map((s) => ({
      name: s.name,
      index: s.index,
      action: s.action,
      targets: {
        OrganizationalUnitIds: [...s.targets.OrganizationalUnitIds],
        ...(s.targets.Accounts ? { Accounts: [...s.targets.Accounts] } : {}),
        ...(s.targets.AccountFilterType ? { AccountFilterType: s.targets.AccountFilterType } : {}),
      },
      accounts: [...s.accounts],
      overrides: s.overrides.map((p) => ({ ...p })),
      preferences: { ...s.preferences, RegionOrder: [...s.preferences.RegionOrder] },
      createRegions: [...s.createRegions],
      create: [...s.create],
      update: [...s.update],
      reasons: [...s.reasons],
    })),
    problems: [],
    observedStackSet: { ...doc.observed },
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const count = (list: readonly string[]) => `${list.length} instance(s)`;

/**
 * What differs between a saved stack set plan and the plan made now, one located sentence each
 * (`pack`, then `stage NAME` where it is a stage's): AWS's stack set first (another stack set,
 * template or parameters than it was planned against), then what this checkout builds and targets.
 */
export function stackSetPlanDifferences(saved: StackSetPlanDocument, now: StackSetPlanDocument): string[] {
  const out: string[] = [];
  const at = (what: string) => out.push(`${saved.pack}: ${what}`);
  const o = saved.observed;
  const n = now.observed;
  if (o.exists !== n.exists)
    at(
      o.exists
        ? `stack set ${saved.stackSetName} was deleted since the plan was made`
        : `stack set ${saved.stackSetName} was created since the plan was made`,
    );
  else if (o.exists) {
    if (o.stackSetId !== n.stackSetId)
      at(
        `stack set ${saved.stackSetName} is another one than planned against (StackSetId ${n.stackSetId ?? '?'}, planned ${o.stackSetId ?? '?'})`,
      );
    if (o.templateSha256 !== n.templateSha256 || o.parametersSha256 !== n.parametersSha256)
      at(
        `stack set ${saved.stackSetName} was updated since the plan was made (its template or parameters in AWS differ)`,
      );
  }
  if (saved.stackSetName !== now.stackSetName)
    at(`the stack set name differs (plan ${saved.stackSetName}, now ${now.stackSetName})`);
  if (saved.callAs !== now.callAs) at(`CallAs differs (plan ${saved.callAs}, now ${now.callAs})`);
  if (!same(saved.regions, now.regions))
    at(`the Regions differ (plan ${saved.regions.join(', ')}, now ${now.regions.join(', ')})`);
  if (saved.templateSha256 !== now.templateSha256)
    at("the stack set template this checkout builds differs from the plan's");
  if (!same(saved.parameters, now.parameters)) at('the stack set parameters differ');
  if (!same(saved.autoDeployment, now.autoDeployment) || !same(saved.capabilities, now.capabilities))
    at('the auto-deployment settings or capabilities differ');
  if (saved.stackSet !== now.stackSet)
    at(`the plan says the stack set is ${saved.stackSet}, planned now it is ${now.stackSet}`);
  const names = (list: StackSetPlanDocument['stages']) => list.map((s) => s.name).join(', ');
  if (
    !same(
      saved.stages.map((s) => s.name),
      now.stages.map((s) => s.name),
    )
  ) {
    at(`the stages differ (plan ${names(saved.stages)}, now ${names(now.stages)})`);
    return out;
  }
  saved.stages.forEach((s, i) => {
    const f = now.stages[i]!;
    const stage = (what: string) => at(`stage ${s.name}: ${what}`);
    if (!same(s.targets, f.targets)) stage('the targets differ');
    if (!same(s.accounts, f.accounts))
      stage(`the accounts it reaches differ (plan ${s.accounts.length}, now ${f.accounts.length})`);
    if (!same(s.overrides, f.overrides)) stage('the parameter overrides differ');
    if (!same(s.preferences, f.preferences)) stage('the operation preferences differ');
    if (s.action !== f.action) stage(`the plan says ${s.action}, planned now it is ${f.action}`);
    else if (!same(s.create, f.create) || !same(s.update, f.update))
      stage(
        `the instances to change differ (plan: create ${count(s.create)}, update ${count(s.update)}; now: create ${count(f.create)}, update ${count(f.update)})`,
      );
  });
  return out;
}
