/**
 * Guard policies wherever packsmith meets them — rule blocks (inline `guard.policy` or a `guard.file`
 * .guard file) and templates (CustomPolicyDetails.PolicyText) — each with a locator that turns a
 * position in the policy into the file, line and column that hold it. Then the checks: the engine's
 * parse (PS160) and the Guard 3-only constructs (PS161).
 */
import type { Repository } from '../../authoring/repository.js';
import { guardChecks } from '../../checks/guard.js';
import type { Diagnostic, SourceLocation } from '../../diagnostics/diagnostic.js';
import type { YamlPath, YamlSource } from '../../source/yaml-source.js';
import { displayPath, resolveBeside } from '../../util/paths.js';
import { characters, printable } from '../../util/text.js';
import { limits } from '../../facts/limits.js';
import { isObject } from '../template-values.js';
import { CFN_GUARD_INSTALL_HINT, detectCfnGuard, parsePolicies, type CfnGuardMode } from './engine.js';
import { guard3Constructs } from './guard3.js';

/** A policy's text and where each of its positions is in the user's files. */
export interface GuardPolicy {
  text: string;
  /** Display path of the file that names the policy (the rule block or template). */
  owner: string;
  /** 1-based line and column in `text` → the place in the file that holds it. */
  locate(line: number, column: number): SourceLocation;
}

/** A policy held by a YAML scalar at `path`: block scalars (`|`) map line by line, others from their start. */
export function scalarPolicy(source: YamlSource, path: YamlPath, text: string): GuardPolicy {
  const base = source.locate(path);
  const lines = source.text.split(/\r?\n/);
  const header = lines[base.line - 1] ?? '';
  const first = header[base.column - 1];
  const at = (line: number, column: number): SourceLocation => ({ file: source.file, line, column });
  if (first === '|' || first === '>') {
    let indent = 0;
    for (let i = base.line; i < lines.length; i++) {
      if (lines[i]!.trim() !== '') {
        indent = lines[i]!.length - lines[i]!.trimStart().length;
        break;
      }
    }
    return { text, owner: source.file, locate: (l, c) => at(base.line + l, indent + c) };
  }
  const quoted = first === '"' || first === "'" ? 1 : 0;
  const oneLine = base.endLine === undefined || base.endLine === base.line;
  return {
    text,
    owner: source.file,
    locate: (l, c) =>
      l === 1
        ? at(base.line, base.column + quoted + c - 1)
        : oneLine
          ? at(base.line, base.column) // escapes (`\n`) in a one-line scalar: its start
          : at(base.line + l - 1, c),
  };
}

/** The Guard policies of a repository's rule blocks, each located in its .guard file or rule block. */
export function repositoryPolicies(repo: Repository): GuardPolicy[] {
  const out: GuardPolicy[] = [];
  for (const rule of repo.rules.values()) {
    const src = rule.value.source;
    if (!isObject(src) || !('guard' in src)) continue;
    const guard = src.guard;
    if (guard.policy !== undefined && guard.file !== undefined) continue; // reported as PS122
    if (typeof guard.policy === 'string') {
      out.push(scalarPolicy(rule.source, ['source', 'guard', 'policy'], guard.policy));
    } else if (typeof guard.file === 'string') {
      const path = resolveBeside(rule.path, guard.file);
      const read = repo.attachments.get(path);
      if (!read?.ok) continue; // reported as PS122 / PS103
      const file = displayPath(path);
      out.push({
        text: read.text,
        owner: rule.source.file,
        locate: (line, column) => ({ file, line, column }),
      });
    }
  }
  return out;
}

/** The PolicyText of every AWS::Config::ConfigRule of a template whose policy is a literal string. */
export function templatePolicies(source: YamlSource): GuardPolicy[] {
  const template = source.value;
  if (!isObject(template) || !isObject(template.Resources)) return [];
  const out: GuardPolicy[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (!isObject(resource) || resource.Type !== 'AWS::Config::ConfigRule') continue;
    const details =
      isObject(resource.Properties) && isObject(resource.Properties.Source)
        ? resource.Properties.Source.CustomPolicyDetails
        : undefined;
    if (!isObject(details) || typeof details.PolicyText !== 'string') continue;
    const path = ['Resources', id, 'Properties', 'Source', 'CustomPolicyDetails', 'PolicyText'];
    out.push(scalarPolicy(source, path, details.PolicyText));
  }
  return out;
}

export interface GuardCheckResult {
  diagnostics: Diagnostic[];
  /** cfn-guard's version when it parsed the policies; why not otherwise. */
  status:
    | { ran: true; version: string; policies: number }
    /** `missing`: policies were there but no working engine (a notice in `auto`). */
    | { ran: false; reason: string; missing?: boolean };
}

/** `--cfn-guard require` with no working engine. */
export class CfnGuardRequiredError extends Error {}

/**
 * Checks the policies: Guard 3-only constructs (pure, always), then the engine's parse when it is
 * found (`auto`), required (`require`: throws CfnGuardRequiredError when missing) or not (`off`).
 */
export async function checkGuardPolicies(
  given: readonly GuardPolicy[],
  mode: CfnGuardMode,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GuardCheckResult> {
  // An empty policy or one over the AWS limit is reported as such (PS122, the template's property
  // length); parsing it as well would only add a second finding for the same defect.
  const policies = given.filter(
    (p) => p.text.trim() !== '' && characters(p.text) <= limits.guardPolicyTextLength,
  );
  const diagnostics: Diagnostic[] = [];
  const v3 = guardChecks['guard-3-syntax'];
  for (const policy of policies) {
    for (const construct of guard3Constructs(policy.text)) {
      diagnostics.push({
        checkId: v3.id,
        severity: v3.severity,
        message: `${construct.what} is Guard 3 syntax; AWS Config runs custom policies with guard-2.x.x`,
        fix: v3.fix,
        location: policy.locate(construct.line, construct.column),
      });
    }
  }
  if (mode === 'off') {
    return { diagnostics, status: { ran: false, reason: 'cfn-guard is off (--cfn-guard off)' } };
  }
  if (policies.length === 0) return { diagnostics, status: { ran: false, reason: 'no Guard policies' } };
  const detection = await detectCfnGuard(env);
  if (!detection.found) {
    if (mode === 'require') {
      throw new CfnGuardRequiredError(
        `cfn-guard is required (--cfn-guard require), but it ${detection.problem}; ${CFN_GUARD_INSTALL_HINT}`,
      );
    }
    return {
      diagnostics,
      status: {
        ran: false,
        missing: true,
        reason: `cfn-guard ${detection.problem}: ${policies.length} Guard ${policies.length === 1 ? 'policy was' : 'policies were'} not parsed; ${CFN_GUARD_INSTALL_HINT}`,
      },
    };
  }
  const parsed = await parsePolicies(
    policies.map((p) => p.text),
    detection.executable,
  );
  const syntax = guardChecks['guard-syntax'];
  for (const policy of policies) {
    const error = parsed.get(policy.text);
    if (!error) continue;
    diagnostics.push({
      checkId: syntax.id,
      severity: syntax.severity,
      message: `the Guard policy does not parse: ${printable(error.message, { line: true })} (cfn-guard ${detection.version})`,
      fix: syntax.fix,
      location: policy.locate(error.line, error.column),
    });
  }
  return { diagnostics, status: { ran: true, version: detection.version, policies: policies.length } };
}
