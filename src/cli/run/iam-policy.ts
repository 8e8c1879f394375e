/** `packsmith iam-policy`: the policy of src/aws/iam-policy.ts with this repository's buckets and role. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { accountCheckStatements, deployerStatements, policyDocument } from '../../aws/iam-policy.js';
import { partitionOf } from '../../facts/partitions.js';
import { deployConfigFileName, loadDeployConfig } from '../../org/deploy-config.js';
import { displayPath } from '../../util/paths.js';
import type { IamPolicyCommandOptions } from '../options.js';
import { UsageError } from '../errors.js';
import { processOutput } from '../output.js';
import { stopOnErrors } from './rollout-context.js';

export async function runIamPolicy(options: IamPolicyCommandOptions): Promise<number> {
  const io = processOutput();
  if (options.role === 'account-check') {
    io.out(JSON.stringify(policyDocument(accountCheckStatements()), null, 2));
    return 0;
  }
  const path = resolve(options.root, options.config ?? deployConfigFileName);
  if (!existsSync(path)) {
    throw new UsageError(`no deployment configuration at ${displayPath(path)}; pass --config`);
  }
  const loaded = loadDeployConfig(path, displayPath(path));
  stopOnErrors(loaded.problems, io);
  const config = loaded.config!;
  const deliveryBuckets = [
    ...new Set(Object.values(config.packs).flatMap((p) => (p.deliveryBucket ? [p.deliveryBucket] : []))),
  ].sort();
  const statements = deployerStatements({
    templateBuckets: [...new Set(Object.values(config.templateBuckets))].sort(),
    ...(deliveryBuckets.length ? { deliveryBuckets } : {}),
    ...(config.accountCheckRoleName ? { accountCheckRoleName: config.accountCheckRoleName } : {}),
    partition: partitionOf(config.regions[0]!).id,
    stackSets: Object.values(config.packs).some((p) => p.engine === 'stackset'),
  }).filter((s) => s.statement.Sid !== 'DeliveryBuckets' || deliveryBuckets.length > 0);
  io.out(JSON.stringify(policyDocument(statements), null, 2));
  return 0;
}
