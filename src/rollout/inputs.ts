/**
 * What a rollout reads before it may call AWS, checked in one offline pass: the deployment
 * configuration (schema and meaning), the configuration's packs against the repository (names,
 * parameters, rules left out: `org/deploy-packs.ts`) and the build of the selected packs. Every
 * problem of the three comes back at once; a schema error in one part of the configuration does
 * not hide the problems of its other parts.
 */
import { composeRepository } from '../authoring/compose.js';
import type { ComposedPack } from '../authoring/model.js';
import { loadRepository } from '../authoring/repository.js';
import { sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import { buildRepository, type BuiltPack, type TemplateSource } from '../generator/build.js';
import { loadDeployConfig, type DeployConfig } from '../org/deploy-config.js';
import { deployPackProblems } from '../org/deploy-packs.js';
import type { YamlSource } from '../source/yaml-source.js';

export interface RolloutInputsRequest {
  /** The repository root. */
  root: string;
  /** The deployment configuration file, and its name as shown in locations. */
  configPath: string;
  configFile: string;
  /** Packs to build (the command's arguments); empty: every pack of the configuration. */
  packs: readonly string[];
  templates: TemplateSource;
}

export interface RolloutInputs {
  /** Present when the configuration has no error. */
  config?: DeployConfig;
  source: YamlSource;
  /** The selected packs that built, by name. */
  built: Map<string, BuiltPack>;
  /** Every problem of the configuration, its packs and their build, sorted by position. */
  diagnostics: Diagnostic[];
}

export async function checkRolloutInputs(request: RolloutInputsRequest): Promise<RolloutInputs> {
  const loaded = loadDeployConfig(request.configPath, request.configFile);
  const repo = await loadRepository(request.root);
  const value = loaded.source.value as { packs?: unknown } | null;
  const configPacks =
    value && typeof value === 'object' && value.packs && typeof value.packs === 'object'
      ? Object.keys(value.packs)
      : [];
  const inRepository = (name: string) => repo.packs.has(name) || repo.broken.pack.has(name);

  // The packs' parameters and rules, for the configuration check; their own problems are the build's.
  const composed = new Map<string, ComposedPack>(
    composeRepository(
      repo,
      configPacks.filter((p) => repo.packs.has(p)),
    ).packs.map((p) => [p.name, p]),
  );
  const packProblems = deployPackProblems({
    source: loaded.source,
    repository: {
      packs: composed,
      unbuilt: new Set(configPacks.filter((p) => inRepository(p) && !composed.has(p))),
    },
    brokenPaths: loaded.brokenPaths,
    catalog: repo.catalog,
  });

  const selected = (request.packs.length ? request.packs : configPacks).filter(inRepository);
  // An empty list would build every pack of the repository: nothing is selected, nothing is built.
  const build = selected.length
    ? buildRepository(repo, selected, request.templates, { readme: false })
    : { built: [], diagnostics: repo.diagnostics };
  return {
    ...(loaded.config ? { config: loaded.config } : {}),
    source: loaded.source,
    built: new Map(build.built.map((b) => [b.name, b])),
    diagnostics: sortDiagnostics([...loaded.problems, ...packProblems, ...build.diagnostics]),
  };
}
