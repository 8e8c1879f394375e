/**
 * `packsmith catalog list|show`: look up managed rules and runbooks in the offline catalog, with the
 * pack repository's catalog extensions applied. The catalog and the repository loader are imported
 * when a subcommand runs, so `packsmith --help` does not load them.
 */
import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Catalog, ManagedRule, ManagedRuleParameter, Runbook } from '../../catalog/types.js';
import { CliError, UsageError } from '../errors.js';
import { jsonDocument, processOutput, type Output, type OutputFormat } from '../output.js';
import type { Painter } from '../terminal.js';
import { table as plainTable } from '../run/table.js';
import { printableValues } from '../../util/text.js';

interface CommonOptions {
  format: string;
  root?: string;
}

interface ListOptions extends CommonOptions {
  resourceType?: string;
  trigger?: string;
  text?: string;
  runbooks?: boolean;
  region?: string;
}

const formats: readonly OutputFormat[] = ['text', 'json'];
const triggerChoices = ['change', 'periodic'] as const;
type TriggerChoice = (typeof triggerChoices)[number];

/** The process-check identifier, repeated here so the command file imports no catalog code. */
const processCheck = 'AWS_CONFIG_PROCESS_CHECK';

export function registerCatalog(program: Command): void {
  const catalog = program
    .command('catalog')
    .description('Look up AWS managed rules and runbooks in the offline catalog.');

  catalog
    .command('list')
    .description(
      "List managed rules (or runbooks with --runbooks), including those declared in the repository's " +
        'catalog extension files.',
    )
    .option('--resource-type <type>', 'only rules that evaluate this resource type (e.g. AWS::S3::Bucket)')
    .option('--trigger <trigger>', 'only rules with this trigger: change or periodic')
    .option(
      '--text <words>',
      'only entries matching every word in identifier, name, description, resource types or ' +
        'parameter names, best match first',
    )
    .option(
      '--region <region>',
      'only rules AWS documents as available in this Region (a Region without data keeps every rule)',
    )
    .option('--runbooks', 'list SSM Automation runbooks instead of managed rules')
    .option('--format <format>', 'output format: text or json', 'text')
    .option(
      '--root <dir>',
      'pack repository whose packs/ catalog extensions apply (default: the current folder)',
    )
    .action(async (options: ListOptions) => {
      await listAction(options, processOutput());
    });

  catalog
    .command('show')
    .description('Show one managed rule (by identifier or name) or runbook (by SSM document name).')
    .argument('<identifier>', 'managed rule identifier (e.g. S3_BUCKET_VERSIONING_ENABLED) or runbook name')
    .option('--format <format>', 'output format: text or json', 'text')
    .option(
      '--root <dir>',
      'pack repository whose packs/ catalog extensions apply (default: the current folder)',
    )
    .action(async (identifier: string, options: CommonOptions) => {
      await showAction(identifier, options, processOutput());
    });
}

// ---------------------------------------------------------------------------------------------
// Options

function parseFormat(value: string): OutputFormat {
  if ((formats as readonly string[]).includes(value)) return value as OutputFormat;
  throw new UsageError(`--format must be one of ${formats.join(', ')} (got "${value}")`);
}

function parseTrigger(value: string | undefined): TriggerChoice | undefined {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if ((triggerChoices as readonly string[]).includes(v)) return v as TriggerChoice;
  throw new UsageError(`--trigger must be one of ${triggerChoices.join(', ')} (got "${value}")`);
}

/**
 * The catalog to use: with the repository's extensions when `--root` is given or the current folder
 * has a `packs/` folder, else the shipped catalog.
 */
async function resolveCatalog(rootOption: string | undefined, out: Output): Promise<Catalog> {
  const root = resolve(rootOption ?? '.');
  if (rootOption !== undefined && !(existsSync(root) && statSync(root).isDirectory())) {
    throw new UsageError(`--root ${rootOption}: not a directory`);
  }
  if (rootOption === undefined && !existsSync(join(root, 'packs'))) {
    const { loadCatalog } = await import('../../catalog/catalog.js');
    return loadCatalog();
  }
  const { loadRepository } = await import('../../authoring/repository.js');
  const repo = await loadRepository(root);
  const errors = repo.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const { sortDiagnostics } = await import('../../diagnostics/diagnostic.js');
    const { formatDiagnosticsText } = await import('../../diagnostics/format-text.js');
    const shown = 5;
    out.err(
      `${out.paint.yellow('packsmith: warning:')} the pack repository has ${errors.length} error(s); ` +
        'a file with errors is skipped, so a catalog extension in one is not applied:',
    );
    out.err(formatDiagnosticsText(sortDiagnostics(errors).slice(0, shown), out.paint));
    if (errors.length > shown) out.err(`... and ${errors.length - shown} more`);
  }
  return repo.catalog;
}

// ---------------------------------------------------------------------------------------------
// list

async function listAction(options: ListOptions, out: Output): Promise<void> {
  const format = parseFormat(options.format);
  const trigger = parseTrigger(options.trigger);
  if (
    options.runbooks &&
    (options.trigger !== undefined || options.resourceType !== undefined || options.region !== undefined)
  ) {
    throw new UsageError('--trigger, --resource-type and --region apply to managed rules, not to --runbooks');
  }
  const region = options.region?.trim();
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new UsageError(`--region must be a Region code such as us-gov-west-1 (got "${options.region}")`);
  }
  const resourceType = options.resourceType?.trim();
  if (resourceType === '') throw new UsageError('--resource-type needs a value, e.g. AWS::S3::Bucket');
  const query = options.text ?? '';
  const catalog = await resolveCatalog(options.root, out);
  const { searchEntries, ruleSearchFields, runbookSearchFields } = await import('../../catalog/search.js');

  if (options.runbooks) {
    const runbooks = searchEntries(catalog.runbooks(), query, runbookSearchFields).map((h) => h.entry);
    if (format === 'json') out.out(jsonDocument('catalog-list', { runbooks }));
    else out.out(runbookTable(runbooks, catalog.runbooks().length, out.paint));
    return;
  }

  const wantedType = resourceType?.toLowerCase();
  const filtered = catalog.rules().filter(
    (r) =>
      (wantedType === undefined || r.resourceTypes.some((t) => t.toLowerCase() === wantedType)) &&
      (trigger === undefined ||
        (trigger === 'change' ? r.triggers.configurationChange : r.triggers.periodic)) &&
      // Unknown (no data for the rule or the Region) keeps the rule: only documented absence filters.
      (region === undefined || catalog.availability(r.identifier, region) !== 'unavailable'),
  );
  if (region !== undefined && !catalog.documentedRegions().includes(region)) {
    out.err(
      `note: the catalog has no availability data for ${region} ` +
        `(it covers ${catalog.documentedRegions().length} Regions); every rule is listed`,
    );
  }
  // Best match first (see src/catalog/search.ts for the scoring); without --text, catalog order.
  const rules = searchEntries(filtered, query, ruleSearchFields).map((h) => h.entry);
  if (resourceType !== undefined && rules.length === 0) {
    const note = unknownResourceTypeNote(resourceType, catalog);
    if (note) out.err(note);
  }
  if (format === 'json') out.out(jsonDocument('catalog-list', { rules }));
  else out.out(ruleTable(rules, catalog.rules().length, out.paint));
}

/** When a resource-type filter finds nothing: say whether any rule lists the type at all. */
function unknownResourceTypeNote(resourceType: string, catalog: Catalog): string {
  const known = new Set(catalog.rules().flatMap((r) => r.resourceTypes));
  const wanted = resourceType.toLowerCase();
  if ([...known].some((t) => t.toLowerCase() === wanted)) return '';
  const close = [...known]
    .map((t) => ({ t, d: letterDistance(wanted, t.toLowerCase()) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(wanted.length / 5)))
    .sort((a, b) => a.d - b.d || (a.t < b.t ? -1 : 1))
    .slice(0, 3)
    .map(({ t }) => t);
  const hint = close.length > 0 ? ` (did you mean ${close.join(', ')}?)` : '';
  return `note: no managed rule lists resource type "${resourceType}"${hint}; account-level rules list none`;
}

/** Plain Levenshtein distance; the catalog's ranked suggestions are for identifiers, not types. */
function letterDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

function triggerLabel(triggers: ManagedRule['triggers']): string {
  const parts = [triggers.configurationChange ? 'change' : '', triggers.periodic ? 'periodic' : ''];
  return parts.filter(Boolean).join(', ') || 'none';
}

/** Items joined with ", " within `width` characters, the rest summarised as "+N more". */
function fitList(items: readonly string[], width: number, empty = '-'): string {
  if (items.length === 0) return empty;
  let text = '';
  for (let i = 0; i < items.length; i++) {
    const next = text ? `${text}, ${items[i]}` : (items[i] as string);
    const rest = items.length - i - 1;
    const suffix = rest > 0 ? `, +${rest} more` : '';
    if (i > 0 && next.length + suffix.length > width) return `${text}, +${items.length - i} more`;
    text = next;
  }
  return text;
}

/** Width left for the last column: the terminal's when it is one, else a fixed 60. */
function lastColumnWidth(used: number): number {
  const columns = process.stdout.isTTY ? process.stdout.columns : undefined;
  return columns ? Math.max(30, columns - used - 1) : 60;
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, paint: Painter): string {
  return plainTable(header, rows, paint.bold);
}

function countLine(shown: number, total: number, what: string, repositoryCount: number): string {
  const count = shown === total ? `${total} ${what}` : `${shown} of ${total} ${what}`;
  return repositoryCount > 0 ? `${count} (${repositoryCount} from catalog extensions)` : count;
}

function ruleTable(rules: readonly ManagedRule[], total: number, paint: Painter): string {
  const countText = countLine(rules.length, total, 'managed rules', rules.filter(isRepo).length);
  if (rules.length === 0) return `${paint.dim(countText)}\n`;
  const idWidth = Math.max('IDENTIFIER'.length, ...rules.map((r) => r.identifier.length));
  const triggerWidth = 'change, periodic'.length;
  const typesWidth = lastColumnWidth(idWidth + triggerWidth + 4);
  const rows = rules.map((r) => [
    r.identifier,
    triggerLabel(r.triggers),
    fitList(r.resourceTypes, typesWidth, '(account level: no resource type)'),
  ]);
  return `${table(['IDENTIFIER', 'TRIGGERS', 'RESOURCE TYPES'], rows, paint)}\n${paint.dim(countText)}\n`;
}

function resourceIdLabel(r: Runbook): string {
  if (r.resourceIdParameter) return r.resourceIdParameter;
  if (r.resourceIdParameterCandidates.length === 0) return '-';
  return `${r.resourceIdParameterCandidates.join(' | ')} (guess)`;
}

function runbookTable(runbooks: readonly Runbook[], total: number, paint: Painter): string {
  const countText = countLine(runbooks.length, total, 'runbooks', runbooks.filter(isRepo).length);
  if (runbooks.length === 0) return `${paint.dim(countText)}\n`;
  const rows = runbooks.map((r) => {
    const required = r.parameters.filter((p) => p.required).length;
    return [
      r.name,
      `${r.parameters.length} (${required} required)`,
      r.assumeRoleParameter ?? '-',
      resourceIdLabel(r),
    ];
  });
  return `${table(['NAME', 'PARAMETERS', 'ASSUME ROLE', 'RESOURCE ID'], rows, paint)}\n${paint.dim(countText)}\n`;
}

const isRepo = (e: { origin: string }) => e.origin === 'repository';

// ---------------------------------------------------------------------------------------------
// show

async function showAction(identifier: string, options: CommonOptions, out: Output): Promise<void> {
  const format = parseFormat(options.format);
  const catalog = await resolveCatalog(options.root, out);
  const rule = catalog.rule(identifier) ?? catalog.rules().find((r) => r.name === identifier);
  if (rule) {
    out.out(
      format === 'json'
        ? jsonDocument('catalog-show', { entry: 'rule', rule })
        : showRule(printableValues(rule), out.paint, catalog.documentedRegions()),
    );
    return;
  }
  if (identifier === processCheck) {
    const lines = [
      'Manual "process check" control: AWS Config evaluates no resources; compliance is recorded by hand.',
      'It has no managed-rule page and no documented parameters, and is valid in every pack.',
    ];
    const processCheckEntry = { identifier, description: lines.join(' ') };
    out.out(
      format === 'json'
        ? jsonDocument('catalog-show', { entry: 'process-check', processCheck: processCheckEntry })
        : `${out.paint.bold(identifier)}  ${out.paint.dim('(process check)')}\n${lines.map((l) => `  ${l}\n`).join('')}`,
    );
    return;
  }
  const runbook = catalog.runbook(identifier);
  if (runbook) {
    out.out(
      format === 'json'
        ? jsonDocument('catalog-show', { entry: 'runbook', runbook })
        : showRunbook(printableValues(runbook), out.paint),
    );
    return;
  }
  const { unknownRuleMessage, unknownRunbookMessage } = await import('../../authoring/catalog-extensions.js');
  const { message, fix } = looksLikeRunbook(identifier, catalog)
    ? unknownRunbookMessage(identifier, catalog)
    : unknownRuleMessage(identifier, catalog);
  throw new CliError(`${message}\n  fix: ${fix}`);
}

/** Runbook names look like `AWS-EnableS3BucketEncryption`; rule identifiers like `S3_BUCKET_...`. */
function looksLikeRunbook(name: string, catalog: Catalog): boolean {
  if (/^[A-Z0-9_]+$/.test(name)) return false;
  if (/^[A-Za-z0-9]+-[A-Z]/.test(name)) return true;
  return catalog.suggestRunbooks(name, 1).length > 0 && catalog.suggestRules(name, 1).length === 0;
}

function section(title: string, paint: Painter): string {
  return `  ${paint.bold(title)}`;
}

function keyValues(pairs: ReadonlyArray<readonly [string, string]>, indent = '  '): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length)) + 1;
  return pairs.map(([k, v]) => `${indent}${`${k}:`.padEnd(width)} ${v}`);
}

/** `text` wrapped at word boundaries to `width` columns, each line indented. */
function wrap(text: string, indent: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** The catalog extension file that added or corrected the entry, when one did. */
function extensionFact(entry: { provenance: Record<string, string> }): Array<[string, string]> {
  const file = entry.provenance.extension;
  return file === undefined ? [] : [['catalog extension', file]];
}

/** Where the facts came from is in `--format json` (`provenance`); the text output says so once. */
function provenanceHint(entry: { identifier?: string; name: string }, paint: Painter): string {
  const id = entry.identifier ?? entry.name;
  return paint.dim(`  (where each fact comes from: packsmith catalog show ${id} --format json)`);
}

/** `required`, `optional`, `default "90"` (may be omitted: the default applies) or `optional, default "14"`. */
function parameterStatus(p: ManagedRuleParameter): string {
  const def = p.default !== undefined ? `default ${JSON.stringify(p.default)}` : '';
  if (p.optional) return def ? `optional, ${def}` : 'optional';
  return def || 'required';
}

/** "all 38 documented Regions", "unavailable in: a, b" or "only in: a" (compact, one line). */
export function availabilityLabel(rule: ManagedRule, documented: readonly string[]): string {
  const data = rule.availability;
  if (data === undefined) return 'no data (unknown in every Region)';
  if (data.unavailable !== undefined) {
    return data.unavailable.length === 0
      ? `all ${documented.length} documented Regions`
      : `unavailable in: ${data.unavailable.join(', ')}`;
  }
  const available = data.available ?? [];
  return available.length === 0 ? 'in none of the documented Regions' : `only in: ${available.join(', ')}`;
}

function showRule(rule: ManagedRule, paint: Painter, documented: readonly string[]): string {
  const lines = [
    `${paint.bold(rule.identifier)}  ${paint.dim(`(${rule.name})`)}`,
    ...(rule.description !== undefined
      ? wrap(rule.description, '  ')
      : ['  (the catalog has no description of what this rule checks)']),
    ...keyValues([
      ['documentation', rule.documentationUrl ?? 'none in the catalog'],
      ['origin', rule.origin === 'aws' ? 'aws (shipped catalog)' : 'repository (catalog extension)'],
      ...extensionFact(rule),
      [
        'triggers',
        [
          rule.triggers.configurationChange ? 'configuration changes' : '',
          rule.triggers.periodic ? 'periodic' : '',
        ]
          .filter(Boolean)
          .join(' and ') || 'none',
      ],
      [
        'resource types',
        rule.resourceTypes.length > 0 ? rule.resourceTypes.join(', ') : 'none listed (account-level rule)',
      ],
      ['regions', availabilityLabel(rule, documented)],
      ...(rule.deprecated !== undefined ? [['deprecated', rule.deprecated] as [string, string]] : []),
    ]),
  ];
  if (rule.parameters.length === 0) {
    lines.push(`  ${paint.bold('parameters')}: none`);
  } else {
    lines.push(section('parameters', paint));
    const rows = rule.parameters.map((p) => [p.name, p.type, parameterStatus(p)]);
    lines.push(indentTable(rows, '    '));
  }
  lines.push(provenanceHint(rule, paint));
  return `${lines.join('\n')}\n`;
}

function indentTable(rows: ReadonlyArray<readonly string[]>, indent: string): string {
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map(
      (r) =>
        indent +
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

function showRunbook(runbook: Runbook, paint: Painter): string {
  const facts: Array<[string, string]> = [
    ['origin', runbook.origin === 'aws' ? 'aws (shipped catalog)' : 'repository (catalog extension)'],
    ...extensionFact(runbook),
  ];
  if (runbook.family) facts.push(['family', runbook.family]);
  if (runbook.documentType) facts.push(['document type', runbook.documentType]);
  facts.push(['assume-role parameter', runbook.assumeRoleParameter ?? 'none documented']);
  if (runbook.resourceIdParameter) {
    facts.push(['resource id parameter', `${runbook.resourceIdParameter} (confirmed)`]);
  }
  facts.push([
    'resource id candidates',
    runbook.resourceIdParameterCandidates.length > 0
      ? `${runbook.resourceIdParameterCandidates.join(', ')} (a name-based guess, not documented)`
      : 'none (a name-based guess found no parameter)',
  ]);
  const lines = [
    `${paint.bold(runbook.name)}  ${paint.dim('(SSM Automation runbook)')}`,
    ...keyValues(facts),
  ];
  if (runbook.parameters.length === 0) {
    lines.push(`  ${paint.bold('parameters')}: none documented`);
  } else {
    lines.push(section('parameters', paint));
    const rows = runbook.parameters.map((p) => {
      const extra = [
        p.default !== undefined ? `default ${JSON.stringify(p.default)}` : '',
        p.allowedValues ? `allowed: ${p.allowedValues.join(', ')}` : '',
        p.allowedPattern !== undefined ? `pattern: ${p.allowedPattern}` : '',
      ].filter(Boolean);
      return [p.name, p.type, p.required ? 'required' : 'optional', extra.join('; ')];
    });
    lines.push(indentTable(rows, '    '));
  }
  lines.push(provenanceHint(runbook, paint));
  if (runbook.provenance.snapshot) {
    lines.push(
      paint.yellow(
        `  note: parameters come from a ${runbook.provenance.snapshot.replace(/ \(.*$/, '')}; ` +
          'the current version of the runbook may differ',
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
