/**
 * `packsmith test`: the test cases of Guard policy rules (`source.guard.tests`), each a configuration
 * item and the verdict expected, evaluated by cfn-guard as AWS Config evaluates a custom policy: the
 * item is the data, the policy the rules; any failing rule makes it NON_COMPLIANT, all rules skipped
 * NOT_APPLICABLE, else COMPLIANT (cfn-guard's own file status PASS / FAIL / SKIP).
 */
import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Located, Repository } from '../../authoring/repository.js';
import { resolveBeside } from '../../authoring/repository.js';
import type { RuleBlock } from '../../authoring/schema.js';
import type { SourceLocation } from '../../diagnostics/diagnostic.js';
import { inputFileLimits } from '../../facts/limits.js';
import { readUserFile } from '../../source/read-file.js';
import { parseYamlSource } from '../../source/yaml-source.js';
import { mapLimit } from '../../util/map-limit.js';
import { displayPath } from '../../util/paths.js';

export type Verdict = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

export interface GuardCaseResult {
  rule: string;
  case: string;
  expected: Verdict;
  /** The verdict cfn-guard gave; undefined when the evaluation failed (`error`). */
  actual?: Verdict;
  ok: boolean;
  error?: string;
  /** The case in its rule block. */
  location: SourceLocation;
}

const verdicts: Record<string, Verdict> = {
  PASS: 'COMPLIANT',
  FAIL: 'NON_COMPLIANT',
  SKIP: 'NOT_APPLICABLE',
};

/**
 * The Guard rule blocks that `names` select: a pack name selects the rules it includes, a rule name
 * that rule; no names, every Guard rule. Names matching nothing are returned in `unknown`.
 */
export function selectGuardRules(
  repo: Repository,
  names: readonly string[],
): { rules: Array<Located<RuleBlock>>; unknown: string[] } {
  const isGuard = (r: Located<RuleBlock>) => 'guard' in r.value.source;
  if (names.length === 0) return { rules: [...repo.rules.values()].filter(isGuard), unknown: [] };
  const picked = new Set<string>();
  const unknown: string[] = [];
  for (const name of names) {
    const pack = repo.packs.get(name);
    if (pack) {
      for (const include of pack.value.rules) picked.add(typeof include === 'string' ? include : include.use);
    } else if (repo.rules.has(name)) picked.add(name);
    else unknown.push(name);
  }
  const rules = [...picked]
    .map((n) => repo.rules.get(n))
    .filter((r): r is Located<RuleBlock> => r !== undefined && isGuard(r));
  return { rules, unknown };
}

/** The policy text of a Guard rule block, or undefined when it cannot be read (build reports why). */
function policyOf(rule: Located<RuleBlock>, repo: Repository): string | undefined {
  const source = rule.value.source;
  if (!('guard' in source)) return undefined;
  if (source.guard.policy !== undefined) return source.guard.policy;
  if (source.guard.file === undefined) return undefined;
  const read = repo.attachments.get(resolveBeside(rule.path, source.guard.file));
  return read?.ok ? read.text : undefined;
}

/** Evaluates every case of `rules` with the cfn-guard at `executable`, two processes at a time. */
export async function runGuardTests(
  repo: Repository,
  rules: ReadonlyArray<Located<RuleBlock>>,
  executable: string,
  options: { timeoutMs?: number } = {},
): Promise<GuardCaseResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'packsmith-guard-test-'));
  try {
    const jobs: Array<() => Promise<GuardCaseResult>> = [];
    for (const rule of rules) {
      const source = rule.value.source;
      if (!('guard' in source)) continue;
      const policy = policyOf(rule, repo);
      const rulesFile = join(dir, `${jobs.length}-rules.guard`);
      if (policy !== undefined) await writeFile(rulesFile, policy);
      (source.guard.tests ?? []).forEach((test, i) => {
        const location = rule.source.locate(['source', 'guard', 'tests', i]);
        const base = { rule: rule.value.name, case: test.name, expected: test.expect, location };
        const dataFile = join(dir, `${jobs.length}-item.json`);
        jobs.push(async () => {
          if (policy === undefined) return { ...base, ok: false, error: 'the Guard policy cannot be read' };
          const item = itemOf(test, rule, repo.root);
          if (typeof item === 'string') return { ...base, ok: false, error: item };
          await writeFile(dataFile, JSON.stringify(item.value));
          const result = await execa(
            executable,
            [
              'validate',
              '--rules',
              rulesFile,
              '--data',
              dataFile,
              '--output-format',
              'json',
              '--structured',
              '--show-summary',
              'none',
            ],
            { reject: false, stdin: 'ignore', timeout: options.timeoutMs ?? 60_000 },
          );
          const status = statusOf(result.stdout);
          const actual = status ? verdicts[status] : undefined;
          if (!actual) {
            const said = (result.stderr || result.stdout).trim().split(/\r?\n/)[0] ?? '';
            return {
              ...base,
              ok: false,
              error: `cfn-guard did not evaluate the case${said ? `: ${said}` : ''}`,
            };
          }
          return { ...base, actual, ok: actual === test.expect };
        });
      });
    }
    return await mapLimit(jobs, 2, (job) => job());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The configuration item of a case: inline (`item`) or from a JSON or YAML file (`file`, beside the
 * rule block, confined to the repository and bounded); a string says why there is none.
 */
function itemOf(
  test: { item?: Record<string, unknown>; file?: string },
  rule: Located<RuleBlock>,
  root: string,
): { value: unknown } | string {
  if ((test.item === undefined) === (test.file === undefined)) {
    return 'give the configuration item inline (item) or as a file (file), exactly one of them';
  }
  if (test.item !== undefined) return { value: test.item };
  const path = resolveBeside(rule.path, test.file!);
  const read = readUserFile(path, {
    purpose: 'configuration item file',
    maxBytes: inputFileLimits.authoringFileBytes,
    root,
  });
  if (!read.ok) return `the configuration item file "${test.file}" ${read.message}`;
  const source = parseYamlSource(displayPath(path), read.text);
  if (source.syntaxErrors.length || typeof source.value !== 'object' || source.value === null) {
    return `the configuration item file "${test.file}" does not hold a JSON or YAML mapping`;
  }
  return { value: source.value };
}

/** The file status (PASS / FAIL / SKIP) of cfn-guard's structured JSON output. */
function statusOf(stdout: string): string | undefined {
  try {
    const parsed = JSON.parse(stdout) as Array<{ status?: unknown }>;
    const status = Array.isArray(parsed) ? parsed[0]?.status : undefined;
    return typeof status === 'string' ? status : undefined;
  } catch {
    return undefined;
  }
}
