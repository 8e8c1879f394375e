import { Option, type Command } from 'commander';

export interface HistoryCommandOptions {
  root: string;
  state?: string;
  limit: string;
  format: 'table' | 'json';
}

export function registerHistory(program: Command): void {
  program
    .command('history')
    .description('Past deployments and deletions recorded in the local status database, newest first.')
    .argument('[pack]', 'only this pack')
    .option('--root <dir>', 'pack repository', '.')
    .option('--state <file>', 'per-account status database (default: .packsmith/state.db in --root)')
    .option('--limit <n>', 'at most this many deployments', '50')
    .addOption(new Option('--format <format>', 'report format').choices(['table', 'json']).default('table'))
    .action(async (pack: string | undefined, options: HistoryCommandOptions) => {
      const { runHistory } = await import('../run/history.js');
      process.exitCode = await runHistory(pack, options);
    });
}
