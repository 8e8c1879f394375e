/** `packsmith plan`: what deploy would do, per pack and Region, and why. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PlanCommandOptions } from '../options.js';
import { jsonDocument, processOutput } from '../output.js';
import { formatPlan, makePlan } from './planning.js';
import { desiredPacks, discover, loadCheckedRolloutContext } from './rollout-context.js';

export async function runPlan(packs: string[], options: PlanCommandOptions): Promise<number> {
  const io = processOutput();
  const { ctx, built } = await loadCheckedRolloutContext(packs, options, io);
  try {
    const tree = await discover(ctx);
    const desired = desiredPacks(ctx, built, tree, io);
    const plan = await makePlan(ctx, desired, tree, io);
    const { schemaVersion: _v, kind: _k, ...body } = plan;
    const document = jsonDocument('plan', body);
    if (options.out) {
      writeFileSync(resolve(options.out), document);
    }
    if (options.format === 'json') io.out(document);
    else {
      io.out(formatPlan(plan, io));
      if (options.out)
        io.out(`Saved to ${options.out}: apply it with \`packsmith deploy --plan ${options.out}\`.`);
    }
    return 0;
  } finally {
    ctx.close();
  }
}
