/** `packsmith history [PACK]`: past deployments from the local status database, newest first. */
import { existsSync } from 'node:fs';
import { openStatusStore } from '../../state/store.js';
import type { HistoryCommandOptions } from '../options.js';
import { CliError, UsageError } from '../errors.js';
import { jsonDocument, processOutput } from '../output.js';
import { loadConfigAt, resolveStatePath, rolloutLocation } from './rollout-context.js';
import { table } from './table.js';
import { printableLine } from '../../util/text.js';

export async function runHistory(pack: string | undefined, options: HistoryCommandOptions): Promise<number> {
  const io = processOutput();
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
  // The database is found as by every rollout command; the configuration, read only for its
  // statePath, may be absent when none was named (a history of the default database).
  const location = rolloutLocation(options);
  const config =
    options.state === undefined && (location.configGiven || existsSync(location.configPath))
      ? loadConfigAt(location, io).config
      : undefined;
  const path = resolveStatePath(location, options, config);
  const regions = options.region?.length ? new Set(options.region) : undefined;
  if (!existsSync(path)) {
    if (options.format === 'json') io.out(jsonDocument('history', { deployments: [] }));
    else
      io.out(`No history yet: ${path} does not exist (it is created by the first deploy on this machine).`);
    return 0;
  }
  let store;
  try {
    // Only reading: opened read-only, never created, migrated or locked for writing.
    store = openStatusStore(path, { readonly: true });
  } catch (error) {
    throw new CliError(`cannot read the local history ${path}: ${(error as Error).message}`);
  }
  try {
    const deployments = store
      .history({ ...(pack ? { pack } : {}), limit })
      .filter((d) => regions === undefined || regions.has(d.region))
      .map((d) => ({
        id: d.id,
        pack: d.pack,
        orgPackName: d.orgPackName,
        region: d.region,
        operation: d.operation,
        templateSha256: d.templateSha256,
        parameters: d.parameters,
        excludedAccounts: d.excludedAccounts,
        callerAccount: d.callerAccount,
        startedAt: d.startedAt,
        endedAt: d.endedAt,
        outcome: d.outcome,
        counts: store.deploymentCounts(d.id) as Record<string, number>,
        ...(d.unavailableRules.length ? { unavailableRules: d.unavailableRules } : {}),
      }));
    // Stack set packs (issue 16): their operations, per stage. A stack set spans Regions: not
    // filtered by --region.
    const stackSetOperations = store.stackSetOperations({ ...(pack ? { pack } : {}), limit }).map((o) => ({
      id: o.id,
      pack: o.pack,
      stackSetName: o.stackSetName,
      stage: o.stage,
      stageIndex: o.stageIndex,
      operationId: o.operationId,
      action: o.kind,
      attempt: o.attempt,
      status: o.status,
      statusReason: o.statusReason,
      callerAccount: o.callerAccount,
      startedAt: o.startedAt,
      endedAt: o.endedAt,
      instances: instanceCounts(store.stackInstances(o.id)),
    }));
    if (options.format === 'json') {
      io.out(
        jsonDocument('history', {
          deployments,
          ...(stackSetOperations.length ? { stackSetOperations } : {}),
        }),
      );
      return 0;
    }
    if (deployments.length === 0 && stackSetOperations.length === 0) {
      io.out('No deployments recorded.');
      return 0;
    }
    if (stackSetOperations.length > 0) {
      io.out('Stack set operations (engine: stackset)');
      io.out(
        table(
          [
            'pack',
            'stack set',
            'stage',
            'operation id',
            'action',
            'status',
            'reason',
            'started',
            'ended',
            'instances',
          ],
          stackSetOperations.map((o) => [
            o.pack,
            o.stackSetName,
            o.stage,
            o.operationId,
            o.action,
            o.status,
            o.statusReason ?? '',
            o.startedAt,
            o.endedAt ?? '(running or interrupted)',
            Object.entries(o.instances)
              .map(([s, n]) => `${s} ${n}`)
              .join(', ') || '-',
          ]),
        ),
      );
      if (deployments.length === 0) return 0;
      io.out('');
    }
    io.out(
      table(
        [
          'id',
          'pack',
          'org pack',
          'region',
          'operation',
          'started',
          'ended',
          'outcome',
          'accounts',
          'template',
        ],
        deployments.map((d) => [
          String(d.id),
          d.pack,
          d.orgPackName,
          d.region,
          d.operation,
          d.startedAt,
          d.endedAt ?? '(running or interrupted)',
          d.outcome ?? '-',
          Object.entries(d.counts)
            .map(([s, n]) => `${s} ${n}`)
            .join(', ') || '-',
          d.templateSha256?.slice(0, 12) ?? '-',
        ]),
      ),
    );
    const leftOut = deployments.filter((d) => d.unavailableRules?.length);
    if (leftOut.length > 0) {
      io.out('');
      io.out('Not evaluated: rules left out where AWS does not document them (unavailableRules: exclude)');
      for (const d of leftOut) {
        for (const u of d.unavailableRules ?? []) {
          io.out(
            printableLine(
              `  deployment ${d.id} (${d.pack} in ${d.region}): ${u.rule} (${u.identifier})${u.controls.length ? `; controls ${u.controls.join(', ')}` : ''}`,
            ),
          );
        }
      }
    }
    return 0;
  } finally {
    store.close();
  }
}

/** Stack instances per recorded DetailedStatus (unknown: `-`), sorted. */
function instanceCounts(instances: ReadonlyArray<{ detailedStatus: string | null }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of [...instances].sort((a, b) =>
    (a.detailedStatus ?? '-') < (b.detailedStatus ?? '-') ? -1 : 1,
  ))
    counts[i.detailedStatus ?? '-'] = (counts[i.detailedStatus ?? '-'] ?? 0) + 1;
  return counts;
}
