/**
 * Waves, pure: an organization pack has one template and one parameter set for every account it
 * covers, so waves stage its *reach*. Wave k's put excludes every account of the organization
 * except the accounts already covered and the target accounts of waves 1..k; AWS takes at most
 * 1,000 ExcludedAccounts, so a wave that would exclude more cannot be expressed and is refused up
 * front, with the numbers.
 *
 * A template or parameter change cannot be staged: the first put of a rollout carries it to every
 * account already covered at once. Waves only ever add accounts.
 */
import { limits } from '../facts/limits.js';
import { failureTolerancePattern, type Wave } from '../org/deploy-config.js';
import type { OrgAccount, OrgTree } from '../org/discover.js';
import { resolveTargets, type TargetProblem } from '../org/targeting.js';

export interface Tolerance {
  /** As written: a count or a percentage of the wave's accounts. */
  spec: number | string;
  /** Failed accounts tolerated in this wave. */
  allowed: number;
}

export interface ResolvedWave {
  name: string;
  /** 0-based position; the implicit last wave comes after the declared ones. */
  index: number;
  /** True for the last wave packsmith adds for target accounts no wave names. */
  implicit: boolean;
  /** The target accounts this wave adds, sorted by id. */
  accounts: OrgAccount[];
  /** ExcludedAccounts of this wave's put (sorted): everything not covered after it. */
  excludedAccounts: string[];
  tolerance: Tolerance;
}

export interface WaveProblem extends TargetProblem {
  /** Index of the wave in the configuration, when the problem is about one. */
  wave?: number;
}

export const implicitWaveName = 'rest';

/** Failed accounts a tolerance allows among `size` accounts (a percentage rounds down). */
export function allowedFailures(spec: number | string | undefined, size: number): number {
  if (spec === undefined) return 0;
  if (typeof spec === 'number') return spec;
  if (!failureTolerancePattern.test(spec)) throw new RangeError(`not a failure tolerance: ${spec}`);
  return Math.floor((Number(spec.slice(0, -1)) / 100) * size);
}

/**
 * The waves of one pack over its `included` accounts. `covered` are the accounts that hold the
 * pack already (not excluded by its current put): waves skip them. Waves left with no account are
 * dropped, so a pack already deployed everywhere has no wave at all.
 */
export function resolveWaves(input: {
  tree: OrgTree;
  included: readonly OrgAccount[];
  waves: readonly Wave[] | undefined;
  defaultTolerance?: number | string;
  covered?: ReadonlySet<string>;
}): { waves: ResolvedWave[]; problems: WaveProblem[] } {
  const { tree, included } = input;
  const covered = input.covered ?? new Set<string>();
  const includedIds = new Set(included.map((a) => a.id));
  const problems: WaveProblem[] = [];
  const assigned = new Set<string>();
  const declared = input.waves ?? [];
  const groups: Array<{ name: string; implicit: boolean; ids: string[]; tolerance?: number | string }> = [];

  declared.forEach((wave, index) => {
    const resolution = resolveTargets(tree, { ous: wave.ous ?? [], accounts: wave.accounts ?? [] });
    for (const p of resolution.problems) {
      // "includes no active account" is about the whole pack; a wave inside it may be empty.
      if (p.check === 'no-included-account' || p.check === 'excluded-accounts-limit') continue;
      problems.push({ ...p, wave: index });
    }
    const ids = resolution.included.map((a) => a.id).filter((id) => includedIds.has(id) && !assigned.has(id));
    for (const id of ids) assigned.add(id);
    groups.push({ name: wave.name, implicit: false, ids, tolerance: wave.failureTolerance });
  });
  const rest = included.map((a) => a.id).filter((id) => !assigned.has(id));
  if (rest.length > 0 || declared.length === 0) {
    const taken = new Set(declared.map((w) => w.name));
    groups.push({
      name: taken.has(implicitWaveName) ? `${implicitWaveName}-of-targets` : implicitWaveName,
      implicit: true,
      ids: rest,
    });
  }

  const byId = new Map(tree.accounts.map((a) => [a.id, a]));
  const cumulative = new Set<string>([...covered].filter((id) => byId.has(id)));
  const waves: ResolvedWave[] = [];
  for (const group of groups) {
    const fresh = group.ids.filter((id) => !covered.has(id)).sort();
    if (fresh.length === 0) continue;
    for (const id of fresh) cumulative.add(id);
    const excludedAccounts = tree.accounts
      .map((a) => a.id)
      .filter((id) => !cumulative.has(id))
      .sort();
    const spec = group.tolerance ?? input.defaultTolerance ?? 0;
    waves.push({
      name: group.name,
      index: waves.length,
      implicit: group.implicit,
      accounts: fresh.map((id) => byId.get(id) as OrgAccount),
      excludedAccounts,
      tolerance: { spec, allowed: allowedFailures(spec, fresh.length) },
    });
  }
  const tooMany = waves.filter((w) => w.excludedAccounts.length > limits.excludedAccounts);
  if (tooMany.length > 0) {
    const detail = tooMany
      .map((w) => `wave ${w.name} leaves ${w.excludedAccounts.length} accounts excluded`)
      .join('; ');
    const first = tooMany[tooMany.length - 1] as ResolvedWave;
    const needed = tree.accounts.length - limits.excludedAccounts;
    problems.push({
      check: 'excluded-accounts-limit',
      severity: 'error',
      message:
        `${detail}; PutOrganizationConformancePack accepts at most ${limits.excludedAccounts} ExcludedAccounts, ` +
        `so in an organization of ${tree.accounts.length} accounts every put must cover at least ${needed} of them. ` +
        `Make the first wave reach at least ${needed} accounts (for example a large OU), merge the small early ` +
        `waves into it, or deploy without waves (wave ${first.name} is the last one that does not fit).`,
    });
  }
  return { waves, problems };
}
