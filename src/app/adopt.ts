/**
 * `adopt PACK`: take over an organization conformance pack deployed without packsmith (by hand,
 * another tool), so that `plan` compares against it instead of calling every template unknown.
 *
 * AWS never returns a deployed template (fact sheet §2.2), so adopting rests on the user's claim
 * that the pack's deployed template is the one this repository builds. For each Region of the
 * pack, adopt stages that template exactly as deploy does (stageTemplate) and writes a deployment
 * record (writeDeploymentRecord) holding its hash, the parameters, excluded accounts and delivery
 * settings as AWS reports them now, and the pack's LastUpdateTime as AWS reports it: the record is
 * then trusted (recordTrust) until anyone puts the pack again. Nothing is put to AWS Config.
 *
 * Every Region is checked before anything is written: the pack must exist there with a
 * LastUpdateTime, and must not already have a packsmith record (unless `force`).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { orgPackNameOf } from '../org/deploy-config.js';
import { describePack } from '../rollout/observe.js';
import { diffParameters, sameList, type ObservedRegion } from '../rollout/plan.js';
import {
  newDeploymentRecord,
  readDeploymentRecord,
  stageTemplate,
  writeDeploymentRecord,
  type DeploymentRecord,
} from '../rollout/records.js';
import { refused, usage } from './errors.js';
import {
  bucketOf,
  buildPacks,
  desiredPacks,
  discover,
  withCheckedRollout,
  type RolloutContext,
  type RolloutRequest,
} from './context.js';
import type { RolloutDeps } from './events.js';

export interface AdoptRequest {
  /** Replace an existing packsmith deployment record (otherwise adopt refuses). */
  force: boolean;
}

export interface AdoptedRegion {
  region: string;
  bucket: string;
  /** The staged template (the repository's build) the record names. */
  templateSha256: string;
  templateKey: string;
  /** False when that template was already staged. */
  uploaded: boolean;
  recordKey: string;
  /** The pack's LastUpdateTime the record saves. */
  packLastUpdateTime: string;
  /** A packsmith record was there and was replaced (`force`). */
  replacedRecord: boolean;
  /** What the record holds, as AWS reports it. */
  parameters: Record<string, string>;
  excludedAccounts: string[];
  /** Where AWS differs from the configuration: `plan` will say update for these. */
  differs: { parameters: string[]; excludedAccounts: boolean; delivery: boolean };
}

export interface AdoptResult {
  pack: string;
  orgPackName: string;
  regions: AdoptedRegion[];
  diagnostics: Diagnostic[];
}

type DescribedPack = NonNullable<ObservedRegion['pack']>;

interface Checked {
  region: string;
  bucket: string;
  pack: DescribedPack & { lastUpdateTime: Date };
  existing?: DeploymentRecord;
}

/** Reads every Region first; refuses (nothing written) when one cannot be adopted. */
async function checkRegions(
  ctx: RolloutContext,
  orgPackName: string,
  regions: readonly string[],
  force: boolean,
): Promise<Checked[]> {
  const problems: string[] = [];
  const checked: Checked[] = [];
  for (const region of regions) {
    const bucket = bucketOf(ctx, region);
    const [pack, record] = await Promise.all([
      describePack(ctx.aws.config(region), orgPackName),
      readDeploymentRecord(ctx.aws.s3(region), {
        bucket,
        owner: ctx.config.deployingAccount,
        orgPackName,
      }),
    ]);
    if (!pack) {
      problems.push(`${region}: the organization conformance pack ${orgPackName} does not exist`);
      continue;
    }
    const lastUpdateTime = pack.lastUpdateTime;
    if (!lastUpdateTime || Number.isNaN(lastUpdateTime.getTime())) {
      problems.push(
        `${region}: AWS reports no LastUpdateTime for ${orgPackName}; try again once it shows one`,
      );
      continue;
    }
    const existing = record.record && record.record.operation !== 'delete' ? record.record : undefined;
    if (!force && existing) {
      problems.push(
        `${region}: packsmith already has a deployment record for ${orgPackName} (written ${existing.writtenAt}); pass --force to replace it`,
      );
      continue;
    }
    if (!force && record.problem) {
      problems.push(`${region}: ${record.problem}; pass --force to replace it`);
      continue;
    }
    checked.push({ region, bucket, pack: { ...pack, lastUpdateTime }, ...(existing ? { existing } : {}) });
  }
  if (problems.length > 0) {
    throw refused(`cannot adopt ${orgPackName}, so nothing was written:\n  ${problems.join('\n  ')}`);
  }
  return checked;
}

/**
 * `adopt`: record the pack as deployed with the template this repository builds, in each selected
 * Region of its configuration. Returns what was recorded where; prints nothing.
 */
export async function adopt(
  selection: RolloutRequest & { pack: string; regions?: readonly string[] },
  request: AdoptRequest,
  deps: Pick<RolloutDeps, 'connect' | 'now'>,
): Promise<AdoptResult> {
  const { pack } = selection;
  return withCheckedRollout({ ...selection, packs: [pack] }, deps.connect, async (ctx) => {
    const diagnostics = [...ctx.diagnostics];
    const deployment = ctx.config.packs[pack];
    if (!deployment) throw usage(`pack "${pack}" is not in ${ctx.configFile}`);
    const orgPackName = orgPackNameOf(pack, deployment);
    const built = await buildPacks(ctx);
    diagnostics.push(...built.diagnostics);
    const tree = await discover(ctx);
    const desired = desiredPacks(ctx, built.built, tree, built.catalog);
    diagnostics.push(...desired.diagnostics);
    const wanted = desired.packs.find((p) => p.pack === pack);
    if (!wanted || wanted.regions.length === 0)
      throw usage(`pack "${pack}" is deployed in none of the selected Regions`);

    const checked = await checkRegions(
      ctx,
      orgPackName,
      wanted.regions.map((r) => r.region),
      request.force,
    );
    const owner = ctx.config.deployingAccount;
    const regions: AdoptedRegion[] = [];
    for (const c of checked) {
      const d = wanted.regions.find((r) => r.region === c.region);
      if (!d) continue;
      const s3 = ctx.aws.s3(c.region);
      const staged = await stageTemplate(s3, { bucket: c.bucket, owner, orgPackName, body: d.templateBody });
      const packLastUpdateTime = c.pack.lastUpdateTime.toISOString();
      const written = await writeDeploymentRecord(s3, {
        bucket: c.bucket,
        owner,
        record: newDeploymentRecord(
          {
            pack,
            orgPackName,
            region: c.region,
            operation: 'update',
            templateSha256: staged.sha256,
            templateKey: staged.key,
            parameters: c.pack.parameters,
            excludedAccounts: c.pack.excludedAccounts,
            ...(c.pack.deliveryBucket ? { deliveryBucket: c.pack.deliveryBucket } : {}),
            ...(c.pack.deliveryKeyPrefix ? { deliveryKeyPrefix: c.pack.deliveryKeyPrefix } : {}),
            callerAccount: owner,
            packLastUpdateTime,
          },
          deps.now?.() ?? new Date(),
        ),
      });
      const parameters = diffParameters(c.pack.parameters, d.parameters);
      regions.push({
        region: c.region,
        bucket: c.bucket,
        templateSha256: staged.sha256,
        templateKey: staged.key,
        uploaded: staged.uploaded,
        recordKey: written.key,
        packLastUpdateTime,
        replacedRecord: c.existing !== undefined,
        parameters: c.pack.parameters,
        excludedAccounts: c.pack.excludedAccounts,
        differs: {
          parameters: [...parameters.added, ...parameters.removed, ...parameters.changed].sort(),
          excludedAccounts: !sameList(c.pack.excludedAccounts, d.excludedAccounts),
          delivery:
            (c.pack.deliveryBucket ?? '') !== (d.deliveryBucket ?? '') ||
            (c.pack.deliveryKeyPrefix ?? '') !== (d.deliveryKeyPrefix ?? ''),
        },
      });
    }
    return { pack, orgPackName, regions, diagnostics };
  });
}
