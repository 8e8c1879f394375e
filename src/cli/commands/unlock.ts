import type { Command } from 'commander';
import { addRolloutOptions } from './rollout-options.js';
import type { UnlockCommandOptions } from '../options.js';

export function registerUnlock(program: Command): void {
  addRolloutOptions(
    program
      .command('unlock')
      .description(
        "Break a pack's deploy lock left by a deploy that died (check that none is running first).",
      )
      .argument('<pack>', 'pack of the deployment configuration'),
  )
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (pack: string, options: UnlockCommandOptions, command: Command) => {
      const { runUnlock } = await import('../run/unlock.js');
      process.exitCode = await runUnlock(pack, { ...options, debug: command.optsWithGlobals().debug });
    });
}
