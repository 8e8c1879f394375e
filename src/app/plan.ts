/**
 * Making a plan (shared by `plan` and `deploy`) and checking a saved one. The plan document is at
 * once the `plan --format json` report and the `plan --out` file that `deploy --plan` applies.
 */
import { Ajv } from 'ajv';
import { schemaDiagnostics } from '../authoring/schema-errors.js';
import type { OrgTree } from '../org/discover.js';
import type { DesiredPack } from '../rollout/desired.js';
import { unconfiguredPacks, observeRegion } from '../rollout/observe.js';
import {
  findOrphans,
  sameList,
  planRegion,
  type DesiredRegion,
  type PutRequest,
  type RegionPlan,
} from '../rollout/plan.js';
import { sha256Hex } from '../rollout/records.js';
import { inputFileLimits } from '../facts/limits.js';
import { readUserFile } from '../source/read-file.js';
import { engineOf, orgPackNameOf } from '../org/deploy-config.js';
import { deployChecks } from '../org/problems.js';
import { resolveWaves, type WaveProblem } from '../rollout/waves.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { parseYamlSource } from '../source/yaml-source.js';
import { outputSchemaVersion } from './output-version.js';
import { PlanOutputSchema, type PlanDocument } from './documents.js';
import { refused, usage } from './errors.js';
import {
  buildPacks,
  bucketOf,
  desiredPacks,
  discover,
  stopOnErrors,
  withCheckedRollout,
  type RolloutContext,
  type RolloutSelection,
} from './context.js';
import type { RolloutDeps } from './events.js';
import { planStackSetPacks, stackSetPlanDocument } from './stackset.js';
import type { StackSetPlan } from '../rollout/stackset-plan.js';

type PlannedRegion = PlanDocument['packs'][number]['regions'][number];

/** Where the warnings of a step go. */
export type WarningSink = (diagnostics: readonly Diagnostic[]) => void;

/**
 * How far planning is: `done` of `total` pack × Region observations (what AWS and the records hold
 * there, the slow part with many Regions). Values only: the shell decides how to show them.
 */
export type PlanProgress = (done: number, total: number) => void;

export async function makePlan(
  ctx: RolloutContext,
  desired: readonly DesiredPack[],
  tree: OrgTree,
  warn: WarningSink,
  now: Date,
  onProgress?: PlanProgress,
): Promise<PlanDocument> {
  const owner = ctx.config.deployingAccount;
  const packs: PlanDocument['packs'] = [];
  const total = desired.reduce((n, pack) => n + pack.regions.length, 0);
  let done = 0;
  const onObserved = onProgress ? () => onProgress((done += 1), total) : undefined;
  for (const pack of desired) packs.push(await planPack(ctx, pack, tree, warn, onObserved));
  // Orphans are looked for among every pack of the configuration, not only the selected ones.
  const configured = new Set(Object.entries(ctx.config.packs).map(([name, d]) => orgPackNameOf(name, d)));
  const found = (
    await Promise.all(
      ctx.regions.map((region) =>
        unconfiguredPacks({
          config: ctx.aws.config(region),
          s3: ctx.aws.s3(region),
          region,
          bucket: bucketOf(ctx, region),
          owner,
          configured,
        }),
      ),
    )
  ).flat();
  const orphans = findOrphans(configured, found);
  const unmanaged = found
    .filter((f) => !f.record)
    .map((f) => ({ orgPackName: f.orgPackName, region: f.region }));
  const all = packs.flatMap((p) => p.regions);
  return {
    schemaVersion: outputSchemaVersion,
    kind: 'plan',
    createdAt: now.toISOString(),
    deployingAccount: owner,
    packs,
    orphans,
    unmanaged,
    summary: {
      create: all.filter((r) => r.action === 'create').length,
      update: all.filter((r) => r.action === 'update').length,
      unchanged: all.filter((r) => r.action === 'unchanged').length,
    },
  };
}

/**
 * One pack's plan in each of its Regions, against what AWS and the deployment records say now,
 * with its waves. Wave problems (an unknown OU, more than 1,000 accounts excluded) stop here, every
 * one reported at its place in the deployment configuration. `onObserved` is called once per Region
 * when what is deployed there has been read.
 */
export async function planPack(
  ctx: RolloutContext,
  pack: DesiredPack,
  tree: OrgTree,
  warn: WarningSink,
  onObserved?: () => void,
): Promise<PlanDocument['packs'][number]> {
  const diagnostics: Diagnostic[] = [];
  const regions = await Promise.all(
    pack.regions.map(async (d): Promise<PlannedRegion> => {
      const observed = await observeRegion({
        config: ctx.aws.config(d.region),
        s3: ctx.aws.s3(d.region),
        region: d.region,
        orgPackName: pack.orgPackName,
        bucket: bucketOf(ctx, d.region),
        owner: ctx.config.deployingAccount,
      });
      onObserved?.();
      const plan = planRegion(d, observed);
      const includedIds = new Set(d.included.map((a) => a.id));
      // Target accounts the current put already covers: the waves skip them.
      const notExcluded = observed.pack ? new Set(observed.pack.excludedAccounts) : undefined;
      const covered = notExcluded
        ? tree.accounts.map((a) => a.id).filter((id) => !notExcluded.has(id) && includedIds.has(id))
        : [];
      const declared = pack.deployment.waves;
      const resolved = declared
        ? resolveWaves({
            tree,
            included: d.included,
            waves: declared,
            ...(pack.deployment.failureTolerance !== undefined
              ? { defaultTolerance: pack.deployment.failureTolerance }
              : {}),
            covered: new Set(covered),
          })
        : { waves: [], problems: [] };
      if (d.region === pack.regions[0]?.region) {
        diagnostics.push(...waveDiagnostics(ctx, pack.pack, resolved.problems));
      }
      const changesCovered =
        plan.template !== 'same' ||
        plan.parameters.added.length + plan.parameters.removed.length + plan.parameters.changed.length > 0 ||
        plan.failedAccounts.length > 0 ||
        plan.reasons.some((r) => r.startsWith('the delivery'));
      const record = observed.record;
      const trusted = plan.template === 'same' || plan.template === 'changed';
      return {
        ...withTemplate(plan, d),
        waves: resolved.waves.map((w) => ({
          name: w.name,
          index: w.index,
          implicit: w.implicit,
          accounts: w.accounts.map((a) => a.id),
          excludedAccounts: w.excludedAccounts,
          allowedFailures: w.tolerance.allowed,
          tolerance: w.tolerance.spec,
        })),
        covered,
        followCovered: plan.action === 'update' && changesCovered,
        ...(record?.rollout ? { rollout: record.rollout } : {}),
        rollbackTo: !observed.pack ? 'none' : trusted ? 'previous' : 'unknown',
      };
    }),
  );
  const warnings = stopOnErrors(diagnostics);
  if (warnings.length > 0) warn(warnings);
  return { pack: pack.pack, orgPackName: pack.orgPackName, regions };
}

/** Wave problems located in packsmith.deploy.yaml: at the wave's entry, or at `waves` for the limit. */
function waveDiagnostics(ctx: RolloutContext, pack: string, problems: readonly WaveProblem[]): Diagnostic[] {
  return problems.map((p) => {
    const check = deployChecks[p.check];
    const base = ['packs', pack, 'waves'];
    const location =
      p.wave === undefined
        ? ctx.configSource.locate(base, 'key')
        : p.field !== undefined && p.index !== undefined
          ? ctx.configSource.locate([...base, p.wave, p.field, p.index])
          : ctx.configSource.locate([...base, p.wave]);
    return {
      checkId: check.id,
      severity: p.severity,
      message: `pack ${pack}: ${p.message}`,
      fix: check.fix,
      location,
    };
  });
}

function withTemplate(
  plan: RegionPlan,
  desired: DesiredRegion,
): Omit<PlannedRegion, 'waves' | 'covered' | 'followCovered' | 'rollout' | 'rollbackTo'> {
  return {
    ...plan,
    templateBody: desired.templateBody,
    included: desired.included.map((a) => ({ id: a.id, name: a.name, ouPath: a.ouPath })),
  };
}

/** What a planned Region puts: exactly what the plan holds (for `deploy` and `deploy --plan`). */
export function putRequestOf(planned: PlannedRegion): PutRequest {
  return {
    templateBody: planned.templateBody,
    templateSha256: planned.desired.templateSha256,
    parameters: planned.desired.parameters,
    excludedAccounts: planned.desired.excludedAccounts,
    included: planned.included,
    ...(planned.desired.deliveryBucket ? { deliveryBucket: planned.desired.deliveryBucket } : {}),
    ...(planned.desired.deliveryKeyPrefix ? { deliveryKeyPrefix: planned.desired.deliveryKeyPrefix } : {}),
    ...(planned.desired.unavailableRules?.length
      ? {
          unavailableRules: planned.desired.unavailableRules.map((u) => ({
            ...u,
            controls: [...u.controls],
          })),
        }
      : {}),
  };
}

/** What differs between a Region of a saved plan and the same Region planned now, one phrase each. */
export function regionDifferences(saved: PlannedRegion, now: PlannedRegion): string[] {
  const out: string[] = [];
  const a = saved.desired;
  const b = now.desired;
  if (a.templateSha256 !== b.templateSha256) {
    out.push(
      `the template differs (plan ${a.templateSha256.slice(0, 12)}, checkout ${b.templateSha256.slice(0, 12)})`,
    );
  }
  const names = [...new Set([...Object.keys(a.parameters), ...Object.keys(b.parameters)])].sort();
  const has = (p: Record<string, string>, n: string) => Object.hasOwn(p, n);
  const differing = names.filter(
    (n) => !has(a.parameters, n) || !has(b.parameters, n) || a.parameters[n] !== b.parameters[n],
  );
  if (differing.length > 0) out.push(`the parameter values differ (${short(differing)})`);
  if (!sameList(a.excludedAccounts, b.excludedAccounts)) {
    const onlyPlan = a.excludedAccounts.filter((x) => !b.excludedAccounts.includes(x));
    const onlyNow = b.excludedAccounts.filter((x) => !a.excludedAccounts.includes(x));
    out.push(
      `the excluded accounts differ (only in the plan: ${short(onlyPlan) || 'none'}; only now: ${short(onlyNow) || 'none'})`,
    );
  }
  if (!sameList(a.excludedRules, b.excludedRules)) {
    out.push(
      `the rules left out differ (plan: ${a.excludedRules.join(', ') || 'none'}; checkout: ${b.excludedRules.join(', ') || 'none'})`,
    );
  }
  if (
    (a.deliveryBucket ?? '') !== (b.deliveryBucket ?? '') ||
    (a.deliveryKeyPrefix ?? '') !== (b.deliveryKeyPrefix ?? '')
  )
    out.push('the delivery bucket or key prefix differs');
  if (
    !sameList(
      saved.included.map((x) => x.id),
      now.included.map((x) => x.id),
    )
  )
    out.push('the target accounts differ');
  const waves = (r: PlannedRegion) =>
    JSON.stringify(
      r.waves.map((w) => [w.name, [...w.accounts].sort(), [...w.excludedAccounts].sort(), w.allowedFailures]),
    );
  if (waves(saved) !== waves(now)) out.push('the waves differ');
  if (saved.action !== now.action) out.push(`the plan says ${saved.action}, planned now it is ${now.action}`);
  if (!sameList(saved.covered, now.covered) || saved.followCovered !== now.followCovered)
    out.push('the accounts the pack covers in AWS differ');
  return out;
}

/**
 * `deploy --plan`: a saved plan is applied only when this checkout still builds exactly what it
 * plans and AWS still holds what it was planned against. Each of its packs is planned again now
 * (build, configuration, organization, AWS) in the plan's Regions; any difference in template,
 * parameters, exclusions, rules left out, delivery, targets, waves or action refuses the whole
 * plan before any change, naming the pack, the Region and what differs.
 */
export async function checkPlanIsBuilt(
  ctx: RolloutContext,
  plan: PlanDocument,
  desired: readonly DesiredPack[],
  tree: OrgTree,
  warn: WarningSink,
): Promise<void> {
  const problems: string[] = [];
  for (const saved of plan.packs) {
    const regions = saved.regions.filter((r) => ctx.regions.includes(r.region));
    const wanted = desired.find((d) => d.pack === saved.pack);
    if (!wanted) {
      problems.push(`${saved.pack}: not among the packs this deploy selects`);
      continue;
    }
    if (wanted.orgPackName !== saved.orgPackName)
      problems.push(
        `${saved.pack}: the org pack name differs (plan ${saved.orgPackName}, now ${wanted.orgPackName})`,
      );
    const names = new Set(regions.map((r) => r.region));
    const fresh = await planPack(
      ctx,
      { ...wanted, regions: wanted.regions.filter((r) => names.has(r.region)) },
      tree,
      warn,
    );
    for (const r of regions) {
      const now = fresh.regions.find((f) => f.region === r.region);
      const differences = now ? regionDifferences(r, now) : ['the checkout no longer deploys the pack there'];
      problems.push(...differences.map((d) => `${saved.pack} in ${r.region}: ${d}`));
    }
  }
  if (problems.length > 0) {
    throw refused(
      `the plan is not what this checkout builds and AWS holds now, so nothing was deployed:\n  ${problems.join('\n  ')}\n` +
        'run `packsmith plan --out FILE` again, review it, and deploy that plan',
    );
  }
}

/** Reads and checks a saved plan: schema, template hashes, and that it is for this configuration. */
export function readPlanFile(path: string, ctx: Pick<RolloutContext, 'config' | 'configFile'>): PlanDocument {
  let value: unknown;
  const read = readUserFile(path, { purpose: 'plan file', maxBytes: inputFileLimits.savedPlanBytes });
  if (!read.ok) throw usage(`cannot read the plan ${path}: it ${read.message}; ${read.fix}`);
  const text = read.text;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw usage(`cannot read the plan ${path}: ${(error as Error).message}`);
  }
  const validate = new Ajv({ allErrors: true, strict: false }).compile(PlanOutputSchema);
  if (!validate(value)) {
    const [first] = schemaDiagnostics(parseYamlSource(path, text), validate.errors ?? [], {
      schema: PlanOutputSchema,
    });
    const where = first?.location ? `${first.location.line}:${first.location.column}: ` : '';
    throw usage(
      `${path} is not a packsmith plan (${first ? `${where}${first.message}` : 'schema mismatch'}); make one with \`packsmith plan --out FILE\``,
    );
  }
  const plan = value as PlanDocument;
  if (plan.deployingAccount !== ctx.config.deployingAccount) {
    throw usage(
      `the plan is for deploying account ${plan.deployingAccount}, the configuration deploys from ${ctx.config.deployingAccount}`,
    );
  }
  for (const pack of plan.packs) {
    if (!(pack.pack in ctx.config.packs))
      throw usage(`the plan deploys pack ${pack.pack}, which is not in ${ctx.configFile}`);
    for (const r of pack.regions) {
      if (sha256Hex(r.templateBody) !== r.desired.templateSha256) {
        throw usage(
          `the plan's template for ${pack.pack} in ${r.region} does not match its hash: the file was edited`,
        );
      }
    }
  }
  for (const stackSet of plan.stackSets ?? []) {
    const deployment = ctx.config.packs[stackSet.pack];
    if (!deployment) throw usage(`the plan deploys pack ${stackSet.pack}, which is not in ${ctx.configFile}`);
    if (engineOf(deployment) !== 'stackset')
      throw usage(
        `the plan deploys pack ${stackSet.pack} as a stack set, but ${ctx.configFile} deploys it by engine: ${engineOf(deployment)}`,
      );
    if (sha256Hex(stackSet.templateBody) !== stackSet.templateSha256)
      throw usage(
        `the plan's stack set template for ${stackSet.pack} does not match its hash: the file was edited`,
      );
  }
  return plan;
}

const short = (ids: readonly string[], max = 10) =>
  ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;

export interface PlanResult {
  plan: PlanDocument;
  /** Packs deployed by `engine: stackset`: each stack set's plan, stage by stage. */
  stackSets: StackSetPlan[];
  /** Warnings of the files (configuration, packs, waves). */
  diagnostics: Diagnostic[];
}

/** What `plan` depends on: the AWS clients, the clock and, optionally, who is told how far it is. */
export type PlanDeps = Pick<RolloutDeps, 'connect' | 'now'> & { onProgress?: PlanProgress };

/** `plan`: what deploy would do, per pack and Region, and why. */
export async function plan(selection: RolloutSelection, deps: PlanDeps): Promise<PlanResult> {
  return withCheckedRollout(selection, deps.connect, async (ctx) => {
    const diagnostics = [...ctx.diagnostics];
    const built = await buildPacks(ctx);
    diagnostics.push(...built.diagnostics);
    const tree = await discover(ctx);
    const desired = desiredPacks(ctx, built.built, tree, built.catalog);
    diagnostics.push(...desired.diagnostics);
    const document = await makePlan(
      ctx,
      desired.packs,
      tree,
      (d) => diagnostics.push(...d),
      deps.now?.() ?? new Date(),
      deps.onProgress,
    );
    const stackSets = await planStackSetPacks(ctx, built.built, tree);
    if (stackSets.length) {
      document.stackSets = stackSets.map(stackSetPlanDocument);
      const stages = stackSets.flatMap((p) => p.stages);
      document.summary.stackSetStages = {
        create: stages.filter((s) => s.action === 'create').length,
        update: stages.filter((s) => s.action === 'update').length,
        unchanged: stages.filter((s) => s.action === 'unchanged').length,
      };
    }
    return { plan: document, stackSets, diagnostics };
  });
}
