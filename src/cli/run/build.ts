/** `packsmith build`: the shell around the generator (files in, files out, a report). */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadRepository } from '../../authoring/repository.js';
import { hasErrors, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { formatDiagnosticsText, summarize } from '../../diagnostics/format-text.js';
import { buildRepository } from '../../generator/build.js';
import { packageTemplateSource } from './template-source.js';
import { displayPath } from '../../util/paths.js';
import { closest } from '../../util/suggest.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { jsonDocument, processOutput, type OutputFormat } from '../output.js';

export async function runBuild(
  names: string[],
  options: { out: string; root: string; format: OutputFormat; docs: boolean; strict?: boolean },
): Promise<number> {
  const io = processOutput();
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
  const result = buildRepository(repo, names, packageTemplateSource(), { readme: options.docs });
  const failed = hasErrors(result.diagnostics) || (options.strict === true && result.diagnostics.length > 0);

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
        diagnostics: result.diagnostics,
        summary: summarize(result.diagnostics),
      }),
    );
  } else {
    if (result.diagnostics.length) io.err(formatDiagnosticsText(result.diagnostics, io.paint));
    for (const w of written) {
      io.out(
        `${io.paint.green('built')} ${w.template} (${w.bytes} bytes${w.unchanged ? ', unchanged' : ''})`,
      );
    }
    io.err(summaryLine(result.diagnostics, failed, written.length));
  }
  return failed ? ExitCode.failure : ExitCode.ok;
}

function summaryLine(diagnostics: Diagnostic[], failed: boolean, packs: number): string {
  const { errors, warnings } = summarize(diagnostics);
  const counts = `${errors} error(s), ${warnings} warning(s)`;
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
