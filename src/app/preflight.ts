/** `preflight`, and the preflight every deploy runs first. */
import { loadCatalog } from '../catalog/catalog.js';
import type { BuiltPack } from '../generator/build.js';
import type { OrgTree } from '../org/discover.js';
import type { DesiredPack } from '../rollout/desired.js';
import { referencedRoles } from '../rollout/bootstrap-template.js';
import { packTargetAccounts } from '../rollout/bootstrap-targets.js';
import {
  runPreflight,
  type PreflightFinding,
  type PreflightRemediationRole,
  type PreflightStagedTemplate,
} from '../rollout/preflight.js';
import { sha256Hex } from '../rollout/records.js';
import { templateKey } from '../rollout/s3-keys.js';
import { packNeedsStaging } from '../rollout/stackset-template.js';
import { stackSetNameOf } from '../org/deploy-config.js';
import { resourceTypesEvaluated } from '../rollout/resource-types.js';
import { parseYamlSource } from '../source/yaml-source.js';
import { checkTemplate } from '../validation/validate-template.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { usage } from './errors.js';
import {
  buildPacks,
  desiredPacks,
  discover,
  withCheckedRollout,
  type RolloutContext,
  type RolloutSelection,
} from './context.js';
import type { RolloutDeps } from './events.js';
import { stackSetPacksOf } from './stackset.js';

export interface PreflightSettings {
  checkRecorders?: { roleName: string; concurrency: number };
  /** The selected packs built (both engines): their remediation roles are checked (PS548). */
  built?: ReadonlyMap<string, BuiltPack>;
}

/** Every preflight problem at once: the AWS side (src/rollout/preflight.ts) and each template's validation. */
export async function preflightFindings(
  ctx: Pick<RolloutContext, 'aws' | 'config' | 'regions' | 'packs'>,
  desired: readonly DesiredPack[],
  tree: OrgTree,
  settings: PreflightSettings = {},
): Promise<PreflightFinding[]> {
  const catalog = loadCatalog();
  const findings: PreflightFinding[] = [];
  const packs = desired.map((pack) => {
    const first = pack.regions[0];
    const body = first?.templateBody ?? pack.built.template;
    let types: string[] = [];
    try {
      types = resourceTypesEvaluated(body, catalog).types;
    } catch {
      // A template that does not parse is reported by the validation below.
    }
    return {
      name: pack.pack,
      orgPackName: pack.orgPackName,
      deployment: pack.deployment,
      included: first?.included ?? [],
      templateBody: body,
      resourceTypes: types,
    };
  });
  // What `packsmith validate` finds in each Region's template (the Regions differ by excludeRules).
  for (const pack of desired) {
    const seen = new Set<string>();
    for (const region of pack.regions) {
      if (seen.has(region.templateSha256)) continue;
      seen.add(region.templateSha256);
      const source = parseYamlSource(`${pack.pack}.yaml`, region.templateBody, { cloudFormation: true });
      for (const f of checkTemplate(source, catalog)) {
        if (f.severity !== 'error') continue;
        findings.push({
          checkId: f.checkId,
          severity: 'error',
          message: `template of pack ${pack.pack} (${region.region}): ${f.message}`,
          fix: f.fix ?? 'run `packsmith validate` on the built template',
          pack: pack.pack,
          region: region.region,
        });
      }
    }
  }
  const aws = ctx.aws;
  const checker = settings.checkRecorders;
  const remediationRoles = settings.built ? remediationRolesOf(ctx, settings.built, tree) : [];
  const stagedStackSetTemplates = settings.built ? stagedTemplatesOf(ctx, settings.built) : [];
  const awsFindings = await runPreflight(
    {
      config: { ...ctx.config, regions: ctx.regions },
      packs,
      tree,
      stackSetPacks: stackSetPacksOf(ctx),
      remediationRoles,
      stagedStackSetTemplates,
      ...(checker
        ? { checkRecorders: { roleName: checker.roleName, concurrency: checker.concurrency } }
        : {}),
    },
    {
      sts: aws.sts(),
      organizations: aws.organizations(),
      s3: (region) => aws.s3(region),
      configInAccount: async (accountId, region) =>
        aws.inAccount(accountId, checker?.roleName ?? '').config(region),
      cloudformation: (region) => aws.cloudformation(region),
    },
  );
  return [...awsFindings, ...findings];
}

/** The remediation roles the selected packs (both engines) reference, each with its packs' target accounts. */
export function remediationRolesOf(
  ctx: Pick<RolloutContext, 'config' | 'packs'>,
  built: ReadonlyMap<string, BuiltPack>,
  tree: OrgTree,
): PreflightRemediationRole[] {
  const selected = ctx.packs.filter((p) => built.has(p) && ctx.config.packs[p] !== undefined);
  const roles = referencedRoles(
    selected.map((p) => built.get(p)!.pack),
    (pack, parameter) => {
      const v = ctx.config.packs[pack]?.parameters?.[parameter];
      return v === undefined ? undefined : String(v);
    },
  );
  return roles.map((role) => {
    const packs = [...new Set(role.references.map((r) => r.pack))].filter((p) => selected.includes(p)).sort();
    const accounts = new Set<string>();
    for (const p of packs) for (const a of packTargetAccounts(tree, ctx.config.packs[p]!)) accounts.add(a);
    return { name: role.name, packs, accounts: [...accounts].sort() };
  });
}

/** The stack set packs too large to travel inline: where their templates are staged (as deploy stages them). */
export function stagedTemplatesOf(
  ctx: Pick<RolloutContext, 'config' | 'packs' | 'regions'>,
  built: ReadonlyMap<string, BuiltPack>,
): PreflightStagedTemplate[] {
  // Each Region's bucket holds a copy (the pack in each Region reads its own).
  return stackSetPacksOf(ctx).flatMap((pack) => {
    const b = built.get(pack);
    if (!b || !packNeedsStaging(b.template)) return [];
    const name = stackSetNameOf(pack, ctx.config.packs[pack]!);
    const key = templateKey(name, sha256Hex(b.template));
    return ctx.regions.flatMap((region) => {
      const bucket = ctx.config.templateBuckets[region];
      return bucket ? [{ pack, bucket, key, region }] : []; // no bucket: PS502
    });
  });
}

export interface PreflightRequest {
  /** `--check-recorders`: the role to assume in each account (else accountCheckRoleName), and how many at once. */
  checkRecorders?: { roleName?: string; concurrency: number };
}

export interface PreflightResult {
  ok: boolean;
  findings: PreflightFinding[];
  diagnostics: Diagnostic[];
}

/** `preflight`: every problem a deploy would meet, before it puts anything. */
export async function preflight(
  selection: RolloutSelection,
  request: PreflightRequest,
  deps: Pick<RolloutDeps, 'connect'>,
): Promise<PreflightResult> {
  return withCheckedRollout(selection, deps.connect, async (ctx) => {
    let checkRecorders: PreflightSettings['checkRecorders'];
    if (request.checkRecorders) {
      const roleName = request.checkRecorders.roleName ?? ctx.config.accountCheckRoleName;
      if (!roleName) {
        throw usage(
          '--check-recorders needs a role to assume in each account: pass --role-name or set accountCheckRoleName in the deployment configuration (there is no default)',
        );
      }
      checkRecorders = { roleName, concurrency: request.checkRecorders.concurrency };
    }
    const diagnostics = [...ctx.diagnostics];
    const built = await buildPacks(ctx);
    diagnostics.push(...built.diagnostics);
    const tree = await discover(ctx);
    const desired = desiredPacks(ctx, built.built, tree, built.catalog);
    diagnostics.push(...desired.diagnostics);
    const findings = await preflightFindings(ctx, desired.packs, tree, {
      built: built.built,
      ...(checkRecorders ? { checkRecorders } : {}),
    });
    return { ok: !findings.some((f) => f.severity === 'error'), findings, diagnostics };
  });
}
