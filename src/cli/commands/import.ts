import { Option, type Command } from 'commander';
import { cfnGuardOption } from './cfn-guard-option.js';
import type { OutputFormat } from '../output.js';

interface ImportOptions {
  into: string;
  force?: boolean;
  format: OutputFormat;
  cfnGuard: 'auto' | 'require' | 'off';
  quiet?: boolean;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'Turn conformance pack templates into rule blocks, remediation blocks and pack manifests that ' +
        'build back into equivalent templates; rules shared by several templates become one block.',
    )
    .argument(
      '<template...>',
      'template files (YAML or JSON), or folders: every .yaml, .yml and .json in them',
    )
    .option('--into <dir>', 'folder to write the blocks and manifests to', 'packs')
    .option('--force', 'overwrite existing files that differ')
    .option('--quiet', 'no progress lines while it works')
    .addOption(cfnGuardOption())
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .action(async (templates: string[], options: ImportOptions) => {
      const { runImport } = await import('../run/import.js');
      process.exitCode = await runImport(templates, options);
    });
}
