/**
 * Composition: blocks + a pack manifest → a ComposedPack, with every problem found on the way
 * reported at the authoring file and line that holds it. Pure: reads only the Repository.
 *
 * Block-level problems (a rule's identifier, its own parameter values) are found once per block,
 * whether or not a pack uses it; pack-level problems (overrides, duplicates, remediation links)
 * once per pack. Nothing is reported twice, and a broken block does not cascade into more errors.
 */
import { unknownRuleMessage, unknownRunbookMessage } from './catalog-extensions.js';
import type { Catalog, ManagedRule, ManagedRuleParameter, Runbook } from '../catalog/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { processCheckIdentifier, type MessageType } from '../facts/enums.js';
import { limits } from '../facts/limits.js';
import type {
  ComposedCondition,
  ConditionExpression,
  ComposedPack,
  ComposedParameter,
  ComposedRemediation,
  ComposedRule,
  ComposedSource,
  ComposedSourceDetail,
  InputValue,
  Origin,
  ParameterConstraints,
  RemediationValue,
  RuleNameForm,
} from './model.js';
import { isCfnValue } from './model.js';
import { authoringChecks, type AuthoringCheckName } from './problems.js';
import type { Located, Repository } from './repository.js';
import { resolveBeside } from './repository.js';
import type {
  ExposedParameter,
  PackManifest,
  RemediationBlock,
  RemediationParameterSpec,
  RuleBlock,
  RuleIncludeOverride,
  RuleParameterSpec,
} from './schema.js';
import {
  isCfnSpec,
  rawValue,
  literalOrRaw,
  constraintProblem,
  lowerFirst,
  pascalCase,
  setOwn,
  templateString,
  typeProblem,
  uniqueId,
  upperFirst,
} from './values.js';
import type { FileRefusal } from '../source/read-file.js';
import type { YamlPath, YamlSource } from '../source/yaml-source.js';
import { closest } from '../util/suggest.js';
import { uncheckablePattern } from '../util/pattern.js';
import { characters } from '../util/text.js';

export interface CompositionResult {
  packs: ComposedPack[];
  diagnostics: Diagnostic[];
}

type Report = (
  check: AuthoringCheckName,
  message: string,
  where: { source: YamlSource; path: YamlPath; part?: 'key' | 'value' },
  fix?: string,
) => void;

const defaultRoleParameter = 'AutomationAssumeRole';

/** Composes the named packs (all when `names` is empty) and checks every block of the repository. */
export function composeRepository(repo: Repository, names: readonly string[] = []): CompositionResult {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const report: Report = (check, message, { source, path, part }, fix) => {
    const meta = authoringChecks[check];
    const location = source.locate(path, part);
    const key = `${meta.id}|${location.file}|${location.line}|${location.column}|${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    diagnostics.push({ checkId: meta.id, severity: meta.severity, message, fix: fix ?? meta.fix, location });
  };

  for (const rule of repo.rules.values()) checkRuleBlock(rule, repo, report);
  for (const remediation of repo.remediations.values()) checkRemediationBlock(remediation, repo, report);

  const selected = names.length ? names : [...repo.packs.keys()];
  const packs: ComposedPack[] = [];
  for (const name of selected) {
    const manifest = repo.packs.get(name);
    if (!manifest) continue; // the command reports unknown pack names
    const pack = composePack(manifest, repo, report);
    if (pack) packs.push(pack);
  }
  return { packs, diagnostics };
}

// ---------------------------------------------------------------------------------------------
// Rule blocks

function managedRuleOf(block: RuleBlock, catalog: Catalog): ManagedRule | undefined {
  return 'managed' in block.source ? catalog.rule(block.source.managed) : undefined;
}

/**
 * Whether a field of a file with schema errors was removed (repository.ts `withoutBrokenFields`):
 * checks that need it do not run, so a schema error has no further consequences.
 */
function lacks(located: { pruned?: ReadonlySet<string> }, field: string): boolean {
  return located.pruned?.has(field) ?? false;
}

function isExposed(spec: RuleParameterSpec): spec is ExposedParameter {
  return typeof spec === 'object' && spec !== null && !Array.isArray(spec) && !isCfnSpec(spec);
}

/** A parameter's default when it has one, else its name. */
const displayNameOf = (value: string | undefined, fallback: string): string =>
  value === undefined || value === '' ? fallback : value;

/**
 * The name of a rule as far as it is known: the literal ConfigRuleName, else undefined (a parameter's
 * value or a name CloudFormation generates). Literal-only checks skip the others.
 */
function literalRuleName(block: RuleBlock): string | undefined {
  if (block.ruleName === undefined) return block.name;
  return typeof block.ruleName === 'string' ? block.ruleName : undefined;
}

function checkRuleBlock(rule: Located<RuleBlock>, repo: Repository, report: Report): void {
  const { value: block, source } = rule;
  const catalog = repo.catalog;

  if ('managed' in block.source) {
    const id = block.source.managed;
    if (!catalog.isKnownRuleIdentifier(id)) {
      const { message, fix } = unknownRuleMessage(id, catalog);
      report('unknown-managed-rule', message, { source, path: ['source', 'managed'] }, fix);
    }
  }
  if ('guard' in block.source) checkGuard(rule, repo, report);

  const managed = managedRuleOf(block, catalog);
  checkParameterSpecs(block.parameters ?? {}, managed, { source, path: ['parameters'] }, report);
  if (managed && !lacks(rule, 'parameters')) {
    const given = new Set(Object.keys(block.parameters ?? {}));
    const missing = managed.parameters.filter(
      (p) => !p.optional && p.default === undefined && !given.has(p.name),
    );
    for (const p of missing) {
      const where = block.parameters ? ['parameters'] : ['source', 'managed'];
      report(
        'missing-required-parameter',
        `${managed.identifier} requires the parameter "${p.name}" (${p.type}); it has no value`,
        { source, path: where, part: block.parameters ? 'key' : 'value' },
      );
    }
  }
  if (block.maximumExecutionFrequency !== undefined) {
    checkFrequency(block, managed, { source, path: ['maximumExecutionFrequency'] }, report);
  }
  checkScope(block.scope, { source, path: ['scope'] }, report);
  const ruleName = literalRuleName(block);
  if (
    ruleName !== undefined &&
    !lacks(rule, 'ruleName') &&
    characters(ruleName) > limits.ruleNameRecommendedLength
  ) {
    report(
      'rule-name-length',
      `rule name "${ruleName}" has ${characters(ruleName)} characters; keep it to ${limits.ruleNameRecommendedLength}`,
      { source, path: [block.ruleName ? 'ruleName' : 'name'] },
    );
  }
}

function checkGuard(rule: Located<RuleBlock>, repo: Repository, report: Report): void {
  const { value: block, source } = rule;
  if (!('guard' in block.source)) return;
  const guard = block.source.guard;
  const at = { source, path: ['source', 'guard'] as YamlPath, part: 'key' as const };
  if (guard.policy !== undefined && guard.file !== undefined) {
    report('guard-policy', 'give the Guard policy inline (policy) or as a file (file), not both', at);
    return;
  }
  if (guard.policy === undefined && guard.file === undefined) {
    report(
      'guard-policy',
      'a Guard custom policy needs its policy text (policy) or a .guard file (file)',
      at,
    );
    return;
  }
  const text = guardText(rule, repo);
  if (typeof text !== 'string') {
    const where = { source, path: ['source', 'guard', 'file'] as YamlPath };
    const subject = `the Guard policy file "${guard.file}"`;
    if (text.reason === 'missing' || text.reason === 'unreadable') {
      report('guard-policy', `cannot read ${subject}: it ${text.message}`, where);
    } else report('file-refused', `${subject} ${text.message}`, where, text.fix);
  } else if (text.trim() === '') {
    report('guard-policy', 'the Guard policy is empty', {
      source,
      path: ['source', 'guard', guard.file ? 'file' : 'policy'],
    });
  } else if (characters(text) > limits.guardPolicyTextLength) {
    report(
      'guard-policy',
      `the Guard policy has ${characters(text)} characters; AWS allows at most ${limits.guardPolicyTextLength}`,
      { source, path: ['source', 'guard', guard.file ? 'file' : 'policy'] },
    );
  }
}

/** The Guard policy text of a rule, or why its file was not read (never its content then). */
function guardText(rule: Located<RuleBlock>, repo: Repository): string | FileRefusal {
  const source = rule.value.source;
  if (!('guard' in source)) return '';
  if (source.guard.policy !== undefined) return source.guard.policy;
  const path = resolveBeside(rule.path, source.guard.file ?? '');
  const read = repo.attachments.get(path);
  if (!read) return { ok: false, reason: 'missing', message: 'was not read', fix: '' };
  return read.ok ? read.text : read;
}

/** Checks names, types, constraints and lengths of a set of rule parameter specs. */
function checkParameterSpecs(
  specs: Record<string, RuleParameterSpec>,
  managed: ManagedRule | undefined,
  at: { source: YamlSource; path: YamlPath },
  report: Report,
): void {
  for (const [name, spec] of Object.entries(specs)) {
    const here = [...at.path, name];
    const known = managed?.parameters.find((p) => p.name === name);
    if (managed && !known) {
      const suggestion = closest(
        name,
        managed.parameters.map((p) => p.name),
        1,
      )[0];
      const hint = suggestion
        ? ` (did you mean "${suggestion}"?)`
        : managed.parameters.length
          ? ` (it takes: ${managed.parameters.map((p) => p.name).join(', ')})`
          : ' (it takes no parameters)';
      report('unknown-parameter', `${managed.identifier} has no parameter "${name}"${hint}`, {
        source: at.source,
        path: here,
        part: 'key',
      });
      continue;
    }
    // A raw CloudFormation value is checked on the built template (PS203, PS206, references).
    if (isCfnSpec(spec)) continue;
    const valuePath = isExposed(spec) ? [...here, 'default'] : here;
    const raw = isExposed(spec) ? spec.default : spec;
    if (raw === undefined) continue;
    const value = templateString(raw);
    if (known) {
      const problem = typeProblem(value, known.type);
      if (problem) {
        report('parameter-type', `"${name}" is ${known.type}: ${JSON.stringify(value)} is not ${problem}`, {
          source: at.source,
          path: valuePath,
        });
        continue;
      }
    }
    if (characters(value) > limits.inputParameterValueLength) {
      report(
        'value-length',
        `the value of "${name}" has ${characters(value)} characters; at most ${limits.inputParameterValueLength} are allowed`,
        { source: at.source, path: valuePath },
      );
      continue;
    }
    if (isExposed(spec)) {
      const problem = constraintProblem(value, constraintsOf(spec));
      if (problem) {
        report('parameter-constraint', `the default of "${name}" ${problem}`, {
          source: at.source,
          path: valuePath,
        });
      }
      reportUncheckedPattern(
        spec.pattern,
        `"${name}"`,
        { source: at.source, path: [...here, 'pattern'] },
        report,
      );
    }
  }
}

/** PS136: a pattern the linear-time engine cannot evaluate leaves the default unchecked. */
function reportUncheckedPattern(
  pattern: string | undefined,
  what: string,
  where: { source: YamlSource; path: YamlPath },
  report: Report,
): void {
  const reason = pattern === undefined ? undefined : uncheckablePattern(pattern);
  if (reason)
    report(
      'pattern-not-checked',
      `the default of ${what} could not be checked offline against its pattern: ${reason}`,
      where,
    );
}

function constraintsOf(spec: ExposedParameter): ParameterConstraints {
  const c: ParameterConstraints = {};
  if (spec.minimum !== undefined) c.minimum = spec.minimum;
  if (spec.maximum !== undefined) c.maximum = spec.maximum;
  if (spec.pattern !== undefined) c.pattern = spec.pattern;
  if (spec.allowedValues !== undefined) c.allowedValues = spec.allowedValues;
  if (spec.minItems !== undefined) c.minItems = spec.minItems;
  if (spec.maxItems !== undefined) c.maxItems = spec.maxItems;
  return c;
}

function checkFrequency(
  block: RuleBlock,
  managed: ManagedRule | undefined,
  at: { source: YamlSource; path: YamlPath },
  report: Report,
): void {
  const source = block.source;
  if ('managed' in source) {
    if (managed && managed.triggers.configurationChange && !managed.triggers.periodic) {
      report(
        'frequency-on-change-triggered-rule',
        `${managed.identifier} runs only on configuration changes; it takes no maximumExecutionFrequency`,
        at,
      );
    }
  } else if ('lambda' in source) {
    const periodic: MessageType[] = ['ScheduledNotification', 'ConfigurationSnapshotDeliveryCompleted'];
    const types = source.lambda.triggers.map((t) => (typeof t === 'string' ? t : t.messageType));
    if (!types.some((t) => periodic.includes(t))) {
      report(
        'frequency-on-change-triggered-rule',
        'this Lambda rule has no periodic trigger (ScheduledNotification); it takes no maximumExecutionFrequency',
        at,
      );
    }
  } else {
    report(
      'frequency-on-change-triggered-rule',
      'Guard custom policy rules run only on configuration changes; they take no maximumExecutionFrequency',
      at,
    );
  }
}

function checkScope(
  scope: RuleBlock['scope'],
  at: { source: YamlSource; path: YamlPath },
  report: Report,
): void {
  if (!scope) return;
  if (scope.resourceId !== undefined && scope.resourceTypes?.length !== 1) {
    report('scope-shape', 'a scope with resourceId needs exactly one resource type in resourceTypes', {
      ...at,
      path: [...at.path, 'resourceId'],
      part: 'key',
    });
  }
  if (scope.tagValue !== undefined && scope.tagKey === undefined) {
    report('scope-shape', 'tagValue needs a tagKey', { ...at, path: [...at.path, 'tagValue'], part: 'key' });
  }
}

// ---------------------------------------------------------------------------------------------
// Remediation blocks

function roleParameterOf(runbook: Runbook | undefined): string {
  return runbook?.assumeRoleParameter ?? defaultRoleParameter;
}

function checkRemediationBlock(
  remediation: Located<RemediationBlock>,
  repo: Repository,
  report: Report,
): void {
  const { value: block, source } = remediation;
  if (!repo.rules.has(block.rule) && !repo.broken.rule.has(block.rule)) {
    report('unknown-block', unknownBlockMessage('rule block', block.rule, repo.rules.keys()), {
      source,
      path: ['rule'],
    });
  }
  // A runbook given by a parameter or a raw value is known only when CloudFormation deploys it.
  const runbook = typeof block.runbook === 'string' ? repo.catalog.runbook(block.runbook) : undefined;
  if (!runbook && typeof block.runbook === 'string') {
    const { message, fix } = unknownRunbookMessage(block.runbook, repo.catalog);
    report(
      'unknown-runbook',
      `${message}; its parameters cannot be checked`,
      { source, path: ['runbook'] },
      fix,
    );
  }
  checkRemediationParameters(block.parameters ?? {}, runbook, { source, path: ['parameters'] }, report);
  // Both checks below look at every parameter: with `parameters` removed they would only repeat it.
  if (lacks(remediation, 'parameters')) return;
  const params = block.parameters ?? {};
  const role = roleParameterOf(runbook);
  if (block.automatic && params[role] === undefined) {
    report('automatic-remediation-role', `automatic remediation needs the ${role} parameter (a role ARN)`, {
      source,
      path: ['automatic'],
    });
  }
  const bindsResource = Object.values(params).some((v) => typeof v === 'object' && 'resourceId' in v);
  if (!bindsResource && runbook && runbook.resourceIdParameterCandidates.length > 0) {
    report(
      'remediation-resource-id',
      `no parameter receives the resource id; ${runbook.name} probably takes it as ${runbook.resourceIdParameterCandidates
        .map((c) => `"${c}"`)
        .join(' or ')} (a guess from the parameter names)`,
      {
        source,
        path: block.parameters ? ['parameters'] : ['runbook'],
        part: block.parameters ? 'key' : 'value',
      },
    );
  }
}

function checkRemediationParameters(
  params: Record<string, RemediationParameterSpec>,
  runbook: Runbook | undefined,
  at: { source: YamlSource; path: YamlPath },
  report: Report,
): void {
  const role = roleParameterOf(runbook);
  for (const [name, spec] of Object.entries(params)) {
    const here = [...at.path, name];
    if (runbook && !runbook.parameters.some((p) => p.name === name)) {
      const suggestion = closest(
        name,
        runbook.parameters.map((p) => p.name),
        1,
      )[0];
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : '';
      report(
        'unknown-runbook-parameter',
        `${runbook.name} documents no parameter "${name}"${hint} (catalog snapshot of May 2021)`,
        { source: at.source, path: here, part: 'key' },
      );
    }
    const value = remediationValue(spec);
    if (name === role) {
      if (value.kind !== 'static' || value.values.some(isCfnValue)) {
        report(
          'remediation-role-not-literal',
          `${name} must be a literal role ARN: AWS allows no parameter reference, resource id or intrinsic function here`,
          { source: at.source, path: here },
        );
      } else if (value.values.length !== 1 || !String(value.values[0]).startsWith('arn:')) {
        report(
          'remediation-role-not-literal',
          `${name} must be one role ARN (arn:<partition>:iam::ACCOUNT:role/NAME)`,
          {
            source: at.source,
            path: here,
          },
        );
      }
    }
    if (value.kind === 'static') {
      const long = value.values.find(
        (v): v is string => typeof v === 'string' && characters(v) > limits.staticValueLength,
      );
      if (long !== undefined) {
        report(
          'value-length',
          `a static value of "${name}" has ${characters(long)} characters; at most ${limits.staticValueLength} are allowed`,
          { source: at.source, path: here },
        );
      }
    }
  }
}

export function remediationValue(spec: RemediationParameterSpec): RemediationValue {
  if (typeof spec !== 'object') return { kind: 'static', values: [templateString(spec)] };
  if (isCfnSpec(spec)) return { kind: 'static', values: [rawValue(spec)] };
  if ('value' in spec) return { kind: 'static', values: [templateString(spec.value)] };
  if ('values' in spec) {
    return {
      kind: 'static',
      values: spec.values.map((v) => (isCfnSpec(v) ? rawValue(v) : templateString(v))),
    };
  }
  if ('resourceId' in spec) return { kind: 'resource-id' };
  return { kind: 'parameter', parameter: spec.parameter };
}

function unknownBlockMessage(what: string, name: string, known: Iterable<string>): string {
  const suggestion = closest(name, known, 1)[0];
  return `there is no ${what} named "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Packs

interface ParameterDraft extends ComposedParameter {
  optional: boolean;
  /** The description was made from the catalog (not written): it does not make two exposures differ. */
  madeDescription?: boolean;
}

/** An input bound to a pack parameter whose key may be dropped (Fn::If + AWS::NoValue). */
interface IdiomCandidate {
  input: { name: string; value: InputValue };
  /** A condition named in the spec; else one testing "the parameter is not empty" is found or made. */
  explicit?: string;
  /** Whether the key is dropped: per input (declared parameters) or per parameter (exposed ones). */
  optional: boolean | 'parameter';
  where: { source: YamlSource; path: YamlPath };
}

function composePack(
  manifestFile: Located<PackManifest>,
  repo: Repository,
  report: Report,
): ComposedPack | undefined {
  const { value: manifest, source } = manifestFile;
  const parameters = new Map<string, ParameterDraft>();
  const conditions = new Map<string, ComposedCondition>();
  const rules: ComposedRule[] = [];
  const remediations: ComposedRemediation[] = [];
  const usedLogicalIds = new Set<string>();
  const ruleNames = new Map<string, number>();
  const rulesByBlock = new Map<string, ComposedRule>();
  const idioms: IdiomCandidate[] = [];
  /** Checks that need every pack parameter known: run after the rules. */
  const deferred: Array<() => void> = [];
  // A pack or block with schema errors is checked, never built.
  let complete = manifestFile.pruned === undefined;
  /** Without its `parameters` or `conditions`, a pack cannot say what it does not declare. */
  const parametersKnown = !lacks(manifestFile, 'parameters');
  const conditionsKnown = !lacks(manifestFile, 'conditions');

  // Pack-level parameter declarations come first and win over what rules expose.
  for (const [name, decl] of Object.entries(manifest.parameters ?? {})) {
    const p: ParameterDraft = {
      name,
      constraints: {},
      optional: false,
      origin: originAt(source, ['parameters', name], 'key'),
    };
    if (decl.default !== undefined) p.default = templateString(decl.default);
    if (decl.description !== undefined) p.description = decl.description;
    if (decl.allowedValues) {
      p.allowedValues = decl.allowedValues;
      p.constraints.allowedValues = decl.allowedValues;
    }
    if (decl.pattern !== undefined) {
      p.allowedPattern = decl.pattern;
      p.constraints.pattern = decl.pattern;
    }
    if (decl.constraintDescription !== undefined) p.constraintDescription = decl.constraintDescription;
    if (p.default !== undefined && characters(p.default) > limits.inputParameterValueLength) {
      report(
        'value-length',
        `the default of pack parameter "${name}" has ${characters(p.default)} characters; at most ${limits.inputParameterValueLength} are allowed`,
        { source, path: ['parameters', name, 'default'] },
      );
    } else if (p.default !== undefined) {
      const problem = constraintProblem(p.default, p.constraints);
      if (problem) {
        report('parameter-constraint', `the default of pack parameter "${name}" ${problem}`, {
          source,
          path: ['parameters', name, 'default'],
        });
      }
      reportUncheckedPattern(
        decl.pattern,
        `pack parameter "${name}"`,
        { source, path: ['parameters', name, 'pattern'] },
        report,
      );
    }
    parameters.set(name, p);
    usedLogicalIds.add(name);
  }
  const declared = new Set(parameters.keys());

  // Pack-level conditions, written as declared; checked once every parameter is known.
  for (const [name, expression] of Object.entries(manifest.conditions ?? {})) {
    conditions.set(name, { name, expression: expression as unknown as ConditionExpression });
  }
  const declaredConditions = new Set(conditions.keys());
  /** Reports a reference to a condition the pack does not declare; false when it is unknown. */
  const knownCondition = (name: string, where: { source: YamlSource; path: YamlPath }): boolean => {
    if (declaredConditions.has(name)) return true;
    complete = false;
    if (!conditionsKnown) return false;
    const suggestion = closest(name, declaredConditions, 1)[0];
    report(
      'unknown-condition',
      `pack "${manifest.name}" declares no condition "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      where,
    );
    return false;
  };

  /** A logical id the manifest keeps (`logicalId:`), unless another resource or parameter has it. */
  const pinnedId = (id: string | undefined, path: YamlPath): string | undefined => {
    if (id === undefined) return undefined;
    if (usedLogicalIds.has(id)) {
      report(
        'duplicate-logical-id',
        `"${id}" is already the logical id of a parameter or resource of pack "${manifest.name}"`,
        { source, path },
      );
      complete = false;
    }
    usedLogicalIds.add(id);
    return id;
  };

  manifest.rules.forEach((include, index) => {
    const includePath: YamlPath = typeof include === 'string' ? ['rules', index] : ['rules', index, 'use'];
    const blockName = typeof include === 'string' ? include : include.use;
    const rule = repo.rules.get(blockName);
    if (!rule) {
      complete = false;
      if (!repo.broken.rule.has(blockName)) {
        report('unknown-block', unknownBlockMessage('rule block', blockName, repo.rules.keys()), {
          source,
          path: includePath,
        });
      }
      return;
    }
    const block = rule.value;
    if (rule.pruned) complete = false;
    const managed = managedRuleOf(block, repo.catalog);
    if ('managed' in block.source && !repo.catalog.isKnownRuleIdentifier(block.source.managed))
      complete = false;
    const override: RuleIncludeOverride | undefined = typeof include === 'string' ? undefined : include;
    const overridePath = (...path: YamlPath): YamlPath => ['rules', index, ...path];

    // Overrides are checked where they are written: in the manifest.
    if (override?.parameters) {
      const given = Object.fromEntries(
        Object.entries(override.parameters).filter(
          (entry): entry is [string, RuleParameterSpec] => entry[1] !== null,
        ),
      );
      checkParameterSpecs(given, managed, { source, path: overridePath('parameters') }, report);
    }
    if (override?.maximumExecutionFrequency) {
      checkFrequency(block, managed, { source, path: overridePath('maximumExecutionFrequency') }, report);
    }
    if (override?.scope) checkScope(override.scope, { source, path: overridePath('scope') }, report);
    if (override?.condition !== undefined) {
      knownCondition(override.condition, { source, path: overridePath('condition') });
    }
    if (override?.parametersCondition !== undefined) {
      knownCondition(override.parametersCondition, { source, path: overridePath('parametersCondition') });
    }

    const nameSpec = block.ruleName ?? block.name;
    const nameForm: RuleNameForm | undefined =
      nameSpec === false
        ? { kind: 'generated' }
        : typeof nameSpec === 'object'
          ? { kind: 'parameter', parameter: nameSpec.parameter }
          : undefined;
    /** What derived ids are made of: the literal name, else the block name. */
    const nameBase = typeof nameSpec === 'string' ? nameSpec : block.name;
    // Names CloudFormation generates are unique; a parameter's value is compared by the parameter.
    const nameKey =
      nameForm === undefined
        ? nameBase
        : nameForm.kind === 'parameter'
          ? `{Ref ${nameForm.parameter}}`
          : undefined;
    const firstIndex = lacks(rule, 'ruleName') || nameKey === undefined ? undefined : ruleNames.get(nameKey);
    if (firstIndex !== undefined) {
      report(
        'duplicate-rule-name',
        `rule name "${nameKey}" is already used by rules[${firstIndex}] of this pack`,
        { source, path: includePath },
      );
      complete = false;
      return;
    }
    if (nameKey !== undefined) ruleNames.set(nameKey, index);

    const logicalId =
      pinnedId(override?.logicalId, overridePath('logicalId')) ??
      uniqueId(pascalCase(nameBase), usedLogicalIds);
    /** The name plans and pages show: see ComposedRule.ruleName. */
    const ruleName =
      nameForm === undefined
        ? nameBase
        : nameForm.kind === 'generated'
          ? logicalId
          : displayNameOf(parameters.get(nameForm.parameter)?.default, nameForm.parameter);
    /** A value the block takes from a pack parameter: the pack must declare it (checked after the rules). */
    const needsParameter = (parameter: string, what: string) =>
      deferred.push(() => {
        if (parameters.has(parameter)) return;
        complete = false;
        if (!parametersKnown) return;
        report(
          'pack-parameter-conflict',
          `rule block "${block.name}" takes its ${what} from the parameter "${parameter}", which pack "${manifest.name}" does not declare; declare it under the pack's parameters`,
          { source, path: includePath },
        );
      });
    if (nameForm?.kind === 'parameter') needsParameter(nameForm.parameter, 'rule name');
    const blockAt = (path: YamlPath, part: 'key' | 'value' = 'value') => originAt(rule.source, path, part);
    const origins: Record<string, Origin> = {
      '': originAt(source, includePath),
      'Properties/ConfigRuleName': blockAt(block.ruleName !== undefined ? ['ruleName'] : ['name']),
      'Properties/Source': blockAt(['source']),
      ...('managed' in block.source
        ? { 'Properties/Source/SourceIdentifier': blockAt(['source', 'managed']) }
        : {}),
    };

    // Parameters: the block's, with the pack's overrides replacing whole entries (null: removing them).
    const specs: Record<string, { spec: RuleParameterSpec; from: 'block' | 'pack' }> = {};
    for (const [k, v] of Object.entries(block.parameters ?? {})) setOwn(specs, k, { spec: v, from: 'block' });
    for (const [k, v] of Object.entries(override?.parameters ?? {})) {
      if (v === null) delete specs[k];
      else setOwn(specs, k, { spec: v, from: 'pack' });
    }
    const inputParameters: Array<{ name: string; value: InputValue }> = [];
    for (const [name, { spec, from }] of Object.entries(specs)) {
      const known = managed?.parameters.find((p) => p.name === name);
      if (managed && !known) continue; // reported as unknown-parameter
      const path: YamlPath = from === 'pack' ? overridePath('parameters', name) : ['parameters', name];
      const specSource = from === 'pack' ? source : rule.source;
      const at = originAt(specSource, path);
      origins[`Properties/InputParameters/${name}`] = at;
      if (isCfnSpec(spec)) {
        inputParameters.push({ name, value: rawValue(spec) });
        continue;
      }
      if (!isExposed(spec)) {
        inputParameters.push({ name, value: { kind: 'literal', value: templateString(spec) } });
        continue;
      }
      const parameterName =
        typeof spec.expose === 'string' ? spec.expose : `${pascalCase(nameBase)}Param${upperFirst(name)}`;
      const optional = spec.optional ?? isOptionalInput(known, managed === undefined);
      const input: { name: string; value: InputValue } = {
        name,
        value: { kind: 'parameter', parameter: parameterName },
      };
      if (declared.has(parameterName)) {
        // Declared by the pack: written as declared; the spec says whether the key may be dropped.
        if (spec.condition !== undefined || optional) {
          idioms.push({
            input,
            explicit: spec.condition,
            optional: true,
            where: { source: specSource, path },
          });
        }
        inputParameters.push(input);
        continue;
      }
      const blockSpec =
        from === 'pack' && block.parameters && Object.hasOwn(block.parameters, name)
          ? block.parameters[name]
          : undefined;
      const inherited = inheritedParameter(name, spec, blockSpec, known, managed);
      const draft = exposeParameter(parameterName, spec, known, optional, at, inherited);
      if (spec.default === undefined && inherited.default !== undefined) {
        // A default taken from the block or the catalog must still meet this spec's own constraints.
        const problem = constraintProblem(inherited.default, constraintsOf(spec));
        if (problem) {
          report(
            'parameter-constraint',
            `the default of "${name}" (${JSON.stringify(inherited.default)}, from ${inherited.from}) ${problem}`,
            { source: specSource, path },
          );
        }
      }
      const existing = parameters.get(parameterName);
      if (existing) {
        const descriptionsDiffer =
          existing.description !== draft.description && !(existing.madeDescription && draft.madeDescription);
        if (existing.default !== draft.default || descriptionsDiffer) {
          report(
            'pack-parameter-conflict',
            `pack parameter "${parameterName}" is also exposed at ${existing.origin.locate().file}:${existing.origin.locate().line} with a different default or description`,
            { source: specSource, path },
          );
        }
        existing.optional = existing.optional && optional;
      } else {
        if (usedLogicalIds.has(parameterName)) {
          report('pack-parameter-conflict', `"${parameterName}" is already the logical id of a resource`, {
            source: specSource,
            path,
          });
        }
        parameters.set(parameterName, draft);
        usedLogicalIds.add(parameterName);
      }
      idioms.push({
        input,
        explicit: spec.condition,
        optional: spec.condition !== undefined ? true : 'parameter',
        where: { source: specSource, path },
      });
      inputParameters.push(input);
    }

    const composed: ComposedRule = {
      logicalId,
      ruleName,
      ...(nameForm ? { nameForm } : {}),
      block: block.name,
      source: composeSource(rule, repo),
      inputParameters,
      controls: override?.controls ?? block.controls ?? [],
      origins,
    };
    const arn = 'lambda' in block.source ? block.source.lambda.arn : undefined;
    if (arn !== undefined && typeof arn === 'object' && 'parameter' in arn) {
      needsParameter(arn.parameter, 'Lambda ARN');
    }
    const pick = <K extends string, V>(
      key: K,
      own: V | undefined,
      overridden: V | null | undefined,
    ): { value: V | undefined; origin?: Origin } => {
      if (overridden === null) return { value: undefined };
      if (overridden !== undefined) return { value: overridden, origin: originAt(source, overridePath(key)) };
      return own === undefined ? { value: undefined } : { value: own, origin: blockAt([key]) };
    };
    const description = pick('description', block.description, override?.description);
    if (description.value !== undefined) {
      composed.description = description.value;
      origins['Properties/Description'] = description.origin!;
    }
    const scope = pick('scope', block.scope, override?.scope);
    if (scope.value) {
      composed.scope = { ...scope.value };
      origins['Properties/Scope'] = scope.origin!;
    }
    const frequency = pick(
      'maximumExecutionFrequency',
      block.maximumExecutionFrequency,
      override?.maximumExecutionFrequency,
    );
    if (frequency.value) {
      composed.maximumExecutionFrequency = literalOrRaw(frequency.value);
      origins['Properties/MaximumExecutionFrequency'] = frequency.origin!;
    }
    const modes = pick('evaluationModes', block.evaluationModes, override?.evaluationModes);
    if (modes.value) {
      composed.evaluationModes = modes.value;
      origins['Properties/EvaluationModes'] = modes.origin!;
    }
    if (override?.controls) origins['Controls'] = originAt(source, overridePath('controls'));
    else if (block.controls) origins['Controls'] = blockAt(['controls']);
    if (override?.condition !== undefined) {
      composed.condition = override.condition;
      origins['Condition'] = originAt(source, overridePath('condition'));
    }
    if (override?.parametersCondition !== undefined) {
      composed.inputParametersCondition = override.parametersCondition;
      origins['Properties/InputParameters'] = originAt(source, overridePath('parametersCondition'));
    }
    rules.push(composed);
    rulesByBlock.set(block.name, composed);
  });

  // Inputs whose key an empty value drops: Fn::If on a condition, with AWS::NoValue.
  for (const idiom of idioms) {
    const value = idiom.input.value;
    if (value.kind !== 'parameter') continue;
    if (idiom.explicit !== undefined) {
      if (
        knownCondition(idiom.explicit, {
          source: idiom.where.source,
          path: [...idiom.where.path, 'condition'],
        })
      ) {
        idiom.input.value = { ...value, condition: idiom.explicit };
      }
      continue;
    }
    if (idiom.optional === 'parameter' && !parameters.get(value.parameter)?.optional) continue;
    idiom.input.value = { ...value, condition: notEmptyCondition(value.parameter, conditions) };
  }

  (manifest.remediations ?? []).forEach((include, index) => {
    const includePath: YamlPath =
      typeof include === 'string' ? ['remediations', index] : ['remediations', index, 'use'];
    const blockName = typeof include === 'string' ? include : include.use;
    const located = repo.remediations.get(blockName);
    if (!located) {
      complete = false;
      if (!repo.broken.remediation.has(blockName)) {
        report(
          'unknown-block',
          unknownBlockMessage('remediation block', blockName, repo.remediations.keys()),
          {
            source,
            path: includePath,
          },
        );
      }
      return;
    }
    const block = located.value;
    if (located.pruned) complete = false;
    const target = rulesByBlock.get(block.rule);
    if (!target) {
      complete = false;
      if (repo.rules.has(block.rule)) {
        report(
          'remediation-rule-not-in-pack',
          `remediation "${block.name}" fixes rule "${block.rule}", which this pack does not include`,
          { source, path: includePath },
        );
      }
      return;
    }
    const override = typeof include === 'string' ? undefined : include;
    const runbook = typeof block.runbook === 'string' ? repo.catalog.runbook(block.runbook) : undefined;
    if (override?.parameters) {
      const given = Object.fromEntries(
        Object.entries(override.parameters).filter(
          (entry): entry is [string, RemediationParameterSpec] => entry[1] !== null,
        ),
      );
      checkRemediationParameters(
        given,
        runbook,
        { source, path: ['remediations', index, 'parameters'] },
        report,
      );
    }
    if (override?.condition !== undefined) {
      knownCondition(override.condition, { source, path: ['remediations', index, 'condition'] });
    }
    const params: Record<
      string,
      { spec: RemediationParameterSpec; at: Origin; path: YamlPath; src: YamlSource }
    > = {};
    for (const [k, v] of Object.entries(block.parameters ?? {})) {
      setOwn(params, k, {
        spec: v,
        at: originAt(located.source, ['parameters', k]),
        path: ['parameters', k],
        src: located.source,
      });
    }
    for (const [k, v] of Object.entries(override?.parameters ?? {})) {
      const path = ['remediations', index, 'parameters', k];
      if (v === null) delete params[k];
      else setOwn(params, k, { spec: v, at: originAt(source, path), path, src: source });
    }
    const origins: Record<string, Origin> = {
      '': originAt(source, includePath),
      'Properties/TargetId': originAt(located.source, ['runbook']),
    };
    const parametersOut: ComposedRemediation['parameters'] = [];
    for (const [name, { spec, at, path, src }] of Object.entries(params)) {
      const value = remediationValue(spec);
      origins[`Properties/Parameters/${name}`] = at;
      if (value.kind === 'parameter' && !parameters.has(value.parameter)) {
        complete = false;
        if (parametersKnown)
          report(
            'pack-parameter-conflict',
            `"${value.parameter}" is not a parameter of pack "${manifest.name}"; declare it under the pack's parameters`,
            { source: src, path },
          );
      }
      parametersOut.push({ name, value });
    }
    const remediation: ComposedRemediation = {
      logicalId:
        pinnedId(override?.logicalId, ['remediations', index, 'logicalId']) ??
        uniqueId(`${target.logicalId}Remediation`, usedLogicalIds),
      block: block.name,
      ruleLogicalId: target.logicalId,
      ruleName: target.ruleName,
      ...(target.nameForm ? { ruleNameForm: target.nameForm } : {}),
      targetId: literalOrRaw(block.runbook),
      automatic: override?.automatic ?? block.automatic ?? false,
      parameters: parametersOut,
      origins,
    };
    if (block.runbookVersion !== undefined) remediation.targetVersion = literalOrRaw(block.runbookVersion);
    if (block.resourceType !== undefined) remediation.resourceType = block.resourceType;
    if (block.maximumAutomaticAttempts !== undefined) {
      remediation.maximumAutomaticAttempts = block.maximumAutomaticAttempts;
    }
    if (block.retryAttemptSeconds !== undefined) remediation.retryAttemptSeconds = block.retryAttemptSeconds;
    if (block.executionControls) remediation.executionControls = { ...block.executionControls };
    if (override?.condition !== undefined) {
      remediation.condition = override.condition;
      origins['Condition'] = originAt(source, ['remediations', index, 'condition']);
    }
    if (remediation.automatic && params[roleParameterOf(runbook)] === undefined && override?.automatic) {
      report(
        'automatic-remediation-role',
        `automatic remediation needs the ${roleParameterOf(runbook)} parameter (a role ARN)`,
        { source, path: ['remediations', index, 'automatic'] },
      );
    }
    remediations.push(remediation);
  });

  for (const check of deferred) check();
  for (const name of parametersKnown ? declaredConditions : []) {
    const problem = conditionProblem(conditions.get(name)!, conditions, parameters);
    if (problem) {
      complete = false;
      report('condition-expression', problem.message, {
        source,
        path: ['conditions', name, ...problem.path],
        part: problem.part,
      });
    }
  }

  if (!complete) return undefined;
  const pack: ComposedPack = {
    name: manifest.name,
    manifest: source.file,
    manifestPath: manifestFile.path,
    parameters: [...parameters.values()].map(({ optional: _optional, madeDescription: _made, ...p }) => p),
    conditions: [...conditions.values()],
    rules,
    remediations,
    origin: originAt(source, ['name']),
  };
  if (manifest.description !== undefined) pack.description = manifest.description;
  if (manifest.mappings !== undefined) {
    pack.mappings = manifest.mappings;
    pack.mappingsOrigin = originAt(source, ['mappings'], 'key');
  }
  if (manifest.template !== undefined) pack.template = resolveBeside(manifestFile.path, manifest.template);
  checkInputParametersLength(pack, report, manifestFile, repo);
  return pack;
}

// ---------------------------------------------------------------------------------------------
// Conditions

/** Whether `expression` is true exactly when `parameter` is not empty: Fn::Not [Fn::Equals ['', Ref]]. */
export function testsNotEmpty(condition: ComposedCondition, parameter: string): boolean {
  if ('parameter' in condition) return condition.parameter === parameter;
  const not = (condition.expression as Record<string, unknown>)['Fn::Not'];
  if (!Array.isArray(not) || not.length !== 1) return false;
  const equals = (not[0] as Record<string, unknown> | null)?.['Fn::Equals'];
  if (!Array.isArray(equals) || equals.length !== 2) return false;
  const isRef = (v: unknown) =>
    typeof v === 'object' &&
    v !== null &&
    Object.keys(v).length === 1 &&
    (v as { Ref?: unknown }).Ref === parameter;
  return (equals[0] === '' && isRef(equals[1])) || (isRef(equals[0]) && equals[1] === '');
}

/**
 * The condition "`parameter` is not empty": the first pack condition with that expression, or a
 * new one named after the parameter.
 */
function notEmptyCondition(parameter: string, conditions: Map<string, ComposedCondition>): string {
  for (const condition of conditions.values()) {
    if (testsNotEmpty(condition, parameter)) return condition.name;
  }
  const base = lowerFirst(parameter) === parameter ? `${parameter}IsSet` : lowerFirst(parameter);
  let name = base;
  for (let n = 2; conditions.has(name); n++) name = `${base}${n}`;
  conditions.set(name, { name, parameter });
  return name;
}

/** Pseudo parameters a condition may compare (CloudFormation's, evaluated at deploy time). */
const pseudoParameters = new Set([
  'AWS::AccountId',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

export interface ConditionProblem {
  message: string;
  /** Below the condition's own node. */
  path: YamlPath;
  part?: 'key' | 'value';
}

/** Names a condition expression may refer to (a Map or a Set). */
export interface NameSet {
  has(name: string): boolean;
  keys(): Iterable<string>;
}

/** The first problem of a declared condition: its shape, its references, a cycle. */
function conditionProblem(
  condition: ComposedCondition,
  conditions: Map<string, ComposedCondition>,
  parameters: Map<string, ComposedParameter>,
): ConditionProblem | undefined {
  if (!('expression' in condition)) return undefined;
  const shape = conditionExpressionProblem(condition.expression, conditions, parameters);
  if (shape) return shape;
  // A cycle: a condition that refers back to itself through `Condition`.
  const visiting = new Set<string>();
  const cycle = (name: string): boolean => {
    if (visiting.has(name)) return true;
    const c = conditions.get(name);
    if (!c || !('expression' in c)) return false;
    visiting.add(name);
    const found = conditionReferences(c.expression).some(cycle);
    visiting.delete(name);
    return found;
  };
  if (cycle(condition.name)) {
    return {
      message: `condition "${condition.name}" refers to itself (through Condition)`,
      path: [],
      part: 'key',
    };
  }
  return undefined;
}

function conditionReferences(expression: unknown): string[] {
  if (typeof expression !== 'object' || expression === null) return [];
  if (Array.isArray(expression)) return expression.flatMap(conditionReferences);
  const entries = Object.entries(expression);
  if (entries.length === 1 && entries[0]![0] === 'Condition' && typeof entries[0]![1] === 'string') {
    return [entries[0]![1]];
  }
  return entries.flatMap(([, v]) => conditionReferences(v));
}

const logicalOperators = ['Fn::Not', 'Fn::And', 'Fn::Or'] as const;

/**
 * The first problem of a condition expression: its shape (long-form Fn::Equals, Fn::Not, Fn::And,
 * Fn::Or, Condition), a Ref to something other than a parameter, a Condition that does not exist.
 */
export function conditionExpressionProblem(
  expression: unknown,
  conditions: NameSet,
  parameters: NameSet,
  path: Array<string | number> = [],
): ConditionProblem | undefined {
  const shapes = 'Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition';
  if (typeof expression !== 'object' || expression === null || Array.isArray(expression)) {
    return { message: `a condition must be an object with one of ${shapes}`, path };
  }
  const entries = Object.entries(expression);
  if (entries.length !== 1) {
    return { message: `a condition has exactly one of ${shapes}; this one has ${entries.length} keys`, path };
  }
  const [operator, argument] = entries[0]!;
  const here = [...path, operator];
  if (operator === 'Condition') {
    if (typeof argument !== 'string')
      return { message: 'Condition takes the name of a condition', path: here };
    if (!conditions.has(argument)) {
      const suggestion = closest(argument, conditions.keys(), 1)[0];
      return {
        message: `there is no condition "${argument}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
        path: here,
      };
    }
    return undefined;
  }
  if (operator === 'Fn::Equals') {
    if (!Array.isArray(argument) || argument.length !== 2) {
      return { message: 'Fn::Equals takes a list of two values', path: here };
    }
    for (const [i, operand] of argument.entries()) {
      if (typeof operand === 'string' || typeof operand === 'number' || typeof operand === 'boolean')
        continue;
      const ref = refName(operand);
      if (ref === undefined) {
        return { message: 'Fn::Equals compares strings and { Ref: PARAMETER } values', path: [...here, i] };
      }
      if (!parameters.has(ref) && !pseudoParameters.has(ref)) {
        const suggestion = closest(ref, parameters.keys(), 1)[0];
        return {
          message: `Ref "${ref}" names no parameter of the pack${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
          path: [...here, i, 'Ref'],
        };
      }
    }
    return undefined;
  }
  if ((logicalOperators as readonly string[]).includes(operator)) {
    const counts = operator === 'Fn::Not' ? [1, 1] : [2, 10];
    if (!Array.isArray(argument) || argument.length < counts[0]! || argument.length > counts[1]!) {
      const wanted = operator === 'Fn::Not' ? 'a list of one condition' : 'a list of 2 to 10 conditions';
      return { message: `${operator} takes ${wanted}`, path: here };
    }
    for (const [i, inner] of argument.entries()) {
      const problem = conditionExpressionProblem(inner, conditions, parameters, [...here, i]);
      if (problem) return problem;
    }
    return undefined;
  }
  return {
    message: `"${operator}" is not a condition function; use ${shapes}`,
    path: here,
    part: 'key',
  };
}

function refName(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const ref = (value as { Ref?: unknown }).Ref;
  return keys.length === 1 && typeof ref === 'string' ? ref : undefined;
}

/** Whether an exposed input may be left empty: the rule does not require it. */
function isOptionalInput(known: ManagedRuleParameter | undefined, custom: boolean): boolean {
  // Custom rules have no catalog entry: their inputs are always passed.
  if (!known || custom) return false;
  return known.optional || known.default !== undefined;
}

/** What an exposed input starts from when its spec gives no default or description. */
interface InheritedParameter {
  default?: string;
  description?: string;
  /** Where the default comes from, for messages. */
  from?: string;
  /** The description names the input, its type and the rule (the block gave none). */
  madeDescription?: boolean;
}

/**
 * The default and description an exposed input keeps when its spec does not give them: the rule
 * block's entry for the input (a value is its default; an exposed entry gives its default and
 * description) when a pack's override re-exposes it, else the managed-rule catalog (the documented
 * default; a description naming the input, its type and the rule).
 */
function inheritedParameter(
  name: string,
  spec: ExposedParameter,
  blockSpec: RuleParameterSpec | undefined,
  known: ManagedRuleParameter | undefined,
  managed: ManagedRule | undefined,
): InheritedParameter {
  const inherited: InheritedParameter = {};
  if (blockSpec !== undefined) {
    const raw = isExposed(blockSpec) ? blockSpec.default : blockSpec;
    // A raw CloudFormation value has no literal to inherit as a default.
    if (raw !== undefined && !isCfnSpec(raw)) {
      inherited.default = templateString(raw);
      inherited.from = 'the rule block';
    }
    if (isExposed(blockSpec) && blockSpec.description !== undefined)
      inherited.description = blockSpec.description;
  }
  if (inherited.default === undefined && known?.default !== undefined && spec.default === undefined) {
    inherited.default = known.default;
    inherited.from = `the documented default of ${managed?.identifier ?? 'the managed rule'}`;
  }
  if (inherited.description === undefined && known && managed) {
    const text = `${name} (${known.type}) of the AWS Config managed rule ${managed.identifier}.`;
    if (characters(text) <= limits.parameterDescriptionLength) {
      inherited.description = text;
      inherited.madeDescription = true;
    }
  }
  return inherited;
}

function exposeParameter(
  name: string,
  spec: ExposedParameter,
  known: ManagedRuleParameter | undefined,
  optional: boolean,
  origin: Origin,
  inherited: InheritedParameter = {},
): ParameterDraft {
  const p: ParameterDraft = { name, constraints: constraintsOf(spec), optional, origin };
  if (spec.default !== undefined) p.default = templateString(spec.default);
  else if (inherited.default !== undefined) p.default = inherited.default;
  else if (optional) p.default = '';
  if (spec.description !== undefined) p.description = spec.description;
  else if (inherited.description !== undefined) {
    p.description = inherited.description;
    if (inherited.madeDescription) p.madeDescription = true;
  }
  if (spec.allowedValues) p.allowedValues = optional ? ['', ...spec.allowedValues] : spec.allowedValues;
  if (spec.pattern !== undefined)
    p.allowedPattern = optional ? `^$|^(?:${spec.pattern})$` : `^(?:${spec.pattern})$`;
  if (known) p.ruleParameterType = known.type;
  return p;
}

function composeSource(rule: Located<RuleBlock>, repo: Repository): ComposedSource {
  const source = rule.value.source;
  if ('managed' in source) return { owner: 'AWS', identifier: source.managed };
  if ('lambda' in source) {
    return {
      owner: 'CUSTOM_LAMBDA',
      arn:
        typeof source.lambda.arn === 'string'
          ? source.lambda.arn
          : 'parameter' in source.lambda.arn
            ? { parameter: source.lambda.arn.parameter }
            : rawValue(source.lambda.arn),
      details: source.lambda.triggers.map((t) => {
        if (typeof t === 'string') return { messageType: t };
        const detail: ComposedSourceDetail = { messageType: t.messageType };
        if (t.maximumExecutionFrequency !== undefined) {
          detail.maximumExecutionFrequency = literalOrRaw(t.maximumExecutionFrequency);
        }
        return detail;
      }),
    };
  }
  const text = guardText(rule, repo);
  const composed: Extract<ComposedSource, { owner: 'CUSTOM_POLICY' }> = {
    owner: 'CUSTOM_POLICY',
    policyText: typeof text === 'string' ? text : '',
    runtime: 'guard-2.x.x',
    messageTypes: source.guard.triggers ?? [
      'ConfigurationItemChangeNotification',
      'OversizedConfigurationItemChangeNotification',
    ],
  };
  if (source.guard.debugLogDelivery !== undefined) {
    composed.debugLogDelivery = literalOrRaw(source.guard.debugLogDelivery);
  }
  if (source.guard.identifier !== undefined) composed.identifier = source.guard.identifier;
  return composed;
}

/** InputParameters are stored as one JSON string of at most 1024 characters (defaults stand in for parameters). */
function checkInputParametersLength(
  pack: ComposedPack,
  report: Report,
  manifestFile: Located<PackManifest>,
  repo: Repository,
): void {
  for (const rule of pack.rules) {
    const object: Record<string, string> = {};
    for (const input of rule.inputParameters) {
      const given = input.value;
      // A raw value is known only when CloudFormation computes it: counted as empty.
      const value =
        given.kind === 'literal'
          ? given.value
          : given.kind === 'cfn'
            ? ''
            : (pack.parameters.find((p) => p.name === given.parameter)?.default ?? '');
      setOwn(object, input.name, value);
    }
    const length = characters(JSON.stringify(object));
    if (length > limits.inputParametersJsonLength) {
      const block = repo.rules.get(rule.block);
      report(
        'input-parameters-length',
        `the input parameters of rule "${rule.ruleName}" take ${length} characters as JSON; AWS allows ${limits.inputParametersJsonLength}`,
        block
          ? { source: block.source, path: ['parameters'], part: 'key' }
          : { source: manifestFile.source, path: ['rules'] },
      );
    }
  }
}

function originAt(source: YamlSource, path: YamlPath, part?: 'key' | 'value'): Origin {
  return { locate: () => source.locate(path, part) };
}

/** The Guard policy, Lambda or managed identifier a rule evaluates with, for docs and messages. */
export function describeSource(source: ComposedSource): string {
  switch (source.owner) {
    case 'AWS':
      return source.identifier === processCheckIdentifier ? 'process check (manual)' : source.identifier;
    case 'CUSTOM_LAMBDA':
      return `Lambda ${
        typeof source.arn === 'string'
          ? source.arn
          : 'parameter' in source.arn
            ? `from parameter ${source.arn.parameter}`
            : `from ${JSON.stringify(source.arn.value)}`
      }`;
    case 'CUSTOM_POLICY':
      return 'Guard custom policy';
  }
}
