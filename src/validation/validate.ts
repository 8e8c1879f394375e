/**
 * `packsmith validate`: authoring files and templates in, one ValidationReport out. Reading files
 * and running cfn-lint happen here; the checks themselves are pure (validate-template.ts,
 * authoring/compose.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { fileRefused } from '../authoring/problems.js';
import type { Repository } from '../authoring/repository.js';
import { isAuthoringKind } from '../authoring/schema.js';
import { catalogDataDir, catalogDataFiles } from '../catalog/catalog.js';
import type { Catalog } from '../catalog/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { finalizeDiagnostics } from '../diagnostics/pipeline.js';
import { inputFileLimits } from '../facts/limits.js';
import { readTemplateFile, readUserFile, type FileRead } from '../source/read-file.js';
import { preloadYamlLibrary } from '../source/yaml-library.js';
import { parseYamlSource, type YamlSource } from '../source/yaml-source.js';
import { packageRoot } from '../util/package-root.js';
import { displayPath } from '../util/paths.js';
import { closest } from '../util/suggest.js';
import { packsmithVersion } from '../util/version.js';
import { attachFile } from './cfn-lint/map.js';
import type { CfnLintMode } from './cfn-lint/types.js';
import {
  checkCacheKey,
  codeFingerprint,
  readCheckCacheEntry,
  storeCheckCacheEntries,
  withoutFile,
  type CheckCacheEntry,
  type FileKind,
} from './check-cache.js';
import type { CfnGuardMode } from './guard/engine.js';
import {
  checkGuardPolicies,
  repositoryPolicies,
  templatePolicies,
  type GuardPolicy,
} from './guard/policies.js';
import type { Config } from './config.js';
import { checkRuleInfo } from './checks-doc.js';
import { allChecks } from './registry.js';
import type { RuleInfo, ValidationReport } from './report.js';
import { builtFromManifest, originOf } from './source-map.js';
import { isObject } from './template-values.js';
import { checkTemplate, locateFindings } from './validate-template.js';
import { templateShape } from './checks/template-shape.js';

export type ValidateStage = 'reading files' | 'checking templates' | 'cfn-lint batches';

export interface ValidateOptions {
  paths: string[];
  inline: boolean;
  strict: boolean;
  cfnLint: CfnLintMode;
  /** Parse Guard policies with cfn-guard: auto (when found), require, off; default auto. */
  cfnGuard?: CfnGuardMode;
  /** cfn-lint result cache folder; undefined: no cache. */
  cacheDir?: string;
  /** Cache folder of packsmith's own per-file results (check-cache.ts); undefined: no cache. */
  checksCacheDir?: string;
  /** Told how far the work is: files read, templates checked, cfn-lint batches done. */
  onProgress?: (stage: ValidateStage, done: number, total: number) => void;
  config?: Config;
  /** Regions the packs are meant for: managed rules unavailable there are reported (PS230). */
  regions?: readonly string[];
}

/** A path that does not exist or cannot be read: a usage problem, not a finding. */
export class InputError extends Error {}

const templateExtensions = new Set(['.yaml', '.yml', '.json', '.template']);

interface InputFile {
  path: string;
  file: string;
  text: string;
  /** Parsed on first use: a file the cache answers is never parsed. */
  readonly source: YamlSource;
  kind: FileKind;
  /** Its key in the checks cache, and what the cache held for it. */
  key?: string;
  cached?: CheckCacheEntry;
}

function inputFile(path: string, file: string, text: string): Omit<InputFile, 'kind'> {
  let parsed: YamlSource | undefined;
  return {
    path,
    file,
    text,
    get source() {
      return (parsed ??= parseYamlSource(file, text, { cloudFormation: true }));
    },
  };
}

/** What a file is from its parsed text; the order of the tests is the order of precedence. */
function kindOf(source: YamlSource): FileKind {
  const value = source.value;
  if (isObject(value) && isAuthoringKind(value.kind)) return 'authoring';
  if (isObject(value) && ('Resources' in value || 'AWSTemplateFormatVersion' in value)) return 'template';
  return source.syntaxErrors.length ? 'broken' : 'neither';
}

export async function validate(options: ValidateOptions): Promise<ValidationReport> {
  const files = await expandPaths(options.paths.length ? options.paths : ['.']);
  const authoring: InputFile[] = [];
  const templates: InputFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const refused: string[] = [];
  const newEntries: Array<[string, CheckCacheEntry]> = [];

  const progress = options.onProgress ?? (() => undefined);
  const reads: Array<{ path: string; explicit: boolean; file: string; read: FileRead }> = [];
  for (const [index, { path, explicit }] of files.entries()) {
    progress('reading files', index + 1, files.length);
    reads.push({ path, explicit, file: displayPath(path), read: readInput(path) });
  }
  const cache = checksCache(options);
  const looked = await Promise.all(
    reads.map(async ({ read }) => {
      if (!cache || !read.ok) return undefined;
      const key = cache.keyOf(read.text);
      return { key, entry: await readCheckCacheEntry(cache.dir, key) };
    }),
  );
  // A file the cache does not answer is checked, and findings are located with the `yaml` library:
  // loaded now as one chunk, not later module by module from its package.
  if (reads.some(({ read }, i) => read.ok && !looked[i]?.entry)) await preloadYamlLibrary();
  for (const [index, { path, explicit, file, read }] of reads.entries()) {
    if (!read.ok) {
      if (read.reason !== 'too-large') throw new InputError(`${file} ${read.message}: ${read.fix}`);
      diagnostics.push(fileRefused('this file', read, { file, line: 1, column: 1 }));
      refused.push(file);
      continue;
    }
    const hit = looked[index];
    const base = inputFile(path, file, read.text);
    const input: InputFile = Object.defineProperties(
      { kind: hit?.entry?.kind ?? kindOf(base.source) } as InputFile,
      Object.getOwnPropertyDescriptors(base),
    );
    if (hit) input.key = hit.key;
    if (hit?.entry) input.cached = hit.entry;
    if (input.kind === 'authoring') authoring.push(input);
    else if (input.kind === 'template') templates.push(input);
    else if (input.kind === 'broken') {
      if (repositoryRootOf(path)) authoring.push(input);
      else {
        templates.push(input);
      }
    } else if (explicit) {
      diagnostics.push({
        checkId: templateShape.meta.id,
        severity: templateShape.meta.severity,
        message:
          'this file is neither a conformance pack template (no Resources) nor a packsmith authoring file (no kind)',
        fix: 'Pass conformance pack templates or files under packs/.',
        location: { file, line: 1, column: 1 },
      });
    }
  }

  // Nothing to check is an invocation that cannot be meant (a wrong folder, a CI job pointed at
  // the wrong place): a usage error, so it never passes as "no problems".
  if (authoring.length === 0 && templates.length === 0 && diagnostics.length === 0) {
    throw new InputError(
      `${options.paths.length ? options.paths.join(', ') : 'the current folder'}: no conformance pack template or packsmith authoring file to check (looked for ${[...templateExtensions].map((e) => `*${e}`).join(', ')} files with Resources or a kind)`,
    );
  }

  // Authoring files: each repository is checked whole, exactly as `build` checks it (so references
  // resolve and both commands agree); only the findings in the files asked for are reported.
  const repositories = new Map<string, Repository>();
  // The authoring stack (schemas, composition, rendering) is loaded only when a repository is:
  // templates alone, or a run the cache answers, do without it.
  const repositoryFor = async (root: string) => {
    let repo = repositories.get(root);
    if (!repo) {
      const { loadRepository } = await import('../authoring/repository.js');
      repositories.set(root, (repo = await loadRepository(root)));
    }
    return repo;
  };
  const asked = new Set(authoring.map((a) => a.file));
  const policies: GuardPolicy[] = [];
  for (const root of new Set(authoring.map((a) => repositoryRootOf(a.path) ?? dirname(a.path)))) {
    const repo = await repositoryFor(root);
    const [{ checkRepository }, { packageTemplateSource }] = await Promise.all([
      import('./check-built.js'),
      import('../generator/package-templates.js'),
    ]);
    for (const d of checkRepository(repo, [], packageTemplateSource(), {
      regions: options.regions ?? [],
    }).diagnostics) {
      if (!d.location || asked.has(d.location.file)) diagnostics.push(d);
    }
    policies.push(...repositoryPolicies(repo).filter((p) => asked.has(p.owner)));
  }

  // Templates: packsmith's own checks (from the cache when it knows the text), then cfn-lint over
  // all of them at once.
  const { catalog, shipped } = await catalogFor(authoring, templates, repositoryFor);
  const remember = (t: InputFile, found?: readonly Diagnostic[]) => {
    if (!cache || t.key === undefined) return;
    const stored = found?.map(withoutFile);
    if (stored?.every((d) => d !== undefined))
      newEntries.push([t.key, { kind: t.kind, diagnostics: stored }]);
    else if (!t.cached) newEntries.push([t.key, { kind: t.kind }]);
  };
  for (const [index, t] of templates.entries()) {
    progress('checking templates', index + 1, templates.length);
    const known = shipped ? t.cached?.diagnostics : undefined;
    if (known && (t.kind === 'broken' || !builtFromManifest(t.text))) {
      diagnostics.push(...known.map((d) => attachFile(d, t.file)));
      continue;
    }
    if (t.kind === 'broken') {
      diagnostics.push(...t.source.syntaxErrors);
      remember(t, shipped ? t.source.syntaxErrors : undefined);
      continue;
    }
    const held = templatePolicies(t.source);
    policies.push(...held);
    const findings = checkTemplate(t.source, catalog, {
      inline: options.inline,
      regions: options.regions ?? [],
    });
    const manifest = builtFromManifest(t.text);
    const pack = manifest ? await builtPack(t.path, manifest, repositoryFor) : undefined;
    const located = locateFindings(t.source, findings);
    // Known from the text alone: checked against the shipped catalog, no Guard policy to parse, not
    // mapped to authoring files.
    remember(t, shipped && held.length === 0 && !manifest ? located : undefined);
    if (!pack) {
      diagnostics.push(...located);
      continue;
    }
    findings.forEach((f, i) => {
      const inTemplate = located[i]!.location!;
      const origin = originOf(pack, f.path);
      diagnostics.push({
        ...located[i]!,
        message: `${f.message} (in ${inTemplate.file}:${inTemplate.line}:${inTemplate.column})`,
        ...(origin ? { location: origin } : {}),
      });
    });
  }

  const rules = new Map<string, RuleInfo>(allChecks().map((c) => [c.id, checkRuleInfo(c)]));
  const { runCfnLint } = await import('./cfn-lint/run.js');
  const lint = await runCfnLint(
    templates.filter((t) => t.kind !== 'broken').map((t) => ({ file: t.file, path: t.path, text: t.text })),
    {
      mode: options.cfnLint,
      packsmithVersion: packsmithVersion(),
      ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
      onBatch: (done, total) => progress('cfn-lint batches', done, total),
    },
  );
  diagnostics.push(...lint.diagnostics);
  for (const r of lint.rules) rules.set(r.id, r);

  // What this run learnt about files the cache did not know: kept for the next run.
  for (const t of authoring) remember(t);
  // A cache that cannot be written only makes the next run slower (as cfn-lint's cache).
  if (cache) await storeCheckCacheEntries(cache.dir, newEntries);

  // Guard policies of the rule blocks and templates asked for, parsed by the real engine.
  const guard = await checkGuardPolicies(policies, options.cfnGuard ?? 'auto');
  diagnostics.push(...guard.diagnostics);

  // One pipeline: duplicates merged, the repository's configuration, then inline markers.
  const texts = new Map([...authoring, ...templates].map((f) => [f.file, f.text]));
  const final = finalizeDiagnostics({
    diagnostics,
    suppressed: lint.suppressed.map((s) => ({ ...s, by: 'config' as const })),
    ...(options.config?.checks ? { settings: options.config.checks } : {}),
    files: texts,
    checks: allChecks(),
  });

  return {
    files: [...new Set([...authoring, ...templates].map((f) => f.file).concat(refused))].sort(),
    diagnostics: final.diagnostics,
    suppressed: final.suppressed,
    rules: [...rules.values()],
    tool: {
      version: packsmithVersion(),
      cfnLint:
        lint.status.ran === true
          ? { ran: true, version: lint.status.version }
          : { ran: false, reason: lint.status.reason },
      cfnGuard:
        guard.status.ran === true
          ? { ran: true, version: guard.status.version }
          : {
              ran: false,
              reason: guard.status.reason,
              ...(guard.status.missing ? { missing: true } : {}),
            },
    },
    strict: options.strict,
  };
}

/**
 * A file given to validate, bounded: a regular file only; a template within the size AWS can
 * deploy, a file under packs/ within the authoring file limit.
 */
function readInput(path: string): FileRead {
  return repositoryRootOf(path)
    ? readUserFile(path, { purpose: 'authoring file', maxBytes: inputFileLimits.authoringFileBytes })
    : readTemplateFile(path);
}

/** Every template or authoring file a path names; a folder means the files in it, recursively. */
async function expandPaths(paths: string[]): Promise<Array<{ path: string; explicit: boolean }>> {
  const out: Array<{ path: string; explicit: boolean }> = [];
  for (const p of paths) {
    const abs = resolve(p);
    if (!existsSync(abs)) throw new InputError(`${p}: no such file or folder${siblingHint(abs)}`);
    if (statSync(abs).isDirectory()) {
      for (const f of await walk(abs)) out.push({ path: f, explicit: false });
    } else out.push({ path: abs, explicit: true });
  }
  const seen = new Set<string>();
  return out.filter((f) => !seen.has(f.path) && seen.add(f.path));
}

/** " (did you mean …?)" over the names beside a path that does not exist. */
function siblingHint(abs: string): string {
  let names: string[];
  try {
    names = readdirSync(dirname(abs));
  } catch {
    return '';
  }
  const [best] = closest(basename(abs), names, 1);
  return best === undefined ? '' : ` (did you mean ${join(dirname(displayPath(abs)), best)}?)`;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile() && templateExtensions.has(extname(entry.name).toLowerCase())) out.push(full);
  }
  return out.sort();
}

/** The repository an authoring file belongs to: the folder holding its `packs/` ancestor. */
function repositoryRootOf(path: string): string | undefined {
  const parts = path.split(sep);
  const i = parts.lastIndexOf('packs');
  return i > 0 ? parts.slice(0, i).join(sep) || sep : undefined;
}

/** The catalog with the repository's extensions when the files come from one repository. */
async function catalogFor(
  authoring: InputFile[],
  templates: InputFile[],
  repositoryFor: (root: string) => Promise<Repository>,
): Promise<{ catalog: Catalog; shipped: boolean }> {
  const roots = new Set(
    [...authoring, ...templates]
      .map((f) => repositoryRootOf(f.path))
      .filter((r): r is string => r !== undefined),
  );
  const cwdRoot = existsSync(join(process.cwd(), 'packs')) ? process.cwd() : undefined;
  const root = roots.size === 1 ? [...roots][0]! : cwdRoot;
  if (root) return { catalog: (await repositoryFor(root)).catalog, shipped: false };
  const { loadCatalog } = await import('../catalog/catalog.js');
  return { catalog: loadCatalog(), shipped: true };
}

/** The checks cache of this run, when asked for: its folder and how a text becomes a key. */
function checksCache(options: ValidateOptions): { dir: string; keyOf: (text: string) => string } | undefined {
  const dir = options.checksCacheDir;
  if (dir === undefined) return undefined;
  const root = packageRoot();
  const code = codeFingerprint(Object.values(catalogDataFiles).map((f) => join(root, catalogDataDir, f)));
  const checkIds = allChecks().map((c) => `${c.id}:${c.severity}`);
  const base = {
    packsmithVersion: packsmithVersion(),
    code,
    checkIds,
    inline: options.inline,
    regions: options.regions ?? [],
  };
  return { dir, keyOf: (text) => checkCacheKey({ ...base, text }) };
}

/** The composed pack a packsmith-built template came from, when its repository is at hand. */
async function builtPack(
  templatePath: string,
  manifest: string,
  repositoryFor: (root: string) => Promise<Repository>,
) {
  const candidates = [process.cwd()];
  for (let dir = dirname(templatePath); ; dir = dirname(dir)) {
    candidates.push(dir);
    if (dirname(dir) === dir) break;
  }
  for (const base of candidates) {
    const manifestPath = resolve(base, manifest);
    if (!existsSync(manifestPath)) continue;
    const root = repositoryRootOf(manifestPath);
    if (!root) continue;
    const repo = await repositoryFor(root);
    const name = [...repo.packs.values()].find((p) => p.path === manifestPath)?.value.name;
    if (!name) return undefined;
    const { composeRepository } = await import('../authoring/compose.js');
    return composeRepository(repo, [name]).packs[0];
  }
  return undefined;
}
