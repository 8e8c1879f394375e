/**
 * `packsmith import`, without the I/O: templates in, the files to write and a report out.
 *
 * 1. Each template is read and checked (read-template.ts); one that cannot be expressed is
 *    reported at its file:line:column and left out, the others go on.
 * 2. The rules of all templates are grouped into shared blocks and the manifests are planned
 *    (plan.ts), then written as YAML (emit.ts).
 * 3. The result is proven: the planned files are loaded and built in memory like `packsmith build`
 *    does, and each built template is compared with its original (equivalence.ts). A template whose
 *    pack does not build, or builds into something not equivalent, is reported and left out, and
 *    the others are planned again without it.
 */
import { dirname, isAbsolute, join, relative } from 'node:path';
import jsyaml from 'js-yaml';
import { authoringChecks } from '../authoring/problems.js';
import { parseRepository, type CatalogProvider, type InputFile } from '../authoring/repository.js';
import { schemaReference } from '../authoring/scaffold.js';
import {
  hasErrors,
  sortDiagnostics,
  type Diagnostic,
  type SourceLocation,
} from '../diagnostics/diagnostic.js';
import { buildRepository, type TemplateSource } from '../generator/build.js';
import { displayPath } from '../util/paths.js';
import { authoringYaml } from './emit.js';
import { templateDifferences } from './equivalence.js';
import { planImport, type FileKind, type ImportPlan, type PlannedFile } from './plan.js';
import { parseYamlSource, type YamlPath } from '../source/yaml-source.js';
import {
  readTemplate,
  type ImportedRule,
  type ImportedTemplate,
  type TemplateFile,
} from './read-template.js';

export type { TemplateFile } from './read-template.js';

export interface ImportOptions {
  /** Absolute path of the folder the blocks and manifests go to (a repository's `packs/`). */
  into: string;
  /**
   * Absolute path of the folder with packsmith's JSON Schemas, for the `$schema` line (see
   * `schemasFolder`); without it the files have no `$schema` line.
   */
  schemasDir?: string;
  /** YAML files already in `into`: their names are not reused, and the check builds with them. */
  existing?: readonly InputFile[];
  catalogs: CatalogProvider;
  templates: TemplateSource;
  /** Build the result in memory and compare it with the originals (default: true). */
  verify?: boolean;
  /**
   * How far the import is: `done` of `total` templates of `stage`. Comparing starts again from 1 when
   * a template is left out and the others are planned and built again.
   */
  onProgress?: (stage: ImportStage, done: number, total: number) => void;
}

/** The stages of an import that take time with many templates. */
export type ImportStage = 'reading templates' | 'comparing rebuilt templates';

export interface ImportedFile {
  kind: FileKind;
  name: string;
  /** Absolute path. */
  path: string;
  /** Relative to `into`, with `/`. */
  relative: string;
  text: string;
}

export interface TemplateReport {
  /** Display path of the template. */
  file: string;
  ok: boolean;
  pack?: string;
  /** Display path of the manifest written for it. */
  manifest?: string;
  rules: number;
  remediations: number;
}

export interface ImportSummary {
  templates: number;
  imported: number;
  failed: number;
  packs: number;
  ruleBlocks: number;
  remediationBlocks: number;
  /** Blocks that two or more packs use. */
  sharedBlocks: number;
  rules: number;
  remediations: number;
}

export interface ImportResult {
  files: ImportedFile[];
  templates: TemplateReport[];
  diagnostics: Diagnostic[];
  summary: ImportSummary;
}

export function importTemplates(inputs: readonly TemplateFile[], options: ImportOptions): ImportResult {
  const diagnostics: Diagnostic[] = [];
  const read = new Map<string, ImportedTemplate | undefined>();
  for (const [i, input] of inputs.entries()) {
    const result = readTemplate(input);
    diagnostics.push(...result.diagnostics);
    read.set(input.file, result.template);
    options.onProgress?.('reading templates', i + 1, inputs.length);
  }
  const existing = options.existing ?? [];
  const reserved = reservedNames(existing, options.into);
  const catalog = options.catalogs.base();
  const requiredInputs = (rule: ImportedRule): ReadonlySet<string> => {
    if (!('managed' in rule.source)) return new Set();
    const managed = catalog.rule(rule.source.managed);
    return new Set(
      managed?.parameters.filter((p) => !p.optional && p.default === undefined).map((p) => p.name),
    );
  };

  let candidates = [...read.values()].filter((t): t is ImportedTemplate => t !== undefined);
  let plan: ImportPlan;
  let files: ImportedFile[];
  let warnings: Diagnostic[] = [];
  for (;;) {
    plan = planImport(candidates, { reserved, requiredInputs });
    files = plan.files.map((f) => {
      const path = join(options.into, ...f.path.split('/'));
      return {
        kind: f.kind,
        name: f.name,
        path,
        relative: f.path,
        text: authoringYaml(
          f.value,
          options.schemasDir === undefined
            ? undefined
            : schemaReference(dirname(path), options.schemasDir, f.kind),
          f.comment,
        ),
      };
    });
    if (options.verify === false || candidates.length === 0) break;
    const failures = verify(plan, files, existing, options);
    warnings = failures.warnings;
    if (failures.failed.size === 0) break;
    for (const problems of failures.failed.values()) diagnostics.push(...problems);
    candidates = candidates.filter((t) => !failures.failed.has(t.file));
  }
  diagnostics.push(...warnings);

  const byFile = new Map(plan.packs.map((p) => [p.template.file, p]));
  const templates: TemplateReport[] = inputs.map((input) => {
    const planned = byFile.get(input.file);
    if (!planned) return { file: input.file, ok: false, rules: 0, remediations: 0 };
    return {
      file: input.file,
      ok: true,
      pack: planned.name,
      manifest: displayPath(join(options.into, planned.manifest)),
      rules: planned.rules,
      remediations: planned.remediations,
    };
  });
  const imported = templates.filter((t) => t.ok).length;
  return {
    files,
    templates,
    diagnostics: sortDiagnostics(dedupe(diagnostics)),
    summary: {
      templates: inputs.length,
      imported,
      failed: inputs.length - imported,
      packs: plan.packs.length,
      ruleBlocks: plan.ruleBlocks,
      remediationBlocks: plan.remediationBlocks,
      sharedBlocks: plan.sharedBlocks,
      rules: plan.rules,
      remediations: plan.remediations,
    },
  };
}

/**
 * The folder the `$schema` lines of files imported into `<root>/packs` point to: the repository's
 * own copy of the schemas (`<root>/.packsmith/schemas`, which `packsmith init` writes), else the
 * schemas of the packsmith installation when that lies inside the repository (a project-local
 * `node_modules/packsmith`, the same relative path on every clone), else none: a path into a global
 * installation or someone's home folder would be wrong on every other machine.
 */
export function schemasFolder(
  root: string,
  installedSchemas: string,
  exists: (path: string) => boolean,
): string | undefined {
  const own = join(root, '.packsmith', 'schemas');
  if (exists(own)) return own;
  const rel = relative(root, installedSchemas);
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  return inside && exists(installedSchemas) ? installedSchemas : undefined;
}

/** Names of blocks and packs defined by files of `into` that the import does not write. */
function reservedNames(existing: readonly InputFile[], into: string): Record<FileKind, string[]> {
  const out: Record<FileKind, string[]> = { rule: [], remediation: [], pack: [] };
  const folder: Record<FileKind, string[]> = { rule: ['rules'], remediation: ['remediations'], pack: [] };
  for (const file of existing) {
    let value: unknown;
    try {
      value = jsyaml.load(file.text, { schema: jsyaml.CORE_SCHEMA });
    } catch {
      continue;
    }
    const { kind, name } = (value ?? {}) as { kind?: unknown; name?: unknown };
    if ((kind !== 'rule' && kind !== 'remediation' && kind !== 'pack') || typeof name !== 'string') continue;
    // The file the import would write for this name: a name defined there can be written again.
    const own = join(into, ...folder[kind], `${name}.yaml`);
    if (own.toLowerCase() !== file.path.toLowerCase()) out[kind].push(name);
  }
  return out;
}

interface Verification {
  /** Template file → why its pack is not right. */
  failed: Map<string, Diagnostic[]>;
  /** Warnings of the build, located in the planned files. */
  warnings: Diagnostic[];
}

/** Builds the planned files in memory and compares each pack with its template. */
function verify(
  plan: ImportPlan,
  files: readonly ImportedFile[],
  existing: readonly InputFile[],
  options: ImportOptions,
): Verification {
  const planned = new Set(files.map((f) => f.path));
  const repoFiles: InputFile[] = [
    ...existing.filter((f) => !planned.has(f.path)),
    ...files.map((f) => ({ path: f.path, text: f.text })),
  ];
  const repo = parseRepository(dirname(options.into), options.into, repoFiles, options.catalogs);
  const packNames = plan.packs.map((p) => p.name);
  const build = buildRepository(repo, packNames, options.templates, { readme: false });

  const packByName = new Map(plan.packs.map((p) => [p.name, p]));
  const fileByPath = new Map(
    plan.files.map((f) => [displayPath(join(options.into, ...f.path.split('/'))), f]),
  );
  const failed = new Map<string, Diagnostic[]>();
  /** `where`: a block name (its resources), a template path, or nothing (the file's start). */
  const fail = (pack: string, message: string, where?: { block: string } | { path: YamlPath }) => {
    const planned = packByName.get(pack);
    if (!planned) return;
    const file = planned.template.file;
    const list = failed.get(file) ?? [];
    // A block's problem is shown at the resources that became that block.
    const paths: YamlPath[] =
      where === undefined
        ? []
        : 'path' in where
          ? [where.path]
          : (planned.resourcesOfBlock.get(where.block) ?? []).map((id) => ['Resources', id]);
    const locations = paths.length
      ? paths.map((path) => planned.template.locate(path, 'key'))
      : [{ file, line: 1, column: 1 }];
    for (const location of locations) {
      if (list.length < 5 && !list.some((d) => d.message === message && d.location?.line === location.line)) {
        list.push(importProblem(location, message));
      }
    }
    failed.set(file, list);
  };
  const warnings: Diagnostic[] = [];
  for (const d of build.diagnostics) {
    const source = d.location ? fileByPath.get(d.location.file) : undefined;
    if (!source) continue; // a problem of a file the import does not write
    if (d.severity !== 'error') {
      warnings.push(d);
      continue;
    }
    const where = d.location
      ? ` (in the generated ${d.location.file}:${d.location.line}:${d.location.column})`
      : '';
    for (const pack of source.packs) {
      const origin =
        source.kind === 'pack'
          ? manifestOrigin(files, source, d.location!.line, packByName.get(pack)!.template)
          : { block: source.name };
      fail(pack, `the imported pack does not build: ${d.message} [${d.checkId}]${where}`, origin);
    }
  }
  if (hasErrors(build.diagnostics)) {
    // Packs that failed to compose without a located error in their own files (e.g. a shared cause).
    const built = new Set(build.built.map((b) => b.name));
    for (const name of packNames) {
      const file = packByName.get(name)!.template.file;
      if (!built.has(name) && !failed.has(file)) fail(name, 'the imported pack does not build');
    }
  }
  for (const [i, built] of build.built.entries()) {
    const template = packByName.get(built.name)!.template;
    const differences = templateDifferences(
      template.original,
      jsyaml.load(built.template, { schema: jsyaml.CORE_SCHEMA }),
      3,
    );
    for (const difference of differences) {
      fail(built.name, `the imported pack would not rebuild into an equivalent template: ${difference}`);
    }
    options.onProgress?.('comparing rebuilt templates', i + 1, build.built.length);
  }
  return { failed, warnings };
}

/**
 * The part of the template a line of its generated manifest came from: a rule or remediation
 * include (rules[i] is the template's i-th rule), a parameter or a condition.
 */
function manifestOrigin(
  files: readonly ImportedFile[],
  manifest: PlannedFile,
  line: number,
  template: ImportedTemplate,
): { path: YamlPath } | undefined {
  const text = files.find((f) => f.kind === 'pack' && f.name === manifest.name)?.text;
  if (text === undefined) return undefined;
  const source = parseYamlSource(manifest.path, text);
  const within = (path: YamlPath) => {
    const at = source.locate(path);
    return source.has(path) && line >= at.line && line <= (at.endLine ?? at.line);
  };
  const rule = template.rules.findIndex((_, i) => within(['rules', i]));
  if (rule >= 0) return { path: ['Resources', template.rules[rule]!.logicalId] };
  const remediation = template.remediations.findIndex((_, i) => within(['remediations', i]));
  if (remediation >= 0) return { path: ['Resources', template.remediations[remediation]!.logicalId] };
  for (const section of ['parameters', 'conditions'] as const) {
    const name = Object.keys(template[section]).find((n) => within([section, n]));
    if (name !== undefined) return { path: [section === 'parameters' ? 'Parameters' : 'Conditions', name] };
  }
  return undefined;
}

function importProblem(location: SourceLocation, message: string): Diagnostic {
  const meta = authoringChecks['import-template'];
  return {
    checkId: meta.id,
    severity: meta.severity,
    message,
    fix: 'Author this pack by hand, or change the template so that every part of it is expressible.',
    location,
  };
}

function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.checkId}|${d.location?.file}|${d.location?.line}|${d.location?.column}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
