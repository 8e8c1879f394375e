import { Option, type Command } from 'commander';
import { addRolloutOptions, addTrackingOptions } from './rollout-options.js';
import type { DeployCommandOptions } from '../options.js';

export function registerDeploy(program: Command): void {
  addTrackingOptions(
    addRolloutOptions(
      program
        .command('deploy')
        .description(
          'Run preflight, show the plan, then put each pack in each Region and follow every account to the end.',
        )
        .argument('[pack...]', 'packs of the deployment configuration (default: all)'),
    ),
  )
    .option('--plan <file>', 'apply exactly this saved plan (`packsmith plan --out FILE`)')
    .option('--lock-wait <seconds>', 'wait this long for another deploy of the pack to finish', '0')
    .option(
      '--region-concurrency <n>',
      'Regions deployed at once (default: regionConcurrency of the configuration, or all)',
    )
    .option(
      '--resume',
      'continue an interrupted or stopped rollout in waves where it stopped, from AWS and the deployment records',
    )
    .option(
      '--rollback',
      'when a wave fails beyond its tolerance, put back the previous template and parameters (or remove a new pack)',
    )
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .action(async (packs: string[], options: DeployCommandOptions, command: Command) => {
      const { runDeploy } = await import('../run/deploy.js');
      process.exitCode = await runDeploy(packs, { ...options, debug: command.optsWithGlobals().debug });
    });
}
