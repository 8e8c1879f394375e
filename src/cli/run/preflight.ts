/** `packsmith preflight`, and the preflight every deploy runs first. */
import { printableLine } from '../../util/text.js';
import { loadCatalog } from '../../catalog/catalog.js';
import type { OrgTree } from '../../org/discover.js';
import type { DesiredPack } from '../../rollout/desired.js';
import { runPreflight, type PreflightFinding } from '../../rollout/preflight.js';
import { resourceTypesEvaluated } from '../../rollout/resource-types.js';
import { parseYamlSource } from '../../source/yaml-source.js';
import { checkTemplate } from '../../validation/validate-template.js';
import type { PreflightCommandOptions } from '../options.js';
import { UsageError } from '../errors.js';
import { jsonDocument, processOutput, type Output } from '../output.js';
import { desiredPacks, discover, loadCheckedRolloutContext, type RolloutContext } from './rollout-context.js';

export interface PreflightSettings {
  checkRecorders?: { roleName: string; concurrency: number };
}

/** Every preflight problem at once: the AWS side (src/rollout/preflight.ts) and each template's validation. */
export async function preflightFindings(
  ctx: RolloutContext,
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
  const awsFindings = await runPreflight(
    {
      config: { ...ctx.config, regions: ctx.regions },
      packs,
      tree,
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
    },
  );
  return [...awsFindings, ...findings];
}

export function formatFindings(findings: readonly PreflightFinding[], io: Output): string {
  const p = io.paint;
  const sev = (s: PreflightFinding['severity']) =>
    s === 'error' ? p.red('error') : s === 'warning' ? p.yellow('warning') : p.cyan('notice');
  const lines = findings.map((f) => {
    const where = [f.pack && `pack ${f.pack}`, f.region, f.accountId && `account ${f.accountId}`]
      .filter(Boolean)
      .join(', ');
    const accounts =
      f.accountIds && f.accountIds.length ? `\n    accounts: ${printableLine(f.accountIds.join(', '))}` : '';
    const [message, fix] = [printableLine(f.message), printableLine(f.fix)];
    return `${sev(f.severity)} ${p.dim(f.checkId)} ${where ? `[${printableLine(where)}] ` : ''}${message}${accounts}\n    ${p.dim(`fix: ${fix}`)}`;
  });
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  lines.push(
    errors === 0
      ? p.green(`preflight passed${warnings ? ` with ${warnings} warning(s)` : ''}`)
      : p.red(`preflight found ${errors} error(s)${warnings ? ` and ${warnings} warning(s)` : ''}`),
  );
  return lines.join('\n');
}

export async function runPreflightCommand(
  packs: string[],
  options: PreflightCommandOptions,
): Promise<number> {
  const io = processOutput();
  const { ctx, built } = await loadCheckedRolloutContext(packs, options, io);
  try {
    let checkRecorders: PreflightSettings['checkRecorders'];
    if (options.checkRecorders) {
      const roleName = options.roleName ?? ctx.config.accountCheckRoleName;
      if (!roleName) {
        throw new UsageError(
          '--check-recorders needs a role to assume in each account: pass --role-name or set accountCheckRoleName in the deployment configuration (there is no default)',
        );
      }
      const concurrency = Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new UsageError('--concurrency must be a positive integer');
      checkRecorders = { roleName, concurrency };
    }
    const tree = await discover(ctx);
    const desired = desiredPacks(ctx, built, tree, io);
    const findings = await preflightFindings(ctx, desired, tree, checkRecorders ? { checkRecorders } : {});
    const ok = !findings.some((f) => f.severity === 'error');
    if (options.format === 'json') io.out(jsonDocument('preflight', { ok, findings }));
    else io.out(formatFindings(findings, io));
    return ok ? 0 : 1;
  } finally {
    ctx.close();
  }
}
