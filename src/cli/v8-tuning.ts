/**
 * V8's tier-up budget for a short-lived command. packsmith's commands mostly run for well under a
 * second; with the default budget of V8 11 (Node 20: `--interrupt-budget=67584`, bytes of bytecode
 * run before a function is considered hot), TurboFan compiles about a hundred functions on
 * background threads during a build, and that compiling cost as much CPU as a third of the build's
 * own work, most of it for code that had nearly finished running. A budget 4.4 times the default
 * leaves only the really hot functions to TurboFan.
 *
 * Measured with `npm run bench`'s commands, Node 20.20, 2 cores, medians of 9 interleaved runs:
 * build of 100 packs × 50 rules 1.04 → 0.89 s CPU at the same wall time (0.68 s); validate of the
 * 122 sample packs with packsmith's own checks 1.39 → 1.01 s CPU. Budgets of 150,000 and 600,000
 * saved less, 1,200,000 cost wall time.
 *
 * V8 12 and later (Node 22, 24) tier up by invocation counts and have no such flag (setting it
 * prints "unrecognized flag"): nothing is set there.
 */
import { setFlagsFromString } from 'node:v8';

/** The V8 flag to set for V8 `version` (process.versions.v8), if any. Pure. */
export function tierUpFlag(version: string): string | undefined {
  const major = Number(/^(\d+)\./.exec(version)?.[1]);
  return Number.isInteger(major) && major < 12 ? '--interrupt-budget=300000' : undefined;
}

/** Sets the flag for the running V8; called by the entry point before the CLI loads. */
export function tuneV8ForShortCommands(): void {
  const flag = tierUpFlag(process.versions.v8);
  if (flag) setFlagsFromString(flag);
}
