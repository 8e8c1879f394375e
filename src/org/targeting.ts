/**
 * Turns a pack's targets into the accounts it deploys to and the ExcludedAccounts of
 * PutOrganizationConformancePack, which deploys to every account of the organization except those.
 * Pure: no AWS calls.
 *
 * Rules (docs/deploy-config.md, "How targets become ExcludedAccounts"):
 * - included = accounts in the target OUs (nested OUs too) ∪ target accounts,
 *   minus accounts in the excluded OUs (nested too) and excluded accounts: exclusions win;
 * - only ACTIVE accounts are ever included: a suspended or closing account is not deployed to;
 * - ExcludedAccounts = every other account of the organization, whatever its status. Suspended
 *   and closing accounts are excluded too, so they cannot fail the pack's status (it succeeds only
 *   when every non-excluded account does) and do not get the pack if they are reinstated;
 * - more than 1,000 to exclude is an error that says how many and what to change.
 */
import { limits } from '../facts/limits.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { YamlSource } from '../source/yaml-source.js';
import { closest } from '../util/suggest.js';
import { targetPath, type TargetField, type Targets } from './deploy-config.js';
import type { OrgAccount, OrgTree } from './discover.js';
import { ROOT_PATH } from './discover.js';
import { deployChecks, type DeployCheckName } from './problems.js';

export interface TargetProblem {
  check: DeployCheckName;
  severity: 'error' | 'warning';
  message: string;
  /** The target entry the problem is about, when there is one. */
  field?: TargetField;
  index?: number;
}

export interface TargetResolution {
  /** Active accounts the pack deploys to, sorted by id. */
  included: OrgAccount[];
  /** ExcludedAccounts: every other account of the organization, sorted. */
  excluded: string[];
  /** Errors mean: do not deploy. */
  problems: TargetProblem[];
}

export function resolveTargets(tree: OrgTree, targets: Targets): TargetResolution {
  const problems: TargetProblem[] = [];
  const problem = (check: DeployCheckName, message: string, field?: TargetField, index?: number) => {
    const severity = deployChecks[check].severity === 'error' ? 'error' : 'warning';
    problems.push({ check, severity, message, ...(field ? { field, index } : {}) });
  };

  const ouIds = new Set<string>([tree.root.id, ...tree.ous.map((o) => o.id)]);
  const byPath = new Map<string, string[]>([[ROOT_PATH, [tree.root.id]]]);
  for (const ou of tree.ous) byPath.set(ou.path, [...(byPath.get(ou.path) ?? []), ou.id]);
  const accountsById = new Map(tree.accounts.map((a) => [a.id, a]));

  /** The OU id an entry names, or undefined (problem reported). */
  const ouOf = (ref: string, field: TargetField, index: number): string | undefined => {
    if (ref.startsWith('/')) {
      const path = ref.length > 1 ? ref.replace(/\/+$/, '') : ref;
      const ids = byPath.get(path) ?? [];
      if (ids.length === 1) return ids[0];
      if (ids.length > 1) {
        problem(
          'unknown-target',
          `OU path ${ref} is ambiguous: OUs ${ids.join(', ')} have it; use an OU id`,
          field,
          index,
        );
      } else {
        problem(
          'unknown-target',
          `no OU at path ${ref} in the organization${hint(ref, byPath.keys())}`,
          field,
          index,
        );
      }
      return undefined;
    }
    if (ouIds.has(ref)) return ref;
    problem('unknown-target', `no OU ${ref} in the organization${hint(ref, ouIds)}`, field, index);
    return undefined;
  };
  const accountsIn = (field: 'ous' | 'excludeOus'): Set<string> => {
    const out = new Set<string>();
    (targets[field] ?? []).forEach((ref, index) => {
      const id = ouOf(ref, field, index);
      if (id === undefined) return;
      for (const a of tree.accounts) if (a.ancestorIds.includes(id)) out.add(a.id);
    });
    return out;
  };
  const listed = (field: 'accounts' | 'excludeAccounts'): Set<string> => {
    const out = new Set<string>();
    (targets[field] ?? []).forEach((id, index) => {
      if (accountsById.has(id)) out.add(id);
      else
        problem(
          'unknown-target',
          `no account ${id} in the organization${hint(id, accountsById.keys())}`,
          field,
          index,
        );
    });
    return out;
  };

  const wanted = new Set([...accountsIn('ous'), ...listed('accounts')]);
  const unwanted = new Set([...accountsIn('excludeOus'), ...listed('excludeAccounts')]);
  (targets.accounts ?? []).forEach((id, index) => {
    const account = accountsById.get(id);
    if (account && account.status !== 'ACTIVE' && !unwanted.has(id)) {
      problem(
        'inactive-target-account',
        `account ${id} (${account.name}) is ${account.status}: it is not deployed to`,
        'accounts',
        index,
      );
    }
  });

  const included = tree.accounts.filter(
    (a) => wanted.has(a.id) && !unwanted.has(a.id) && a.status === 'ACTIVE',
  );
  const includedIds = new Set(included.map((a) => a.id));
  const excludedAccounts = tree.accounts.filter((a) => !includedIds.has(a.id));
  const excluded = excludedAccounts.map((a) => a.id).sort();

  if (included.length === 0 && !problems.some((p) => p.check === 'unknown-target')) {
    problem('no-included-account', 'the targets include no active account: the pack would deploy nowhere');
  }
  if (excluded.length > limits.excludedAccounts) {
    const inactive = excludedAccounts.filter((a) => a.status !== 'ACTIVE').length;
    problem(
      'excluded-accounts-limit',
      `the targets include ${included.length} of the organization's ${tree.accounts.length} accounts, which leaves ` +
        `${excluded.length} accounts to exclude${inactive ? ` (${inactive} of them suspended or closing)` : ''}; ` +
        `PutOrganizationConformancePack accepts at most ${limits.excludedAccounts} ExcludedAccounts. ` +
        `Deploy to more of the organization so that at most ${limits.excludedAccounts} accounts are left out: ` +
        `target larger OUs, or the whole organization (ous: [${ROOT_PATH}]) with fewer exclusions.`,
    );
  }
  return { included, excluded, problems };
}

function hint(word: string, candidates: Iterable<string>): string {
  const [best] = closest(word, candidates, 1);
  return best ? ` (did you mean ${best}?)` : '';
}

/**
 * The problems of `resolveTargets` for pack `pack` as diagnostics, located at the target entry in
 * the deployment configuration (or at the pack's `targets` for problems about all of them).
 */
export function targetDiagnostics(
  source: YamlSource,
  pack: string,
  problems: readonly TargetProblem[],
): Diagnostic[] {
  return problems.map((p) => {
    const check = deployChecks[p.check];
    const location =
      p.field !== undefined && p.index !== undefined
        ? source.locate(targetPath(pack, p.field, p.index))
        : source.locate(['packs', pack, 'targets'], 'key');
    return {
      checkId: check.id,
      severity: p.severity,
      message: `pack ${pack}: ${p.message}`,
      fix: check.fix,
      location,
    };
  });
}
