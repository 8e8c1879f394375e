import { Option, type Command } from 'commander';
import type { OutputFormat } from '../output.js';

interface AddRuleOptions {
  pack?: string;
  name?: string;
  root: string;
  format: OutputFormat;
  guard?: string;
  resourceType?: string;
}

interface AddRemediationOptions {
  pack?: string;
  name?: string;
  runbook?: string;
  dryRun?: boolean;
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
      '[identifier]',
      'managed rule identifier (e.g. S3_BUCKET_VERSIONING_ENABLED) or its documented name',
    )
    .option(
      '--guard <name>',
      'instead: a Guard custom policy rule NAME (a .guard policy, a compliant and a non-compliant sample, test cases)',
    )
    .option('--resource-type <type>', 'with --guard: the resource type it evaluates (e.g. AWS::EC2::Volume)')
    .option('--pack <name>', 'also add the block to this pack manifest’s rules')
    .option('--name <block-name>', 'name of the block and its file (default: the rule’s documented name)')
    .option('--root <dir>', 'pack repository (holds packs/)', '.')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .action(async (identifier: string | undefined, options: AddRuleOptions) => {
      if (options.guard !== undefined || options.resourceType !== undefined) {
        const { runAddGuardRule } = await import('../run/add-guard-rule.js');
        process.exitCode = await runAddGuardRule(identifier, options);
        return;
      }
      const { runAddRule } = await import('../run/add-rule.js');
      process.exitCode = await runAddRule(identifier, options);
    });

  add
    .command('remediation')
    .description(
      'Write a remediation block for a rule block (packs/remediations/NAME.yaml) and add it to the pack: ' +
        "the runbook AWS's sample packs use for the rule, else one for its resource types, with the " +
        'resource-id parameter bound and the role ARN left for you to fill in (build fails until you do).',
    )
    .argument('<rule>', 'rule block name, or the managed rule identifier of exactly one rule block')
    .option('--runbook <name>', 'SSM document to use (default: the best proposal; the others are listed)')
    .option('--pack <name>', 'pack manifest to add it to (default: the one pack that includes the rule)')
    .option('--name <block-name>', 'name of the block and its file (default: RULE-remediation)')
    .option('--dry-run', 'print the block and the proposals; write nothing')
    .option('--root <dir>', 'pack repository (holds packs/)', '.')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .action(async (rule: string, options: AddRemediationOptions) => {
      const { runAddRemediation } = await import('../run/add-remediation.js');
      process.exitCode = await runAddRemediation(rule, options);
    });
}
