/**
 * Converts the offline fact files in `../shared/catalog/` (managed-rules.json, rule-descriptions.json,
 * remediation-documents.json, region-availability.json) into packsmith's committed catalog data: `src/catalog/data/managed-rules.json`,
 * `src/catalog/data/runbooks.json`, `src/catalog/data/regions.json` and `src/catalog/data/README.md`.
 *
 *   npm run catalog:generate [-- --shared DIR] [--out DIR]
 *
 * The output is deterministic (sorted, one entry per line, LF, trailing newline): running it twice on
 * the same inputs gives byte-identical files, and test/unit/catalog-generate.test.ts checks that the
 * committed files are what the script produces.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ruleParameterTypes, type RuleParameterType } from '../src/facts/enums.js';
import type {
  ManagedRule,
  ManagedRuleParameter,
  RegionAvailability,
  RegionCatalog,
  Runbook,
  RunbookParameter,
  RunbookSampleUse,
} from '../src/catalog/types.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const defaultSharedDir = resolve(repoRoot, '../shared/catalog');
export const defaultOutDir = join(repoRoot, 'src/catalog/data');

export const inputFiles = {
  rules: 'managed-rules.json',
  descriptions: 'rule-descriptions.json',
  runbooks: 'remediation-documents.json',
  regions: 'region-availability.json',
} as const;

/** Where the Developer Guide pages named by rule-descriptions.json's `docPath` live. */
export const developerGuideBase = 'https://docs.aws.amazon.com/config/latest/developerguide/';
export const outputFiles = {
  rules: 'managed-rules.json',
  runbooks: 'runbooks.json',
  regions: 'regions.json',
  readme: 'README.md',
} as const;

/** The runbook documentation is a snapshot; its date is stated by the shared README, not the file. */
const runbookSnapshotDate = 'May 2021';

// ---------------------------------------------------------------------------------------------
// Reading the input with shape checks: a changed upstream format fails loudly, naming the entry.

class InputError extends Error {}

type Json = unknown;

function fail(where: string, message: string): never {
  throw new InputError(`${where}: ${message}`);
}

function obj(value: Json, where: string): Record<string, Json> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'expected an object');
  return value as Record<string, Json>;
}

function str(value: Json, where: string): string {
  if (typeof value !== 'string') fail(where, `expected a string, got ${JSON.stringify(value)}`);
  return value;
}

function optStr(value: Json, where: string): string | undefined {
  return value === undefined || value === null ? undefined : str(value, where);
}

function bool(value: Json, where: string): boolean {
  if (typeof value !== 'boolean') fail(where, `expected a boolean, got ${JSON.stringify(value)}`);
  return value;
}

function arr(value: Json, where: string): Json[] {
  if (!Array.isArray(value)) fail(where, 'expected an array');
  return value;
}

function strArr(value: Json, where: string): string[] {
  return arr(value, where).map((v, i) => str(v, `${where}[${i}]`));
}

/** A default as the string a template carries: numbers and booleans become strings. */
function scalarString(value: Json, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(where, `expected a string, number or boolean, got ${JSON.stringify(value)}`);
}

function onlyKeys(o: Record<string, Json>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) fail(where, `unexpected field "${key}" (update scripts/generate-catalog.ts)`);
  }
}

function sortedRecord(entries: Array<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = v;
  return out;
}

const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T): number => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };

// ---------------------------------------------------------------------------------------------
// Managed rules

const ruleKeys = [
  'identifier',
  'name',
  'triggers',
  'triggerText',
  'resourceTypes',
  'parameters',
  'source',
  'provenance',
] as const;

function convertRuleParameter(raw: Json, where: string): ManagedRuleParameter {
  const p = obj(raw, where);
  onlyKeys(p, ['name', 'type', 'optional', 'default'], where);
  const type = str(p.type, `${where}.type`);
  if (!(ruleParameterTypes as readonly string[]).includes(type)) {
    fail(`${where}.type`, `unknown rule parameter type "${type}" (known: ${ruleParameterTypes.join(', ')})`);
  }
  const param: ManagedRuleParameter = {
    name: str(p.name, `${where}.name`),
    type: type as RuleParameterType,
    optional: bool(p.optional, `${where}.optional`),
  };
  const def = scalarString(p.default, `${where}.default`);
  if (def !== undefined) param.default = def;
  return param;
}

export function convertRule(raw: Json, where: string): ManagedRule {
  const r = obj(raw, where);
  onlyKeys(r, ruleKeys, where);
  const identifier = str(r.identifier, `${where}.identifier`);
  if (!/^[A-Z0-9_]+$/.test(identifier))
    fail(`${where}.identifier`, `not a SourceIdentifier: "${identifier}"`);
  const at = `${where} (${identifier})`;
  const t = obj(r.triggers, `${at}.triggers`);
  onlyKeys(t, ['configurationChange', 'periodic', 'defaultFrequency'], `${at}.triggers`);
  const triggers = {
    configurationChange: bool(t.configurationChange, `${at}.triggers.configurationChange`),
    periodic: bool(t.periodic, `${at}.triggers.periodic`),
  };
  // `defaultFrequency` is the service-wide 24 h default of periodic rules, not a fact about this rule.
  optStr(t.defaultFrequency, `${at}.triggers.defaultFrequency`);
  const parameters = arr(r.parameters, `${at}.parameters`).map((p, i) =>
    convertRuleParameter(p, `${at}.parameters[${i}]`),
  );
  const names = new Set<string>();
  for (const p of parameters) {
    if (names.has(p.name)) fail(`${at}.parameters`, `parameter "${p.name}" is listed twice`);
    names.add(p.name);
  }
  const prov = obj(r.provenance, `${at}.provenance`);
  const provenance: Array<[string, string]> = Object.entries(prov).map(([k, v]) => [
    k,
    str(v, `${at}.provenance.${k}`),
  ]);
  provenance.push(['source', str(r.source, `${at}.source`)]);
  const triggerText = optStr(r.triggerText, `${at}.triggerText`);
  if (triggerText !== undefined) provenance.push(['triggerText', triggerText]);
  return {
    identifier,
    name: str(r.name, `${at}.name`),
    triggers,
    resourceTypes: strArr(r.resourceTypes, `${at}.resourceTypes`),
    parameters,
    origin: 'aws',
    provenance: sortedRecord(provenance),
  };
}

// ---------------------------------------------------------------------------------------------
// Rule descriptions (rule-descriptions.json): what each rule checks and its documentation page

interface RuleDescription {
  description: string;
  documentationUrl: string;
  provenance: string;
}

export function convertDescriptions(raw: Json, where: string): Map<string, RuleDescription> {
  const top = obj(raw, where);
  onlyKeys(top, ['format', 'generated', 'sources', 'rules'], where);
  const rules = obj(top.rules, `${where}.rules`);
  const out = new Map<string, RuleDescription>();
  for (const [identifier, value] of Object.entries(rules)) {
    const at = `${where}.rules.${identifier}`;
    const e = obj(value, at);
    onlyKeys(e, ['description', 'docPath', 'source', 'note'], at);
    const description = str(e.description, `${at}.description`).trim();
    if (description === '') fail(`${at}.description`, 'empty');
    const docPath = str(e.docPath, `${at}.docPath`);
    if (!/^[a-z0-9][a-z0-9-]*\.html$/.test(docPath)) {
      fail(`${at}.docPath`, `not a Developer Guide page name: "${docPath}"`);
    }
    const source = str(e.source, `${at}.source`);
    const note = optStr(e.note, `${at}.note`);
    out.set(identifier, {
      description,
      documentationUrl: `${developerGuideBase}${docPath}`,
      provenance: note === undefined ? source : `${source} (${note})`,
    });
  }
  return out;
}

/** The rule with its description, documentation page and their provenance (fixed key order). */
function withDescription(rule: ManagedRule, entry: RuleDescription | undefined): ManagedRule {
  if (entry === undefined) return rule;
  return {
    identifier: rule.identifier,
    name: rule.name,
    triggers: rule.triggers,
    resourceTypes: rule.resourceTypes,
    parameters: rule.parameters,
    description: entry.description,
    documentationUrl: entry.documentationUrl,
    origin: rule.origin,
    provenance: sortedRecord([...Object.entries(rule.provenance), ['description', entry.provenance]]),
  };
}

// ---------------------------------------------------------------------------------------------
// Region availability (region-availability.json): which rules AWS documents in which Region

/** The repository of the per-rule pages the `AWS Region:` lines were read from. */
const regionPagesRepo = 'c2hans/aws-docs';

interface RuleRegions {
  availability: RegionAvailability;
  deprecated?: string;
  provenance: string;
}

export function convertRegionAvailability(
  raw: Json,
  where: string,
): { catalog: RegionCatalog; rules: Map<string, RuleRegions> } {
  const top = obj(raw, where);
  onlyKeys(top, ['format', 'generated', 'sources', 'regions', 'partitions', 'regionNames', 'rules'], where);
  const regions = strArr(top.regions, `${where}.regions`);
  const known = new Set(regions);
  if (known.size !== regions.length) fail(`${where}.regions`, 'a Region is listed twice');
  const codes = (value: Json, at: string): string[] => {
    const list = strArr(value, at);
    for (const code of list) if (!known.has(code)) fail(at, `"${code}" is not in ${where}.regions`);
    return [...list].sort();
  };
  const partitions: Record<string, string[]> = {};
  const rawPartitions = obj(top.partitions, `${where}.partitions`);
  for (const name of Object.keys(rawPartitions).sort()) {
    partitions[name] = codes(rawPartitions[name], `${where}.partitions.${name}`);
  }
  const rawNames = obj(top.regionNames ?? {}, `${where}.regionNames`);
  const regionNames = sortedRecord(
    Object.entries(rawNames).map(([k, v]) => [k, str(v, `${where}.regionNames.${k}`)]),
  );
  const sources = arr(top.sources, `${where}.sources`).map((s, i) => {
    const e = obj(s, `${where}.sources[${i}]`);
    onlyKeys(e, ['name', 'url_or_repo_path', 'commit_or_date'], `${where}.sources[${i}]`);
    return {
      name: str(e.name, `${where}.sources[${i}].name`),
      url_or_repo_path: str(e.url_or_repo_path, `${where}.sources[${i}].url_or_repo_path`),
      commit_or_date: str(e.commit_or_date, `${where}.sources[${i}].commit_or_date`),
    };
  });
  const rules = new Map<string, RuleRegions>();
  for (const [identifier, value] of Object.entries(obj(top.rules, `${where}.rules`))) {
    const at = `${where}.rules.${identifier}`;
    const e = obj(value, at);
    onlyKeys(e, ['available', 'unavailable', 'source', 'deprecated'], at);
    if ((e.available === undefined) === (e.unavailable === undefined)) {
      fail(at, 'expected exactly one of "available" and "unavailable"');
    }
    const availability: RegionAvailability =
      e.available !== undefined
        ? { available: codes(e.available, `${at}.available`) }
        : { unavailable: codes(e.unavailable, `${at}.unavailable`) };
    const entry: RuleRegions = {
      availability,
      provenance: `${regionPagesRepo}@${str(e.source, `${at}.source`)} ("AWS Region:" line of the rule's page)`,
    };
    const deprecated = optStr(e.deprecated, `${at}.deprecated`);
    if (deprecated !== undefined) entry.deprecated = deprecated;
    rules.set(identifier, entry);
  }
  return {
    catalog: {
      regions: [...regions].sort(),
      partitions,
      regionNames,
      generated: str(top.generated, `${where}.generated`),
      sources,
    },
    rules,
  };
}

/** The rule with its Region availability (and deprecation note), fixed key order. */
function withRegions(rule: ManagedRule, entry: RuleRegions | undefined): ManagedRule {
  if (entry === undefined) return rule;
  const { origin, provenance, ...rest } = rule;
  return {
    ...rest,
    availability: entry.availability,
    ...(entry.deprecated !== undefined ? { deprecated: entry.deprecated } : {}),
    origin,
    provenance: sortedRecord([...Object.entries(provenance), ['availability', entry.provenance]]),
  };
}

// ---------------------------------------------------------------------------------------------
// Runbooks

const runbookKeys = [
  'name',
  'parseWarnings',
  'documentType',
  'parameters',
  'family',
  'assumeRoleParameter',
  'resourceIdParameterCandidates',
  'observedInSamplePacks',
  'source',
] as const;

const documentedRequired = 'docs-marker';

function convertRunbookParameter(
  raw: Json,
  where: string,
  provenance: Array<[string, string]>,
): RunbookParameter {
  const p = obj(raw, where);
  onlyKeys(
    p,
    ['name', 'type', 'required', 'requiredSource', 'default', 'allowedValues', 'allowedPattern'],
    where,
  );
  const name = str(p.name, `${where}.name`);
  let type = optStr(p.type, `${where}.type`);
  if (type === undefined) {
    type = 'String';
    provenance.push([`parameters.${name}.type`, 'not documented; assumed String']);
  }
  let required: boolean;
  if (p.required === null || p.required === undefined) {
    required = false;
    provenance.push([`parameters.${name}.required`, 'not marked in the documentation; assumed not required']);
  } else {
    required = bool(p.required, `${where}.required`);
    const requiredSource = optStr(p.requiredSource, `${where}.requiredSource`);
    if (requiredSource !== undefined && requiredSource !== documentedRequired) {
      provenance.push([`parameters.${name}.required`, requiredSource]);
    }
  }
  const param: RunbookParameter = { name, type, required };
  const def = scalarString(p.default, `${where}.default`);
  if (def !== undefined) param.default = def;
  if (p.allowedValues !== undefined && p.allowedValues !== null) {
    param.allowedValues = arr(p.allowedValues, `${where}.allowedValues`).map((v, i) => {
      const s = scalarString(v, `${where}.allowedValues[${i}]`);
      return s ?? fail(`${where}.allowedValues[${i}]`, 'null value');
    });
  }
  const pattern = optStr(p.allowedPattern, `${where}.allowedPattern`);
  if (pattern !== undefined) param.allowedPattern = pattern;
  return param;
}

function convertSampleUse(raw: Json, where: string): RunbookSampleUse {
  const u = obj(raw, where);
  onlyKeys(
    u,
    ['pack', 'configRule', 'resourceIdParameter', 'staticParameters', 'targetType', 'automatic'],
    where,
  );
  return {
    pack: str(u.pack, `${where}.pack`),
    configRule: str(u.configRule, `${where}.configRule`),
    resourceIdParameter: strArr(u.resourceIdParameter ?? [], `${where}.resourceIdParameter`),
    staticParameters: strArr(u.staticParameters ?? [], `${where}.staticParameters`),
    targetType: str(u.targetType, `${where}.targetType`),
    automatic:
      u.automatic === null || u.automatic === undefined ? null : bool(u.automatic, `${where}.automatic`),
  };
}

function snapshotOf(source: string): string {
  const commit = /@([0-9a-f]{7,40})$/.exec(source)?.[1];
  const repo = source.split(':')[0] ?? source;
  return `${runbookSnapshotDate} documentation snapshot (${repo}${commit ? `@${commit}` : ''})`;
}

export function convertRunbook(raw: Json, where: string): Runbook {
  const r = obj(raw, where);
  onlyKeys(r, runbookKeys, where);
  const name = str(r.name, `${where}.name`);
  const at = `${where} (${name})`;
  const source = str(r.source, `${at}.source`);
  const provenance: Array<[string, string]> = [
    ['source', source],
    ['snapshot', snapshotOf(source)],
    ['resourceIdParameterCandidates', 'name-based guess, not a documented fact'],
  ];
  const parameters = arr(r.parameters, `${at}.parameters`).map((p, i) =>
    convertRunbookParameter(p, `${at}.parameters[${i}]`, provenance),
  );
  const names = new Set<string>();
  for (const p of parameters) {
    if (names.has(p.name)) fail(`${at}.parameters`, `parameter "${p.name}" is listed twice`);
    names.add(p.name);
  }
  provenance.push([
    'parameters',
    parameters.length > 0
      ? 'docs-page Parameters section; required: docs-marker unless parameters.<name>.required says otherwise'
      : 'docs-page Parameters section: none parsed',
  ]);
  const warnings = strArr(r.parseWarnings ?? [], `${at}.parseWarnings`);
  if (warnings.length > 0) provenance.push(['parseWarnings', warnings.join('; ')]);

  const runbook: Runbook = {
    name,
    parameters,
    resourceIdParameterCandidates: strArr(
      r.resourceIdParameterCandidates,
      `${at}.resourceIdParameterCandidates`,
    ),
    origin: 'aws',
    provenance: {},
  };
  const assumeRole = optStr(r.assumeRoleParameter, `${at}.assumeRoleParameter`);
  if (assumeRole !== undefined) runbook.assumeRoleParameter = assumeRole;
  else provenance.push(['assumeRoleParameter', 'no assume-role parameter documented']);

  const uses =
    r.observedInSamplePacks === undefined || r.observedInSamplePacks === null
      ? undefined
      : arr(r.observedInSamplePacks, `${at}.observedInSamplePacks`).map((u, i) =>
          convertSampleUse(u, `${at}.observedInSamplePacks[${i}]`),
        );
  if (uses && uses.length > 0) {
    // A confirmed binding: every sample use binds the same single parameter to RESOURCE_ID.
    const bound = new Set(uses.flatMap((u) => u.resourceIdParameter));
    const first = uses[0]?.resourceIdParameter[0];
    if (first !== undefined && bound.size === 1 && uses.every((u) => u.resourceIdParameter.length === 1)) {
      runbook.resourceIdParameter = first;
      const packs = [...new Set(uses.map((u) => `${u.pack} (${u.configRule})`))].join(', ');
      provenance.push(['resourceIdParameter', `AWS sample packs: ${packs}`]);
    }
  }
  const family = optStr(r.family, `${at}.family`);
  if (family !== undefined) runbook.family = family;
  const documentType = optStr(r.documentType, `${at}.documentType`);
  if (documentType !== undefined) runbook.documentType = documentType;
  if (uses && uses.length > 0) runbook.observedInSamplePacks = uses;
  runbook.provenance = sortedRecord(provenance);
  // Fixed key order, so the file does not depend on the order fields were set above.
  const ordered: Runbook = {
    name: runbook.name,
    parameters: runbook.parameters,
    ...(runbook.assumeRoleParameter !== undefined
      ? { assumeRoleParameter: runbook.assumeRoleParameter }
      : {}),
    resourceIdParameterCandidates: runbook.resourceIdParameterCandidates,
    ...(runbook.resourceIdParameter !== undefined
      ? { resourceIdParameter: runbook.resourceIdParameter }
      : {}),
    ...(runbook.family !== undefined ? { family: runbook.family } : {}),
    ...(runbook.documentType !== undefined ? { documentType: runbook.documentType } : {}),
    ...(runbook.observedInSamplePacks !== undefined
      ? { observedInSamplePacks: runbook.observedInSamplePacks }
      : {}),
    origin: runbook.origin,
    provenance: runbook.provenance,
  };
  return ordered;
}

// ---------------------------------------------------------------------------------------------
// Output

/** A JSON array with one entry per line: compact, diffable per entry, and fast to parse. */
export function jsonLines(entries: readonly object[]): string {
  if (entries.length === 0) return '[]\n';
  return `[\n${entries.map((e) => JSON.stringify(e)).join(',\n')}\n]\n`;
}

function uniqueSorted<T>(entries: T[], key: (t: T) => string, what: string): T[] {
  const sorted = [...entries].sort(byKey(key));
  for (let i = 1; i < sorted.length; i++) {
    const k = key(sorted[i] as T);
    if (k === key(sorted[i - 1] as T)) throw new InputError(`${what} "${k}" appears twice`);
  }
  return sorted;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function readme(
  rules: readonly ManagedRule[],
  runbooks: readonly Runbook[],
  regions: RegionCatalog,
  inputs: { rules: string; descriptions: string; runbooks: string; regions: string },
): string {
  const withRegionData = rules.filter((r) => r.availability !== undefined).length;
  const described = rules.filter((r) => r.description !== undefined).length;
  const repoOf = (source: string | undefined) => (source ?? '').split(':')[0] ?? '';
  const ruleSources = countBy(rules, (r) => repoOf(r.provenance.source))
    .map(([repo, n]) => `  - \`${repo}\`: ${n}`)
    .join('\n');
  const runbookSources = countBy(runbooks, (r) => repoOf(r.provenance.source))
    .map(([repo, n]) => `  - \`${repo}\`: ${n}`)
    .join('\n');
  return `# Catalog data (generated: do not edit by hand)

| file | entries | shape (src/catalog/types.ts) |
| --- | --- | --- |
| \`${outputFiles.rules}\` | ${rules.length} AWS Config managed rules | \`ManagedRule\` |
| \`${outputFiles.runbooks}\` | ${runbooks.length} AWS-owned SSM Automation runbooks | \`Runbook\` |
| \`${outputFiles.regions}\` | the ${regions.regions.length} Regions availability data covers, their partitions and sources | \`RegionCatalog\` |

Generated by \`scripts/generate-catalog.ts\` from the offline fact files of the shared catalog
(\`../shared/catalog/\`, see its README):

| input | sha256 |
| --- | --- |
| \`${inputFiles.rules}\` | \`${sha256(inputs.rules)}\` |
| \`${inputFiles.descriptions}\` | \`${sha256(inputs.descriptions)}\` |
| \`${inputFiles.runbooks}\` | \`${sha256(inputs.runbooks)}\` |
| \`${inputFiles.regions}\` | \`${sha256(inputs.regions)}\` |

Regenerate (then commit all four files):

    npm run catalog:generate
    npm run catalog:generate -- --shared ../shared/catalog --out src/catalog/data

Each file is a JSON array, one entry per line, sorted by \`identifier\` / \`name\`, so that running the
script again gives byte-identical files (\`test/unit/catalog-generate.test.ts\` checks it). packsmith
reads the files at run time through \`loadCatalog()\` (src/catalog/catalog.ts).

Where the facts come from (\`provenance.source\` of each entry):

- managed rules:
${ruleSources}
- runbooks (${runbookSnapshotDate} snapshot of the Systems Manager user guide):
${runbookSources}

Conversion:

- managed rules: \`source\` and the documentation's trigger wording (\`triggerText\`) move into
  \`provenance\` next to the per-field provenance; \`triggers.defaultFrequency\` is dropped (it is the
  service-wide 24 h default of periodic rules, not a per-rule fact); \`origin\` is \`aws\`.
  From \`${inputFiles.descriptions}\` (${described} of ${rules.length} rules): \`description\` (what the rule
  checks, verbatim AWS wording) and \`documentationUrl\` (${developerGuideBase} + its
  \`docPath\`); where the text was read (and its note, if any) goes to \`provenance.description\`.
  From \`${inputFiles.regions}\` (${withRegionData} of ${rules.length} rules): \`availability\` (exactly one
  of \`available\` / \`unavailable\`, relative to the Regions of \`${outputFiles.regions}\`), the docs'
  \`deprecated\` note, and the page the \`AWS Region:\` line was read from in \`provenance.availability\`.
  A Region that is not in \`${outputFiles.regions}\` has no data: packsmith reports it as unknown, never
  as unavailable.
- runbooks: \`source\`, the snapshot, \`parseWarnings\` and every \`requiredSource\` other than
  \`docs-marker\` move into \`provenance\`; a parameter with no documented type becomes \`String\` and
  one with no documented required flag becomes \`required: false\`, each with a
  \`provenance["parameters.<name>.*"]\` note; \`family\`, \`documentType\` and \`observedInSamplePacks\` are
  kept as fields; \`resourceIdParameter\` is set only when every use in AWS's sample packs binds the same
  single parameter to the resource id.

Known gaps and how to correct an entry: see docs/catalog.md.
`;
}

export interface GenerateResult {
  rules: number;
  runbooks: number;
  files: string[];
}

/** Reads the shared fact files and writes the three data files; returns what it wrote. */
export function generateCatalog(opts: { sharedDir?: string; outDir?: string } = {}): GenerateResult {
  const sharedDir = resolve(opts.sharedDir ?? defaultSharedDir);
  const outDir = resolve(opts.outDir ?? defaultOutDir);
  const rulesText = readFileSync(join(sharedDir, inputFiles.rules), 'utf8');
  const descriptionsText = readFileSync(join(sharedDir, inputFiles.descriptions), 'utf8');
  const runbooksText = readFileSync(join(sharedDir, inputFiles.runbooks), 'utf8');
  const regionsText = readFileSync(join(sharedDir, inputFiles.regions), 'utf8');
  const regionData = convertRegionAvailability(JSON.parse(regionsText) as Json, inputFiles.regions);

  const descriptions = convertDescriptions(JSON.parse(descriptionsText) as Json, inputFiles.descriptions);
  const plainRules = uniqueSorted(
    arr(JSON.parse(rulesText) as Json, inputFiles.rules).map((r, i) =>
      convertRule(r, `${inputFiles.rules}[${i}]`),
    ),
    (r) => r.identifier,
    'managed rule',
  );
  const known = new Set(plainRules.map((r) => r.identifier));
  for (const identifier of descriptions.keys()) {
    if (!known.has(identifier)) {
      throw new InputError(
        `${inputFiles.descriptions}: rules.${identifier} describes a rule that is not in ${inputFiles.rules}`,
      );
    }
  }
  for (const identifier of regionData.rules.keys()) {
    if (!known.has(identifier)) {
      throw new InputError(`${inputFiles.regions}: rules.${identifier} is not a rule of ${inputFiles.rules}`);
    }
  }
  const rules = plainRules.map((r) =>
    withRegions(withDescription(r, descriptions.get(r.identifier)), regionData.rules.get(r.identifier)),
  );
  const runbooks = uniqueSorted(
    arr(JSON.parse(runbooksText) as Json, inputFiles.runbooks).map((r, i) =>
      convertRunbook(r, `${inputFiles.runbooks}[${i}]`),
    ),
    (r) => r.name,
    'runbook',
  );

  mkdirSync(outDir, { recursive: true });
  const files = [
    [outputFiles.rules, jsonLines(rules)],
    [outputFiles.runbooks, jsonLines(runbooks)],
    [outputFiles.regions, `${JSON.stringify(regionData.catalog, null, 2)}\n`],
    [
      outputFiles.readme,
      readme(rules, runbooks, regionData.catalog, {
        rules: rulesText,
        descriptions: descriptionsText,
        runbooks: runbooksText,
        regions: regionsText,
      }),
    ],
  ] as const;
  for (const [file, text] of files) writeFileSync(join(outDir, file), text, 'utf8');
  return { rules: rules.length, runbooks: runbooks.length, files: files.map(([f]) => join(outDir, f)) };
}

function parseArgs(argv: string[]): { sharedDir?: string; outDir?: string } {
  const out: { sharedDir?: string; outDir?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if ((arg === '--shared' || arg === '--out') && value !== undefined && !value.startsWith('--')) {
      if (arg === '--shared') out.sharedDir = value;
      else out.outDir = value;
      i++;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: tsx scripts/generate-catalog.ts [--shared DIR] [--out DIR]\n');
      process.exit(0);
    } else {
      throw new InputError(
        `unexpected argument "${arg}" (usage: generate-catalog [--shared DIR] [--out DIR])`,
      );
    }
  }
  return out;
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;

if (invokedDirectly) {
  try {
    const result = generateCatalog(parseArgs(process.argv.slice(2)));
    process.stdout.write(
      `generate-catalog: ${result.rules} managed rules, ${result.runbooks} runbooks\n` +
        result.files.map((f) => `  wrote ${f}\n`).join(''),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`generate-catalog: ${message}\n`);
    process.exitCode = 1;
  }
}
