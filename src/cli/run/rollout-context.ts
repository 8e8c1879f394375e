/**
 * The shell side of every rollout command: the request from the options (paths from the working
 * directory), real AWS clients (profile, endpoint, `--debug` call lines), and the core's refusals
 * and diagnostics turned into printed problems and exit codes. What is resolved, and how, is the
 * core's (src/app/context.ts).
 */
import { createAws, onAwsCall, type Aws } from '../../aws/clients.js';
import { proxyProblem, proxySettingsFrom } from '../../aws/proxy.js';
import type { BuiltPack } from '../../generator/build.js';
import type { DeployConfig } from '../../org/deploy-config.js';
import type { YamlSource } from '../../source/yaml-source.js';
import {
  awsSettingsOf,
  buildPacks as buildPacksCore,
  loadConfigAt as loadConfigAtCore,
  loadRolloutSetup,
  type RolloutContext as CoreRolloutContext,
  type RolloutLocation,
  type RolloutSelection,
} from '../../app/context.js';
import type { RolloutAwsSettings } from '../../app/events.js';
import { UsageError } from '../errors.js';
import type { Output } from '../output.js';
import type { RolloutCommandOptions } from '../options.js';

export { discover, resolveStatePath, type RolloutLocation } from '../../app/context.js';
export { fromCore, printDiagnostics, stopOnErrors } from './core-call.js';
import { fromCore, fromCoreSync, printDiagnostics } from './core-call.js';
import { rolloutLocation as rolloutLocationCore } from '../../app/context.js';

export interface RolloutContext extends CoreRolloutContext {
  close(): void;
}

/** What the options select: paths relative to the working directory. */
export function selectionOf(packs: readonly string[], options: RolloutCommandOptions): RolloutSelection {
  return {
    root: options.root,
    ...(options.config !== undefined ? { config: options.config } : {}),
    ...(options.state !== undefined ? { state: options.state } : {}),
    shownFrom: process.cwd(),
    packs,
    ...(options.region ? { regions: options.region } : {}),
  };
}

/** Creates real AWS clients for the options (`--profile`, `--endpoint-url`, `--debug` lines on `io`). */
export function connectFor(
  options: RolloutCommandOptions,
  io: Output,
): (settings: RolloutAwsSettings) => Aws {
  const proxy = proxySettingsFrom(process.env);
  const problem = proxyProblem(proxy);
  if (problem) throw new UsageError(problem);
  return (settings) => {
    const aws = createAws({
      proxy,
      ...(options.profile ? { profile: options.profile } : {}),
      ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
      ...settings,
    });
    const unsubscribe = options.debug
      ? onAwsCall((call) =>
          io.err(
            io.paint.dim(
              `aws ${call.iamAction} ${call.region} ${call.durationMs} ms${call.error ? ` ${call.error}` : ''}`,
            ),
          ),
        )
      : () => undefined;
    return {
      ...aws,
      destroy() {
        unsubscribe();
        aws.destroy();
      },
    };
  };
}

export function rolloutLocation(options: Pick<RolloutCommandOptions, 'root' | 'config'>): RolloutLocation {
  return rolloutLocationCore({
    root: options.root,
    ...(options.config !== undefined ? { config: options.config } : {}),
    shownFrom: process.cwd(),
  });
}

/** The deployment configuration at `location`; stops with every problem listed. */
export function loadConfigAt(
  location: RolloutLocation,
  io: Output,
): { config: DeployConfig; source: YamlSource } {
  const loaded = fromCoreSync(io, () => loadConfigAtCore(location));
  printDiagnostics(loaded.diagnostics, io);
  return loaded;
}

/** The setup and AWS clients of a rollout command that reads (status, unlock). */
export function loadRolloutContext(
  packArgs: readonly string[],
  options: RolloutCommandOptions,
  io: Output,
): RolloutContext {
  const setup = fromCoreSync(io, () => loadRolloutSetup(selectionOf(packArgs, options)));
  printDiagnostics(setup.diagnostics, io);
  const aws = connectFor(options, io)(awsSettingsOf(setup));
  return { ...setup, aws, close: () => aws.destroy() };
}

/** Builds the selected packs in memory (what `packsmith build` would write). */
export async function buildPacks(ctx: RolloutContext, io: Output): Promise<Map<string, BuiltPack>> {
  const { built, diagnostics } = await fromCore(io, () => buildPacksCore(ctx));
  printDiagnostics(diagnostics, io);
  return built;
}
