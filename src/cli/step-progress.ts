/**
 * Progress of a command that works through a known number of items in stages (validate: files
 * checked, cfn-lint batches). On a terminal: one line redrawn in place with a carriage return, at
 * most every `ttyRedrawMs`, cleared at the end. Not a terminal (CI logs): nothing for work that
 * ends within `plainLineMs`; after that a plain line at most every `plainLineMs`, and the end of a
 * stage already shown. `quiet`: nothing.
 */
import { plainLineMs, ttyRedrawMs, type ProgressStream } from './progress.js';
import { printableLine } from '../util/text.js';

export interface StepProgress {
  /** `done` of `total` items of `stage` (e.g. "checking templates", "cfn-lint batches"). */
  step(stage: string, done: number, total: number): void;
  /** Clears the terminal line; off a terminal nothing is left to do. */
  finish(): void;
}

export function createStepProgress(options: {
  stream: ProgressStream;
  quiet: boolean;
  now?: () => number;
}): StepProgress {
  const now = options.now ?? Date.now;
  const { stream } = options;
  const tty = stream.isTTY === true;
  const started = now();
  let last = tty ? -Infinity : started;
  let lastStage = '';
  let shownStage = '';
  let drawn = false;
  const text = (stage: string, done: number, total: number) => printableLine(`${stage}: ${done}/${total}`);
  return {
    step(stage, done, total) {
      if (options.quiet || total <= 0) return;
      const t = now();
      const edge = stage !== lastStage || done >= total;
      if (tty) {
        if (!edge && t - last < ttyRedrawMs) return;
        const width = Math.max(20, (stream.columns ?? 80) - 1);
        stream.write(`\r${text(stage, done, total).slice(0, width).padEnd(width)}`);
        drawn = true;
      } else {
        const endOfShown = done >= total && stage === shownStage;
        if (!endOfShown && t - last < plainLineMs) return;
        stream.write(`${text(stage, done, total)}\n`);
        shownStage = stage;
      }
      last = t;
      lastStage = stage;
    },
    finish() {
      if (tty && drawn) stream.write(`\r${' '.repeat(Math.max(20, (stream.columns ?? 80) - 1))}\r`);
      drawn = false;
    },
  };
}
