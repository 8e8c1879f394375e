/**
 * Catalog extensions: a pack repository declares managed rules and runbooks that AWS published after
 * packsmith's catalog was generated, or corrects shipped entries (file kind `catalog`, schema in
 * src/authoring/schema.ts, format in docs/catalog.md).
 */
import type { CatalogExtension, CatalogRuleEntry, CatalogRunbookEntry, ScalarValue } from './schema.js';
import { createCatalog } from '../catalog/catalog.js';
import type {
  Catalog,
  ManagedRule,
  ManagedRuleParameter,
  RegionAvailability,
  Runbook,
  RunbookParameter,
} from '../catalog/types.js';

export interface CatalogExtensionFile {
  /** Path of the extension file as reports show it (relative to the working directory). */
  file: string;
  extension: CatalogExtension;
}

const asString = (value: ScalarValue): string => (typeof value === 'string' ? value : String(value));

function ruleParameters(entry: NonNullable<CatalogRuleEntry['parameters']>): ManagedRuleParameter[] {
  return entry.map((p) => {
    const param: ManagedRuleParameter = { name: p.name, type: p.type, optional: p.optional ?? false };
    if (p.default !== undefined) param.default = asString(p.default);
    return param;
  });
}

function runbookParameters(entry: NonNullable<CatalogRunbookEntry['parameters']>): RunbookParameter[] {
  return entry.map((p) => {
    const param: RunbookParameter = { name: p.name, type: p.type ?? 'String', required: p.required ?? false };
    if (p.default !== undefined) param.default = asString(p.default);
    if (p.allowedValues !== undefined) param.allowedValues = [...p.allowedValues];
    if (p.allowedPattern !== undefined) param.allowedPattern = p.allowedPattern;
    return param;
  });
}

/** `source` when the entry names one, else the extension file. */
const where = (file: string, source: string | undefined): string =>
  source === undefined ? file : `${file} (source: ${source})`;

/** A rule new to the catalog: what the entry says, and permissive defaults for what it does not. */
function newRule(entry: CatalogRuleEntry, file: string): ManagedRule {
  const from = where(file, entry.source);
  const provenance: Record<string, string> = { source: from, extension: file };
  provenance.triggers = entry.triggers
    ? from
    : `not declared in ${file}; assumed both configuration changes and periodic`;
  provenance.resourceTypes = entry.resourceTypes ? from : `not declared in ${file}`;
  provenance.parameters = entry.parameters ? from : `not declared in ${file}`;
  provenance.name = entry.name ? from : 'derived from the identifier';
  if (entry.availability) provenance.availability = from;
  return {
    identifier: entry.identifier,
    name: entry.name ?? entry.identifier.toLowerCase().replace(/_/g, '-'),
    // Unknown triggers: accept both, so no valid use of the rule is rejected.
    triggers: entry.triggers ? { ...entry.triggers } : { configurationChange: true, periodic: true },
    resourceTypes: entry.resourceTypes ? [...entry.resourceTypes] : [],
    parameters: entry.parameters ? ruleParameters(entry.parameters) : [],
    // Undeclared availability: unknown in every Region (never a warning).
    ...(entry.availability ? { availability: regionAvailability(entry.availability) } : {}),
    origin: 'repository',
    provenance,
  };
}

function regionAvailability(entry: NonNullable<CatalogRuleEntry['availability']>): RegionAvailability {
  return 'available' in entry
    ? { available: [...entry.available].sort() }
    : { unavailable: [...entry.unavailable].sort() };
}

/** A shipped (or earlier-extended) rule corrected field by field. */
function correctRule(base: ManagedRule, entry: CatalogRuleEntry, file: string): ManagedRule {
  const from = where(file, entry.source);
  const provenance: Record<string, string> = { ...base.provenance, extension: file };
  const rule: ManagedRule = { ...base, origin: 'repository', provenance };
  if (entry.name !== undefined) {
    rule.name = entry.name;
    provenance.name = from;
  }
  if (entry.triggers !== undefined) {
    rule.triggers = { ...entry.triggers };
    provenance.triggers = from;
    delete provenance.triggerText;
  }
  if (entry.resourceTypes !== undefined) {
    rule.resourceTypes = [...entry.resourceTypes];
    provenance.resourceTypes = from;
  }
  if (entry.parameters !== undefined) {
    rule.parameters = ruleParameters(entry.parameters);
    provenance.parameters = from;
  }
  if (entry.availability !== undefined) {
    rule.availability = regionAvailability(entry.availability);
    provenance.availability = from;
  }
  return rule;
}

function newRunbook(entry: CatalogRunbookEntry, file: string): Runbook {
  const from = where(file, entry.source);
  const runbook: Runbook = {
    name: entry.name,
    parameters: entry.parameters ? runbookParameters(entry.parameters) : [],
    resourceIdParameterCandidates: entry.resourceIdParameter ? [entry.resourceIdParameter] : [],
    origin: 'repository',
    provenance: {
      source: from,
      extension: file,
      parameters: entry.parameters ? from : `not declared in ${file}`,
    },
  };
  if (entry.assumeRoleParameter !== undefined) {
    runbook.assumeRoleParameter = entry.assumeRoleParameter;
    runbook.provenance.assumeRoleParameter = from;
  }
  if (entry.resourceIdParameter !== undefined) {
    runbook.resourceIdParameter = entry.resourceIdParameter;
    runbook.provenance.resourceIdParameter = from;
    runbook.provenance.resourceIdParameterCandidates = from;
  }
  return runbook;
}

function correctRunbook(base: Runbook, entry: CatalogRunbookEntry, file: string): Runbook {
  const from = where(file, entry.source);
  const provenance: Record<string, string> = { ...base.provenance, extension: file };
  const runbook: Runbook = { ...base, origin: 'repository', provenance };
  if (entry.parameters !== undefined) {
    runbook.parameters = runbookParameters(entry.parameters);
    provenance.parameters = from;
    // Notes about the shipped parameters no longer apply.
    for (const key of Object.keys(provenance)) if (key.startsWith('parameters.')) delete provenance[key];
    delete provenance.parseWarnings;
  }
  if (entry.assumeRoleParameter !== undefined) {
    runbook.assumeRoleParameter = entry.assumeRoleParameter;
    provenance.assumeRoleParameter = from;
  }
  if (entry.resourceIdParameter !== undefined) {
    runbook.resourceIdParameter = entry.resourceIdParameter;
    runbook.resourceIdParameterCandidates = [
      entry.resourceIdParameter,
      ...base.resourceIdParameterCandidates.filter((c) => c !== entry.resourceIdParameter),
    ];
    provenance.resourceIdParameter = from;
  }
  return runbook;
}

/**
 * The base catalog with the repository's extensions applied, in order: an entry whose identifier
 * (rule) or name (runbook) is already known replaces the known entry field by field (a field not
 * given keeps its value; a given `parameters` list replaces the whole list); an unknown one is added
 * with defaults. Later files win over earlier ones. Numbers and booleans given as defaults become
 * strings. Every added or corrected entry has origin `repository` and `provenance.extension`.
 */
export function extendCatalog(base: Catalog, extensions: readonly CatalogExtensionFile[]): Catalog {
  if (extensions.every((e) => !e.extension.rules?.length && !e.extension.runbooks?.length)) return base;
  const rules = new Map<string, ManagedRule>();
  const runbooks = new Map<string, Runbook>();
  for (const { file, extension } of extensions) {
    for (const entry of extension.rules ?? []) {
      const known = rules.get(entry.identifier) ?? base.rule(entry.identifier);
      rules.set(entry.identifier, known ? correctRule(known, entry, file) : newRule(entry, file));
    }
    for (const entry of extension.runbooks ?? []) {
      const known = runbooks.get(entry.name) ?? base.runbook(entry.name);
      runbooks.set(entry.name, known ? correctRunbook(known, entry, file) : newRunbook(entry, file));
    }
  }
  return createCatalog({
    rules: () => [...base.rules().filter((r) => !rules.has(r.identifier)), ...rules.values()],
    runbooks: () => [...base.runbooks().filter((r) => !runbooks.has(r.name)), ...runbooks.values()],
    regions: () => base.documentedRegions(),
  });
}

/** "did you mean A?" / "did you mean A or B?" / "did you mean A, B or C?" */
function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return '';
  const last = suggestions[suggestions.length - 1] as string;
  const list = suggestions.length === 1 ? last : `${suggestions.slice(0, -1).join(', ')} or ${last}`;
  return ` (did you mean ${list}?)`;
}

export interface CatalogMessage {
  message: string;
  fix: string;
}

/** The user message for a SourceIdentifier that is not in the catalog. */
export function unknownRuleMessage(identifier: string, catalog: Catalog): CatalogMessage {
  return {
    message: `unknown managed rule identifier "${identifier}"${didYouMean(catalog.suggestRules(identifier))}`,
    fix:
      "if AWS published this rule after packsmith's catalog, declare it in a catalog extension file " +
      '(kind: catalog, e.g. packs/catalog.yaml); see docs/catalog.md',
  };
}

/** The user message for an SSM document name that is not in the catalog. */
export function unknownRunbookMessage(name: string, catalog: Catalog): CatalogMessage {
  return {
    message: `unknown runbook "${name}"${didYouMean(catalog.suggestRunbooks(name))}`,
    fix:
      "packsmith's runbook catalog is a May 2021 snapshot: if the runbook exists (AWS-owned or your own " +
      'SSM document), declare it in a catalog extension file (kind: catalog, e.g. packs/catalog.yaml); ' +
      'see docs/catalog.md',
  };
}
