/**
 * A plan as Markdown, for a pull request comment: the summary, a table per pack (one row per
 * Region), then what changes rule by rule as a `diff` block. Text from templates and AWS is made
 * printable and cannot close a table cell or a code block.
 */
import type { PlanDocument } from '../app/documents.js';
import { printableLine } from '../util/text.js';

type PlannedRegion = PlanDocument['packs'][number]['regions'][number];

/** Safe in a table cell: no pipe, no line break, no HTML. */
const cell = (text: string) =>
  printableLine(text)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
/** Safe inside a fenced block: no fence can be closed from inside. */
const code = (text: string) => printableLine(text).replace(/`/g, "'");

const accounts = (r: PlannedRegion) => {
  const parts = [];
  if (r.gains.length) parts.push(`+${r.gains.length}`);
  if (r.loses.length) parts.push(`−${r.loses.length}`);
  if (r.failedAccounts.length) parts.push(`${r.failedAccounts.length} failed`);
  return parts.join(', ') || '–';
};

function ruleBlock(r: PlannedRegion): string[] {
  if (!r.rules?.length) return [];
  const lines = ['```diff'];
  for (const rule of r.rules) {
    if (rule.change === 'added') lines.push(`+ rule ${code(rule.rule)}`);
    else if (rule.change === 'removed') lines.push(`- rule ${code(rule.rule)}`);
    else {
      lines.push(`! rule ${code(rule.rule)}`);
      for (const d of rule.details) lines.push(`    ${code(d)}`);
    }
  }
  lines.push('```');
  return lines;
}

export function planMarkdown(plan: PlanDocument): string {
  const s = plan.summary;
  const lines = [
    '### packsmith plan',
    '',
    `**${s.create} to create, ${s.update} to update, ${s.unchanged} unchanged** (pack × Region), deploying from account ${plan.deployingAccount}.`,
  ];
  for (const pack of plan.packs) {
    lines.push('', `#### ${cell(pack.pack)} (\`${code(pack.orgPackName)}\`)`, '');
    lines.push('| Region | Action | Template | Accounts | Why |', '| --- | --- | --- | --- | --- |');
    for (const r of pack.regions) {
      const why = r.reasons.map(cell).join('; ') || '–';
      lines.push(`| ${cell(r.region)} | **${r.action}** | ${r.template} | ${accounts(r)} | ${why} |`);
    }
    for (const r of pack.regions) {
      const block = ruleBlock(r);
      if (block.length) lines.push('', `Rules in ${cell(r.region)}:`, '', ...block);
    }
  }
  if (plan.orphans.length) {
    lines.push('', '#### Orphans (never deleted implicitly)', '');
    for (const o of plan.orphans) lines.push(`- \`${code(o.orgPackName)}\` in ${cell(o.region)}`);
  }
  return `${lines.join('\n')}\n`;
}
