import { Option, type Command } from 'commander';
import { addRolloutOptions } from './rollout-options.js';
import type { StatusCommandOptions } from '../options.js';

export function registerStatus(program: Command): void {
  addRolloutOptions(
    program
      .command('status')
      .description(
        "Every account's status per pack and Region, read from AWS now and merged with the recorded history: a summary with failures grouped by cause; rows on request.",
      )
      .argument('[pack...]', 'packs of the deployment configuration (default: all)'),
  )
    .addOption(new Option('--account <id...>', 'only these accounts (their rows are listed)'))
    .addOption(
      new Option(
        '--ou <ou...>',
        'only accounts in these OUs (id ou-… or r-…, or a path /Root/Prod) and below',
      ),
    )
    .option('--failed', 'only failed rows (listed)')
    .option('--all', 'list every row after the summary (the summary alone by default)')
    .option(
      '--compliance',
      "add each account's conformance pack compliance, read through the configuration's complianceAggregator",
    )
    .addOption(
      new Option(
        '--format <format>',
        'table, json, html (one self-contained page), or csv (with --compliance)',
      )
        .choices(['table', 'json', 'html', 'csv'])
        .default('table'),
    )
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .action(async (packs: string[], options: StatusCommandOptions, command: Command) => {
      const { runStatus } = await import('../run/status.js');
      process.exitCode = await runStatus(packs, { ...options, debug: command.optsWithGlobals().debug });
    });
}
