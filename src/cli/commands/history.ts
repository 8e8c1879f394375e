import { Option, type Command } from 'commander';
import { addRolloutOptions } from './rollout-options.js';
import type { HistoryCommandOptions } from '../options.js';

export function registerHistory(program: Command): void {
  addRolloutOptions(
    program
      .command('history')
      .description('Past deployments and deletions recorded in the local status database, newest first.')
      .argument('[pack]', 'only this pack'),
  )
    .option('--limit <n>', 'at most this many deployments', '50')
    .addOption(new Option('--format <format>', 'report format').choices(['table', 'json']).default('table'))
    .action(async (pack: string | undefined, options: HistoryCommandOptions) => {
      const { runHistory } = await import('../run/history.js');
      process.exitCode = await runHistory(pack, options);
    });
}
