import { Option, type Command } from 'commander';
import type { OutputFormat } from '../output.js';

interface AddRuleOptions {
  pack?: string;
  name?: string;
  root: string;
  format: OutputFormat;
}

export function registerAdd(program: Command): void {
  const add = program.command('add').description('Add a block to the pack repository.');

  add
    .command('rule')
    .description(
      'Write a rule block for an AWS managed rule (packs/rules/NAME.yaml), pre-filled from the catalog: ' +
        'scope, every documented parameter and its default.',
    )
    .argument(
      '<identifier>',
      'managed rule identifier (e.g. S3_BUCKET_VERSIONING_ENABLED) or its documented name',
    )
    .option('--pack <name>', 'also add the block to this pack manifest’s rules')
    .option('--name <block-name>', 'name of the block and its file (default: the rule’s documented name)')
    .option('--root <dir>', 'pack repository (holds packs/)', '.')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .action(async (identifier: string, options: AddRuleOptions) => {
      const { runAddRule } = await import('../run/add-rule.js');
      process.exitCode = await runAddRule(identifier, options);
    });
}
