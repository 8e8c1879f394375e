/**
 * `packsmith add remediation`: which runbooks fit a rule, and the text of the remediation block.
 * Pure: catalog entries in, proposals and text out; the command reads and writes the files.
 *
 * Proposals, best first:
 * 1. runbooks AWS's sample conformance packs attach to this very managed rule (the only confirmed
 *    bindings, `observedInSamplePacks`), most uses first;
 * 2. runbooks for the rule's resource types: a runbook is for a resource type when a sample pack
 *    attaches it to a rule evaluating that type, or when its name holds the type's words (the
 *    resource, with the service when the resource is one word: `AWS::S3::Bucket` → "S3 Bucket" in
 *    `AWS-ConfigureS3BucketVersioning`; `AWS::EC2::SecurityGroup` → "Security Group"). Among
 *    them, a confirmed resource-id parameter first, then the most words shared with the rule's
 *    identifier (S3_BUCKET_LOGGING_ENABLED → AWS-ConfigureS3BucketLogging), then by name;
 * 3. runbooks whose name shares two or more words with the rule's identifier, not counting words
 *    every runbook or rule has (INCOMING_SSH_DISABLED → AWS-DisableIncomingSSHOnPort22), most shared
 *    words first: a weaker hint, for rules whose resource type no runbook names.
 */
import { dirname, join } from 'node:path';
import type { Catalog, Runbook } from '../catalog/types.js';
import { searchWords, stem } from '../catalog/search.js';
import { unknownRunbookMessage } from './catalog-extensions.js';
import type { Located, Repository } from './repository.js';
import { includedRuleNames, quoted, yamlString } from './scaffold.js';
import type { RuleBlock } from './schema.js';
import { partitionArnPrefix, type Partition } from '../facts/partitions.js';

/**
 * The role ARN written into a new block, in the partition the repository deploys to (`add
 * remediation` takes it from the deployment configuration's Regions; commercial `aws` without
 * one): build rejects it (PS302, error) until it is filled in.
 */
export const roleArnPlaceholderFor = (partition: Partition['id']): string =>
  `${partitionArnPrefix(partition)}iam::<REPLACE-ME-account-id>:role/<REPLACE-ME-role-name>`;

/** The role ARN placeholder of the commercial partition. */
export const roleArnPlaceholder = roleArnPlaceholderFor('aws');

/** A value the author must give (a required runbook parameter with no default). */
export const valuePlaceholder = '<REPLACE-ME>';

export type ProposalReason = 'sample-pack' | 'resource-type' | 'name';

export interface RunbookProposal {
  runbook: Runbook;
  reason: ProposalReason;
  /** The runbook parameter bound to the non-compliant resource's id, when one is known or guessed. */
  resourceIdParameter?: string;
  /** True when AWS's sample packs (or a catalog extension) confirm that binding; false for a name-based guess. */
  resourceIdConfirmed: boolean;
  /** The resource type the remediation targets (the rule's, when it has one the runbook fits). */
  resourceType?: string;
  /** One line saying why it was proposed. */
  why: string;
}

/** What a rule block offers for matching: the managed rule's identifier and resource types. */
export interface RemediationTarget {
  /** Managed-rule identifier, when the block is a managed rule. */
  identifier?: string;
  /** Resource types the rule evaluates (catalog, or the block's scope). */
  resourceTypes: readonly string[];
}

/** `AWS::S3::Bucket` → service words `s3`, resource words `bucket`. */
function typeWords(resourceType: string): { service: string[]; resource: string[] } | undefined {
  const parts = resourceType.split('::');
  if (parts.length !== 3 || !parts[1] || !parts[2]) return undefined;
  return { service: searchWords(parts[1]), resource: searchWords(parts[2]) };
}

function containsInARow(words: readonly string[], part: readonly string[]): boolean {
  if (part.length === 0) return false;
  for (let i = 0; i + part.length <= words.length; i++) {
    if (part.every((p, j) => stem(words[i + j]!) === stem(p))) return true;
  }
  return false;
}

/**
 * The runbook's name names the resource type: its resource words in a row, and its service too when
 * the resource is one word ("Bucket", "Instance" say little alone; "Security Group" does).
 */
export function nameFitsType(runbookName: string, resourceType: string): boolean {
  const t = typeWords(resourceType);
  if (!t) return false;
  const words = searchWords(runbookName);
  if (!containsInARow(words, t.resource)) return false;
  return t.resource.length > 1 || containsInARow(words, t.service);
}

function resourceIdOf(runbook: Runbook): { parameter?: string; confirmed: boolean } {
  if (runbook.resourceIdParameter !== undefined) {
    return { parameter: runbook.resourceIdParameter, confirmed: true };
  }
  const [first] = runbook.resourceIdParameterCandidates;
  return first === undefined ? { confirmed: false } : { parameter: first, confirmed: false };
}

/** Words that say nothing about what a rule or runbook is for. */
const commonWords = new Set(
  [
    'aws',
    'config',
    'remediation',
    'support',
    'check',
    'by',
    'to',
    'on',
    'of',
    'for',
    'in',
    'is',
    'the',
    'and',
  ].map(stem),
);

/** Shared words that make a name-only proposal. */
const minSharedWords = 2;

function sharedWords(identifier: string | undefined, runbookName: string): number {
  if (identifier === undefined) return 0;
  const ruleStems = new Set(searchWords(identifier).map(stem));
  return new Set(
    searchWords(runbookName)
      .map(stem)
      .filter((s) => ruleStems.has(s) && !commonWords.has(s)),
  ).size;
}

/** A proposal of `runbook`, its resource-id binding `id` (default: what the catalog says of it). */
function proposal(
  runbook: Runbook,
  reason: ProposalReason,
  why: string,
  resourceType: string | undefined,
  id: { parameter?: string | undefined; confirmed: boolean } = resourceIdOf(runbook),
): RunbookProposal {
  return {
    runbook,
    reason,
    ...(id.parameter !== undefined ? { resourceIdParameter: id.parameter } : {}),
    resourceIdConfirmed: id.confirmed,
    ...(resourceType !== undefined ? { resourceType } : {}),
    why,
  };
}

/** The rule's resource type when it has exactly one. */
const onlyType = (target: RemediationTarget): string | undefined =>
  target.resourceTypes.length === 1 ? target.resourceTypes[0] : undefined;

/** Runbooks that fit the rule, best first (see the module comment). */
export function proposeRunbooks(target: RemediationTarget, catalog: Catalog): RunbookProposal[] {
  const proposals: RunbookProposal[] = [];
  const seen = new Set<string>();

  // 1. Confirmed by AWS's sample packs for this very rule.
  if (target.identifier !== undefined) {
    const confirmed = catalog
      .runbooks()
      .map((runbook) => ({
        runbook,
        uses: (runbook.observedInSamplePacks ?? []).filter((u) => u.configRule === target.identifier),
      }))
      .filter((c) => c.uses.length > 0)
      .sort((a, b) => b.uses.length - a.uses.length || (a.runbook.name < b.runbook.name ? -1 : 1));
    for (const { runbook, uses } of confirmed) {
      const bound = [...new Set(uses.flatMap((u) => u.resourceIdParameter))];
      const id = bound.length === 1 ? { parameter: bound[0], confirmed: true } : resourceIdOf(runbook);
      const packs = [...new Set(uses.map((u) => u.pack))].sort();
      const why = `AWS's sample packs attach it to ${target.identifier} (${packs.join(', ')})`;
      proposals.push(proposal(runbook, 'sample-pack', why, onlyType(target), id));
      seen.add(runbook.name);
    }
  }

  // 2. Runbooks for the rule's resource types.
  const typesInSamples = (runbook: Runbook): Set<string> =>
    new Set(
      (runbook.observedInSamplePacks ?? []).flatMap((u) => catalog.rule(u.configRule)?.resourceTypes ?? []),
    );
  const byType: Array<RunbookProposal & { shared: number }> = [];
  for (const runbook of catalog.runbooks()) {
    if (seen.has(runbook.name)) continue;
    const sampled = typesInSamples(runbook);
    const type = target.resourceTypes.find((t) => sampled.has(t) || nameFitsType(runbook.name, t));
    if (type === undefined) continue;
    const why = sampled.has(type)
      ? `AWS's sample packs use it for another rule on ${type}`
      : `its name names ${type}`;
    byType.push({
      ...proposal(runbook, 'resource-type', why, type),
      shared: sharedWords(target.identifier, runbook.name),
    });
  }
  byType.sort(
    (a, b) =>
      Number(b.resourceIdConfirmed) - Number(a.resourceIdConfirmed) ||
      b.shared - a.shared ||
      (a.runbook.name < b.runbook.name ? -1 : a.runbook.name > b.runbook.name ? 1 : 0),
  );
  for (const { shared: _shared, ...p } of byType) {
    proposals.push(p);
    seen.add(p.runbook.name);
  }

  // 3. Runbooks named like the rule.
  const byName = catalog
    .runbooks()
    .filter((runbook) => !seen.has(runbook.name))
    .map((runbook) => ({ runbook, shared: sharedWords(target.identifier, runbook.name) }))
    .filter((c) => c.shared >= minSharedWords)
    .sort((a, b) => b.shared - a.shared || (a.runbook.name < b.runbook.name ? -1 : 1));
  for (const { runbook, shared } of byName) {
    const why = `its name shares ${shared} words with ${target.identifier ?? 'the rule'}`;
    proposals.push(proposal(runbook, 'name', why, onlyType(target)));
  }
  return proposals;
}

/** The parameters `remediationBlockYaml` leaves as placeholders: the role, then required values. */
export function fillInParameters(proposal: RunbookProposal): string[] {
  const role = proposal.runbook.assumeRoleParameter ?? 'AutomationAssumeRole';
  const required = proposal.runbook.parameters
    .filter(
      (p) =>
        p.required && p.default === undefined && p.name !== role && p.name !== proposal.resourceIdParameter,
    )
    .map((p) => p.name);
  return [role, ...required];
}

/**
 * A new remediation block: the runbook, the resource-id parameter bound (`{ resourceId: true }`),
 * the role parameter as a placeholder ARN that build rejects until it is filled in, required
 * parameters without a default as `<REPLACE-ME>`, optional ones commented out. Manual
 * (`automatic: false`) until the author decides otherwise.
 */
export function remediationBlockYaml(options: {
  name: string;
  ruleBlock: string;
  proposal: RunbookProposal;
  /** Without it the file has no `$schema` line (the editor mapping gives the schema). */
  schemaPath?: string;
  /** The partition of the role ARN placeholder (default: commercial `aws`). */
  partition?: Partition['id'];
}): string {
  const { runbook, resourceIdParameter, resourceIdConfirmed, resourceType } = options.proposal;
  const role = runbook.assumeRoleParameter ?? 'AutomationAssumeRole';
  const lines = [
    ...(options.schemaPath === undefined ? [] : [`# yaml-language-server: $schema=${options.schemaPath}`]),
    'kind: remediation',
    `name: ${yamlString(options.name)}`,
    `rule: ${yamlString(options.ruleBlock)}`,
    `runbook: ${yamlString(runbook.name)}`,
  ];
  if (resourceType !== undefined) lines.push(`resourceType: ${yamlString(resourceType)}`);
  lines.push(
    '# Manual until you decide otherwise; automatic: true also needs maximumAutomaticAttempts and retryAttemptSeconds.',
    'automatic: false',
    'parameters:',
    '  # The role the runbook runs as: build fails until it is filled in.',
    `  ${yamlString(role)}: ${quoted(roleArnPlaceholderFor(options.partition ?? 'aws'))}`,
  );
  if (resourceIdParameter !== undefined) {
    const note = resourceIdConfirmed
      ? "the non-compliant resource's id (binding confirmed by AWS's sample packs)"
      : "the non-compliant resource's id (a name-based guess: check the runbook's documentation)";
    lines.push(`  ${yamlString(resourceIdParameter)}: { resourceId: true }  # ${note}`);
  }
  for (const p of runbook.parameters) {
    if (p.name === role || p.name === resourceIdParameter) continue;
    const allowed = p.allowedValues ? `; one of ${p.allowedValues.join(', ')}` : '';
    if (p.required && p.default === undefined) {
      lines.push(`  ${yamlString(p.name)}: ${quoted(valuePlaceholder)}  # required (${p.type}${allowed})`);
    } else if (p.default !== undefined) {
      lines.push(
        `  # ${yamlString(p.name)}: ${quoted(p.default)}  # ${p.type}, default ${p.default}${allowed}`,
      );
    } else {
      lines.push(`  # ${yamlString(p.name)}: ''  # optional (${p.type}${allowed})`);
    }
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// The whole `add remediation` decision, before anything is written

/** A refusal: `usage` for ambiguous or malformed input (exit 2), `failure` otherwise (exit 1). */
export class AddRemediationError extends Error {
  constructor(
    readonly kind: 'usage' | 'failure',
    message: string,
  ) {
    super(message);
  }
}

export interface RemediationPlan {
  /** The rule block the remediation is for. */
  ruleBlock: { name: string; path: string };
  chosen: RunbookProposal;
  /** The other proposals, best first. */
  alternatives: RunbookProposal[];
  block: { name: string; path: string; text: string };
  /** Parameters the block leaves as `<REPLACE-ME…>` placeholders: build fails until they are filled in. */
  fillIn: string[];
  /** The pack manifest to add the block to, if any. */
  pack?: { name: string; path: string };
  /** Why no pack is edited, when none is. */
  noPackReason?: string;
}

const blockNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const blockNameMax = 128;

/**
 * Decides what `packsmith add remediation RULE` writes: the rule block (by name, or the one block
 * using a managed identifier), the runbook (`--runbook`, else the best proposal), the block's name,
 * file and text, and the pack manifest to add it to (`--pack`, else the one pack including the
 * rule). Throws `AddRemediationError` with a message naming the files involved.
 */
export function planAddRemediation(
  repo: Repository,
  ruleArg: string,
  options: {
    runbook?: string;
    pack?: string;
    name?: string;
    /** The `$schema` path of a file in `fileDir`, or undefined for none. */
    schemaPath: (fileDir: string) => string | undefined;
    /** The partition the repository deploys to, for the role ARN placeholder (default `aws`). */
    partition?: Partition['id'];
  },
): RemediationPlan {
  const { name: ruleName, block } = findRuleBlock(repo, ruleArg);
  const managed = 'managed' in block.value.source ? block.value.source.managed : undefined;
  const rule = managed === undefined ? undefined : repo.catalog.rule(managed);
  const scopeTypes = block.value.scope?.resourceTypes ?? [];
  const target: RemediationTarget = {
    ...(managed !== undefined ? { identifier: managed } : {}),
    resourceTypes: scopeTypes.length > 0 ? scopeTypes : (rule?.resourceTypes ?? []),
  };

  const existing = [...repo.remediations.values()].find((r) => r.value.rule === ruleName);
  if (existing) {
    throw new AddRemediationError(
      'failure',
      `rule block "${ruleName}" already has a remediation: "${existing.value.name}" (${existing.path}); ` +
        'a rule takes one remediation, edit that block instead',
    );
  }

  const proposals = proposeRunbooks(target, repo.catalog);
  let chosen: RunbookProposal | undefined;
  if (options.runbook !== undefined) {
    chosen = proposals.find((p) => p.runbook.name === options.runbook);
    if (!chosen) {
      const runbook = repo.catalog.runbook(options.runbook);
      if (!runbook) {
        const { message, fix } = unknownRunbookMessage(options.runbook, repo.catalog);
        throw new AddRemediationError('failure', `--runbook: ${message}\n  fix: ${fix}`);
      }
      chosen = proposal(runbook, 'resource-type', 'chosen with --runbook', onlyType(target));
    }
  } else {
    chosen = proposals[0];
    if (!chosen) {
      const what = target.identifier ?? `rule block "${ruleName}"`;
      const types = target.resourceTypes.length > 0 ? target.resourceTypes.join(', ') : 'no resource type';
      throw new AddRemediationError(
        'failure',
        `no runbook in the catalog is known to fit ${what} (${types}); choose one with --runbook NAME ` +
          '(packsmith catalog list --runbooks --text WORDS)',
      );
    }
  }
  const alternatives = proposals.filter((p) => p !== chosen && p.runbook.name !== chosen.runbook.name);

  const name = options.name ?? `${ruleName}-remediation`;
  if (!blockNamePattern.test(name) || name.length > blockNameMax) {
    throw new AddRemediationError(
      'usage',
      `--name ${JSON.stringify(name)}: a block name is letters, digits, ".", "_" and "-", ` +
        `starting with a letter or digit, at most ${blockNameMax} characters`,
    );
  }
  const taken = repo.remediations.get(name);
  if (taken || repo.broken.remediation.has(name)) {
    throw new AddRemediationError(
      'failure',
      `a remediation block named "${name}" already exists${taken ? ` in ${taken.path}` : ''}; ` +
        'give the new block another name with --name',
    );
  }
  const path = join(repo.packsDir, 'remediations', `${name}.yaml`);
  const schemaPath = options.schemaPath(dirname(path));
  const text = remediationBlockYaml({
    name,
    ruleBlock: ruleName,
    proposal: chosen,
    ...(schemaPath === undefined ? {} : { schemaPath }),
    ...(options.partition ? { partition: options.partition } : {}),
  });

  const packChoice = choosePack(repo, ruleName, options.pack);
  return {
    ruleBlock: { name: ruleName, path: block.path },
    chosen,
    alternatives,
    block: { name, path, text },
    fillIn: fillInParameters(chosen),
    ...packChoice,
  };
}

function findRuleBlock(repo: Repository, ruleArg: string): { name: string; block: Located<RuleBlock> } {
  const byName = repo.rules.get(ruleArg);
  if (byName) return { name: ruleArg, block: byName };
  if (repo.broken.rule.has(ruleArg)) {
    throw new AddRemediationError(
      'failure',
      `the rule block "${ruleArg}" has errors; fix them first (packsmith validate)`,
    );
  }
  // A managed identifier (or its documented name): the one block using it.
  const rule = repo.catalog.rule(ruleArg) ?? repo.catalog.rules().find((r) => r.name === ruleArg);
  const identifier = rule?.identifier ?? ruleArg;
  const using = [...repo.rules.entries()]
    .filter(([, b]) => 'managed' in b.value.source && b.value.source.managed === identifier)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  if (using.length === 1) return { name: using[0]![0], block: using[0]![1] };
  if (using.length > 1) {
    throw new AddRemediationError(
      'usage',
      `several rule blocks use ${identifier}: ${using.map(([n, b]) => `${n} (${b.path})`).join(', ')}; ` +
        'name the block instead',
    );
  }
  if (rule) {
    throw new AddRemediationError(
      'failure',
      `no rule block uses ${identifier}; add one first: packsmith add rule ${identifier} --pack PACK`,
    );
  }
  const blocks = [...repo.rules.keys()].sort();
  const suggestion =
    blocks.length > 0
      ? ` (rule blocks: ${blocks.slice(0, 10).join(', ')}${blocks.length > 10 ? ', …' : ''})`
      : '';
  throw new AddRemediationError(
    'failure',
    `"${ruleArg}" is neither a rule block nor a managed rule identifier${suggestion}`,
  );
}

function choosePack(
  repo: Repository,
  ruleName: string,
  packName: string | undefined,
): { pack?: { name: string; path: string }; noPackReason?: string } {
  if (packName !== undefined) {
    const manifest = repo.packs.get(packName);
    if (!manifest) {
      if (repo.broken.pack.has(packName)) {
        throw new AddRemediationError(
          'failure',
          `the manifest of pack "${packName}" has errors; fix them first (packsmith validate)`,
        );
      }
      const names = [...repo.packs.keys()].sort();
      throw new AddRemediationError(
        'usage',
        `--pack ${packName}: there is no such pack${names.length ? `; the packs are: ${names.join(', ')}` : ''}`,
      );
    }
    if (!includedRuleNames(manifest.value.rules).includes(ruleName)) {
      throw new AddRemediationError(
        'failure',
        `pack "${packName}" (${manifest.path}) does not include rule block "${ruleName}"; ` +
          `add it to its rules first, or choose another pack`,
      );
    }
    return { pack: { name: packName, path: manifest.path } };
  }
  const including = [...repo.packs.entries()]
    .filter(([, m]) => includedRuleNames(m.value.rules).includes(ruleName))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  if (including.length === 1) return { pack: { name: including[0]![0], path: including[0]![1].path } };
  if (including.length > 1) {
    throw new AddRemediationError(
      'usage',
      `rule block "${ruleName}" is in several packs (${including.map(([n]) => n).join(', ')}); ` +
        'choose one with --pack',
    );
  }
  return { noPackReason: `no pack includes rule block "${ruleName}"` };
}
