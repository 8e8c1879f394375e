import { Option, type Command } from 'commander';
import { addRolloutOptions } from './rollout-options.js';
import type { PlanCommandOptions } from '../options.js';

export function registerPlan(program: Command): void {
  addRolloutOptions(
    program
      .command('plan')
      .description(
        'Show per Region what deploy would create, update or leave unchanged and why, which accounts gain or lose a pack, drift and orphans.',
      )
      .argument('[pack...]', 'packs of the deployment configuration (default: all)'),
  )
    .option('-o, --out <file>', 'save the plan; `packsmith deploy --plan FILE` applies exactly it')
    .option('--quiet', 'no progress lines while it reads AWS')
    .addOption(
      new Option('--format <format>', 'report format').choices(['text', 'json', 'markdown']).default('text'),
    )
    .action(async (packs: string[], options: PlanCommandOptions, command: Command) => {
      const { runPlan } = await import('../run/plan.js');
      process.exitCode = await runPlan(packs, { ...options, debug: command.optsWithGlobals().debug });
    });
}
