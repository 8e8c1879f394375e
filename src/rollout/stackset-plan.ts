/**
 * The stack set engine's plan (issue 16): what each stage does, decided purely from what was
 * observed (the stack set and its stack instances, `stackset-observe.ts`) and what is desired (the
 * stack set template, its parameters, each stage's targets and overrides).
 *
 * Per stage, in order: `create` (stack instances to create: the stack set is new, or the stage
 * reaches accounts or Regions that have none), `update` (the template or the stack set's
 * parameters changed, the stage's overrides changed, or instances are not CURRENT) or `unchanged`.
 * A template change carries the rule-level diff of the organization engine (`rule-diff.ts`).
 */
import type { StackInstanceDetailedStatus, StackInstanceStatus } from '../facts/enums.js';
import type { AccountFilter, DeployConfig, PackDeployment, Stage } from '../org/deploy-config.js';
import { stackSetNameOf } from '../org/deploy-config.js';
import type { OrgAccount, OrgTree } from '../org/discover.js';
import { ROOT_PATH } from '../org/discover.js';
import { ruleChanges, type RuleChange } from './rule-diff.js';
import { createHash } from 'node:crypto';
import { inlinePackTemplateOf, parameterList } from './stackset-template.js';

export type Parameter = { ParameterKey: string; ParameterValue: string };

/** A stack instance as ListStackInstances (and DescribeStackInstance for overrides) shows it. */
export interface ObservedInstance {
  account: string;
  region: string;
  status?: StackInstanceStatus | string;
  detailedStatus?: StackInstanceDetailedStatus | string;
  statusReason?: string;
}

export interface ObservedStackSet {
  name: string;
  exists: boolean;
  /** DescribeStackSet's StackSetId: names one creation of the stack set (a recreated one has another). */
  stackSetId?: string;
  /** DescribeStackSet: the current template and parameters. */
  templateBody?: string;
  parameters: Parameter[];
  /** Every stack instance, one per account and Region. */
  instances: ObservedInstance[];
  /** ParameterOverrides seen on an instance, keyed `account/region` (one sample per stage and Region). */
  overrides: ReadonlyMap<string, Parameter[]>;
}

/** OperationPreferences as the API takes them. */
export interface OperationPreferences {
  RegionConcurrencyType: 'SEQUENTIAL' | 'PARALLEL';
  RegionOrder: string[];
  MaxConcurrentCount?: number;
  MaxConcurrentPercentage?: number;
  FailureToleranceCount?: number;
  FailureTolerancePercentage?: number;
  ConcurrencyMode: 'STRICT_FAILURE_TOLERANCE' | 'SOFT_FAILURE_TOLERANCE';
}

export interface DeploymentTargets {
  OrganizationalUnitIds: string[];
  Accounts?: string[];
  AccountFilterType?: AccountFilter;
}

export interface StagePlan {
  name: string;
  index: number;
  action: 'create' | 'update' | 'unchanged';
  targets: DeploymentTargets;
  /** Active accounts the stage reaches, sorted. */
  accounts: string[];
  overrides: Parameter[];
  preferences: OperationPreferences;
  /** Regions where some target account has no instance yet (CreateStackInstances). */
  createRegions: string[];
  /** Instances to create, `account/region`. */
  create: string[];
  /** Instances to update, `account/region`. */
  update: string[];
  /** Why the stage is updated, one line each. */
  reasons: string[];
}

export interface StackSetPlan {
  pack: string;
  stackSetName: string;
  callAs: 'SELF' | 'DELEGATED_ADMIN';
  regions: string[];
  /** `create`: no stack set yet. `update`: its template or parameters change. */
  stackSet: 'create' | 'update' | 'unchanged';
  templateBody: string;
  parameters: Parameter[];
  /** The rules a template change adds, removes or changes (undefined: not comparable). */
  ruleChanges?: RuleChange[];
  autoDeployment: { Enabled: boolean; RetainStacksOnAccountRemoval: boolean };
  /** Capabilities the template needs (CAPABILITY_NAMED_IAM for named IAM roles: bootstrap). */
  capabilities?: Array<'CAPABILITY_IAM' | 'CAPABILITY_NAMED_IAM'>;
  stages: StagePlan[];
  /** Problems resolving the stages' targets (unknown OUs). */
  problems: string[];
  /** The stack set as observed when planned: what `deploy --plan` checks is still there. */
  observedStackSet?: ObservedStackSetMark;
}

/** What identifies the observed stack set's state: its StackSetId, template and parameters hashes. */
export interface ObservedStackSetMark {
  exists: boolean;
  stackSetId?: string;
  templateSha256?: string;
  parametersSha256?: string;
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The mark of an observed stack set (hashes of its template and sorted parameters). */
export function observedMarkOf(observed: ObservedStackSet): ObservedStackSetMark {
  if (!observed.exists) return { exists: false };
  return {
    exists: true,
    ...(observed.stackSetId ? { stackSetId: observed.stackSetId } : {}),
    ...(observed.templateBody !== undefined ? { templateSha256: sha256Hex(observed.templateBody) } : {}),
    parametersSha256: sha256Hex(JSON.stringify(sortParameters(observed.parameters))),
  };
}

export interface StackSetPlanInput {
  pack: string;
  deployment: PackDeployment;
  config: Pick<DeployConfig, 'regions' | 'role'>;
  tree: OrgTree;
  templateBody: string;
  observed: ObservedStackSet;
}

const key = (account: string, region: string) => `${account}/${region}`;
const sameParameters = (a: readonly Parameter[], b: readonly Parameter[]) =>
  JSON.stringify(sortParameters(a)) === JSON.stringify(sortParameters(b));

/** The Default of each parameter the stack set template declares (see stackSetTemplate). */
function templateDefaults(templateBody: string): Parameter[] {
  try {
    const declared = (JSON.parse(templateBody) as { Parameters?: Record<string, { Default?: unknown }> })
      .Parameters;
    return Object.entries(declared ?? {}).flatMap(([name, spec]) =>
      spec.Default === undefined ? [] : [{ ParameterKey: name, ParameterValue: String(spec.Default) }],
    );
  } catch {
    return [];
  }
}

/**
 * Whether the stack set's parameters are those planned, a value left to its template Default
 * counting as that Default on either side. Whether DescribeStackSet lists a parameter that
 * CreateStackSet/UpdateStackSet was not given (DescribeStacks does, with its default) is not
 * documented (aws-config-facts.md §6 spirit: unverified): either answer compares equal, so an
 * unchanged stack set never plans an update.
 */
function sameEffectiveParameters(
  observed: readonly Parameter[],
  planned: readonly Parameter[],
  templateBody: string,
): boolean {
  const effective = (list: readonly Parameter[]) => {
    const values = new Map(templateDefaults(templateBody).map((d) => [d.ParameterKey, d.ParameterValue]));
    for (const entry of list) values.set(entry.ParameterKey, entry.ParameterValue);
    return [...values].map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
  };
  return sameParameters(effective(observed), effective(planned));
}
const sortParameters = (list: readonly Parameter[]) =>
  [...list].sort((x, y) => (x.ParameterKey < y.ParameterKey ? -1 : x.ParameterKey > y.ParameterKey ? 1 : 0));

/** The OU ids an OU reference names: an id as it is, `/Root` the root, a path every OU at it. */
export function resolveOuRef(tree: OrgTree, ref: string): string[] {
  if (ref === ROOT_PATH) return [tree.root.id];
  if (ref.startsWith('/')) return tree.ous.filter((o) => o.path === ref).map((o) => o.id);
  return ref === tree.root.id || tree.ous.some((o) => o.id === ref) ? [ref] : [];
}

/** The stage's DeploymentTargets (OU ids resolved) and the active accounts they reach. */
export function stageTargets(
  tree: OrgTree,
  stage: Stage,
): { targets: DeploymentTargets; accounts: OrgAccount[]; problems: string[] } {
  const problems: string[] = [];
  const ouIds: string[] = [];
  for (const ref of stage.ous ?? []) {
    const ids = resolveOuRef(tree, ref);
    if (ids.length === 0) problems.push(`stage ${stage.name}: OU ${ref} is not in the organization`);
    for (const id of ids) if (!ouIds.includes(id)) ouIds.push(id);
  }
  const listed = stage.accounts ?? [];
  const filter: AccountFilter = stage.accountFilter ?? (listed.length ? 'UNION' : 'NONE');
  const inOus = (a: OrgAccount) => a.ancestorIds.some((id) => ouIds.includes(id));
  const named = new Set(listed);
  // Service-managed stack sets never deploy to the management account, even when an OU they
  // target holds it (CloudFormation User Guide, "Create a stack set with service-managed permissions").
  const active = tree.accounts.filter((a) => a.status === 'ACTIVE' && a.id !== tree.managementAccountId);
  const reached = active.filter((a) => {
    switch (filter) {
      case 'NONE':
        return inOus(a);
      case 'UNION':
        return inOus(a) || named.has(a.id);
      case 'INTERSECTION':
        return inOus(a) && named.has(a.id);
      case 'DIFFERENCE':
        return inOus(a) && !named.has(a.id);
    }
  });
  const targets: DeploymentTargets = {
    OrganizationalUnitIds: ouIds,
    ...(listed.length ? { Accounts: [...listed], AccountFilterType: filter } : {}),
  };
  return { targets, accounts: reached.sort((a, b) => (a.id < b.id ? -1 : 1)), problems };
}

/** The stage's OperationPreferences: its settings, the Region order of `regions`. */
export function operationPreferences(stage: Stage, regions: readonly string[]): OperationPreferences {
  const percent = (v: string) => Number(v.slice(0, -1));
  const max = stage.maxConcurrent ?? 1;
  const tolerance = stage.failureTolerance ?? 0;
  return {
    RegionConcurrencyType: stage.regionConcurrency ?? 'SEQUENTIAL',
    RegionOrder: [...regions],
    ...(typeof max === 'number' ? { MaxConcurrentCount: max } : { MaxConcurrentPercentage: percent(max) }),
    ...(typeof tolerance === 'number'
      ? { FailureToleranceCount: tolerance }
      : { FailureTolerancePercentage: Math.floor(percent(tolerance)) }),
    ConcurrencyMode: stage.concurrencyMode === 'SOFT' ? 'SOFT_FAILURE_TOLERANCE' : 'STRICT_FAILURE_TOLERANCE',
  };
}

export function planStackSet(input: StackSetPlanInput): StackSetPlan {
  const { pack, deployment, config, tree, observed, templateBody } = input;
  const regions = [...config.regions];
  const parameters = parameterList(deployment.parameters);
  const stackSet: StackSetPlan['stackSet'] = !observed.exists
    ? 'create'
    : observed.templateBody !== templateBody ||
        !sameEffectiveParameters(observed.parameters, parameters, templateBody)
      ? 'update'
      : 'unchanged';
  let changes: RuleChange[] | undefined;
  if (stackSet === 'update' && observed.templateBody !== templateBody) {
    const before = inlinePackTemplateOf(observed.templateBody);
    const after = inlinePackTemplateOf(templateBody);
    changes = before !== undefined && after !== undefined ? ruleChanges(before, after) : undefined;
  }
  const instances = new Map<string, ObservedInstance>();
  for (const i of observed.instances) instances.set(key(i.account, i.region), i);
  const problems: string[] = [];
  const stages = (deployment.stages ?? []).map((stage, index): StagePlan => {
    const resolved = stageTargets(tree, stage);
    problems.push(...resolved.problems);
    const overrides = parameterList(stage.parameters);
    const create: string[] = [];
    const update: string[] = [];
    const createRegions = new Set<string>();
    const reasons: string[] = [];
    let overridesDiffer = false;
    for (const region of regions) {
      for (const account of resolved.accounts) {
        const k = key(account.id, region);
        const found = instances.get(k);
        if (!found) {
          create.push(k);
          createRegions.add(region);
          continue;
        }
        const seen = observed.overrides.get(k);
        const differs = seen !== undefined && !sameParameters(seen, overrides);
        if (differs) overridesDiffer = true;
        if (stackSet !== 'unchanged' || differs || (found.status !== undefined && found.status !== 'CURRENT'))
          update.push(k);
      }
    }
    if (update.length) {
      if (stackSet === 'update') reasons.push('the template or the stack set parameters change');
      if (overridesDiffer) reasons.push("the stage's parameter overrides change");
      const stale = update.filter((k) => {
        const s = instances.get(k)?.status;
        return s !== undefined && s !== 'CURRENT';
      }).length;
      if (stale) reasons.push(`${stale} stack instance(s) are not CURRENT`);
    }
    return {
      name: stage.name,
      index,
      action: create.length ? 'create' : update.length ? 'update' : 'unchanged',
      targets: resolved.targets,
      accounts: resolved.accounts.map((a) => a.id),
      overrides,
      preferences: operationPreferences(stage, regions),
      createRegions: regions.filter((r) => createRegions.has(r)),
      create,
      update,
      reasons,
    };
  });
  return {
    pack,
    stackSetName: stackSetNameOf(pack, deployment),
    callAs: deployment.callAs ?? (config.role === 'delegated-administrator' ? 'DELEGATED_ADMIN' : 'SELF'),
    regions,
    stackSet,
    templateBody,
    parameters,
    ...(changes ? { ruleChanges: changes } : {}),
    autoDeployment: {
      Enabled: deployment.autoDeployment?.enabled ?? true,
      RetainStacksOnAccountRemoval: deployment.autoDeployment?.retainStacksOnAccountRemoval ?? false,
    },
    stages,
    problems,
    observedStackSet: observedMarkOf(observed),
  };
}
