/** `packsmith validate`: configuration, the validation run, the report in the chosen format. */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { schemaDiagnostics } from '../../authoring/schema-errors.js';
import { parseYamlSource } from '../../source/yaml-source.js';
import { ConfigSchema, configFileName, type Config } from '../../validation/config.js';
import { formatReport } from '../../validation/format/index.js';
import { reportFailed } from '../../validation/report.js';
import { InputError, validate } from '../../validation/validate.js';
import { displayPath } from '../../util/paths.js';
import type { ValidateCommandOptions } from '../commands/validate.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { processOutput } from '../output.js';

export async function runValidate(paths: string[], options: ValidateCommandOptions): Promise<number> {
  const io = processOutput();
  const config = loadConfig(options.config);
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

/** The repository configuration, checked against its schema; problems are usage errors with file:line:column. */
function loadConfig(explicit: string | undefined): Config | undefined {
  const path = resolve(explicit ?? configFileName);
  if (!existsSync(path)) {
    if (explicit) throw new UsageError(`${explicit}: no such configuration file`);
    return undefined;
  }
  const source = parseYamlSource(displayPath(path), readFileSync(path, 'utf8'));
  if (source.syntaxErrors.length) {
    const d = source.syntaxErrors[0]!;
    throw new UsageError(`${d.location!.file}:${d.location!.line}:${d.location!.column}: ${d.message}`);
  }
  const validateConfig = new Ajv({ allErrors: true, strict: false }).compile(ConfigSchema);
  if (!validateConfig(source.value ?? {})) {
    const problems = schemaDiagnostics(source, validateConfig.errors ?? [], {
      schema: ConfigSchema,
      schemaFile: 'config.schema.json',
    }).map(
      (d) => `${d.location!.file}:${d.location!.line}:${d.location!.column}: ${d.message}\n  fix: ${d.fix}`,
    );
    throw new UsageError(`invalid configuration:\n${problems.join('\n')}`);
  }
  return source.value as Config;
}
