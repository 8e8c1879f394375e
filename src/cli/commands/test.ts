import { Option, type Command } from 'commander';
import type { TestCommandOptions } from '../options.js';

export function registerTest(program: Command): void {
  program
    .command('test')
    .description(
      'Evaluate the test cases of Guard policy rules (source.guard.tests) with cfn-guard, as AWS Config would.',
    )
    .argument('[name...]', 'packs or rules whose Guard rules to test (default: every Guard rule)')
    .option('--root <dir>', 'pack repository (holds packs/)', '.')
    .addOption(
      new Option('--format <format>', 'report format').choices(['text', 'json', 'junit']).default('text'),
    )
    .action(async (names: string[], options: TestCommandOptions) => {
      const { runTest } = await import('../run/test.js');
      process.exitCode = await runTest(names, options);
    });
}
