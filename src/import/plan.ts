/**
 * Planning an import: imported templates → rule blocks, remediation blocks and pack manifests.
 *
 * Rules with the same ConfigRuleName and the same source share one block. The block holds, for
 * each property, the value most of its packs use (an absent value counts as a value; a tie keeps
 * the property out of the block); every pack that differs says so in its manifest include, where
 * `null` removes a block value. Pure and deterministic: the same templates give the same files.
 */
import { basename, extname } from 'node:path';
import type { RemediationParameterSpec, RuleParameterSpec } from '../authoring/schema.js';
import { getOwn, pascalCase, setOwn } from '../authoring/values.js';
import { limits } from '../facts/limits.js';
import type { ImportedRemediation, ImportedRule, ImportedTemplate } from './read-template.js';

export type FileKind = 'rule' | 'remediation' | 'pack';

export interface PlannedFile {
  kind: FileKind;
  name: string;
  /** Relative to the target folder, with `/`. */
  path: string;
  /** The document, keys in the order they are written. */
  value: Record<string, unknown>;
  /** A comment line written before the document (without `# `): where it came from. */
  comment?: string;
  /** Packs whose build reads this file. */
  packs: string[];
}

export interface PlannedPack {
  name: string;
  template: ImportedTemplate;
  manifest: string;
  /** Block name → the logical ids of the template's resources it carries. */
  resourcesOfBlock: Map<string, string[]>;
  rules: number;
  remediations: number;
}

export interface ImportPlan {
  files: PlannedFile[];
  packs: PlannedPack[];
  ruleBlocks: number;
  remediationBlocks: number;
  /** Blocks (rule and remediation) that two or more packs use. */
  sharedBlocks: number;
  rules: number;
  remediations: number;
}

export interface PlanOptions {
  /** Names already used in the target folder by other files, per kind (compared case-insensitively). */
  reserved?: Partial<Record<FileKind, Iterable<string>>>;
  /** Inputs a rule requires (from the catalog): a block keeps them whenever a pack gives them. */
  requiredInputs?: (rule: ImportedRule) => ReadonlySet<string>;
}

const absent = Symbol('absent');
type Maybe<T> = T | typeof absent;

/** The value most members use; on a tie, `absent` if it is among the leaders, else the first leader. */
function majority<T>(values: ReadonlyArray<Maybe<T>>, preferPresent = false): Maybe<T> {
  const counts = new Map<string, { value: Maybe<T>; count: number; first: number }>();
  values.forEach((value, i) => {
    const key = value === absent ? '' : `=${JSON.stringify(value)}`;
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { value, count: 1, first: i });
  });
  const entries = [...counts.values()].filter(
    (e) => !(preferPresent && e.value === absent && counts.size > 1),
  );
  const best = Math.max(...entries.map((e) => e.count));
  const leaders = entries.filter((e) => e.count === best).sort((a, b) => a.first - b.first);
  return leaders.find((e) => e.value === absent)?.value ?? leaders[0]!.value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const orAbsent = <T>(v: T | undefined): Maybe<T> => (v === undefined ? absent : v);
const fromMaybe = <T>(v: Maybe<T>): T | undefined => (v === absent ? undefined : v);

/** A block name for a rule name: letters, digits, ".", "_", "-", starting with a letter or digit. */
export function blockNameFor(ruleName: string): string {
  const name = ruleName
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, limits.ruleNameLength)
    .replace(/[-._]+$/, '');
  return name === '' ? 'rule' : name;
}

/** `AUTOSCALING_MULTIPLE_AZ` → `autoscaling-multiple-az`. */
const identifierName = (identifier: string) => identifier.toLowerCase().replace(/_/g, '-');

/** A pack name for a template file: `[a-zA-Z][-a-zA-Z0-9]*`, at most 128 characters. */
export function packNameFor(file: string): string {
  const name = basename(file, extname(file))
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/^[^A-Za-z]+/, '')
    .slice(0, limits.orgPackNameLength)
    .replace(/-+$/, '');
  return name === '' ? 'pack' : name;
}

/** `ConfigureS3BucketLogging` → `configure-s3-bucket-logging`; other characters become `-`. */
const kebab = (text: string) =>
  text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** `base-PACK` for the pack that uses the block, when one pack does (else nothing). */
function packVariants(base: string, members: ReadonlyArray<Member<unknown>>): string[] {
  const packs = [...new Set(members.map((m) => m.pack))];
  return packs.length === 1 ? [blockNameFor(`${base}-${packs[0]!.toLowerCase()}`)] : [];
}

/**
 * Names for a block whose rule name another block already has (same name, another source), after
 * what sets it apart: the managed rule's identifier, the Lambda function's name or parameter, a
 * Guard policy; then the one pack that uses it. `claim` numbers the base only when all are taken.
 */
function variantNames(base: string, group: { members: ReadonlyArray<Member<ImportedRule>> }): string[] {
  const source = group.members[0]!.item.source as Record<string, unknown>;
  const out: string[] = [];
  if (typeof source.managed === 'string') {
    if (identifierName(source.managed) !== base.toLowerCase()) {
      out.push(`${base}-${identifierName(source.managed)}`);
    }
  } else if (source.lambda !== undefined) {
    const arn = (source.lambda as { arn?: unknown }).arn;
    const fn =
      typeof arn === 'string'
        ? /:function:([^:]+)/.exec(arn)?.[1]
        : typeof (arn as { parameter?: unknown } | undefined)?.parameter === 'string'
          ? (arn as { parameter: string }).parameter
          : undefined;
    if (fn !== undefined && kebab(fn) !== '') out.push(blockNameFor(`${base}-${kebab(fn)}`));
  } else if (source.guard !== undefined) {
    out.push(`${base}-guard`);
  }
  return [...out, ...packVariants(base, group.members)];
}

/** `base`, or `base-2`, `base-3`, … : the first not taken (case-insensitively); it is then taken. */
function claim(base: string, taken: Set<string>, max: number, alternatives: string[] = []): string {
  for (const candidate of [base, ...alternatives]) {
    if (candidate.length <= max && !taken.has(candidate.toLowerCase())) {
      taken.add(candidate.toLowerCase());
      return candidate;
    }
  }
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, max - suffix.length)}${suffix}`;
    if (!taken.has(candidate.toLowerCase())) {
      taken.add(candidate.toLowerCase());
      return candidate;
    }
  }
}

interface Member<T> {
  pack: string;
  item: T;
}

export function planImport(templates: readonly ImportedTemplate[], options: PlanOptions = {}): ImportPlan {
  const taken = (kind: FileKind) =>
    new Set([...(options.reserved?.[kind] ?? [])].map((n) => n.toLowerCase()));
  const packNames = taken('pack');
  const ruleNames = taken('rule');
  const remediationNames = taken('remediation');

  const ordered = [...templates].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const packs = ordered.map((template) => ({
    name: claim(packNameFor(template.file), packNames, limits.orgPackNameLength),
    template,
  }));
  // Members are listed in pack-name order, which decides ties.
  const byPackName = [...packs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  // Rule groups: one block per rule name and source.
  const groups = new Map<
    string,
    { ruleName: string; sourceKey: string; members: Array<Member<ImportedRule>> }
  >();
  for (const { name, template } of byPackName) {
    for (const rule of template.rules) {
      const key = `${rule.ruleName}\u0000${rule.sourceKey}`;
      let group = groups.get(key);
      if (!group)
        groups.set(key, (group = { ruleName: rule.ruleName, sourceKey: rule.sourceKey, members: [] }));
      group.members.push({ pack: name, item: rule });
    }
  }
  // Of the groups that want one name, the rule named after its managed identifier gets it first,
  // then the one most packs use.
  const natural = (g: { ruleName: string; members: Array<Member<ImportedRule>> }) => {
    const source = g.members[0]!.item.source;
    return 'managed' in source && identifierName(source.managed) === blockNameFor(g.ruleName).toLowerCase();
  };
  const groupOrder = [...groups.values()].sort((a, b) => {
    const na = blockNameFor(a.ruleName);
    const nb = blockNameFor(b.ruleName);
    if (na !== nb) return na < nb ? -1 : 1;
    if (natural(a) !== natural(b)) return natural(a) ? -1 : 1;
    if (a.members.length !== b.members.length) return b.members.length - a.members.length;
    return a.sourceKey < b.sourceKey ? -1 : a.sourceKey > b.sourceKey ? 1 : 0;
  });

  const files: PlannedFile[] = [];
  /** Per pack: the rule block each rule name uses, and the include written for it. */
  const includes = new Map<string, Map<string, { block: string; include: unknown }>>();
  const blockOfRule = new Map<string, string>(); // `${pack}\0${ruleName}` → block name
  let sharedBlocks = 0;

  for (const group of groupOrder) {
    const base = blockNameFor(group.ruleName);
    const name = claim(base, ruleNames, limits.ruleNameLength, variantNames(base, group));
    const { block, overrides } = ruleBlock(name, group.ruleName, group.members, options);
    const users = group.members.map((m) => m.pack);
    if (new Set(users).size > 1) sharedBlocks++;
    files.push({ kind: 'rule', name, path: `rules/${name}.yaml`, value: block, packs: users });
    group.members.forEach((member, i) => {
      let map = includes.get(member.pack);
      if (!map) includes.set(member.pack, (map = new Map()));
      map.set(member.item.ruleName, { block: name, include: overrides[i] });
      blockOfRule.set(`${member.pack}\u0000${member.item.ruleName}`, name);
    });
  }

  // Remediation groups: per rule block and the settings no include can change.
  const remediationGroups = new Map<string, { rule: string; members: Array<Member<ImportedRemediation>> }>();
  for (const { name, template } of byPackName) {
    for (const remediation of template.remediations) {
      const rule = blockOfRule.get(`${name}\u0000${remediation.ruleName}`)!;
      const key = `${rule}\u0000${JSON.stringify(remediation.settings)}`;
      let group = remediationGroups.get(key);
      if (!group) remediationGroups.set(key, (group = { rule, members: [] }));
      group.members.push({ pack: name, item: remediation });
    }
  }
  const remediationIncludes = new Map<string, Map<string, unknown>>();
  const remediationBlockOf = new Map<string, string>(); // `${pack}\0${ruleName}` → block name
  const remediationOrder = [...remediationGroups.entries()].sort(([a, ga], [b, gb]) => {
    if (ga.rule !== gb.rule) return ga.rule < gb.rule ? -1 : 1;
    if (ga.members.length !== gb.members.length) return gb.members.length - ga.members.length;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  for (const [, group] of remediationOrder) {
    const base = `${group.rule.slice(0, limits.ruleNameLength - 12)}-remediation`;
    const runbook = group.members[0]!.item.settings.runbook;
    const name = claim(base, remediationNames, limits.ruleNameLength, [
      ...(typeof runbook === 'string' ? [blockNameFor(`${group.rule}-${kebab(runbook)}`)] : []),
      ...packVariants(base, group.members),
    ]);
    const { block, overrides } = remediationBlock(name, group.rule, group.members);
    const users = group.members.map((m) => m.pack);
    if (new Set(users).size > 1) sharedBlocks++;
    files.push({ kind: 'remediation', name, path: `remediations/${name}.yaml`, value: block, packs: users });
    group.members.forEach((member, i) => {
      let map = remediationIncludes.get(member.pack);
      if (!map) remediationIncludes.set(member.pack, (map = new Map()));
      map.set(member.item.ruleName, overrides[i]);
      remediationBlockOf.set(`${member.pack}\u0000${member.item.ruleName}`, name);
    });
  }

  const plannedPacks: PlannedPack[] = [];
  for (const { name, template } of packs) {
    const ruleIncludes = includes.get(name) ?? new Map<string, { block: string; include: unknown }>();
    // The description is the template's own; where it came from is a comment, not a description.
    const manifest: Record<string, unknown> = { kind: 'pack', name };
    if (template.description !== undefined) manifest.description = template.description;
    if (Object.keys(template.parameters).length) manifest.parameters = template.parameters;
    if (template.mappings && Object.keys(template.mappings).length) manifest.mappings = template.mappings;
    if (Object.keys(template.conditions).length) manifest.conditions = template.conditions;
    const keep = keptLogicalIds(template);
    manifest.rules = template.rules.map((r) =>
      withLogicalId(ruleIncludes.get(r.ruleName)!.include, keep.get(r)),
    );
    const remediations = remediationIncludes.get(name);
    if (template.remediations.length) {
      manifest.remediations = template.remediations.map((r) =>
        withLogicalId(remediations!.get(r.ruleName), keep.get(r)),
      );
    }
    const path = `${name}.yaml`;
    files.push({
      kind: 'pack',
      name,
      path,
      value: manifest,
      packs: [name],
      comment: `Imported from ${basename(template.file)} by packsmith import.`,
    });
    const resourcesOfBlock = new Map<string, string[]>();
    const carry = (block: string, id: string) =>
      resourcesOfBlock.set(block, [...(resourcesOfBlock.get(block) ?? []), id]);
    for (const rule of template.rules) carry(ruleIncludes.get(rule.ruleName)!.block, rule.logicalId);
    for (const remediation of template.remediations) {
      carry(remediationBlockOf.get(`${name}\u0000${remediation.ruleName}`)!, remediation.logicalId);
    }
    plannedPacks.push({
      name,
      template,
      manifest: path,
      resourcesOfBlock,
      rules: template.rules.length,
      remediations: template.remediations.length,
    });
  }

  return {
    files,
    packs: plannedPacks,
    ruleBlocks: groupOrder.length,
    remediationBlocks: remediationOrder.length,
    sharedBlocks,
    rules: ordered.reduce((n, t) => n + t.rules.length, 0),
    remediations: ordered.reduce((n, t) => n + t.remediations.length, 0),
  };
}

/** The first of `base`, `base2`, `base3`, … not in `used`. */
function firstFree(base: string, used: ReadonlySet<string>): string {
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}${n}`;
  return id;
}

/**
 * The resources of a template whose logical id composition would not derive, with that id: the
 * manifest keeps it (`logicalId:`), so a pack deployed from the template is updated in place, not
 * replaced. Follows composition: pack parameters first, then each rule (its rule name in
 * PascalCase), then each remediation (its rule's logical id + `Remediation`), each id unused so far.
 */
function keptLogicalIds(template: ImportedTemplate): Map<ImportedRule | ImportedRemediation, string> {
  const used = new Set(Object.keys(template.parameters));
  const kept = new Map<ImportedRule | ImportedRemediation, string>();
  const idOfRule = new Map<string, string>();
  const settle = (item: ImportedRule | ImportedRemediation, base: string) => {
    if (firstFree(base, used) !== item.logicalId) kept.set(item, item.logicalId);
    used.add(item.logicalId);
  };
  for (const rule of template.rules) {
    settle(rule, pascalCase(rule.ruleName));
    idOfRule.set(rule.ruleName, rule.logicalId);
  }
  for (const remediation of template.remediations) {
    settle(remediation, `${idOfRule.get(remediation.ruleName) ?? ''}Remediation`);
  }
  return kept;
}

/** An include that keeps `logicalId` (right after `use`), or the include as it is. */
function withLogicalId(include: unknown, logicalId: string | undefined): unknown {
  if (logicalId === undefined) return include;
  if (typeof include === 'string') return { use: include, logicalId };
  const { use, ...rest } = include as Record<string, unknown>;
  return { use, logicalId, ...rest };
}

/** Scalar properties a pack may override; `null` in the include removes the block's value. */
const ruleProperties = ['description', 'maximumExecutionFrequency', 'scope', 'evaluationModes'] as const;

function ruleBlock(
  name: string,
  ruleName: string,
  members: ReadonlyArray<Member<ImportedRule>>,
  options: PlanOptions,
): { block: Record<string, unknown>; overrides: unknown[] } {
  const rules = members.map((m) => m.item);
  const first = rules[0]!;
  const chosen: Record<string, unknown> = {};
  for (const key of ruleProperties) {
    const value = fromMaybe(majority(rules.map((r) => orAbsent(r[key]))));
    if (value !== undefined) chosen[key] = value;
  }
  const controls = fromMaybe(majority(rules.map((r) => orAbsent(r.controls))));

  // Inputs: by name, in the order they first appear.
  const required = options.requiredInputs?.(first) ?? new Set<string>();
  const inputNames = [...new Set(rules.flatMap((r) => Object.keys(r.parameters ?? {})))];
  const parameters: Record<string, RuleParameterSpec> = {};
  for (const input of inputNames) {
    const value = fromMaybe(
      majority(
        rules.map((r) => orAbsent(getOwn(r.parameters, input))),
        required.has(input),
      ),
    );
    if (value !== undefined) setOwn(parameters, input, value);
  }

  const block: Record<string, unknown> = { kind: 'rule', name };
  if (first.nameForm !== undefined) block.ruleName = first.nameForm;
  else if (ruleName !== name) block.ruleName = ruleName;
  if (chosen.description !== undefined) block.description = chosen.description;
  block.source = first.source;
  if (chosen.scope !== undefined) block.scope = chosen.scope;
  if (Object.keys(parameters).length) block.parameters = parameters;
  if (chosen.maximumExecutionFrequency !== undefined) {
    block.maximumExecutionFrequency = chosen.maximumExecutionFrequency;
  }
  if (chosen.evaluationModes !== undefined) block.evaluationModes = chosen.evaluationModes;
  if (controls !== undefined) block.controls = controls;

  const overrides = rules.map((rule) => {
    const include: Record<string, unknown> = { use: name };
    if (!same(rule.description, chosen.description)) include.description = rule.description ?? null;
    const inputs: Record<string, RuleParameterSpec | null> = {};
    for (const input of inputNames) {
      const own = getOwn(rule.parameters, input);
      if (!same(own, getOwn(parameters, input))) setOwn(inputs, input, own ?? null);
    }
    if (Object.keys(inputs).length) include.parameters = inputs;
    if (rule.parametersCondition !== undefined) include.parametersCondition = rule.parametersCondition;
    for (const key of ['maximumExecutionFrequency', 'scope', 'evaluationModes'] as const) {
      if (!same(rule[key], chosen[key])) include[key] = rule[key] ?? null;
    }
    if (!same(rule.controls ?? [], controls ?? [])) include.controls = rule.controls ?? [];
    if (rule.condition !== undefined) include.condition = rule.condition;
    return Object.keys(include).length === 1 ? name : include;
  });
  return { block, overrides };
}

function remediationBlock(
  name: string,
  rule: string,
  members: ReadonlyArray<Member<ImportedRemediation>>,
): { block: Record<string, unknown>; overrides: unknown[] } {
  const items = members.map((m) => m.item);
  const settings = items[0]!.settings;
  const automatic = majority(items.map((r) => r.automatic)) === true;
  const names = [...new Set(items.flatMap((r) => Object.keys(r.parameters)))];
  const parameters: Record<string, RemediationParameterSpec> = {};
  for (const parameter of names) {
    const value = fromMaybe(majority(items.map((r) => orAbsent(getOwn(r.parameters, parameter)))));
    if (value !== undefined) setOwn(parameters, parameter, value);
  }
  const block: Record<string, unknown> = { kind: 'remediation', name, rule, runbook: settings.runbook };
  if (settings.runbookVersion !== undefined) block.runbookVersion = settings.runbookVersion;
  if (settings.resourceType !== undefined) block.resourceType = settings.resourceType;
  if (automatic) block.automatic = true;
  if (settings.maximumAutomaticAttempts !== undefined) {
    block.maximumAutomaticAttempts = settings.maximumAutomaticAttempts;
  }
  if (settings.retryAttemptSeconds !== undefined) block.retryAttemptSeconds = settings.retryAttemptSeconds;
  if (settings.executionControls !== undefined) block.executionControls = settings.executionControls;
  if (Object.keys(parameters).length) block.parameters = parameters;

  const overrides = items.map((item) => {
    const include: Record<string, unknown> = { use: name };
    if (item.automatic !== automatic) include.automatic = item.automatic;
    const own: Record<string, RemediationParameterSpec | null> = {};
    for (const parameter of names) {
      if (!same(item.parameters[parameter], parameters[parameter]))
        own[parameter] = item.parameters[parameter] ?? null;
    }
    if (Object.keys(own).length) include.parameters = own;
    if (item.condition !== undefined) include.condition = item.condition;
    return Object.keys(include).length === 1 ? name : include;
  });
  return { block, overrides };
}
