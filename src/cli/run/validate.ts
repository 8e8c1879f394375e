/** `packsmith validate`: configuration, the validation run, the report in the chosen format. */
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { formatMarkdown, formatReport } from '../../report/validation/index.js';
import { reportFailed } from '../../validation/report.js';
import { InputError, validate } from '../../validation/validate.js';
import { CfnGuardRequiredError } from '../../validation/guard/policies.js';
import { displayPath } from '../../util/paths.js';
import { packsmithLinks } from '../../util/version.js';
import type { ValidateCommandOptions } from '../options.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { processOutput } from '../output.js';
import { createStepProgress } from '../step-progress.js';
import { loadRepositoryConfig } from './repository-config.js';

export async function runValidate(paths: string[], options: ValidateCommandOptions): Promise<number> {
  const io = processOutput();
  const config = await loadRepositoryConfig(options.config, process.cwd(), io);
  let report;
  const progress = createStepProgress({ stream: process.stderr, quiet: options.quiet === true });
  try {
    report = await validate({
      onProgress: (stage, done, total) => progress.step(stage, done, total),
      paths,
      inline: options.inline ?? false,
      strict: options.strict ?? false,
      cfnLint: options.cfnLint,
      cfnGuard: options.cfnGuard,
      ...(options.cache
        ? {
            cacheDir: join(process.cwd(), '.packsmith', 'cache', 'cfn-lint'),
            checksCacheDir: join(process.cwd(), '.packsmith', 'cache', 'checks'),
          }
        : {}),
      ...(config ? { config } : {}),
      ...(options.region ? { regions: options.region } : {}),
    });
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(error.message);
    if (error instanceof CfnGuardRequiredError) throw new CliError(error.message, ExitCode.failure);
    if (options.cfnLint === 'require' && /cfn-lint/.test((error as Error).message)) {
      throw new CliError((error as Error).message, ExitCode.usage);
    }
    throw error;
  } finally {
    progress.finish();
  }
  const links = packsmithLinks();
  const text = formatReport(options.format, report, io.paint, {
    ...(links.homepage ? { informationUri: links.homepage } : {}),
    ...(links.docsBase ? { docsBaseUri: links.docsBase } : {}),
    ...(options.sarifRoot !== undefined ? { pathFor: pathsUnder(options.sarifRoot, report.files) } : {}),
  });
  if (options.output) {
    const path = resolve(options.output);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.tmp`, text);
    await rename(`${path}.tmp`, path);
    io.err(`wrote ${displayPath(path)}`);
  } else io.out(text);
  if (options.summary !== undefined) {
    // Appended, as GitHub's $GITHUB_STEP_SUMMARY expects (other steps may have written to it).
    const path = resolve(options.summary);
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, formatMarkdown(report));
  }
  if (options.format !== 'text' && report.tool.cfnLint.ran === false && options.cfnLint !== 'off') {
    io.err(`packsmith: ${report.tool.cfnLint.reason}`);
  }
  const guard = report.tool.cfnGuard;
  if (guard && guard.ran === false && guard.missing) io.err(`packsmith: ${guard.reason}`);
  return reportFailed(report) ? ExitCode.failure : ExitCode.ok;
}

/**
 * `--sarif-root DIR`: report paths (relative to the current folder) as paths relative to DIR, so that
 * code scanning places alerts on the right files when validate runs in a subfolder of the repository.
 * A checked file outside DIR is a usage error: no SARIF viewer could place it.
 */
function pathsUnder(root: string, files: readonly string[]): (path: string) => string {
  const base = resolve(root);
  const pathFor = (path: string) => relative(base, resolve(path)).split('\\').join('/');
  const outside = files.find((file) => {
    const rel = pathFor(file);
    return rel.startsWith('../') || rel === '..' || isAbsolute(rel);
  });
  if (outside !== undefined) {
    throw new UsageError(
      `--sarif-root ${displayPath(base)}: ${displayPath(resolve(outside))} is outside it; give the folder that holds every checked file`,
    );
  }
  return pathFor;
}
