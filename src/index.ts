/**
 * packsmith's programmatic API (`import { build, validate, plan } from 'packsmith'`): the same core
 * functions the CLI calls, with their types. They print nothing and never exit: problems come back
 * as located `Diagnostic`s, refusals as `AppError` (`kind: 'usage' | 'refused'`).
 */
import { createAws } from './aws/clients.js';
import { proxyProblem, proxySettingsFrom } from './aws/proxy.js';
import { usage } from './app/errors.js';
import { plan as planUseCase, type PlanProgress, type PlanResult } from './app/plan.js';

export { loadRepository, type Repository } from './authoring/repository.js';
export { build, type BuildRequest, type BuildOutcome } from './app/build.js';
export { validate, InputError, type ValidateOptions } from './validation/validate.js';
export type { ValidationReport } from './validation/report.js';
export type { Diagnostic, Severity, SourceLocation } from './diagnostics/diagnostic.js';
export type { SuppressedFinding } from './diagnostics/pipeline.js';
export type { BuiltPack } from './generator/build.js';
export type { PlanProgress, PlanResult } from './app/plan.js';
export type { PlanDocument } from './app/documents.js';
export { AppError } from './app/errors.js';

export interface PlanRequest {
  /** The pack repository; relative paths start from `cwd`. */
  root: string;
  /** The deployment configuration (default: packsmith.deploy.yaml in the root). */
  config?: string;
  /** Packs to plan (default: every pack of the configuration). */
  packs?: readonly string[];
  /** Regions to plan (default: the configuration's). */
  regions?: readonly string[];
  /** A named profile of the shared AWS files (default: the SDK's chain). */
  profile?: string;
  /** One endpoint for every AWS service (a local emulator). */
  endpointUrl?: string;
  /** Where relative paths start and are shown from (default: the process's working directory). */
  cwd?: string;
  /** Told after each pack × Region is read from AWS: `done` of `total`. */
  onProgress?: PlanProgress;
}

/** What `packsmith plan` shows, per pack and Region, as data: reads AWS, changes nothing. */
export async function plan(request: PlanRequest): Promise<PlanResult> {
  const proxy = proxySettingsFrom(process.env);
  const problem = proxyProblem(proxy);
  if (problem) throw usage(problem);
  return planUseCase(
    {
      root: request.root,
      ...(request.config !== undefined ? { config: request.config } : {}),
      shownFrom: request.cwd ?? process.cwd(),
      packs: request.packs ?? [],
      ...(request.regions ? { regions: request.regions } : {}),
    },
    {
      connect: (settings) =>
        createAws({
          proxy,
          ...(request.profile ? { profile: request.profile } : {}),
          ...(request.endpointUrl ? { endpointUrl: request.endpointUrl } : {}),
          ...settings,
        }),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    },
  );
}
