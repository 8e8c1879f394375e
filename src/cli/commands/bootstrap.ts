import type { Command } from 'commander';
import { addRolloutOptions, addTrackingOptions } from './rollout-options.js';
import type { BootstrapCommandOptions } from '../options.js';

export function registerBootstrap(program: Command): void {
  addTrackingOptions(
    addRolloutOptions(
      program
        .command('bootstrap')
        .description(
          'Deploy what the packs need in every target account by stack sets: the remediation roles their remediation blocks reference (policies from `bootstrap.roles`), and with `bootstrap.recorder` a configuration recorder and delivery channel. `bootstrap plan` (or --dry-run) only shows the plan.',
        )
        .argument('[action]', '`plan`: show the plan and change nothing')
        .argument('[pack...]', 'packs whose targets and remediation roles count (default: all)'),
    ),
  )
    .option('--dry-run', 'show the plan and change nothing')
    .option('--lock-wait <seconds>', 'wait this long for another run holding the stack set lock', '0')
    .option('--resume', 'continue an interrupted bootstrap (operations that succeeded are not reissued)')
    .action(
      async (
        action: string | undefined,
        packs: string[],
        options: BootstrapCommandOptions,
        command: Command,
      ) => {
        const { runBootstrap } = await import('../run/bootstrap.js');
        // `bootstrap plan` is the dry run; any other first word is a pack.
        const dryRun = action === 'plan' || options.dryRun === true;
        const selected = action === undefined || action === 'plan' ? packs : [action, ...packs];
        process.exitCode = await runBootstrap(selected, {
          ...options,
          dryRun,
          debug: command.optsWithGlobals().debug,
        });
      },
    );
}
