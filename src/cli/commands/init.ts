import { Option, type Command } from 'commander';
import type { OutputFormat } from '../output.js';

interface InitOptions {
  force?: boolean;
  format: OutputFormat;
  package?: string;
  refreshSchemas?: boolean;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('Create a pack repository: an example rule and pack, editor schemas, a CI workflow.')
    .argument('[dir]', 'folder to create the repository in (created when missing)', '.')
    .option('--force', 'overwrite files that already exist')
    .option(
      '--refresh-schemas',
      "only update the editor schemas in .packsmith/schemas to this version's (no other file is touched)",
    )
    .option(
      '--package <spec>',
      'what the CI workflow installs with npm: a version (packsmith@1.2.3), a tarball URL or a git URL (default: this version)',
    )
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .action(async (dir: string, options: InitOptions) => {
      const { runInit } = await import('../run/init.js');
      process.exitCode = await runInit(dir, options);
    });
}
