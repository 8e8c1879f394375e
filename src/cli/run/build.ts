/** `packsmith build`: the shell around the generator (files in, files out, a report). */
import { join, resolve } from 'node:path';
import { loadRepository } from '../../authoring/repository.js';
import { hasErrors, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { formatDiagnosticsText, summarize } from '../../diagnostics/format-text.js';
import { buildRepository } from '../../generator/build.js';
import { packageTemplateSource } from './template-source.js';
import { writeAllOrNothing } from './write-outputs.js';
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
    const files = result.built.flatMap((built) => [
      { path: join(outDir, `${built.name}.yaml`), content: built.template },
      ...(options.docs ? [{ path: join(outDir, `${built.name}.md`), content: built.readme }] : []),
    ]);
    const unchanged = await writeAllOrNothing(outDir, files);
    const perPack = options.docs ? 2 : 1;
    result.built.forEach((built, i) => {
      const template = files[i * perPack]!;
      written.push({
        pack: built.name,
        template: displayPath(template.path),
        ...(options.docs ? { readme: displayPath(files[i * perPack + 1]!.path) } : {}),
        bytes: built.bytes,
        unchanged: unchanged[i * perPack]!,
      });
    });
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
