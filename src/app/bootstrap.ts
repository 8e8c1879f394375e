/**
 * `bootstrap` (issue 16): what the packs need in every target account, deployed by the stack set
 * engine before the packs. The remediation roles the packs' remediation blocks reference
 * (`rollout/bootstrap-template.ts`, policies from `bootstrap.roles`) go in the stack set
 * `packsmith-bootstrap`, with instances in the first deployment Region only (IAM is global); with
 * `bootstrap.recorder`, a configuration recorder and delivery channel go in
 * `packsmith-bootstrap-recorder`, in every Region. Both target exactly the accounts the packs
 * deploy to (their `excludeOus` / `excludeAccounts` applied: an excluded account may have its own
 * recorder, and a second one fails there), as one stage, with auto-deployment for accounts that
 * join the targeted OUs. Planned first (`dryRun` stops there), then applied as `deploy` applies stack
 * sets (confirmation, lock, one operation per stage followed to its end, the store).
 */
import { resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { inputFileLimits } from '../facts/limits.js';
import type { PackDeployment, Stage } from '../org/deploy-config.js';
import type { OrgTree } from '../org/discover.js';
import {
  bootstrapRecorderStackSetName,
  bootstrapRecorderTemplate,
  bootstrapRoleProblems,
  bootstrapRolesStackSetName,
  bootstrapRolesTemplate,
  referencedRoles,
  type BootstrapRole,
  type ReferencedRole,
} from '../rollout/bootstrap-template.js';
import { bootstrapTargets } from '../rollout/bootstrap-targets.js';
import type { StackSetApplyResult } from '../rollout/stackset.js';
import type { StackSetPlan } from '../rollout/stackset-plan.js';
import { readUserFile } from '../source/read-file.js';
import {
  buildPacks,
  discover,
  withCheckedRollout,
  type RolloutContext,
  type RolloutSelection,
} from './context.js';
import { applyStackSets, type DeployRequest } from './deploy.js';
import { AppError, refused } from './errors.js';
import type { RolloutDeps } from './events.js';
import { planOneStackSet, stackSetPlanLines, stackSetRegionOf } from './stackset.js';

export interface BootstrapRequest extends Pick<DeployRequest, 'lockWaitSeconds' | 'tracking' | 'resume'> {
  /** Plan only: nothing is changed. */
  dryRun?: boolean;
}

export type BootstrapOutcome =
  | { kind: 'declined'; plans: StackSetPlan[]; roles: ReferencedRole[] }
  | {
      kind: 'done';
      plans: StackSetPlan[];
      roles: ReferencedRole[];
      /** Each stack set's rollout (none for a dry run or when nothing changes). */
      results: StackSetApplyResult[];
      dryRun: boolean;
    };

/**
 * The one stage bootstrap deploys in: exactly the accounts the selected packs deploy to (their
 * exclusions applied; `rollout/bootstrap-targets.ts`).
 */
export function bootstrapStage(ctx: Pick<RolloutContext, 'config' | 'packs'>, tree: OrgTree): Stage {
  const deployments = ctx.packs
    .map((p) => ctx.config.packs[p])
    .filter((d): d is PackDeployment => d !== undefined);
  return bootstrapTargets(tree, deployments).stage;
}

/** The configuration's remediation roles with their policies; refuses (PS553, unreadable files) otherwise. */
function rolesWithPolicies(ctx: RolloutContext, roles: readonly ReferencedRole[]): BootstrapRole[] {
  const problems: Diagnostic[] = bootstrapRoleProblems({ source: ctx.configSource, roles });
  if (problems.length)
    throw new AppError(
      'refused',
      'the remediation roles cannot be bootstrapped: nothing was deployed',
      problems,
    );
  const given = ctx.config.bootstrap?.roles ?? {};
  const out: BootstrapRole[] = [];
  const unreadable: string[] = [];
  for (const role of roles) {
    const entry = given[role.name]!;
    let policyDocument: unknown;
    if (entry.policyFile !== undefined) {
      const read = readUserFile(resolve(ctx.root, entry.policyFile), {
        purpose: 'policy file',
        maxBytes: inputFileLimits.configFileBytes,
        root: ctx.root,
      });
      if (!read.ok) {
        unreadable.push(`${entry.policyFile}: ${read.message}`);
        continue;
      }
      try {
        policyDocument = JSON.parse(read.text) as unknown;
      } catch (error) {
        unreadable.push(
          `${entry.policyFile}: not JSON (${error instanceof Error ? error.message : String(error)})`,
        );
        continue;
      }
    }
    out.push({
      name: role.name,
      ...(entry.managedPolicyArns ? { managedPolicyArns: entry.managedPolicyArns } : {}),
      ...(policyDocument !== undefined ? { policyDocument } : {}),
    });
  }
  if (unreadable.length) throw refused(`bootstrap.roles: ${unreadable.join('; ')}`);
  return out;
}

async function plans(ctx: RolloutContext, roles: BootstrapRole[], tree: OrgTree): Promise<StackSetPlan[]> {
  const stage = bootstrapStage(ctx, tree);
  const deployment = (stackSetName: string): PackDeployment => ({
    engine: 'stackset',
    stackSetName,
    stages: [stage],
    autoDeployment: { enabled: true, retainStacksOnAccountRemoval: true },
  });
  const out: StackSetPlan[] = [];
  if (roles.length) {
    const rolesPlan = await planOneStackSet(ctx, {
      pack: bootstrapRolesStackSetName,
      deployment: deployment(bootstrapRolesStackSetName),
      tree,
      templateBody: bootstrapRolesTemplate({ roles, region: stackSetRegionOf(ctx) }),
      // IAM is global: one Region creates each role once per account.
      regions: [stackSetRegionOf(ctx)],
    });
    // Named IAM roles: CloudFormation refuses the template without CAPABILITY_NAMED_IAM.
    out.push({ ...rolesPlan, capabilities: ['CAPABILITY_NAMED_IAM'] });
  }
  const recorder = ctx.config.bootstrap?.recorder;
  if (recorder) {
    out.push(
      await planOneStackSet(ctx, {
        pack: bootstrapRecorderStackSetName,
        deployment: deployment(bootstrapRecorderStackSetName),
        tree,
        templateBody: bootstrapRecorderTemplate(recorder),
        regions: ctx.regions,
      }),
    );
  }
  const problems = out.flatMap((p) => p.problems);
  if (problems.length) throw refused(`the bootstrap targets cannot be resolved:\n  ${problems.join('\n  ')}`);
  return out;
}

/** `bootstrap`: plan the bootstrap stack sets, then (unless `dryRun`) deploy them. */
export async function bootstrap(
  selection: RolloutSelection,
  request: BootstrapRequest,
  deps: RolloutDeps,
): Promise<BootstrapOutcome> {
  return withCheckedRollout(selection, deps.connect, async (ctx) => {
    const built = await buildPacks(ctx);
    const composed = [...built.built.values()].map((b) => b.pack);
    const roles = referencedRoles(composed, (pack, parameter) => {
      const v = ctx.config.packs[pack]?.parameters?.[parameter];
      return v === undefined ? undefined : String(v);
    });
    const withPolicies = rolesWithPolicies(ctx, roles);
    const tree = await discover(ctx);
    const planned = await plans(ctx, withPolicies, tree);
    deps.onEvent?.({ kind: 'stack-set-plan', lines: planned.flatMap(stackSetPlanLines) });
    if (request.dryRun) return { kind: 'done', plans: planned, roles, results: [], dryRun: true };
    const results = await applyStackSets(
      ctx,
      {
        lockWaitSeconds: request.lockWaitSeconds,
        tracking: request.tracking,
        resume: request.resume === true,
      },
      deps,
      planned,
    );
    if (results === 'declined') return { kind: 'declined', plans: planned, roles };
    return { kind: 'done', plans: planned, roles, results, dryRun: false };
  });
}
