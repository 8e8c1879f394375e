import { Option, type Command } from 'commander';
import { cfnGuardOption } from './cfn-guard-option.js';
import { regionsOption } from './region-option.js';
import type { ValidateCommandOptions } from '../options.js';
import { validateFormats } from '../../report/validation/formats.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'Check authoring files and conformance pack templates offline for what AWS would reject, with cfn-lint where installed.',
    )
    .argument('[path...]', 'templates, authoring files or folders (default: the current folder)')
    .addOption(new Option('--format <format>', 'report format').choices([...validateFormats]).default('text'))
    .option('--strict', 'fail on warnings too')
    .option(
      '--inline',
      'the templates will be deployed inline (TemplateBody): size and parameter limits become errors',
    )
    .addOption(
      new Option('--cfn-lint <mode>', 'run cfn-lint: auto (when installed), require, off')
        .choices(['auto', 'require', 'off'])
        .default('auto'),
    )
    .addOption(cfnGuardOption())
    .addOption(regionsOption())
    .option(
      '--no-cache',
      "check every file again instead of reusing cached results (packsmith's checks and cfn-lint)",
    )
    .option('--config <file>', 'repository configuration (default: ./packsmith.config.yaml when present)')
    .option('--quiet', 'no progress lines while it works')
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option(
      '--summary <file>',
      'also append a Markdown summary (counts and findings) to this file, e.g. "$GITHUB_STEP_SUMMARY"',
    )
    .option(
      '--sarif-root <dir>',
      'SARIF paths relative to this folder, the repository root (default: the current folder)',
    )
    .action(async (paths: string[], options: ValidateCommandOptions) => {
      const { runValidate } = await import('../run/validate.js');
      process.exitCode = await runValidate(paths, options);
    });
}
