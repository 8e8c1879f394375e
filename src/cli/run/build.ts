/** `packsmith build`: the shell around the generator (files in, files out, a report). */
import { join, resolve } from 'node:path';
import { build } from '../../app/build.js';
import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { formatDiagnosticsText, summarize } from '../../diagnostics/format-text.js';
import { writeAllOrNothing } from './write-outputs.js';
import { displayPath } from '../../util/paths.js';
import { ExitCode } from '../errors.js';
import { jsonDocument, processOutput, type OutputFormat } from '../output.js';
import { loadRepositoryConfig } from './repository-config.js';
import { fromCore } from './core-call.js';

export async function runBuild(
  names: string[],
  options: {
    out: string;
    root: string;
    format: OutputFormat;
    docs: boolean;
    strict?: boolean;
    region?: string[];
    config?: string;
    /** Parse Guard policies with cfn-guard; default auto. */
    cfnGuard?: 'auto' | 'require' | 'off';
  },
): Promise<number> {
  const io = processOutput();
  const config = await loadRepositoryConfig(options.config, options.root, io);
  const outcome = await fromCore(io, () =>
    build({
      root: options.root,
      packs: names,
      readme: options.docs,
      ...(options.strict !== undefined ? { strict: options.strict } : {}),
      ...(config ? { config } : {}),
      ...(options.cfnGuard ? { cfnGuard: options.cfnGuard } : {}),
      ...(options.region ? { regions: options.region } : {}),
    }),
  );
  if (outcome.cfnGuardNotice) io.err(`packsmith: ${outcome.cfnGuardNotice}`);
  const { diagnostics, suppressed } = outcome;
  const failed = !outcome.ok;

  const written: Array<{
    pack: string;
    template: string;
    readme?: string;
    bytes: number;
    unchanged: boolean;
  }> = [];
  if (!failed) {
    const outDir = resolve(options.out);
    const files = outcome.built.flatMap((built) => [
      { path: join(outDir, `${built.name}.yaml`), content: built.template },
      ...(options.docs ? [{ path: join(outDir, `${built.name}.md`), content: built.readme }] : []),
    ]);
    const unchanged = await writeAllOrNothing(outDir, files);
    const perPack = options.docs ? 2 : 1;
    outcome.built.forEach((built, i) => {
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
