/** Exit codes of every packsmith command (130 and 143: stopped by SIGINT or SIGTERM, 128 + signal). */
export const ExitCode = { ok: 0, failure: 1, usage: 2, sigint: 130, sigterm: 143 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error whose message is meant for the user as is: printed as one line, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'UsageError';
  }
}
