/**
 * packsmith's entry point. Only commander and the command definitions load here; each command
 * imports what it needs (yaml, ajv, the catalog, the AWS SDK) when it runs, so `--help` starts fast.
 */
import { printable } from '../util/text.js';
import { Command, CommanderError, Option } from 'commander';
import { CliError, ExitCode } from './errors.js';
import { processOutput } from './output.js';
import { commands } from './commands/index.js';
import { packsmithVersion } from '../util/version.js';

export function createProgram(): Command {
  const program = new Command('packsmith')
    .description('Author, validate and roll out AWS Config conformance packs across an AWS Organization.')
    .version(packsmithVersion(), '-V, --version')
    .addOption(new Option('--debug', 'print stack traces of unexpected errors'))
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false })
    .exitOverride();
  for (const register of commands) register(program);
  // Every subcommand inherits exit handling so usage errors exit with 2, not commander's 1.
  program.commands.forEach(function inherit(cmd: Command) {
    cmd.exitOverride();
    cmd.showHelpAfterError('(run with --help for usage)');
    cmd.commands.forEach(inherit);
  });
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = createProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
      if (error.code === 'commander.help') return ExitCode.ok;
      return ExitCode.usage;
    }
    const out = processOutput();
    if (error instanceof CliError) {
      out.err(`packsmith: ${printable(error.message)}`);
      return error.exitCode;
    }
    // An AWS endpoint that never answered (src/aws/timeouts.ts): a failure, said as it is. Matched
    // by name so that this entry point does not load the AWS SDK.
    if (error instanceof Error && error.name === 'AwsNoAnswerError') {
      out.err(`packsmith: ${error.message}`);
      return ExitCode.failure;
    }
    // The SDK found no usable credentials (unknown profile, expired SSO session): said with the fix.
    if (error instanceof Error && ['CredentialsProviderError', 'TokenProviderError'].includes(error.name)) {
      const { credentialsErrorMessage } = await import('./aws-credentials-error.js');
      out.err(`packsmith: ${await credentialsErrorMessage(error, argv, process.env)}`);
      return ExitCode.failure;
    }
    const message = error instanceof Error ? error.message : String(error);
    out.err(`packsmith: unexpected error: ${printable(message)}`);
    if (debug && error instanceof Error && error.stack) out.err(error.stack);
    else out.err('(run again with --debug for details)');
    return ExitCode.failure;
  }
}
