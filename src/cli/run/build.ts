/** `packsmith build`: the shell around the generator (files in, files out, a report). */
import { join, resolve } from 'node:path';
import { loadRepository } from '../../authoring/repository.js';
import { hasErrors, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { formatDiagnosticsText, summarize } from '../../diagnostics/format-text.js';
import { finalizeDiagnostics } from '../../diagnostics/pipeline.js';
import { checkRepository } from '../../validation/check-built.js';
import { allChecks } from '../../validation/registry.js';
import { packageTemplateSource } from '../../generator/package-templates.js';
import { writeAllOrNothing } from './write-outputs.js';
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
    /** Parse Guard policies with cfn-guard; default auto. */
    cfnGuard?: 'auto' | 'require' | 'off';
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
  const { checkGuardPolicies, repositoryPolicies, CfnGuardRequiredError } =
    await import('../../validation/guard/policies.js');
  let guard;
  try {
    guard = await checkGuardPolicies(repositoryPolicies(repo), options.cfnGuard ?? 'auto');
  } catch (error) {
    if (error instanceof CfnGuardRequiredError) throw new CliError(error.message, ExitCode.failure);
    throw error;
  }
  if (guard.status.ran === false && guard.status.missing) io.err(`packsmith: ${guard.status.reason}`);
  const { diagnostics, suppressed } = finalizeDiagnostics({
    diagnostics: [...result.diagnostics, ...guard.diagnostics],
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
