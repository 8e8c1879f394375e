/**
 * The deployment configuration checked against the pack repository, offline: every pack it names
 * exists (PS507), every parameter value names a parameter of the pack (PS508) and meets its
 * constraints (PS509), every rule left out is a rule of the pack (PS514), and every parameter
 * without a default has a value in each Region (PS515). Written once, used before any AWS call
 * and again by the desired state.
 *
 * The configuration is read defensively, as parsed: a file with schema errors is still checked in
 * its well-formed parts. Values at or under a path the schema already reported (`brokenPaths`) are
 * not checked again, so nothing is reported twice.
 */
import type { ComposedPack } from '../authoring/model.js';
import type { Catalog } from '../catalog/types.js';
import { constraintProblem } from '../authoring/values.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { YamlPath, YamlSource } from '../source/yaml-source.js';
import { closest } from '../util/suggest.js';
import { deployDiagnostic, type DeployCheckName } from './problems.js';

/** What the check needs of the repository. */
export interface PackRepositoryFacts {
  /** Composed packs by name. */
  packs: ReadonlyMap<string, Pick<ComposedPack, 'parameters' | 'rules'>>;
  /** Names of packs the repository has but could not compose (already reported there). */
  unbuilt: ReadonlySet<string>;
}

export interface DeployPackCheckInput {
  source: YamlSource;
  /** The configuration as parsed (possibly invalid); default `source.value`. */
  value?: unknown;
  repository: PackRepositoryFacts;
  /** Packs to check; default every pack of the configuration. */
  packs?: readonly string[];
  /** Paths the schema check reported: nothing at or under them is checked again. */
  brokenPaths?: readonly YamlPath[];
  /** Rule availability per Region; without it, unavailable rules (PS517) are not checked. */
  catalog?: Pick<Catalog, 'availability'>;
}

/**
 * The pack's AWS managed rules that AWS documents as unavailable in `region`; a rule or Region the
 * catalog has no data for is unknown and never listed. The one place both the check (PS517) and the
 * desired state (`unavailableRules: exclude`) decide which rules are missing.
 */
export function unavailableRules(
  pack: Pick<ComposedPack, 'rules'>,
  region: string,
  catalog: Pick<Catalog, 'availability'>,
): UnavailableRule[] {
  const out: UnavailableRule[] = [];
  for (const r of pack.rules) {
    if (r.source.owner !== 'AWS') continue;
    if (catalog.availability(r.source.identifier, region) !== 'unavailable') continue;
    out.push({ rule: r.ruleName, identifier: r.source.identifier, controls: [...r.controls] });
  }
  return out.sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

/** A rule a Region's template omits because AWS does not document its managed rule there. */
export interface UnavailableRule {
  /** ConfigRuleName. */
  rule: string;
  /** The managed rule's SourceIdentifier. */
  identifier: string;
  /** The controls it evaluates elsewhere, not evaluated in this Region. */
  controls: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export function deployPackProblems(input: DeployPackCheckInput): Diagnostic[] {
  const { source, repository } = input;
  const value = input.value === undefined ? source.value : input.value;
  if (!isRecord(value) || !isRecord(value.packs)) return [];
  const broken = input.brokenPaths ?? [];
  const isBroken = (path: YamlPath) =>
    broken.some((b) => b.length <= path.length && b.every((key, i) => key === path[i]));
  const out: Diagnostic[] = [];
  const problem = (name: DeployCheckName, message: string, path: YamlPath, part: 'key' | 'value' = 'value') =>
    out.push(deployDiagnostic(source, name, message, path, part));
  const regions = Array.isArray(value.regions)
    ? value.regions.filter((r): r is string => typeof r === 'string')
    : undefined;
  const packsValue = value.packs;
  const names = input.packs ?? Object.keys(packsValue);
  for (const name of names) {
    const deployment = packsValue[name];
    if (!isRecord(deployment)) continue;
    if (repository.unbuilt.has(name)) continue;
    const pack = repository.packs.get(name);
    if (!pack) {
      // About the name, which no schema problem of the entry's value covers.
      problem(
        'deploy-unknown-pack',
        `pack ${name} is not in the repository (no manifest with \`name: ${name}\` under packs/)${hint(name, [...repository.packs.keys(), ...repository.unbuilt])}`,
        ['packs', name],
        'key',
      );
      continue;
    }
    const check = { name, deployment, pack, problem, isBroken };
    checkParameters(check);
    checkExcludedRules(check);
    if (regions && !isBroken(['regions'])) checkMissingParameters(check, regions);
    if (regions && input.catalog && !isBroken(['regions']))
      checkUnavailableRules(check, regions, input.catalog);
  }
  return out;
}

/** PS517: with `unavailableRules: fail` (the default), every Region's missing rules in one problem. */
function checkUnavailableRules(
  { name, deployment, pack, problem, isBroken }: PackCheck,
  regions: readonly string[],
  catalog: Pick<Catalog, 'availability'>,
): void {
  if (deployment.unavailableRules === 'exclude' || isBroken(['packs', name, 'unavailableRules'])) return;
  const excluded = isRecord(deployment.excludeRules) ? deployment.excludeRules : {};
  const perRegion: string[] = [];
  for (const region of regions) {
    const left = excluded[region];
    const leftOut = new Set(Array.isArray(left) ? left : []);
    const missing = unavailableRules(pack, region, catalog).filter((r) => !leftOut.has(r.rule));
    if (missing.length === 0) continue;
    perRegion.push(`${region}: ${missing.map((r) => `${r.rule} (${r.identifier})`).join(', ')}`);
  }
  if (perRegion.length === 0) return;
  problem(
    'deploy-rule-unavailable',
    `pack ${name} holds managed rules AWS does not document in ${perRegion.length === 1 ? 'this Region' : 'these Regions'}, ` +
      `so deploying it there fails: ${perRegion.join('; ')}. To deploy without them there, add ` +
      `\`unavailableRules: exclude\` under \`packs.${name}\``,
    ['packs', name],
    'key',
  );
}

interface PackCheck {
  name: string;
  deployment: Record<string, unknown>;
  pack: Pick<ComposedPack, 'parameters' | 'rules'>;
  problem: (name: DeployCheckName, message: string, path: YamlPath, part?: 'key' | 'value') => void;
  isBroken: (path: YamlPath) => boolean;
}

function checkParameters({ name, deployment, pack, problem, isBroken }: PackCheck): void {
  const declared = new Map(pack.parameters.map((p) => [p.name, p]));
  const checkValues = (values: unknown, path: YamlPath) => {
    if (!isRecord(values) || isBroken(path)) return;
    for (const [parameterName, value] of Object.entries(values)) {
      if (isBroken([...path, parameterName])) continue;
      const parameter = declared.get(parameterName);
      if (!parameter) {
        problem(
          'deploy-unknown-parameter',
          `pack ${name} has no parameter \`${parameterName}\`${hint(parameterName, declared.keys())}`,
          [...path, parameterName],
          'key',
        );
        continue;
      }
      const why = isScalar(value) ? constraintProblem(String(value), parameter.constraints) : undefined;
      if (why)
        problem('deploy-parameter-value', `parameter \`${parameterName}\` of pack ${name}: ${why}`, [
          ...path,
          parameterName,
        ]);
    }
  };
  checkValues(deployment.parameters, ['packs', name, 'parameters']);
  if (Array.isArray(deployment.stages)) {
    deployment.stages.forEach((stage, i) => {
      if (isRecord(stage)) checkValues(stage.parameters, ['packs', name, 'stages', i, 'parameters']);
    });
  }
  const byRegion = deployment.regionParameters;
  if (!isRecord(byRegion)) return;
  for (const [region, values] of Object.entries(byRegion)) {
    checkValues(values, ['packs', name, 'regionParameters', region]);
  }
}

function checkExcludedRules({ name, deployment, pack, problem, isBroken }: PackCheck): void {
  const byRegion = deployment.excludeRules;
  if (!isRecord(byRegion)) return;
  const ruleNames = new Set(pack.rules.map((r) => r.ruleName));
  for (const [region, rules] of Object.entries(byRegion)) {
    if (!Array.isArray(rules)) continue;
    rules.forEach((rule, i) => {
      const path: YamlPath = ['packs', name, 'excludeRules', region, i];
      if (typeof rule !== 'string' || ruleNames.has(rule) || isBroken(path)) return;
      problem(
        'deploy-unknown-rule',
        `pack ${name} has no rule named \`${rule}\`${hint(rule, ruleNames)}`,
        path,
      );
    });
  }
}

/** One problem per parameter without a default, naming every Region that lacks a value. */
function checkMissingParameters(
  { name, deployment, pack, problem, isBroken }: PackCheck,
  regions: readonly string[],
): void {
  // A parameter list the schema refused may be missing a value only because of that problem.
  if (isBroken(['packs', name, 'parameters']) || isBroken(['packs', name, 'regionParameters'])) return;
  const keys = (v: unknown) => (isRecord(v) ? Object.keys(v) : []);
  const byRegion = isRecord(deployment.regionParameters) ? deployment.regionParameters : {};
  const missing = new Map<string, string[]>();
  for (const region of regions) {
    const given = new Set([...keys(deployment.parameters), ...keys(byRegion[region])]);
    for (const p of pack.parameters) {
      if (p.default === undefined && !given.has(p.name))
        missing.set(p.name, [...(missing.get(p.name) ?? []), region]);
    }
  }
  for (const [parameter, where] of missing) {
    problem(
      'deploy-missing-parameter',
      `pack ${name} needs a value for parameter \`${parameter}\` (it has no default) in ${where.join(', ')}`,
      ['packs', name],
      'key',
    );
  }
}

function hint(word: string, candidates: Iterable<string>): string {
  const [best] = closest(word, candidates, 1);
  return best ? ` (did you mean \`${best}\`?)` : '';
}
