/**
 * Finds cfn-lint and its version (`cfn-lint --version` → `cfn-lint 1.51.0`), once per process and
 * executable.
 */
import { execa } from 'execa';

export const DEFAULT_EXECUTABLE = 'cfn-lint';

export type CfnLintDetection =
  | { found: true; executable: string; version: string }
  /** `problem` completes "cfn-lint …", e.g. `is not installed (not on PATH)`. */
  | { found: false; executable: string; problem: string };

const detections = new Map<string, Promise<CfnLintDetection>>();

/** The version in `cfn-lint --version` output (`cfn-lint 1.51.0` → `1.51.0`). */
export function parseCfnLintVersion(output: string): string | undefined {
  const match = /\bv?(\d+\.\d+\.\d+[\w.+-]*)/.exec(output);
  return match?.[1];
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

async function detect(executable: string): Promise<CfnLintDetection> {
  const result = await execa(executable, ['--version'], {
    reject: false,
    stdin: 'ignore',
    timeout: 60_000,
  });
  if (result.code === 'ENOENT') {
    const where = executable === DEFAULT_EXECUTABLE ? 'not on PATH' : `\`${executable}\` not found`;
    return { found: false, executable, problem: `is not installed (${where})` };
  }
  const version = result.failed ? undefined : parseCfnLintVersion(`${result.stdout}\n${result.stderr}`);
  if (version === undefined) {
    const detail = result.timedOut
      ? 'timed out'
      : result.exitCode !== undefined && result.exitCode !== 0
        ? `exited with code ${result.exitCode}`
        : result.failed
          ? (result.originalMessage ?? result.shortMessage ?? 'failed')
          : 'printed no version';
    const said = firstLine(result.stderr) || firstLine(result.stdout);
    return {
      found: false,
      executable,
      problem: `does not work (\`${executable} --version\` ${detail}${said ? `: ${said}` : ''})`,
    };
  }
  return { found: true, executable, version };
}

/** Runs `<executable> --version` at most once per process for each executable. */
export function detectCfnLint(executable: string = DEFAULT_EXECUTABLE): Promise<CfnLintDetection> {
  let detection = detections.get(executable);
  if (!detection) {
    detection = detect(executable);
    detections.set(executable, detection);
  }
  return detection;
}
