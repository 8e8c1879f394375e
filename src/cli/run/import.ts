/** `packsmith import`: the shell around src/import (templates in, blocks and manifests out, a report). */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { fileRefused } from '../../authoring/problems.js';
import { listYamlFiles } from '../../authoring/repository.js';
import { sortDiagnostics, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { formatDiagnosticsText } from '../../diagnostics/format-text.js';
import { inputFileLimits } from '../../facts/limits.js';
import {
  importTemplates,
  schemasFolder,
  type ImportedFile,
  type ImportResult,
  type TemplateFile,
} from '../../import/import.js';
import { readTemplateFile, readUserFile } from '../../source/read-file.js';
import { packageRoot } from '../../util/package-root.js';
import { displayPath } from '../../util/paths.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import type { ImportOutput } from '../../report/schemas/import.js';
import { jsonDocument, processOutput, type OutputFormat } from '../output.js';
import { hasEditorMapping } from './add-rule.js';
import { packageTemplateSource } from '../../generator/package-templates.js';
import { createStepProgress } from '../step-progress.js';

export interface ImportCommandOptions {
  into: string;
  force?: boolean;
  format: OutputFormat;
  /** Parse the templates' Guard policies with cfn-guard; default auto. */
  cfnGuard?: 'auto' | 'require' | 'off';
  /** No progress lines on stderr. */
  quiet?: boolean;
}

const templateExtensions = new Set(['.yaml', '.yml', '.json']);

export async function runImport(args: string[], options: ImportCommandOptions): Promise<number> {
  const io = processOutput();
  const { inputs, refused } = readTemplates(await templatePaths(args));

  const into = resolve(options.into);
  if (existsSync(into) && !statSync(into).isDirectory()) {
    throw new UsageError(`--into ${options.into}: not a directory`);
  }
  const root = dirname(into);
  // With init's editor mapping, files carry no $schema line: the mapping covers every folder depth,
  // and a relative line would override it once the file moves.
  const mapped = hasEditorMapping(root);
  const schemasDir = mapped ? undefined : schemasFolder(root, join(packageRoot(), 'schemas'), existsSync);
  const existing = (await listYamlFiles(into)).map((path) => {
    const read = readUserFile(path, {
      purpose: 'authoring file',
      maxBytes: inputFileLimits.authoringFileBytes,
    });
    if (!read.ok) throw new UsageError(`${displayPath(path)} ${read.message}: ${read.fix}`);
    return { path, text: read.text };
  });
  const { loadCatalog } = await import('../../catalog/catalog.js');
  const { extendCatalog } = await import('../../authoring/catalog-extensions.js');
  // Progress goes to stderr: stdout holds only the report (parseable with --format json).
  const progress = createStepProgress({ stream: process.stderr, quiet: options.quiet === true });
  let result;
  try {
    result = importTemplates(inputs, {
      into,
      schemasDir,
      existing,
      catalogs: { base: loadCatalog, extend: extendCatalog },
      templates: packageTemplateSource(),
      onProgress: (stage, done, total) => progress.step(stage, done, total),
    });
  } finally {
    progress.finish();
  }
  withRefused(result, refused);
  await withGuardFindings(result, inputs, options.cfnGuard ?? 'auto', io);

  // An existing file with other content is never replaced silently.
  const before = new Map(existing.map((f) => [f.path, f.text]));
  const conflicts = result.files.filter((f) => before.has(f.path) && before.get(f.path) !== f.text);
  const blocked = conflicts.length > 0 && !options.force;
  const files: ImportOutput['files'] = [];
  if (!blocked) {
    for (const file of result.files) {
      const status = !before.has(file.path)
        ? 'created'
        : before.get(file.path) === file.text
          ? 'unchanged'
          : 'overwritten';
      if (status !== 'unchanged') await writeAtomically(file);
      files.push({ path: displayPath(file.path), kind: file.kind, status });
    }
  }
  const written = files.filter((f) => f.status !== 'unchanged').length;
  const unchanged = files.length - written;
  const ok = !blocked && result.summary.failed === 0;

  if (options.format === 'json') {
    const report: Omit<ImportOutput, 'schemaVersion' | 'kind'> = {
      ok,
      into: displayPath(into),
      templates: result.templates,
      files,
      conflicts: blocked ? conflicts.map((f) => displayPath(f.path)) : [],
      diagnostics: result.diagnostics,
      summary: { ...result.summary, written, unchanged },
    };
    io.out(jsonDocument('import', report));
    return ok ? ExitCode.ok : ExitCode.failure;
  }

  if (result.diagnostics.length) io.err(formatDiagnosticsText(result.diagnostics, io.paint));
  const s = result.summary;
  if (blocked) {
    io.err(
      `${io.paint.red('import refused:')} ${conflicts.length} file(s) exist with other content; ` +
        'nothing was written (run again with --force to overwrite them):',
    );
    for (const f of conflicts) io.err(`  ${displayPath(f.path)}`);
  } else {
    io.out(`imported ${s.imported} of ${s.templates} template(s) into ${displayPath(into)}`);
    io.out(
      `  ${s.packs} pack(s), ${s.ruleBlocks} rule block(s) for ${s.rules} rule(s), ` +
        `${s.remediationBlocks} remediation block(s) for ${s.remediations} remediation(s); ` +
        `${s.sharedBlocks} shared block(s) (used by two or more packs)`,
    );
    io.out(`  ${written} file(s) written, ${unchanged} unchanged`);
    if (schemasDir === undefined && !mapped && files.length > 0) {
      io.err(
        `note: the files have no $schema line: ${displayPath(root)} has no .packsmith/schemas ` +
          '(packsmith init creates it); see docs/import.md',
      );
    }
  }
  if (s.failed > 0) {
    io.err(
      `${io.paint.red(`${s.failed} template(s) not imported`)}: ` +
        result.templates
          .filter((t) => !t.ok)
          .map((t) => t.file)
          .join(', '),
    );
  }
  return ok ? ExitCode.ok : ExitCode.failure;
}

/**
 * Reads the templates, bounded: a path that is not a regular file is a usage error; a template
 * too large to deploy is not parsed and is reported at its first line.
 */
function readTemplates(paths: readonly string[]): { inputs: TemplateFile[]; refused: Diagnostic[] } {
  const inputs: TemplateFile[] = [];
  const refused: Diagnostic[] = [];
  for (const path of paths) {
    const file = displayPath(path);
    const read = readTemplateFile(path);
    if (read.ok) inputs.push({ path, file, text: read.text });
    else if (read.reason === 'too-large')
      refused.push(fileRefused('this template', read, { file, line: 1, column: 1 }));
    else throw new UsageError(`${file} ${read.message}: ${read.fix}`);
  }
  return { inputs, refused };
}

/**
 * The templates' Guard policies (PolicyText) checked as `validate` checks them, reported at the
 * template line: findings about what is imported, which does not stop the import (the blocks keep
 * the policy as it is, and build and validate report it there).
 */
async function withGuardFindings(
  result: ImportResult,
  inputs: readonly TemplateFile[],
  mode: 'auto' | 'require' | 'off',
  io: ReturnType<typeof processOutput>,
): Promise<void> {
  const { parseYamlSource } = await import('../../source/yaml-source.js');
  const { checkGuardPolicies, templatePolicies, CfnGuardRequiredError } =
    await import('../../validation/guard/policies.js');
  const policies = inputs.flatMap((t) => {
    const source = parseYamlSource(t.file, t.text, { cloudFormation: true });
    return source.syntaxErrors.length ? [] : templatePolicies(source);
  });
  let guard;
  try {
    guard = await checkGuardPolicies(policies, mode);
  } catch (error) {
    if (error instanceof CfnGuardRequiredError) throw new CliError(error.message, ExitCode.failure);
    throw error;
  }
  if (guard.status.ran === false && guard.status.missing) io.err(`packsmith: ${guard.status.reason}`);
  if (guard.diagnostics.length) {
    result.diagnostics = sortDiagnostics([...result.diagnostics, ...guard.diagnostics]);
  }
}

/** Counts the templates that were not read as not imported, with their problems. */
function withRefused(result: ImportResult, refused: readonly Diagnostic[]): void {
  if (refused.length === 0) return;
  for (const d of refused) {
    result.templates.push({ file: d.location!.file, ok: false, rules: 0, remediations: 0 });
  }
  result.templates.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  result.diagnostics = sortDiagnostics([...result.diagnostics, ...refused]);
  result.summary.templates += refused.length;
  result.summary.failed += refused.length;
}

/** The template files the arguments name: files as given, folders by their templates (sorted). */
async function templatePaths(args: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    const path = resolve(arg);
    if (!existsSync(path)) throw new UsageError(`${arg}: no such file or folder`);
    if (statSync(path).isDirectory()) {
      const entries = (await readdir(path, { withFileTypes: true }))
        .filter((e) => e.isFile() && templateExtensions.has(extname(e.name).toLowerCase()))
        .map((e) => join(path, e.name))
        .sort();
      if (entries.length === 0)
        throw new UsageError(`${arg}: the folder has no .yaml, .yml or .json template`);
      out.push(...entries);
    } else out.push(path);
  }
  return [...new Set(out)];
}

/** Writes through a temporary file and a rename, creating the folder when needed. */
async function writeAtomically(file: ImportedFile): Promise<void> {
  await mkdir(dirname(file.path), { recursive: true });
  const temp = `${file.path}.${process.pid}.tmp`;
  await writeFile(temp, file.text, 'utf8');
  await rename(temp, file.path);
}
