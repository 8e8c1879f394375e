/** `packsmith plan`: what deploy would do, per pack and Region, and why. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { plan as planUseCase } from '../../app/plan.js';
import type { PlanCommandOptions } from '../options.js';
import { jsonDocument, processOutput } from '../output.js';
import { planMarkdown } from '../../report/plan-markdown.js';
import { createStepProgress } from '../step-progress.js';
import { formatPlan } from './planning.js';
import { stackSetPlanLines } from '../../app/stackset.js';
import { printable } from '../../util/text.js';
import { connectFor, fromCore, printDiagnostics, selectionOf } from './rollout-context.js';

export async function runPlan(packs: string[], options: PlanCommandOptions): Promise<number> {
  const io = processOutput();
  // Progress goes to stderr: stdout holds only the plan (parseable with --format json).
  const progress = createStepProgress({ stream: process.stderr, quiet: options.quiet === true });
  let result;
  try {
    result = await fromCore(io, () =>
      planUseCase(selectionOf(packs, options), {
        connect: connectFor(options, io),
        onProgress: (done, total) => progress.step('reading pack × Region', done, total),
      }),
    );
  } finally {
    progress.finish();
  }
  const { plan, stackSets, diagnostics } = result;
  printDiagnostics(diagnostics, io);
  const { schemaVersion: _v, kind: _k, ...body } = plan;
  const document = jsonDocument('plan', body);
  if (options.out) {
    writeFileSync(resolve(options.out), document);
  }
  if (options.format === 'json') io.out(document);
  else if (options.format === 'markdown') io.out(planMarkdown(plan));
  else {
    io.out(formatPlan(plan, io));
    for (const line of stackSets.flatMap(stackSetPlanLines)) io.out(printable(line));
    if (options.out)
      io.out(`Saved to ${options.out}: apply it with \`packsmith deploy --plan ${options.out}\`.`);
  }
  return 0;
}
