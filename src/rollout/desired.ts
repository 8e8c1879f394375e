/**
 * What the repository wants deployed, per pack and Region: the template (with the Region's
 * `excludeRules` left out), its hash, the input parameter values (`parameters` then
 * `regionParameters`), and the targets turned into ExcludedAccounts. Pure: the repository, the
 * deployment configuration and the organization tree come in; diagnostics located in
 * packsmith.deploy.yaml come out for every problem at once.
 */
import type { ComposedPack } from '../authoring/model.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { BuiltPack } from '../generator/build.js';
import { renderPackTemplate } from '../generator/render.js';
import { orgPackNameOf, targetsOf, type DeployConfig, type PackDeployment } from '../org/deploy-config.js';
import type { OrgTree } from '../org/discover.js';
import { deployPackProblems, unavailableRules } from '../org/deploy-packs.js';
import { loadCatalog } from '../catalog/catalog.js';
import type { Catalog } from '../catalog/types.js';
import { resolveTargets, targetDiagnostics } from '../org/targeting.js';
import type { YamlSource } from '../source/yaml-source.js';
import type { DesiredRegion } from './plan.js';
import { sha256Hex } from './records.js';

export interface DesiredPack {
  pack: string;
  orgPackName: string;
  deployment: PackDeployment;
  built: BuiltPack;
  regions: DesiredRegion[];
}

export interface DesiredState {
  packs: DesiredPack[];
  diagnostics: Diagnostic[];
}

export interface DesiredInput {
  config: DeployConfig;
  /** The deployment configuration's parsed file, to locate problems. */
  source: YamlSource;
  tree: OrgTree;
  /** Built packs by name (`packsmith build` in memory). */
  built: ReadonlyMap<string, BuiltPack>;
  /** Packs to plan; default every pack of the configuration. */
  packs?: readonly string[];
  /** The pack template's text and display path, to render Region variants. */
  packTemplate: (pack: ComposedPack) => { text: string; file: string };
  /** Rule availability per Region (the repository's catalog); default the shipped catalog. */
  catalog?: Pick<Catalog, 'availability'>;
}

export function desiredState(input: DesiredInput): DesiredState {
  const { config, source, tree } = input;
  const diagnostics: Diagnostic[] = [];
  const names = input.packs ?? Object.keys(config.packs);
  const packs: DesiredPack[] = [];
  const catalog = input.catalog ?? loadCatalog();
  // The configuration against the packs: the same check the rollout runs before any AWS call.
  diagnostics.push(
    ...deployPackProblems({
      source,
      value: config,
      repository: { packs: new Map([...input.built].map(([name, b]) => [name, b.pack])), unbuilt: new Set() },
      packs: names,
      catalog,
    }),
  );
  for (const pack of names) {
    const deployment = config.packs[pack];
    if (!deployment) continue; // the caller checks names first
    const built = input.built.get(pack);
    if (!built) continue; // reported above
    const resolution = resolveTargets(tree, targetsOf(deployment));
    diagnostics.push(...targetDiagnostics(source, pack, resolution.problems));
    const ruleNames = new Set(built.pack.rules.map((r) => r.ruleName));

    const regions: DesiredRegion[] = [];
    for (const region of config.regions) {
      const parameters = stringValues({ ...deployment.parameters, ...deployment.regionParameters?.[region] });
      // `unavailableRules: exclude` leaves out what AWS does not document here, through the same
      // path as `excludeRules` (the rules, their remediations, and what only they used).
      const unavailable =
        deployment.unavailableRules === 'exclude' ? unavailableRules(built.pack, region, catalog) : [];
      const excludedRules = [
        ...new Set([...(deployment.excludeRules?.[region] ?? []), ...unavailable.map((r) => r.rule)]),
      ]
        .filter((r) => ruleNames.has(r))
        .sort();
      let body = built.template;
      if (excludedRules.length > 0) {
        const variant = withoutRules(built.pack, new Set(excludedRules));
        const template = input.packTemplate(variant);
        const rendered = renderPackTemplate(variant, template.text, template.file);
        diagnostics.push(...rendered.diagnostics);
        if (rendered.text === undefined) continue;
        body = rendered.text;
      }
      regions.push({
        region,
        templateBody: body,
        templateSha256: sha256Hex(body),
        parameters,
        excludedAccounts: resolution.excluded,
        included: resolution.included,
        ...(deployment.deliveryBucket ? { deliveryBucket: deployment.deliveryBucket } : {}),
        ...(deployment.deliveryKeyPrefix ? { deliveryKeyPrefix: deployment.deliveryKeyPrefix } : {}),
        excludedRules,
        ...(unavailable.length ? { unavailableRules: unavailable } : {}),
      });
    }
    packs.push({ pack, orgPackName: orgPackNameOf(pack, deployment), deployment, built, regions });
  }
  return { packs, diagnostics };
}

/** Numbers and booleans are passed as strings (ConformancePackInputParameters are strings). */
function stringValues(values: Record<string, string | number | boolean | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(values).sort()) {
    const v = values[key];
    if (v !== undefined) out[key] = String(v);
  }
  return out;
}

/** The pack without the named rules and the remediations of those rules. */
export function withoutRules(pack: ComposedPack, ruleNames: ReadonlySet<string>): ComposedPack {
  return {
    ...pack,
    rules: pack.rules.filter((r) => !ruleNames.has(r.ruleName)),
    remediations: pack.remediations.filter((r) => !ruleNames.has(r.ruleName)),
  };
}
