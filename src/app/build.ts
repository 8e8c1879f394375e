/**
 * The build use case: load the pack repository, compose, render and check the packs (the same
 * `checkRepository` validate uses), and apply the repository's check settings. Returns the built
 * templates and every finding; writing files is the caller's business (the CLI writes all or nothing).
 */
import { loadRepository } from '../authoring/repository.js';
import { hasErrors, type Diagnostic } from '../diagnostics/diagnostic.js';
import { finalizeDiagnostics, type SuppressedFinding } from '../diagnostics/pipeline.js';
import type { BuiltPack } from '../generator/build.js';
import { packageTemplateSource } from '../generator/package-templates.js';
import { displayPath } from '../util/paths.js';
import { closest } from '../util/suggest.js';
import { checkRepository } from '../validation/check-built.js';
import type { Config } from '../validation/config.js';
import type { CfnGuardMode } from '../validation/guard/engine.js';
import { allChecks } from '../validation/registry.js';
import { refused, usage } from './errors.js';

export interface BuildRequest {
  /** The pack repository (the folder that holds packs/). */
  root: string;
  /** Pack names to build; none: every pack. */
  packs?: readonly string[];
  /** Render each pack's Markdown page too. */
  readme?: boolean;
  /** Warnings fail the build too. */
  strict?: boolean;
  /** The repository configuration (packsmith.config.yaml): check severities and switches. */
  config?: Config;
  /** Parse the rule blocks' Guard policies with cfn-guard: auto (when found), require, off; default auto. */
  cfnGuard?: CfnGuardMode;
  /** Regions the packs are meant for: managed rules unavailable there are reported (PS230). */
  regions?: readonly string[];
}

export interface BuildOutcome {
  /** No error (and, with `strict`, no warning): the templates may be written. */
  ok: boolean;
  /** The built packs; empty when the build failed. */
  built: BuiltPack[];
  diagnostics: Diagnostic[];
  suppressed: SuppressedFinding[];
  /** Why the Guard policies were not parsed, when cfn-guard is missing in `auto` mode (a notice). */
  cfnGuardNotice?: string;
}

export async function build(request: BuildRequest): Promise<BuildOutcome> {
  const names = request.packs ?? [];
  const repo = await loadRepository(request.root);
  if (repo.packs.size === 0 && repo.diagnostics.length === 0) {
    throw refused(
      `no pack manifests (kind: pack) under ${displayPath(repo.packsDir)}; create one with \`packsmith init\``,
    );
  }
  for (const name of names) {
    if (!repo.packs.has(name) && !repo.broken.pack.has(name)) {
      const hint = closest(name, repo.packs.keys(), 1)[0];
      throw usage(`there is no pack named "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
  }
  const result = checkRepository(repo, names, packageTemplateSource(), {
    readme: request.readme ?? false,
    regions: request.regions ?? [],
  });
  const { checkGuardPolicies, repositoryPolicies, CfnGuardRequiredError } =
    await import('../validation/guard/policies.js');
  let guard;
  try {
    guard = await checkGuardPolicies(repositoryPolicies(repo), request.cfnGuard ?? 'auto');
  } catch (error) {
    if (error instanceof CfnGuardRequiredError) throw refused(error.message);
    throw error;
  }
  const { diagnostics, suppressed } = finalizeDiagnostics({
    diagnostics: [...result.diagnostics, ...guard.diagnostics],
    ...(request.config?.checks ? { settings: request.config.checks } : {}),
    files: repo.texts,
    checks: allChecks(),
  });
  const failed =
    hasErrors(diagnostics) || (request.strict === true && diagnostics.some((d) => d.severity === 'warning'));
  return {
    ok: !failed,
    built: failed ? [] : result.built,
    diagnostics,
    suppressed,
    ...(guard.status.ran === false && guard.status.missing ? { cfnGuardNotice: guard.status.reason } : {}),
  };
}
