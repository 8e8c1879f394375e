/**
 * What every rollout command (preflight, plan, deploy, destroy, status, history, unlock) loads
 * first: the deployment configuration, the AWS clients, and on demand the built packs, the
 * organization and the desired state. Problems in the files stop the command with every problem
 * listed; AWS is only called once the files are right.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createAws, onAwsCall, type Aws } from '../../aws/clients.js';
import { loadRepository } from '../../authoring/repository.js';
import type { ComposedPack } from '../../authoring/model.js';
import { hasErrors, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { formatDiagnosticsText } from '../../diagnostics/format-text.js';
import { buildRepository, type BuiltPack } from '../../generator/build.js';
import { deployConfigFileName, loadDeployConfig, type DeployConfig } from '../../org/deploy-config.js';
import { discoverOrganization, type OrgTree } from '../../org/discover.js';
import type { YamlSource } from '../../source/yaml-source.js';
import { defaultStatePath, openStatusStore, type StatusStore } from '../../state/store.js';
import { packageTemplateSource } from '../../generator/package-templates.js';
import { displayPath } from '../../util/paths.js';
import { closest } from '../../util/suggest.js';
import { desiredState, type DesiredPack } from '../../rollout/desired.js';
import { checkRolloutInputs } from '../../rollout/inputs.js';
import { CliError, UsageError } from '../errors.js';
import type { Output } from '../output.js';

export type { RolloutCommandOptions } from '../options.js';
import type { RolloutCommandOptions } from '../options.js';

export interface RolloutContext {
  root: string;
  config: DeployConfig;
  configSource: YamlSource;
  configFile: string;
  /** Selected packs (the arguments, or every pack of the configuration). */
  packs: string[];
  /** Selected Regions, in the configuration's order. */
  regions: string[];
  aws: Aws;
  statePath: string;
  close(): void;
}

/** Prints every diagnostic and stops with exit code 1 when one is an error. */
export function stopOnErrors(diagnostics: readonly Diagnostic[], io: Output): void {
  if (diagnostics.length > 0) io.err(formatDiagnosticsText(diagnostics, io.paint));
  if (hasErrors(diagnostics)) throw new CliError('stopped: fix the problems above first');
}

/** Where a rollout command's files are: resolved here once, the same way for every rollout command. */
export interface RolloutLocation {
  root: string;
  /** The deployment configuration: `--config`, else packsmith.deploy.yaml in the root. */
  configPath: string;
  /** `configPath` as shown to the user. */
  configFile: string;
  /** Whether `--config` named it (then it must exist). */
  configGiven: boolean;
}

export function rolloutLocation(options: Pick<RolloutCommandOptions, 'root' | 'config'>): RolloutLocation {
  const root = resolve(options.root);
  const configPath = resolve(root, options.config ?? deployConfigFileName);
  return { root, configPath, configFile: displayPath(configPath), configGiven: options.config !== undefined };
}

/** The status database: `--state`, else the configuration's statePath, else the default, all from the root. */
export function resolveStatePath(
  location: RolloutLocation,
  options: Pick<RolloutCommandOptions, 'state'>,
  config: Pick<DeployConfig, 'statePath'> | undefined,
): string {
  return resolve(location.root, options.state ?? config?.statePath ?? defaultStatePath);
}

/** A rollout needs its configuration file: `--config` or packsmith.deploy.yaml in the root. */
function requireConfigFile(location: RolloutLocation): void {
  if (!existsSync(location.configPath)) {
    throw new UsageError(
      `no deployment configuration at ${location.configFile}: create ${deployConfigFileName} (see docs/deploy-config.md) or pass --config`,
    );
  }
}

/** The deployment configuration at `location`; stops with every problem listed. */
export function loadConfigAt(
  location: RolloutLocation,
  io: Output,
): { config: DeployConfig; source: YamlSource } {
  requireConfigFile(location);
  const loaded = loadDeployConfig(location.configPath, location.configFile);
  stopOnErrors(loaded.problems, io);
  return { config: loaded.config as DeployConfig, source: loaded.source };
}

export function loadRolloutContext(
  packArgs: readonly string[],
  options: RolloutCommandOptions,
  io: Output,
): RolloutContext {
  const location = rolloutLocation(options);
  return contextFor(location, loadConfigAt(location, io), packArgs, options, io);
}

/**
 * The context of a command that deploys or plans: the configuration, its packs checked against the
 * repository and the selected packs built, all offline and every problem at once
 * (src/rollout/inputs.ts); AWS clients are created only when all of that is right.
 */
export async function loadCheckedRolloutContext(
  packArgs: readonly string[],
  options: RolloutCommandOptions,
  io: Output,
): Promise<{ ctx: RolloutContext; built: Map<string, BuiltPack> }> {
  const location = rolloutLocation(options);
  requireConfigFile(location);
  const inputs = await checkRolloutInputs({
    root: location.root,
    configPath: location.configPath,
    configFile: location.configFile,
    packs: packArgs,
    templates: packageTemplateSource(),
  });
  stopOnErrors(inputs.diagnostics, io);
  const loaded = { config: inputs.config as DeployConfig, source: inputs.source };
  return { ctx: contextFor(location, loaded, packArgs, options, io), built: inputs.built };
}

function contextFor(
  location: RolloutLocation,
  loaded: { config: DeployConfig; source: YamlSource },
  packArgs: readonly string[],
  options: RolloutCommandOptions,
  io: Output,
): RolloutContext {
  const { root, configPath } = location;
  const config = loaded.config;

  for (const name of packArgs) {
    if (!(name in config.packs)) {
      const [hint] = closest(name, Object.keys(config.packs), 1);
      throw new UsageError(
        `pack "${name}" is not in ${displayPath(configPath)}${hint ? ` (did you mean "${hint}"?)` : ''}`,
      );
    }
  }
  for (const region of options.region ?? []) {
    if (!config.regions.includes(region)) {
      const [hint] = closest(region, config.regions, 1);
      throw new UsageError(
        `Region ${region} is not in the configuration's regions (${config.regions.join(', ')})${hint ? `; did you mean ${hint}?` : ''}`,
      );
    }
  }
  const regions = options.region?.length
    ? config.regions.filter((r) => options.region?.includes(r))
    : config.regions;
  const aws = createAws({
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
    defaultRegion: regions[0] ?? config.regions[0] ?? 'us-east-1',
    ...(config.assumeRoleName
      ? { assumeRole: { roleArn: `arn:aws:iam::${config.deployingAccount}:role/${config.assumeRoleName}` } }
      : {}),
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
    root,
    config,
    configSource: loaded.source,
    configFile: location.configFile,
    packs: packArgs.length ? [...packArgs] : Object.keys(config.packs),
    regions,
    aws,
    statePath: resolveStatePath(location, options, config),
    close() {
      unsubscribe();
      aws.destroy();
    },
  };
}

/** Builds the selected packs in memory (what `packsmith build` would write). */
export async function buildPacks(ctx: RolloutContext, io: Output): Promise<Map<string, BuiltPack>> {
  const repo = await loadRepository(ctx.root);
  const names = ctx.packs.filter((p) => repo.packs.has(p) || repo.broken.pack.has(p));
  const result = buildRepository(repo, names, packageTemplateSource(), { readme: false });
  stopOnErrors(result.diagnostics, io);
  return new Map(result.built.map((b) => [b.name, b]));
}

export async function discover(ctx: RolloutContext): Promise<OrgTree> {
  return discoverOrganization(ctx.aws.organizations());
}

/** The desired state of the selected packs in the selected Regions; stops on any problem. */
export function desiredPacks(
  ctx: RolloutContext,
  built: ReadonlyMap<string, BuiltPack>,
  tree: OrgTree,
  io: Output,
): DesiredPack[] {
  const templates = packageTemplateSource();
  const state = desiredState({
    config: { ...ctx.config, regions: ctx.regions },
    source: ctx.configSource,
    tree,
    built,
    packs: ctx.packs,
    packTemplate: (pack: ComposedPack) => {
      if (pack.template === undefined) {
        const file = templates.defaultPackTemplate;
        return { text: templates.read(file), file: displayPath(file) };
      }
      const read = templates.readPackTemplate(pack.template, ctx.root);
      if (!read.ok) throw new CliError(`the pack template ${displayPath(pack.template)} ${read.message}`);
      return { text: read.text, file: displayPath(pack.template) };
    },
  });
  stopOnErrors(state.diagnostics, io);
  return state.packs;
}

/** The status store's path as messages show it: relative to the pack repository. */
export const shownStatePath = (ctx: Pick<RolloutContext, 'root' | 'statePath'>): string =>
  displayPath(ctx.statePath, ctx.root);

/** Opens the status store for writing; a store that cannot be opened stops the command before any change. */
export function openStore(ctx: RolloutContext): StatusStore {
  try {
    return openStatusStore(ctx.statePath);
  } catch (error) {
    throw new CliError(
      `cannot open the status store ${shownStatePath(ctx)}: ${(error as Error).message}. Nothing was changed: ` +
        'free or move the file, or pass --state another file (a new file starts a new history)',
    );
  }
}
