/** `packsmith build`: the shell around the generator (files in, files out, a report). */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadRepository } from '../../authoring/repository.js';
import { hasErrors, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { formatDiagnosticsText, summarize } from '../../diagnostics/format-text.js';
import { finalizeDiagnostics } from '../../diagnostics/pipeline.js';
import { checkRepository } from '../../validation/check-built.js';
import { allChecks } from '../../validation/registry.js';
import { packageTemplateSource } from '../../generator/package-templates.js';
import { displayPath } from '../../util/paths.js';
import { closest } from '../../util/suggest.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { jsonDocument, processOutput, type OutputFormat } from '../output.js';
import { loadRepositoryConfig } from './repository-config.js';

export async function runBuild(
  names: string[],
  options: {
    out: string;
    root: string;
    format: OutputFormat;
    docs: boolean;
    strict?: boolean;
    config?: string;
  },
): Promise<number> {
  const io = processOutput();
  const config = loadRepositoryConfig(options.config, options.root, io);
  const repo = await loadRepository(options.root);
  if (repo.packs.size === 0 && repo.diagnostics.length === 0) {
    throw new CliError(
      `no pack manifests (kind: pack) under ${displayPath(repo.packsDir)}; create one with \`packsmith init\``,
    );
  }
  for (const name of names) {
    if (!repo.packs.has(name) && !repo.broken.pack.has(name)) {
      const hint = closest(name, repo.packs.keys(), 1)[0];
      throw new UsageError(`there is no pack named "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
  }
  const result = checkRepository(repo, names, packageTemplateSource(), { readme: options.docs });
  const { diagnostics, suppressed } = finalizeDiagnostics({
    diagnostics: result.diagnostics,
    ...(config?.checks ? { settings: config.checks } : {}),
    files: repo.texts,
    checks: allChecks(),
  });
  const failed =
    hasErrors(diagnostics) || (options.strict === true && diagnostics.some((d) => d.severity === 'warning'));

  const written: Array<{
    pack: string;
    template: string;
    readme?: string;
    bytes: number;
    unchanged: boolean;
  }> = [];
  if (!failed) {
    const outDir = resolve(options.out);
    await mkdir(outDir, { recursive: true });
    for (const built of result.built) {
      const templatePath = join(outDir, `${built.name}.yaml`);
      const unchanged = await writeIfChanged(templatePath, built.template);
      const entry: (typeof written)[number] = {
        pack: built.name,
        template: displayPath(templatePath),
        bytes: built.bytes,
        unchanged,
      };
      if (options.docs) {
        const readmePath = join(outDir, `${built.name}.md`);
        await writeIfChanged(readmePath, built.readme);
        entry.readme = displayPath(readmePath);
      }
      written.push(entry);
    }
  }

  if (options.format === 'json') {
    io.out(
      jsonDocument('build', {
        ok: !failed,
        packs: written,
        diagnostics,
        suppressed,
        summary: { ...summarize(diagnostics), suppressed: suppressed.length },
      }),
    );
  } else {
    if (diagnostics.length) io.err(formatDiagnosticsText(diagnostics, io.paint));
    for (const w of written) {
      io.out(
        `${io.paint.green('built')} ${w.template} (${w.bytes} bytes${w.unchanged ? ', unchanged' : ''})`,
      );
    }
    io.err(summaryLine(diagnostics, suppressed.length, failed, written.length));
  }
  return failed ? ExitCode.failure : ExitCode.ok;
}

function summaryLine(diagnostics: Diagnostic[], suppressed: number, failed: boolean, packs: number): string {
  const { errors, warnings } = summarize(diagnostics);
  const counts = `${errors} error(s), ${warnings} warning(s)${suppressed ? `, ${suppressed} suppressed` : ''}`;
  return failed ? `build failed: ${counts}; nothing was written` : `${packs} pack(s) built, ${counts}`;
}

/** Writes atomically (temp file + rename) and only when the content changed; true when unchanged. */
async function writeIfChanged(path: string, content: string): Promise<boolean> {
  try {
    if ((await readFile(path, 'utf8')) === content) return true;
  } catch {
    // not there yet
  }
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, content, 'utf8');
  await rename(temp, path);
  return false;
}
