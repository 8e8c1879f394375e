/**
 * `packsmith validate`: authoring files and templates in, one ValidationReport out. Reading files
 * and running cfn-lint happen here; the checks themselves are pure (validate-template.ts,
 * authoring/compose.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { composeRepository } from '../authoring/compose.js';
import { fileRefused } from '../authoring/problems.js';
import { loadRepository, type Repository } from '../authoring/repository.js';
import { isAuthoringKind } from '../authoring/schema-validate.js';
import type { Catalog } from '../catalog/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { finalizeDiagnostics } from '../diagnostics/pipeline.js';
import { packageTemplateSource } from '../generator/package-templates.js';
import { inputFileLimits } from '../facts/limits.js';
import { readTemplateFile, readUserFile, type FileRead } from '../source/read-file.js';
import { parseYamlSource, type YamlSource } from '../source/yaml-source.js';
import { displayPath } from '../util/paths.js';
import { closest } from '../util/suggest.js';
import { packsmithVersion } from '../util/version.js';
import type { CfnLintMode } from './cfn-lint/types.js';
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
import { checkRepository } from './check-built.js';
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
  source: YamlSource;
}

export async function validate(options: ValidateOptions): Promise<ValidationReport> {
  const files = await expandPaths(options.paths.length ? options.paths : ['.']);
  const authoring: InputFile[] = [];
  const templates: InputFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const refused: string[] = [];

  const progress = options.onProgress ?? (() => undefined);
  for (const [index, { path, explicit }] of files.entries()) {
    progress('reading files', index + 1, files.length);
    const file = displayPath(path);
    const read = readInput(path);
    if (!read.ok) {
      if (read.reason !== 'too-large') throw new InputError(`${file} ${read.message}: ${read.fix}`);
      diagnostics.push(fileRefused('this file', read, { file, line: 1, column: 1 }));
      refused.push(file);
      continue;
    }
    const text = read.text;
    const source = parseYamlSource(file, text, { cloudFormation: true });
    const value = source.value;
    const input = { path, file, text, source };
    if (isObject(value) && isAuthoringKind(value.kind)) authoring.push(input);
    else if (isObject(value) && ('Resources' in value || 'AWSTemplateFormatVersion' in value))
      templates.push(input);
    else if (source.syntaxErrors.length) {
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
  const repositoryFor = async (root: string) => {
    let repo = repositories.get(root);
    if (!repo) repositories.set(root, (repo = await loadRepository(root)));
    return repo;
  };
  const asked = new Set(authoring.map((a) => a.file));
  const policies: GuardPolicy[] = [];
  for (const root of new Set(authoring.map((a) => repositoryRootOf(a.path) ?? dirname(a.path)))) {
    const repo = await repositoryFor(root);
    for (const d of checkRepository(repo, [], packageTemplateSource(), {
      regions: options.regions ?? [],
    }).diagnostics) {
      if (!d.location || asked.has(d.location.file)) diagnostics.push(d);
    }
    policies.push(...repositoryPolicies(repo).filter((p) => asked.has(p.owner)));
  }

  // Templates: packsmith's own checks, then cfn-lint over all of them at once.
  const catalog = await catalogFor(authoring, templates, repositoryFor);
  for (const [index, t] of templates.entries()) {
    progress('checking templates', index + 1, templates.length);
    if (t.source.syntaxErrors.length) {
      diagnostics.push(...t.source.syntaxErrors);
      continue;
    }
    policies.push(...templatePolicies(t.source));
    const findings = checkTemplate(t.source, catalog, {
      inline: options.inline,
      regions: options.regions ?? [],
    });
    const manifest = builtFromManifest(t.text);
    const pack = manifest ? await builtPack(t.path, manifest, repositoryFor) : undefined;
    const located = locateFindings(t.source, findings);
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
    templates
      .filter((t) => t.source.syntaxErrors.length === 0)
      .map((t) => ({ file: t.file, path: t.path, text: t.text })),
    {
      mode: options.cfnLint,
      packsmithVersion: packsmithVersion(),
      ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
      onBatch: (done, total) => progress('cfn-lint batches', done, total),
    },
  );
  diagnostics.push(...lint.diagnostics);
  for (const r of lint.rules) rules.set(r.id, r);

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
): Promise<Catalog> {
  const roots = new Set(
    [...authoring, ...templates]
      .map((f) => repositoryRootOf(f.path))
      .filter((r): r is string => r !== undefined),
  );
  const cwdRoot = existsSync(join(process.cwd(), 'packs')) ? process.cwd() : undefined;
  const root = roots.size === 1 ? [...roots][0]! : cwdRoot;
  if (root) return (await repositoryFor(root)).catalog;
  const { loadCatalog } = await import('../catalog/catalog.js');
  return loadCatalog();
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
    return composeRepository(repo, [name]).packs[0];
  }
  return undefined;
}
