/**
 * A pack repository: every authoring file under `packs/`, parsed, schema-checked and indexed by
 * name, plus the catalog extended with the repository's own entries. Reading files is the only
 * I/O here (`loadRepository`); `parseRepository` is pure and tested without a disk.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import type { Catalog } from '../catalog/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { displayPath } from '../util/paths.js';
import { authoringChecks } from './problems.js';
import { authoringSchemas } from './schema.js';
import type { CatalogExtension, PackManifest, RemediationBlock, RuleBlock } from './schema.js';
import { checkAuthoringFile } from './schema-validate.js';
import { parseYamlSource, type YamlPath, type YamlSource } from '../source/yaml-source.js';

export interface Located<T> {
  value: T;
  source: YamlSource;
  /** Absolute path of the file. */
  path: string;
  /** Top-level fields removed because of their schema errors (see `withoutBrokenFields`). */
  pruned?: ReadonlySet<string>;
}

export interface InputFile {
  /** Absolute path. */
  path: string;
  text: string;
}

export interface Repository {
  root: string;
  packsDir: string;
  rules: Map<string, Located<RuleBlock>>;
  remediations: Map<string, Located<RemediationBlock>>;
  packs: Map<string, Located<PackManifest>>;
  extensions: Array<Located<CatalogExtension>>;
  /**
   * Names of blocks and packs whose files have errors (syntax or schema): packs using them are not
   * built, and references to those not loaded at all are not reported again.
   */
  broken: { rule: Set<string>; remediation: Set<string>; pack: Set<string> };
  /** Other files the blocks refer to (Guard policies), by absolute path; an Error when unreadable. */
  attachments: Map<string, string | Error>;
  catalog: Catalog;
  diagnostics: Diagnostic[];
}

export interface CatalogProvider {
  base(): Catalog;
  extend(base: Catalog, extensions: Array<{ file: string; extension: CatalogExtension }>): Catalog;
}

const yamlExtensions = new Set(['.yaml', '.yml']);

/** Reads and parses the repository rooted at `root` (its authoring files live in `root/packs`). */
export async function loadRepository(root: string, options: { packsDir?: string } = {}): Promise<Repository> {
  const absRoot = resolve(root);
  const packsDir = resolve(absRoot, options.packsDir ?? 'packs');
  const paths = await listYamlFiles(packsDir);
  // Synchronous reads: for hundreds of small files they cost a fraction of promise-based ones.
  const files = paths.map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  const { loadCatalog } = await import('../catalog/catalog.js');
  const { extendCatalog } = await import('../catalog/extensions.js');
  const repo = parseRepository(absRoot, packsDir, files, { base: loadCatalog, extend: extendCatalog });
  await readAttachments(repo);
  return repo;
}

/** Every YAML file below `dir`, sorted, skipping hidden folders and node_modules. */
export async function listYamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && current === dir) return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && yamlExtensions.has(extname(entry.name).toLowerCase())) out.push(full);
    }
  };
  await walk(dir);
  return out.sort();
}

export function parseRepository(
  root: string,
  packsDir: string,
  files: readonly InputFile[],
  catalogs: CatalogProvider,
): Repository {
  const diagnostics: Diagnostic[] = [];
  const rules = new Map<string, Located<RuleBlock>>();
  const remediations = new Map<string, Located<RemediationBlock>>();
  const packs = new Map<string, Located<PackManifest>>();
  const extensions: Array<Located<CatalogExtension>> = [];
  const broken = { rule: new Set<string>(), remediation: new Set<string>(), pack: new Set<string>() };

  for (const file of files) {
    const source = parseYamlSource(displayPath(file.path), file.text);
    if (source.syntaxErrors.length) {
      diagnostics.push(...source.syntaxErrors);
      // Keep the name when it can still be read, so references to the block do not cascade.
      const kind = source.doc.get('kind');
      const name = source.doc.get('name');
      if ((kind === 'rule' || kind === 'remediation' || kind === 'pack') && typeof name === 'string') {
        broken[kind].add(name);
      }
      continue;
    }
    const value = source.value as { kind?: unknown; name?: unknown } | null;
    // A file that is not an authoring file (no `kind`) is skipped only when it is clearly
    // something else, e.g. a CloudFormation template kept beside the packs.
    if (value && typeof value === 'object' && !('kind' in value) && 'Resources' in value) continue;
    const checked = checkAuthoringFile(source);
    diagnostics.push(...checked.diagnostics);
    const kept: { value: unknown; pruned?: ReadonlySet<string> } | undefined = checked.diagnostics.length
      ? withoutBrokenFields(value, checked.subjects)
      : { value };
    if (checked.diagnostics.length && value && isBlockKind(value.kind) && typeof value.name === 'string') {
      broken[value.kind].add(value.name);
    }
    if (!kept) continue;
    const located = { source, path: file.path, ...(kept.pruned ? { pruned: kept.pruned } : {}) };
    const doc = kept.value as RuleBlock | RemediationBlock | PackManifest | CatalogExtension;
    switch (doc.kind) {
      case 'catalog':
        extensions.push({ ...located, value: doc });
        break;
      case 'rule':
        addUnique(rules, doc.name, { ...located, value: doc }, 'rule block', diagnostics);
        break;
      case 'remediation':
        addUnique(remediations, doc.name, { ...located, value: doc }, 'remediation block', diagnostics);
        break;
      case 'pack':
        addUnique(packs, doc.name, { ...located, value: doc }, 'pack', diagnostics);
        break;
    }
  }

  const catalog = extensions.length
    ? catalogs.extend(
        catalogs.base(),
        extensions.map((e) => ({ file: e.source.file, extension: e.value })),
      )
    : catalogs.base();

  return {
    root,
    packsDir,
    rules,
    remediations,
    packs,
    extensions,
    broken,
    attachments: new Map(),
    catalog,
    diagnostics,
  };
}

const isBlockKind = (kind: unknown): kind is 'rule' | 'remediation' | 'pack' =>
  kind === 'rule' || kind === 'remediation' || kind === 'pack';

/**
 * What of a file with schema errors is still composed. "Every problem at once" means a schema
 * error must not hide the problems of the file's well-formed parts, and "a broken block does not
 * cascade" means nothing may be reported about the broken part twice. The rule:
 *
 * - A rule block, remediation block or pack manifest whose schema errors all lie in optional
 *   top-level fields (an unknown key, a malformed `scope`, `parameters` or `automatic`) is kept
 *   with those fields removed; the names of the removed fields travel with it (`pruned`).
 *   Composition checks the rest as usual; a check that needs a removed field does not run (see
 *   compose.ts), so nothing is reported about a field beyond its schema error, and an absent
 *   field is never mistaken for a missing one.
 * - A file whose errors touch a required field (`kind`, `name`, `source`, `rule`, `rules`, …) or
 *   the file as a whole, and any catalog extension with errors, is dropped as before.
 *
 * Either way the block's name is in `broken`: packs using it are not built, and references to a
 * dropped block are not reported again.
 */
function withoutBrokenFields(
  value: { kind?: unknown } | null,
  subjects: readonly YamlPath[],
): { value: unknown; pruned: ReadonlySet<string> } | undefined {
  if (!value || !isBlockKind(value.kind)) return undefined;
  const required = new Set<string>((authoringSchemas[value.kind] as { required?: string[] }).required ?? []);
  const fields = new Set<string>();
  for (const subject of subjects) {
    const field = subject[0];
    if (typeof field !== 'string' || required.has(field)) return undefined;
    fields.add(field);
  }
  const kept = Object.fromEntries(Object.entries(value).filter(([key]) => !fields.has(key)));
  return { value: kept, pruned: fields };
}

function addUnique<T extends { name: string }>(
  map: Map<string, Located<T>>,
  name: string,
  item: Located<T>,
  what: string,
  diagnostics: Diagnostic[],
): void {
  const first = map.get(name);
  if (!first) {
    map.set(name, item);
    return;
  }
  const at = first.source.locate(['name']);
  diagnostics.push({
    checkId: authoringChecks['duplicate-block'].id,
    severity: 'error',
    message: `${what} "${name}" is already defined at ${at.file}:${at.line}:${at.column}`,
    fix: authoringChecks['duplicate-block'].fix,
    location: item.source.locate(['name']),
  });
}

/** Absolute path of a file named relative to an authoring file. */
export function resolveBeside(authoringFile: string, relativePath: string): string {
  return resolve(dirname(authoringFile), relativePath);
}

async function readAttachments(repo: Repository): Promise<void> {
  const wanted = new Set<string>();
  for (const rule of repo.rules.values()) {
    const source = rule.value.source;
    if ('guard' in source && source.guard.file) wanted.add(resolveBeside(rule.path, source.guard.file));
  }
  await Promise.all(
    [...wanted].map(async (path) => {
      try {
        repo.attachments.set(path, await readFile(path, 'utf8'));
      } catch (error) {
        repo.attachments.set(path, error as Error);
      }
    }),
  );
}
