/** `packsmith unlock PACK`: break a lock left by a deploy that died. */
import { printableLine } from '../../util/text.js';
import { breakLock, readLock, isLockExpired } from '../../rollout/lock.js';
import { engineOf, orgPackNameOf, stackSetNameOf } from '../../org/deploy-config.js';
import type { UnlockCommandOptions } from '../options.js';
import { UsageError } from '../errors.js';
import { processOutput } from '../output.js';
import { loadRolloutContext } from './rollout-context.js';
import { confirm } from './rollout-runner.js';

export async function runUnlock(pack: string, options: UnlockCommandOptions): Promise<number> {
  const io = processOutput();
  const ctx = loadRolloutContext([pack], options, io);
  try {
    const deployment = ctx.config.packs[pack];
    if (!deployment) throw new UsageError(`pack "${pack}" is not in ${ctx.configFile}`);
    const region = ctx.config.regions[0] as string;
    const target = {
      bucket: ctx.config.templateBuckets[region] as string,
      owner: ctx.config.deployingAccount,
      // A stack set pack's deploy lock is under the stack set's name (app/deploy.ts).
      orgPackName:
        engineOf(deployment) === 'stackset'
          ? stackSetNameOf(pack, deployment)
          : orgPackNameOf(pack, deployment),
    };
    const s3 = ctx.aws.s3(region);
    const current = await readLock(s3, target);
    if (!current) {
      io.out(`${target.orgPackName} is not locked.`);
      return 0;
    }
    const body = current.body;
    const who = body
      ? `${body.holder} (${body.operation}) since ${body.acquiredAt}, until ${body.expiresAt}${isLockExpired(current, new Date()) ? ', expired' : ''}`
      : `an unreadable lock object (${current.problem ?? 'unknown content'})`;
    io.err(`${printableLine(target.orgPackName)} is locked by ${printableLine(who)}.`);
    if (
      !(await confirm('Break the lock? Only do this when that deploy is no longer running.', options.yes, io))
    )
      return 1;
    const broken = await breakLock(s3, target);
    io.out(broken ? `Lock of ${target.orgPackName} broken.` : `${target.orgPackName} was no longer locked.`);
    return 0;
  } finally {
    ctx.close();
  }
}
