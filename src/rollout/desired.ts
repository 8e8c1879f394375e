/**
 * What the repository wants deployed, per pack and Region: the template (with the Region's
 * `excludeRules` left out), its hash, the input parameter values (`parameters` then
 * `regionParameters`), and the targets turned into ExcludedAccounts. Pure: the repository, the
 * deployment configuration and the organization tree come in; diagnostics located in
 * packsmith.deploy.yaml come out for every problem at once.
 */
import type { ComposedPack } from '../authoring/model.js';
import { constraintProblem } from '../authoring/values.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { BuiltPack } from '../generator/build.js';
import { renderPackTemplate } from '../generator/render.js';
import { orgPackNameOf, type DeployConfig, type PackDeployment } from '../org/deploy-config.js';
import type { OrgTree } from '../org/discover.js';
import { deployDiagnostic, type DeployCheckName } from '../org/problems.js';
import { resolveTargets, targetDiagnostics } from '../org/targeting.js';
import type { YamlPath, YamlSource } from '../source/yaml-source.js';
import { closest } from '../util/suggest.js';
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
}

export function desiredState(input: DesiredInput): DesiredState {
  const { config, source, tree } = input;
  const diagnostics: Diagnostic[] = [];
  const problem = (name: DeployCheckName, message: string, path: YamlPath, part: 'key' | 'value' = 'value') =>
    diagnostics.push(deployDiagnostic(source, name, message, path, part));
  const names = input.packs ?? Object.keys(config.packs);
  const packs: DesiredPack[] = [];
  for (const pack of names) {
    const deployment = config.packs[pack];
    if (!deployment) continue; // the caller checks names first
    const built = input.built.get(pack);
    if (!built) {
      problem(
        'deploy-unknown-pack',
        `pack ${pack} is not in the repository (no manifest with \`name: ${pack}\` under packs/)${hint(pack, input.built.keys())}`,
        ['packs', pack],
        'key',
      );
      continue;
    }
    const resolution = resolveTargets(tree, deployment.targets);
    diagnostics.push(...targetDiagnostics(source, pack, resolution.problems));
    const declared = new Map(built.pack.parameters.map((p) => [p.name, p]));
    const ruleNames = new Set(built.pack.rules.map((r) => r.ruleName));

    const checkValues = (values: Record<string, unknown> | undefined, path: YamlPath) => {
      for (const [name, value] of Object.entries(values ?? {})) {
        const parameter = declared.get(name);
        if (!parameter) {
          problem(
            'deploy-unknown-parameter',
            `pack ${pack} has no parameter \`${name}\`${hint(name, declared.keys())}`,
            [...path, name],
            'key',
          );
          continue;
        }
        const why = constraintProblem(String(value), parameter.constraints);
        if (why)
          problem('deploy-parameter-value', `parameter \`${name}\` of pack ${pack}: ${why}`, [...path, name]);
      }
    };
    checkValues(deployment.parameters, ['packs', pack, 'parameters']);
    for (const [region, values] of Object.entries(deployment.regionParameters ?? {})) {
      checkValues(values, ['packs', pack, 'regionParameters', region]);
    }
    for (const [region, rules] of Object.entries(deployment.excludeRules ?? {})) {
      rules.forEach((rule, i) => {
        if (!ruleNames.has(rule)) {
          problem(
            'deploy-unknown-rule',
            `pack ${pack} has no rule named \`${rule}\`${hint(rule, ruleNames)}`,
            ['packs', pack, 'excludeRules', region, i],
          );
        }
      });
    }

    const regions: DesiredRegion[] = [];
    // One problem per parameter, naming every Region that lacks it.
    const missing = new Map<string, string[]>();
    for (const region of config.regions) {
      const parameters = stringValues({ ...deployment.parameters, ...deployment.regionParameters?.[region] });
      for (const p of built.pack.parameters) {
        if (p.default === undefined && !(p.name in parameters)) {
          missing.set(p.name, [...(missing.get(p.name) ?? []), region]);
        }
      }
      const excludedRules = [...(deployment.excludeRules?.[region] ?? [])]
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
      });
    }
    for (const [name, where] of missing) {
      problem(
        'deploy-missing-parameter',
        `pack ${pack} needs a value for parameter \`${name}\` (it has no default) in ${where.join(', ')}`,
        ['packs', pack],
        'key',
      );
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

function hint(word: string, candidates: Iterable<string>): string {
  const [best] = closest(word, candidates, 1);
  return best ? ` (did you mean \`${best}\`?)` : '';
}
