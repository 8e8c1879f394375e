import { Option, type Command } from 'commander';
import { addRolloutOptions } from './rollout-options.js';
import type { AdoptCommandOptions } from '../options.js';

export function registerAdopt(program: Command): void {
  addRolloutOptions(
    program
      .command('adopt')
      .description(
        'Take over a pack deployed without packsmith: record, in each Region, that its deployed template is the one this repository builds.',
      )
      .argument('<pack>', 'pack of the deployment configuration'),
  )
    .option('--force', 'replace an existing packsmith deployment record')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .action(async (pack: string, options: AdoptCommandOptions, command: Command) => {
      const { runAdopt } = await import('../run/adopt.js');
      process.exitCode = await runAdopt(pack, { ...options, debug: command.optsWithGlobals().debug });
    });
}
