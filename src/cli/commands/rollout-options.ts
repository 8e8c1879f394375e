import { Option, type Command } from 'commander';

/** Options shared by every command that talks to the organization. */
export function addRolloutOptions(command: Command): Command {
  return command
    .option('--root <dir>', 'pack repository (holds packs/ and packsmith.deploy.yaml)', '.')
    .option('--config <file>', 'deployment configuration (default: packsmith.deploy.yaml in --root)')
    .option('--profile <name>', 'named profile of the AWS shared config and credentials files')
    .option(
      '--endpoint-url <url>',
      'one endpoint for every AWS service (AWS_ENDPOINT_URL_<SERVICE> variables are honoured without it)',
    )
    .addOption(
      new Option('--region <region...>', 'only these Regions of the configuration (default: all of them)'),
    )
    .option(
      '--state <file>',
      'per-account status database (default: statePath of the configuration, or .packsmith/state.db)',
    );
}

/** `--timeout` / `--poll-interval` of commands that follow a rollout. */
export function addTrackingOptions(command: Command): Command {
  return command
    .option(
      '--timeout <minutes>',
      'stop waiting for accounts after this long; they are reported as not reported',
      '60',
    )
    .option('--poll-interval <seconds>', 'time between two reads of the per-account status', '15')
    .option('--quiet', 'no live progress, only the final summary')
    .option('-y, --yes', 'do not ask for confirmation (for CI)');
}
