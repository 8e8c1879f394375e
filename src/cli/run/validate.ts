/** `packsmith validate`: configuration, the validation run, the report in the chosen format. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { formatReport } from '../../validation/format/index.js';
import { reportFailed } from '../../validation/report.js';
import { InputError, validate } from '../../validation/validate.js';
import { displayPath } from '../../util/paths.js';
import type { ValidateCommandOptions } from '../options.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { processOutput } from '../output.js';
import { loadRepositoryConfig } from './repository-config.js';

export async function runValidate(paths: string[], options: ValidateCommandOptions): Promise<number> {
  const io = processOutput();
  const config = loadRepositoryConfig(options.config, process.cwd(), io);
  let report;
  try {
    report = await validate({
      paths,
      inline: options.inline ?? false,
      strict: options.strict ?? false,
      cfnLint: options.cfnLint,
      ...(options.cache ? { cacheDir: join(process.cwd(), '.packsmith', 'cache', 'cfn-lint') } : {}),
      ...(config ? { config } : {}),
    });
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(error.message);
    if (options.cfnLint === 'require' && /cfn-lint/.test((error as Error).message)) {
      throw new CliError((error as Error).message, ExitCode.usage);
    }
    throw error;
  }
  const text = formatReport(options.format, report, io.paint);
  if (options.output) {
    const path = resolve(options.output);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.tmp`, text);
    await rename(`${path}.tmp`, path);
    io.err(`wrote ${displayPath(path)}`);
  } else io.out(text);
  if (options.format !== 'text' && report.tool.cfnLint.ran === false && options.cfnLint !== 'off') {
    io.err(`packsmith: ${report.tool.cfnLint.reason}`);
  }
  return reportFailed(report) ? ExitCode.failure : ExitCode.ok;
}
