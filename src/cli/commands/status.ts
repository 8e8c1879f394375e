import { Option, type Command } from 'commander';
import type { RolloutCommandOptions } from '../run/rollout-context.js';
import { addRolloutOptions } from './rollout-options.js';

export interface StatusCommandOptions extends RolloutCommandOptions {
  account?: string[];
  format: 'table' | 'json';
}

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
    .addOption(new Option('--format <format>', 'report format').choices(['table', 'json']).default('table'))
    .action(async (packs: string[], options: StatusCommandOptions, command: Command) => {
      const { runStatus } = await import('../run/status.js');
      process.exitCode = await runStatus(packs, { ...options, debug: command.optsWithGlobals().debug });
    });
}
