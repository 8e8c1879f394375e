/** How a plan is shown: per pack and Region, what deploy would do and why. */
import { printableLine } from '../../util/text.js';
import type { PlanDocument } from '../../app/documents.js';
import type { Output } from '../output.js';

type PlannedRegion = PlanDocument['packs'][number]['regions'][number];

const short = (ids: readonly string[], max = 10) =>
  ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;

/** The rule-by-rule difference, Terraform-style: + added, - removed, ~ changed with its properties. */
function ruleLines(rules: NonNullable<PlannedRegion['rules']>, p: Output['paint']): string[] {
  const lines: string[] = [];
  for (const r of rules) {
    const name = printableLine(r.rule);
    if (r.change === 'added') lines.push(p.green(`      + rule ${name}`));
    else if (r.change === 'removed') lines.push(p.red(`      - rule ${name}`));
    else {
      lines.push(p.yellow(`      ~ rule ${name}`));
      for (const d of r.details) lines.push(`          ${printableLine(d)}`);
    }
  }
  return lines;
}

export function formatPlan(plan: PlanDocument, io: Output): string {
  const p = io.paint;
  const lines: string[] = [];
  const actionText = (a: PlannedRegion['action']) =>
    a === 'create' ? p.green('create') : a === 'update' ? p.yellow('update') : p.dim('unchanged');
  for (const pack of plan.packs) {
    lines.push(
      p.bold(printableLine(pack.pack)) +
        (pack.orgPackName !== pack.pack ? ` (org pack ${printableLine(pack.orgPackName)})` : ''),
    );
    for (const r of pack.regions) {
      lines.push(`  ${printableLine(r.region).padEnd(15)} ${actionText(r.action)}`);
      for (const reason of r.reasons) lines.push(`      ${printableLine(reason)}`);
      for (const u of r.desired.unavailableRules ?? []) {
        const controls = u.controls.length ? `; controls ${u.controls.join(', ')}` : '';
        lines.push(
          p.yellow(
            printableLine(
              `      not evaluated here: ${u.rule} (${u.identifier}${controls}); AWS does not document the rule in ${r.region}`,
            ),
          ),
        );
      }
      if (r.action !== 'unchanged') {
        lines.push(
          p.dim(
            `      reaches ${r.desired.includedAccounts} account(s), ${r.desired.excludedAccounts.length} excluded; ` +
              `template ${r.desired.templateSha256.slice(0, 12)} (${Buffer.byteLength(r.templateBody, 'utf8')} bytes), ` +
              `${Object.keys(r.desired.parameters).length} parameter value(s)` +
              (r.desired.excludedRules.length
                ? `; rules left out here: ${r.desired.excludedRules.join(', ')}`
                : ''),
          ),
        );
        if (r.action === 'update' && r.followCovered) {
          lines.push(
            p.yellow(
              `      this update reaches all ${r.covered.length} account(s) the pack covers in one put: an organization pack has one template and parameter set, so waves cannot stage it`,
            ),
          );
        }
        if (r.waves.length > 0) {
          lines.push(
            `      waves: ${r.waves
              .map(
                (w) =>
                  `${w.name} +${w.accounts.length} (${w.excludedAccounts.length} excluded, tolerates ${w.allowedFailures})`,
              )
              .join(' → ')}`,
          );
        }
      }
      if (r.rollout && (r.rollout.state === 'running' || r.rollout.state === 'stopped')) {
        const o = r.rollout;
        lines.push(
          p.yellow(
            `      unfinished rollout: ${o.state === 'stopped' ? `stopped at wave ${o.wave} with ${o.failedAccounts?.length ?? 0} failed account(s)` : `wave ${o.wave} was put but not followed to the end`} (${o.waveIndex + 1} of ${o.waves}); continue with \`packsmith deploy --resume\``,
          ),
        );
      }
      lines.push(...ruleLines(r.rules ?? [], p));
      if (r.gains.length)
        lines.push(p.green(`      + ${r.gains.length} account(s) gain the pack: ${short(r.gains)}`));
      if (r.loses.length)
        lines.push(p.red(`      - ${r.loses.length} account(s) lose the pack: ${short(r.loses)}`));
      if (r.drift.outsideTargets.length) {
        lines.push(
          p.yellow(
            `      drift: ${r.drift.outsideTargets.length} account(s) hold the pack outside the targets ` +
              `(AWS deploys org packs to accounts that join later): ${short(r.drift.outsideTargets)}`,
          ),
        );
      }
      if (r.drift.changedOutside) lines.push(p.yellow('      drift: the pack was changed outside packsmith'));
      if (r.drift.stagedTemplateChanged) {
        lines.push(
          p.yellow(
            `      drift: the staged template was changed outside packsmith (${r.drift.stagedTemplateChanged})`,
          ),
        );
      }
    }
  }
  if (plan.orphans.length) {
    lines.push(
      '',
      p.yellow(
        'Orphans: deployed by packsmith, no longer in the deployment configuration (never deleted implicitly):',
      ),
    );
    for (const o of plan.orphans) {
      lines.push(
        `  ${o.orgPackName} in ${o.region}${o.pack ? ` (pack ${o.pack})` : ''}${o.lastDeployedAt ? `, last deployed ${o.lastDeployedAt}` : ''}`,
      );
    }
    lines.push('  to remove one, put it back in the configuration and run `packsmith destroy PACK`');
  }
  if (plan.unmanaged.length) {
    lines.push('', p.dim('Other org packs of this account, not deployed by packsmith:'));
    for (const u of plan.unmanaged) lines.push(p.dim(`  ${u.orgPackName} in ${u.region}`));
  }
  const s = plan.summary;
  lines.push(
    '',
    `Plan: ${s.create} to create, ${s.update} to update, ${s.unchanged} unchanged (pack × Region).`,
  );
  return lines.join('\n');
}
