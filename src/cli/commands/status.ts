import { Option, type Command } from 'commander';
import { addRolloutOptions } from './rollout-options.js';
import type { StatusCommandOptions } from '../options.js';

export function registerStatus(program: Command): void {
  addRolloutOptions(
    program
      .command('status')
      .description(
        "Every account's status per pack and Region, read from AWS now and merged with the recorded history.",
      )
      .argument('[pack...]', 'packs of the deployment configuration (default: all)'),
  )
    .addOption(new Option('--account <id...>', 'only these accounts'))
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
