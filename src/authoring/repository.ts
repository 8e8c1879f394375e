/**
 * A pack repository: every authoring file under `packs/`, parsed, schema-checked and indexed by
 * name, plus the catalog extended with the repository's own entries. Reading files is the only
 * I/O here (`loadRepository`); `parseRepository` is pure and tested without a disk.
 */
import { realpathSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import type { Catalog } from '../catalog/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { inputFileLimits, limits } from '../facts/limits.js';
import { isInside, readRealFile, readUserFile, realRoot, type FileRead } from '../source/read-file.js';
import { displayPath, resolveBeside } from '../util/paths.js';
import { authoringChecks, fileRefused } from './problems.js';
import { authoringSchemas } from './schema.js';
import type { CatalogExtension, PackManifest, RemediationBlock, RuleBlock } from './schema.js';
import { checkAuthoringFile } from './schema-validate.js';
import { ambiguousScalars } from '../source/yaml-scalars.js';
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
  /** Other files the blocks refer to (Guard policies), by absolute path, read or refused. */
  attachments: Map<string, FileRead>;
  catalog: Catalog;
  diagnostics: Diagnostic[];
  /** Text of every authoring file read, by display path: where inline suppression markers are read. */
  texts: Map<string, string>;
}

export interface CatalogProvider {
  base(): Catalog;
  extend(base: Catalog, extensions: Array<{ file: string; extension: CatalogExtension }>): Catalog;
}

const yamlExtensions = new Set(['.yaml', '.yml']);

/**
 * Reads and parses the repository rooted at `root` (its authoring files live in `root/packs`).
 * Only regular files inside the repository are read, each within its size limit; a file or folder
 * whose symbolic link leads outside is reported where the link is, never followed.
 */
export async function loadRepository(root: string, options: { packsDir?: string } = {}): Promise<Repository> {
  const absRoot = resolve(root);
  const packsDir = resolve(absRoot, options.packsDir ?? 'packs');
  const { files: paths, links } = await scanYamlFiles(packsDir);
  const refused: Diagnostic[] = outsideLinks(links, absRoot);
  // The walk met no link below packs/ (links are listed apart): once packs/ itself resolves inside
  // the repository, a file's real path is its path below the real packs/ folder, and no file needs
  // resolving again. When packs/ leads outside, each file is refused as before.
  // (A packs/ folder that cannot be resolved held no file for the walk to list.)
  const realPacks = realRoot(packsDir);
  const confined = isInside(realRoot(absRoot), realPacks);
  const reading = { purpose: 'authoring file', maxBytes: inputFileLimits.authoringFileBytes };
  // Synchronous reads: for hundreds of small files they cost a fraction of promise-based ones.
  const files: InputFile[] = [];
  for (const path of paths) {
    const read = confined
      ? readRealFile(join(realPacks, relative(packsDir, path)), reading)
      : readUserFile(path, { ...reading, root: absRoot });
    if (read.ok) files.push({ path, text: read.text });
    else
      refused.push(fileRefused('the authoring file', read, { file: displayPath(path), line: 1, column: 1 }));
  }
  const { loadCatalog } = await import('../catalog/catalog.js');
  const { extendCatalog } = await import('./catalog-extensions.js');
  const repo = parseRepository(absRoot, packsDir, files, { base: loadCatalog, extend: extendCatalog });
  repo.diagnostics.unshift(...refused);
  readAttachments(repo);
  return repo;
}

/** Every YAML file below `dir`, sorted, skipping hidden folders and node_modules. */
export async function listYamlFiles(dir: string): Promise<string[]> {
  return (await scanYamlFiles(dir)).files;
}

/**
 * The YAML files below `dir` (sorted, skipping hidden folders and node_modules) and, apart, the
 * symbolic links that could stand for one: links named like a YAML file, and links to folders.
 */
async function scanYamlFiles(dir: string): Promise<{ files: string[]; links: string[] }> {
  const files: string[] = [];
  const links: string[] = [];
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
      const yaml = yamlExtensions.has(extname(entry.name).toLowerCase());
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && yaml) files.push(full);
      else if (entry.isSymbolicLink() && (yaml || isFolder(full))) links.push(full);
    }
  };
  await walk(dir);
  return { files: files.sort(), links: links.sort() };
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Links under packs/ are not followed: one that resolves inside the repository is skipped (its
 * target is read where it lives), one that leads outside is an error located at the link.
 */
function outsideLinks(links: readonly string[], root: string): Diagnostic[] {
  const realRootPath = realRoot(root);
  const out: Diagnostic[] = [];
  for (const link of links) {
    let target: string;
    try {
      target = realpathSync(link);
    } catch {
      continue; // a dangling link or a loop: nothing to read
    }
    if (isInside(realRootPath, target)) continue;
    out.push(
      fileRefused(
        'this symbolic link',
        {
          message: `leads outside the repository (to ${target}); packsmith does not read authoring files from there`,
          fix: 'Move the file or folder into the repository and remove the link.',
        },
        { file: displayPath(link), line: 1, column: 1 },
      ),
    );
  }
  return out;
}

/**
 * Schema problems and PS137 (ambiguous plain values) of one file, each location reported once.
 * packsmith reads authoring files as YAML 1.2, so a YAML 1.1 boolean word (`on`) matters only in
 * parameter values, which reach templates as text; elsewhere (a condition named `on`) it is a name.
 * There, `y` and `n` count too: a value meant as a boolean must be written true or false.
 */
/** Unquoted values another YAML version reads differently: errors in authoring files (PS137). */
function ambiguousValues(source: YamlSource): Diagnostic[] {
  const meta = authoringChecks['ambiguous-value'];
  const booleanWordsAt = (path: YamlPath) => path.includes('parameters');
  return ambiguousScalars(source, { booleanWordsAt, letterBooleans: true }).map(
    ({ path, text, reading }) => ({
      checkId: meta.id,
      severity: meta.severity,
      message: `the unquoted value ${text} is ambiguous: ${reading}`,
      fix: `Quote it as it is written: '${text}'.`,
      location: source.locate(path),
    }),
  );
}

const placeOf = (d: Diagnostic) => `${d.location?.line}:${d.location?.column}`;

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

  const texts = new Map<string, string>();
  for (const file of files) {
    texts.set(displayPath(file.path), file.text);
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
    const ambiguous = ambiguousValues(source);
    const taken = new Set(ambiguous.map(placeOf));
    const schemaProblems = checked.diagnostics.filter((d) => !taken.has(placeOf(d)));
    diagnostics.push(...ambiguous, ...schemaProblems);
    // A schema error reported as an ambiguous value (`name: 012`) still breaks its field.
    const kept: { value: unknown; pruned?: ReadonlySet<string> } | undefined = checked.diagnostics.length
      ? withoutBrokenFields(value, checked.subjects)
      : { value };
    const failed = schemaProblems.length > 0 || ambiguous.length > 0;
    if (failed && value && isBlockKind(value.kind) && typeof value.name === 'string') {
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
    texts,
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
  // A required field reported only through another error (a misspelt `sourcé:`) is still missing.
  for (const field of required) if (!Object.hasOwn(kept, field)) return undefined;
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

export { resolveBeside };

/** Reads the Guard policy files the rule blocks name, each confined to the repository. */
function readAttachments(repo: Repository): void {
  for (const rule of repo.rules.values()) {
    const source = rule.value.source;
    if (!('guard' in source) || !source.guard.file) continue;
    const path = resolveBeside(rule.path, source.guard.file);
    if (repo.attachments.has(path)) continue;
    repo.attachments.set(
      path,
      readUserFile(path, {
        purpose: 'Guard policy file',
        maxBytes: inputFileLimits.guardPolicyFileBytes,
        limitReason: `AWS accepts a Guard policy of at most ${limits.guardPolicyTextLength} characters`,
        limitFix: `Shorten the Guard policy to at most ${limits.guardPolicyTextLength} characters, or split the rule.`,
        root: repo.root,
      }),
    );
  }
}
