/**
 * What every rollout use case (preflight, plan, deploy, destroy, status, history, unlock) resolves
 * first, one way for all of them: where the deployment configuration and the status store are, the
 * configuration itself, the selected packs and Regions; then on demand the built packs, the
 * organization and the desired state. Problems in the files stop with every problem listed
 * (`AppError` with its diagnostics); AWS is only called once the files are right.
 */
import type { Catalog } from '../catalog/types.js';
import { arnPrefix } from '../facts/partitions.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Aws } from '../aws/clients.js';
import { loadRepository } from '../authoring/repository.js';
import type { ComposedPack } from '../authoring/model.js';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { buildRepository, type BuiltPack } from '../generator/build.js';
import { deployConfigFileName, loadDeployConfig, type DeployConfig } from '../org/deploy-config.js';
import { discoverOrganization, type OrgTree } from '../org/discover.js';
import type { YamlSource } from '../source/yaml-source.js';
import { SqliteUnavailableError } from '../state/sqlite.js';
import { defaultStatePath, openStatusStore, type StatusStore } from '../state/store.js';
import { packageTemplateSource } from '../generator/package-templates.js';
import { displayPath } from '../util/paths.js';
import { closest } from '../util/suggest.js';
import { checkRolloutInputs } from '../rollout/inputs.js';
import { desiredState, type DesiredPack } from '../rollout/desired.js';
import { AppError, refused, usage } from './errors.js';
import type { RolloutAwsSettings, RolloutDeps } from './events.js';

/** Where a rollout command's files are: resolved here once, the same way for every rollout command. */
export interface RolloutLocation {
  /** The pack repository, absolute. */
  root: string;
  /** The deployment configuration: `--config`, else packsmith.deploy.yaml in the root. */
  configPath: string;
  /** `configPath` as shown to the user. */
  configFile: string;
  /** Whether `--config` named it (then it must exist). */
  configGiven: boolean;
  /** The directory paths are shown relative to (the shell's working directory). */
  shownFrom: string;
}

/** What the user asked for: the repository, the files, the packs and Regions. */
export interface RolloutRequest {
  /** The pack repository; relative to `shownFrom` unless absolute. */
  root: string;
  config?: string;
  state?: string;
  /** The directory relative paths start from and are shown relative to (the working directory). */
  shownFrom: string;
}

export function rolloutLocation(
  request: Pick<RolloutRequest, 'root' | 'config' | 'shownFrom'>,
): RolloutLocation {
  const root = resolve(request.shownFrom, request.root);
  const configPath = resolve(root, request.config ?? deployConfigFileName);
  return {
    root,
    configPath,
    configFile: displayPath(configPath, request.shownFrom),
    configGiven: request.config !== undefined,
    shownFrom: request.shownFrom,
  };
}

/** The status database: `--state`, else the configuration's statePath, else the default, all from the root. */
export function resolveStatePath(
  location: RolloutLocation,
  request: Pick<RolloutRequest, 'state'>,
  config: Pick<DeployConfig, 'statePath'> | undefined,
): string {
  return resolve(location.root, request.state ?? config?.statePath ?? defaultStatePath);
}

/** Refuses with every diagnostic when one is an error; returns the others (warnings) to report. */
export function stopOnErrors(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  if (hasErrors(diagnostics))
    throw new AppError('refused', 'stopped: fix the problems above first', diagnostics);
  return [...diagnostics];
}

/** The deployment configuration at `location`; refuses with every problem listed. */
export function loadConfigAt(location: RolloutLocation): {
  config: DeployConfig;
  source: YamlSource;
  diagnostics: Diagnostic[];
} {
  if (!existsSync(location.configPath)) {
    throw usage(
      `no deployment configuration at ${location.configFile}: create ${deployConfigFileName} (see docs/deploy-config.md) or pass --config`,
    );
  }
  const loaded = loadDeployConfig(location.configPath, location.configFile);
  const diagnostics = stopOnErrors(loaded.problems);
  return { config: loaded.config as DeployConfig, source: loaded.source, diagnostics };
}

/** The resolved configuration of a rollout command, before any AWS call. */
export interface RolloutSetup {
  root: string;
  config: DeployConfig;
  configSource: YamlSource;
  configFile: string;
  /** Selected packs (the arguments, or every pack of the configuration). */
  packs: string[];
  /** Selected Regions, in the configuration's order. */
  regions: string[];
  statePath: string;
  /** The directory paths are shown relative to. */
  shownFrom: string;
  /** Warnings of the configuration. */
  diagnostics: Diagnostic[];
}

/** A rollout's setup and the AWS clients it calls through. */
export interface RolloutContext extends RolloutSetup {
  aws: Aws;
  /** The selected packs, built by the offline check before any AWS call, with the build's warnings. */
  prebuilt?: { built: Map<string, BuiltPack>; diagnostics: Diagnostic[] };
}

/** Resolves the configuration, packs and Regions of a rollout command; refuses a pack or Region not in it. */
export function loadRolloutSetup(
  request: RolloutRequest & { packs: readonly string[]; regions?: readonly string[] },
): RolloutSetup {
  const location = rolloutLocation(request);
  const loaded = loadConfigAt(location);
  const config = loaded.config;
  for (const name of request.packs) {
    if (!(name in config.packs)) {
      const [hint] = closest(name, Object.keys(config.packs), 1);
      throw usage(
        `pack "${name}" is not in ${displayPath(location.configPath, request.shownFrom)}${hint ? ` (did you mean "${hint}"?)` : ''}`,
      );
    }
  }
  for (const region of request.regions ?? []) {
    if (!config.regions.includes(region)) {
      const [hint] = closest(region, config.regions, 1);
      throw usage(
        `Region ${region} is not in the configuration's regions (${config.regions.join(', ')})${hint ? `; did you mean ${hint}?` : ''}`,
      );
    }
  }
  const regions = request.regions?.length
    ? config.regions.filter((r) => request.regions?.includes(r))
    : config.regions;
  return {
    root: location.root,
    config,
    configSource: loaded.source,
    configFile: location.configFile,
    packs: request.packs.length ? [...request.packs] : Object.keys(config.packs),
    regions,
    statePath: resolveStatePath(location, request, config),
    shownFrom: request.shownFrom,
    diagnostics: loaded.diagnostics,
  };
}

/** Builds the selected packs in memory (what `packsmith build` would write), with the build's warnings. */
export async function buildPacks(
  ctx: RolloutSetup & Pick<RolloutContext, 'prebuilt'>,
): Promise<{ built: Map<string, BuiltPack>; diagnostics: Diagnostic[]; catalog?: Catalog }> {
  if (ctx.prebuilt) return ctx.prebuilt;
  const repo = await loadRepository(ctx.root);
  const names = ctx.packs.filter((p) => repo.packs.has(p) || repo.broken.pack.has(p));
  const result = buildRepository(repo, names, packageTemplateSource(), { readme: false });
  const diagnostics = stopOnErrors(result.diagnostics);
  // The repository's catalog (with its extensions) decides which rules exist in which Region.
  return { built: new Map(result.built.map((b) => [b.name, b])), diagnostics, catalog: repo.catalog };
}

export async function discover(ctx: RolloutContext): Promise<OrgTree> {
  return discoverOrganization(ctx.aws.organizations());
}

/** The desired state of the selected packs in the selected Regions; refuses on any error. */
export function desiredPacks(
  ctx: RolloutSetup,
  built: ReadonlyMap<string, BuiltPack>,
  tree: OrgTree,
  catalog?: Catalog,
): { packs: DesiredPack[]; diagnostics: Diagnostic[] } {
  const templates = packageTemplateSource();
  const shown = (path: string) => displayPath(path, ctx.shownFrom);
  const state = desiredState({
    config: { ...ctx.config, regions: ctx.regions },
    source: ctx.configSource,
    tree,
    built,
    packs: ctx.packs,
    ...(catalog ? { catalog } : {}),
    packTemplate: (pack: ComposedPack) => {
      if (pack.template === undefined) {
        const file = templates.defaultPackTemplate;
        return { text: templates.read(file), file: shown(file) };
      }
      const read = templates.readPackTemplate(pack.template, ctx.root);
      if (!read.ok) throw refused(`the pack template ${shown(pack.template)} ${read.message}`);
      return { text: read.text, file: shown(pack.template) };
    },
  });
  return { packs: state.packs, diagnostics: stopOnErrors(state.diagnostics) };
}

/** The status store's path as messages show it: relative to the pack repository. */
export const shownStatePath = (ctx: Pick<RolloutSetup, 'root' | 'statePath'>): string =>
  displayPath(ctx.statePath, ctx.root);

/** Opens the status store for writing; a store that cannot be opened refuses before any change. */
export function openStore(
  ctx: RolloutSetup,
  open: (path: string) => StatusStore = openStatusStore,
): StatusStore {
  try {
    return open(ctx.statePath);
  } catch (error) {
    if (error instanceof SqliteUnavailableError) throw refused(`${error.message}. Nothing was changed`);
    throw refused(
      `cannot open the status store ${shownStatePath(ctx)}: ${(error as Error).message}. Nothing was changed: ` +
        'free or move the file, or pass --state another file (a new file starts a new history)',
    );
  }
}

/** The template bucket of a Region (the configuration's schema requires one per Region). */
export const bucketOf = (ctx: Pick<RolloutSetup, 'config' | 'configFile'>, region: string): string => {
  const bucket = ctx.config.templateBuckets[region];
  if (!bucket) throw refused(`no template bucket for ${region} in ${ctx.configFile}`);
  return bucket;
};

/** The AWS settings the configuration decides: the default Region, and the role to assume. */
export function awsSettingsOf(setup: RolloutSetup): RolloutAwsSettings {
  const defaultRegion = setup.regions[0] ?? setup.config.regions[0] ?? 'us-east-1';
  return {
    defaultRegion,
    ...(setup.config.assumeRoleName
      ? {
          assumeRole: {
            roleArn: `${arnPrefix(defaultRegion)}iam::${setup.config.deployingAccount}:role/${setup.config.assumeRoleName}`,
          },
        }
      : {}),
  };
}

/** What selects a rollout's packs and Regions. */
export type RolloutSelection = RolloutRequest & { packs: readonly string[]; regions?: readonly string[] };

/**
 * Runs `work` on the resolved setup with AWS clients made by `connect`; the clients are destroyed
 * when it ends, however it ends.
 */
export async function withRollout<T>(
  selection: RolloutSelection,
  connect: RolloutDeps['connect'],
  work: (ctx: RolloutContext) => Promise<T>,
  options: { offlineCheck?: boolean } = {},
): Promise<T> {
  const prebuilt = options.offlineCheck ? await checkOffline(selection) : undefined;
  const setup = loadRolloutSetup(selection);
  const aws = connect(awsSettingsOf(setup));
  try {
    return await work({ ...setup, aws, ...(prebuilt ? { prebuilt } : {}) });
  } finally {
    aws.destroy();
  }
}

/**
 * What a command that plans or deploys reads before it may call AWS, in one offline pass
 * (src/rollout/inputs.ts): the configuration, its packs checked against the repository, the
 * selected packs built. Refuses with every problem at once; no AWS client exists yet.
 */
async function checkOffline(
  selection: RolloutSelection,
): Promise<{ built: Map<string, BuiltPack>; diagnostics: Diagnostic[] }> {
  const location = rolloutLocation(selection);
  if (!existsSync(location.configPath)) {
    throw usage(
      `no deployment configuration at ${location.configFile}: create ${deployConfigFileName} (see docs/deploy-config.md) or pass --config`,
    );
  }
  const inputs = await checkRolloutInputs({
    root: location.root,
    configPath: location.configPath,
    configFile: location.configFile,
    packs: selection.packs,
    templates: packageTemplateSource(),
  });
  return { built: inputs.built, diagnostics: stopOnErrors(inputs.diagnostics) };
}

/** `withRollout` for the commands that plan or deploy: the offline check runs first. */
export const withCheckedRollout = <T>(
  selection: RolloutSelection,
  connect: RolloutDeps['connect'],
  work: (ctx: RolloutContext) => Promise<T>,
): Promise<T> => withRollout(selection, connect, work, { offlineCheck: true });
