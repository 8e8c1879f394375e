/**
 * The Markdown page of every check (docs/checks.md), generated from the checks' own metadata so a
 * check's id, severity and documentation live in one place. Each check is a heading that is only
 * its id, so `docs/checks.md#ps111` works on GitHub and in any renderer that slugs headings.
 */
import type { CheckMeta } from '../diagnostics/check-meta.js';
import type { RuleInfo } from './report.js';

/** The page of the checks, relative to the repository root. */
export const checksDocPath = 'docs/checks.md';

/** The anchor of a check on the page: its id in lower case (`PS111` → `ps111`). */
export function checkAnchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

/** A packsmith check as report metadata: `help` is the rationale, `fix` the one-line fix. */
export function checkRuleInfo(check: CheckMeta): RuleInfo {
  return {
    id: check.id,
    name: check.name,
    summary: check.summary,
    help: check.rationale,
    fix: check.fix,
    severity: check.severity,
    helpUri: `${checksDocPath}#${checkAnchor(check.id)}`,
    source: 'packsmith',
  };
}

/** `PS99` before `PS100`; letters first, then the number. */
export function compareRuleIds(a: string, b: string): number {
  const pa = /^([A-Za-z]*)(\d*)(.*)$/.exec(a);
  const pb = /^([A-Za-z]*)(\d*)(.*)$/.exec(b);
  const [, la = '', na = '', ra = ''] = pa ?? [];
  const [, lb = '', nb = '', rb = ''] = pb ?? [];
  if (la !== lb) return la < lb ? -1 : 1;
  if (na !== nb) return Number(na || -1) - Number(nb || -1) || (na < nb ? -1 : 1);
  if (ra !== rb) return ra < rb ? -1 : 1;
  return 0;
}

const oneLine = (text: string) => text.replace(/\s*\r?\n\s*/g, ' ').trim();
const cell = (text: string) => oneLine(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
const code = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

function section(rule: RuleInfo): string[] {
  const lines = [`## ${rule.id}`, ''];
  const facts = [`**${rule.name}**`, `default severity: **${rule.severity}**`];
  if (rule.source === 'cfn-lint') facts.push('from cfn-lint');
  lines.push(facts.join(' · '), '');
  if (rule.summary.trim()) lines.push(rule.summary.trim(), '');
  if (rule.help.trim() && rule.help.trim() !== rule.summary.trim()) lines.push(rule.help.trim(), '');
  if (rule.fix?.trim()) lines.push(`**Fix:** ${rule.fix.trim()}`, '');
  if (rule.helpUri && /^[a-z][a-z0-9+.-]*:/i.test(rule.helpUri)) lines.push(`More: <${rule.helpUri}>`, '');
  return lines;
}

export function formatChecksDoc(rules: RuleInfo[]): string {
  const sorted = [...rules].sort((a, b) => compareRuleIds(a.id, b.id));
  const lines = [
    '# Checks',
    '',
    '<!-- Generated from the checks’ metadata by `npm run docs:generate`; edit the checks, not this file. -->',
    '',
    'Every problem packsmith reports names the check that found it, e.g. `PS111`, with the file, line',
    'and column to fix and a one-line fix. The severity below is the default: a repository can change',
    'it, or suppress a finding with a reason.',
    '',
    '| Id | Name | Default severity | Finds |',
    '| --- | --- | --- | --- |',
    ...sorted.map(
      (r) =>
        `| [${r.id}](#${checkAnchor(r.id)}) | ${code(cell(r.name))} | ${r.severity} | ${cell(r.summary)} |`,
    ),
    '',
    ...sorted.flatMap(section),
  ];
  while (lines.at(-1) === '') lines.pop();
  return `${lines.join('\n')}\n`;
}
