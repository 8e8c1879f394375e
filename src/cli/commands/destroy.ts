import { Option, type Command } from 'commander';
import { addRolloutOptions, addTrackingOptions } from './rollout-options.js';
import type { DestroyCommandOptions } from '../options.js';

export function registerDestroy(program: Command): void {
  addTrackingOptions(
    addRolloutOptions(
      program
        .command('destroy')
        .description(
          "Delete a pack's organization conformance pack in each Region and follow every account's deletion to the end; for engine: stackset, its stack instances stage by stage, then the stack set.",
        )
        .argument('<pack>', 'pack of the deployment configuration'),
    ),
  )
    .option('--lock-wait <seconds>', 'wait this long for another deploy of the pack to finish', '0')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .action(async (pack: string, options: DestroyCommandOptions, command: Command) => {
      const { runDestroy } = await import('../run/destroy.js');
      process.exitCode = await runDestroy(pack, { ...options, debug: command.optsWithGlobals().debug });
    });
}
