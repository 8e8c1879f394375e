import { Option, type Command } from 'commander';
import { addRolloutOptions } from './rollout-options.js';
import type { PreflightCommandOptions } from '../options.js';

export function registerPreflight(program: Command): void {
  addRolloutOptions(
    program
      .command('preflight')
      .description(
        'Check everything a deploy needs before it puts anything: caller, organization, trusted access, buckets, templates, and with --check-recorders every target account.',
      )
      .argument('[pack...]', 'packs of the deployment configuration (default: all)'),
  )
    .option('--check-recorders', 'assume a role in every target account and check its configuration recorder')
    .option(
      '--role-name <name>',
      'role to assume for --check-recorders (default: accountCheckRoleName of the configuration)',
    )
    .option('--concurrency <n>', 'accounts checked at once with --check-recorders', '8')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .action(async (packs: string[], options: PreflightCommandOptions, command: Command) => {
      const { runPreflightCommand } = await import('../run/preflight.js');
      process.exitCode = await runPreflightCommand(packs, {
        ...options,
        debug: command.optsWithGlobals().debug,
      });
    });
}
