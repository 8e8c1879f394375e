import { Option, type Command } from 'commander';
import { cfnGuardOption } from './cfn-guard-option.js';
import { regionsOption } from './region-option.js';
import type { OutputFormat } from '../output.js';

interface BuildOptions {
  out: string;
  root: string;
  format: OutputFormat;
  docs: boolean;
  strict?: boolean;
  config?: string;
  cfnGuard: 'auto' | 'require' | 'off';
  region?: string[];
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description(
      'Compose packs from their blocks into conformance pack templates (and a Markdown page each).',
    )
    .argument('[pack...]', 'names of the packs to build (default: every pack)')
    .option('-o, --out <dir>', 'folder for the built templates', 'build')
    .option('--root <dir>', 'pack repository (holds packs/)', '.')
    .option('--no-docs', 'do not write the Markdown pages')
    .option('--strict', 'treat warnings as errors')
    .option('--config <file>', 'repository configuration (default: packsmith.config.yaml in --root)')
    .addOption(cfnGuardOption())
    .addOption(regionsOption())
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .action(async (packs: string[], options: BuildOptions) => {
      const { runBuild } = await import('../run/build.js');
      process.exitCode = await runBuild(packs, options);
    });
}
