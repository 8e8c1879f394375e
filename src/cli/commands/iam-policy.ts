import { Option, type Command } from 'commander';
import type { IamPolicyCommandOptions } from '../options.js';

export function registerIamPolicy(program: Command): void {
  program
    .command('iam-policy')
    .description(
      'Print the least-privilege IAM policy packsmith needs, filled in from the deployment configuration.',
    )
    .option('--root <dir>', 'pack repository (holds packsmith.deploy.yaml)', '.')
    .option('--config <file>', 'deployment configuration (default: packsmith.deploy.yaml in --root)')
    .addOption(
      new Option(
        '--role <role>',
        'whose policy: the deploying identity, or the account check role in each account',
      )
        .choices(['deployer', 'account-check'])
        .default('deployer'),
    )
    .action(async (options: IamPolicyCommandOptions) => {
      const { runIamPolicy } = await import('../run/iam-policy.js');
      process.exitCode = await runIamPolicy(options);
    });
}
