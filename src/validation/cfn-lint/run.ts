/**
 * Runs cfn-lint over conformance-pack templates: never one process per file. For the default
 * `cfn-lint` on a Python that can run it, the driver (driver.ts, driver.py) loads cfnlint once and
 * its `concurrency` workers take the templates the cache does not answer one at a time, slowest
 * first by the time each took on earlier runs (costs.ts; bytes for a template never measured).
 * Otherwise (another executable, no usable Python, Windows) those templates are split into batches
 * balanced by the same weights, one cfn-lint process per batch, run in parallel. Either way the
 * findings are split back by `Filename`, mapped to diagnostics and filtered through the documented
 * suppressions (suppressions.ts), with the same results. execa is loaded when a batch process is
 * started (`--cfn-lint off` and a run the cache answers start none).
 */
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { sortDiagnostics, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { RuleInfo } from '../report.js';
import { planBatches } from './batches.js';
import { cacheKey, cfnLintEnvironment, readCacheEntry, writeCacheEntry } from './cache.js';
import {
  batchCosts,
  costWeights,
  COSTS_FILE,
  mergeCosts,
  readCosts,
  writeCosts,
  type CostTable,
  type TemplateCost,
} from './costs.js';
import { cfnLintFingerprint, DEFAULT_EXECUTABLE, detectCfnLint, type CfnLintDetection } from './detect.js';
import { Driver, findDriverPython } from './driver.js';
import { parseCfnLintJson, type CfnLintFinding } from './findings.js';
import { attachFile, MAPPING_VERSION, mapTemplateFindings, type TemplateFindings } from './map.js';
import { duration, stderrExcerpt } from './messages.js';
import { SUPPRESSIONS_VERSION } from './suppressions.js';
import type { CfnLintOptions, CfnLintResult, LintInput } from './types.js';

export type { CfnLintMode, CfnLintOptions, CfnLintResult, LintInput } from './types.js';

export const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** All the output a cfn-lint process (or the driver) may print. */
const MAX_BUFFER = 1024 * 1024 * 1024;

export const DISABLED_REASON = 'disabled (--cfn-lint off)';
const INSTALL_HINT = 'install it with `pip install cfn-lint`';

/** cfn-lint's exit code is a bitmask of 2 (errors), 4 (warnings) and 8 (informational); 1 is a crash. */
export function isFindingsExitCode(code: number): boolean {
  return Number.isInteger(code) && code >= 0 && (code & ~14) === 0;
}

/**
 * cfn-lint passes every file name through Python's `glob.glob`: escape `*`, `?` and `[` the way
 * `glob.escape` does so a name such as `pack[1].yaml` is read literally.
 */
export function globEscape(path: string): string {
  return path.replace(/[[*?]/g, '[$&]');
}

/** One template cfn-lint reads: the inputs sharing its cache key share its findings. */
interface LintUnit {
  key: string;
  /** The file cfn-lint reads: the input's own path, or a temporary copy of its text. */
  lintPath: string;
  /** The first input's absolute path: what its measured cost is recorded under. */
  path: string;
  bytes: number;
  /** What the batches are balanced by (see costWeights). */
  weight: number;
  inputs: LintInput[];
}

function listFiles(units: readonly LintUnit[]): string {
  const names = units.map((u) => u.inputs[0]!.file);
  const shown = names.slice(0, 20).join(', ');
  return names.length > 20 ? `${shown} and ${names.length - 20} more` : shown;
}

/** Runs one cfn-lint process over a batch and returns its findings by lint path. */
async function lintBatch(
  executable: string,
  units: readonly LintUnit[],
  cwd: string,
  timeoutMs: number,
): Promise<Map<string, CfnLintFinding[]>> {
  const count = `${units.length} template${units.length === 1 ? '' : 's'}`;
  const what = `while linting ${count}: ${listFiles(units)}`;
  const { execa } = await import('execa');
  const result = await execa(
    executable,
    ['--format', 'json', '--', ...units.map((u) => globEscape(u.lintPath))],
    {
      reject: false,
      stdin: 'ignore',
      cwd,
      timeout: timeoutMs,
      maxBuffer: MAX_BUFFER,
    },
  );
  if (result.timedOut) {
    throw new Error(`cfn-lint did not finish within ${duration(timeoutMs)} and was stopped, ${what}`);
  }
  if (result.exitCode === undefined) {
    const why = result.signal
      ? `was killed by ${result.signal}`
      : `could not run (${result.originalMessage ?? result.shortMessage})`;
    throw new Error(`cfn-lint ${why}, ${what}.${stderrExcerpt(result.stderr)}`);
  }
  if (!isFindingsExitCode(result.exitCode)) {
    throw new Error(
      `cfn-lint crashed (exit code ${result.exitCode}) ${what}.${stderrExcerpt(result.stderr)}`,
    );
  }
  let findings: CfnLintFinding[];
  try {
    findings = parseCfnLintJson(result.stdout);
  } catch (error) {
    throw new Error(
      `cfn-lint failed (exit code ${result.exitCode}) ${what}: ${(error as Error).message}.${stderrExcerpt(result.stderr)}`,
    );
  }
  return findingsByPath(findings, units, cwd, what);
}

/** The findings of one cfn-lint output by lint path; throws on a finding for no template asked for. */
function findingsByPath(
  findings: readonly CfnLintFinding[],
  units: readonly LintUnit[],
  cwd: string,
  what: string,
): Map<string, CfnLintFinding[]> {
  const byPath = new Map<string, CfnLintFinding[]>(units.map((u) => [u.lintPath, []]));
  for (const finding of findings) {
    if (finding.Filename === null) {
      throw new Error(
        `cfn-lint reported a problem tied to no template (${finding.Rule.Id}: ${finding.Message}) ${what}`,
      );
    }
    const list = byPath.get(resolve(cwd, finding.Filename));
    if (!list) {
      throw new Error(
        `cfn-lint reported a finding for ${finding.Filename}, which it was not asked to lint, ${what}`,
      );
    }
    list.push(finding);
  }
  return byPath;
}

/**
 * Lints the units with the driver (driver.ts): heaviest first, so the workers, taking one template
 * at a time, end together. `done` is told each template's findings as it is done; the costs are
 * each template's own time.
 */
async function lintWithDriver(
  driver: Driver,
  units: readonly LintUnit[],
  cwd: string,
  options: CfnLintOptions,
  done: (unit: LintUnit, findings: TemplateFindings) => Promise<void>,
): Promise<Array<[string, TemplateCost]>> {
  const order = [...units].sort((a, b) => b.weight - a.weight);
  const costs: Array<[string, TemplateCost]> = [];
  const count = `${order.length} template${order.length === 1 ? '' : 's'}`;
  const what = (index?: number): string => {
    const unit = index === undefined ? undefined : order[index];
    return unit ? `while linting ${unit.inputs[0]!.file}` : `while linting ${count}: ${listFiles(order)}`;
  };
  let finished = 0;
  options.onBatch?.(0, order.length);
  try {
    await driver.lint(
      order.map((u) => globEscape(u.lintPath)),
      what,
      async (index, output, ms) => {
        const unit = order[index]!;
        let findings: CfnLintFinding[];
        try {
          findings = parseCfnLintJson(output);
        } catch (error) {
          throw new Error(`cfn-lint failed ${what(index)}: ${(error as Error).message}`);
        }
        const byPath = findingsByPath(findings, [unit], cwd, what(index));
        costs.push([unit.path, { bytes: unit.bytes, ms }]);
        options.onBatch?.(++finished, order.length);
        await done(unit, mapTemplateFindings(byPath.get(unit.lintPath)!));
      },
    );
  } catch (error) {
    // Stops the driver's other workers at once (lintGroups waits for the driver's end).
    await driver.stop();
    throw error;
  }
  return costs;
}

/** Whether the file at `path` holds exactly `text` (else cfn-lint must read a copy of `text`). */
async function diskMatches(path: string, text: string): Promise<boolean> {
  try {
    return (await readFile(path, 'utf8')) === text;
  } catch {
    return false;
  }
}

function emptyResult(reason: string): CfnLintResult {
  return { diagnostics: [], suppressed: [], rules: [], status: { ran: false, reason } };
}

interface LintOutcome {
  /** Findings by template text. */
  answers: Map<string, TemplateFindings>;
  processes: number;
  /** Each linted template's share of its batch's wall time, by path. */
  costs: Array<[string, TemplateCost]>;
}

/** Whether the cache folder holds any entry (a missing folder holds none). */
async function hasEntries(cacheDir: string): Promise<boolean> {
  try {
    return (await readdir(cacheDir)).some(
      (name) => name.endsWith('.json') && name !== 'cfn-lint-version.json' && name !== COSTS_FILE,
    );
  } catch {
    return false;
  }
}

/**
 * Lints each group's text once: with `driver`, in its workers; else batches balanced by `costs`
 * (recorded times, else bytes), one cfn-lint process each, all in parallel.
 * `done` is told each template's findings as its batch ends (the cache is written from it). Throws
 * when a process fails, after the others have ended.
 */
async function lintGroups(
  groups: ReadonlyArray<[text: string, group: LintInput[]]>,
  executable: string,
  cwd: string,
  timeoutMs: number,
  concurrency: number,
  options: CfnLintOptions,
  costs: CostTable,
  done: (text: string, findings: TemplateFindings) => Promise<void>,
  driver?: Driver,
): Promise<LintOutcome> {
  const answers = new Map<string, TemplateFindings>();
  let scratch: string | undefined;
  try {
    const onDisk = await Promise.all(
      groups.map(([text, group]) => diskMatches(resolve(group[0]!.path), text)),
    );
    const units: LintUnit[] = [];
    for (const [index, [text, group]] of groups.entries()) {
      const first = group[0]!;
      const path = resolve(first.path);
      let lintPath = path;
      if (!onDisk[index]) {
        // The file changed since it was read (or is not on disk): lint the text the key describes.
        scratch ??= await mkdtemp(join(tmpdir(), 'packsmith-cfn-lint-'));
        const dir = join(scratch, String(index));
        await mkdir(dir);
        lintPath = join(dir, basename(first.path) || 'template.yaml');
        await writeFile(lintPath, text, 'utf8');
      }
      units.push({
        key: text,
        lintPath,
        path,
        bytes: Buffer.byteLength(text, 'utf8'),
        weight: 0,
        inputs: group,
      });
    }
    costWeights(units, costs).forEach((weight, i) => (units[i]!.weight = weight));
    if (driver) {
      const measured = await lintWithDriver(driver, units, cwd, options, async (unit, findings) => {
        answers.set(unit.key, findings);
        await done(unit.key, findings);
      });
      return { answers, processes: Math.min(concurrency, units.length), costs: measured };
    }
    const batches = planBatches(units, (u) => u.weight, concurrency);
    let batchesDone = 0;
    options.onBatch?.(0, batches.length);
    const measured: Array<[string, TemplateCost]> = [];
    const settled = await Promise.allSettled(
      batches.map(async (batch) => {
        const started = performance.now();
        const byPath = await lintBatch(executable, batch.items, cwd, timeoutMs);
        measured.push(...batchCosts(batch.items, performance.now() - started));
        options.onBatch?.(++batchesDone, batches.length);
        for (const unit of batch.items) {
          const findings = mapTemplateFindings(byPath.get(unit.lintPath) ?? []);
          answers.set(unit.key, findings);
          await done(unit.key, findings);
        }
      }),
    );
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as Error] : []));
    if (failures.length === 1) throw failures[0]!;
    if (failures.length > 1) {
      throw new Error(
        `${failures.length} cfn-lint processes failed:\n${failures.map((f) => f.message).join('\n')}`,
      );
    }
    return { answers, processes: batches.length, costs: measured };
  } finally {
    // After a success the driver has ended; any failure (even before it was given the files) stops it.
    await driver?.stop();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
}

/** A driver that has loaded cfnlint, and the version it found. */
type LoadedDriver = Driver & { version: string };

/**
 * The driver for the default cfn-lint, once it has loaded cfnlint; undefined when the executable
 * is another one, its Python is not found or cannot run the driver, or the driver fails to load
 * cfnlint (the batches then run, and report what is wrong as they always did).
 */
async function openDriver(
  executable: string,
  options: { workers: number; cwd: string; timeoutMs: number },
): Promise<LoadedDriver | undefined> {
  if (executable !== DEFAULT_EXECUTABLE) return undefined;
  const python = await findDriverPython(executable);
  if (!python) return undefined;
  const driver = await Driver.start({ python, maxBuffer: MAX_BUFFER, ...options });
  try {
    const hello = await driver.hello;
    if ('version' in hello) return Object.assign(driver, { version: hello.version });
  } catch {
    // falls back to the batches
  }
  await driver.stop();
  return undefined;
}

/**
 * Lints the templates with cfn-lint (see CfnLintOptions). Throws when `mode` is `require` and
 * cfn-lint is missing or broken, and when cfn-lint crashes or times out (naming the templates of the
 * failed process); never drops a template silently.
 */
export async function runCfnLint(
  inputs: LintInput[],
  options: CfnLintOptions,
  remembered: 'use' | 'ignore' = 'use',
): Promise<CfnLintResult> {
  if (options.mode === 'off') return emptyResult(DISABLED_REASON);

  const executable = options.executable ?? DEFAULT_EXECUTABLE;
  // With a cache, an unchanged cfn-lint installation is known by its fingerprint, so a run whose
  // templates are all cached starts no cfn-lint process (its `--version` alone takes ~1.5 s).
  const fingerprint = options.cacheDir !== undefined ? await cfnLintFingerprint(executable) : undefined;
  const memory = options.cacheDir !== undefined ? join(options.cacheDir, 'cfn-lint-version.json') : undefined;
  let fromMemory = false;
  let detection: CfnLintDetection | undefined;
  if (remembered === 'use' && memory && fingerprint) {
    const known = await readFile(memory, 'utf8').then(
      (t) => JSON.parse(t) as { fingerprint?: string; version?: string },
      () => undefined,
    );
    if (known?.fingerprint === fingerprint && typeof known.version === 'string') {
      detection = { found: true, executable, version: known.version };
      fromMemory = true;
    }
  }
  const cwd = resolve(options.cwd ?? process.cwd());
  const concurrency = options.concurrency ?? availableParallelism();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const warnings: string[] = [];
  const { cacheDir } = options;

  // Inputs with the same text share one look-up and one lint.
  const groups = new Map<string, LintInput[]>();
  for (const input of inputs) {
    const group = groups.get(input.text);
    if (group) group.push(input);
    else groups.set(input.text, [input]);
  }

  const environment = await cfnLintEnvironment(cwd);
  function keyFor(cfnLintVersion: string, text: string): string {
    return cacheKey({
      text,
      packsmithVersion: options.packsmithVersion,
      cfnLintVersion,
      suppressionsVersion: SUPPRESSIONS_VERSION,
      mappingVersion: MAPPING_VERSION,
      environment,
    });
  }
  // What each template cost on earlier runs balances the batches (bytes when none is recorded).
  const costs: CostTable = cacheDir !== undefined ? await readCosts(cacheDir) : new Map();
  let cacheBroken = false;
  async function rememberCosts(outcome: LintOutcome): Promise<void> {
    if (cacheDir === undefined || cacheBroken || outcome.costs.length === 0) return;
    try {
      await writeCosts(cacheDir, mergeCosts(costs, outcome.costs));
    } catch (error) {
      cacheBroken = true;
      warnings.push(`cannot write the cfn-lint cache in ${cacheDir}: ${(error as Error).message}`);
    }
  }
  async function remember(key: string, findings: TemplateFindings): Promise<void> {
    if (cacheDir === undefined || cacheBroken) return;
    try {
      await writeCacheEntry(cacheDir, key, findings);
    } catch (error) {
      // Reported once; the findings are still returned, only the next run is slower.
      cacheBroken = true;
      warnings.push(`cannot write the cfn-lint cache in ${cacheDir}: ${(error as Error).message}`);
    }
  }

  // The version is part of every cache key, and `cfn-lint --version` costs a cfn-lint start-up
  // (~1.5 s). When no cache entry can answer (no cache, or an empty one), every template is linted
  // whatever the version says: the batches start at once, beside `--version`, not after it.
  let version: ((detection: CfnLintDetection) => void) | undefined;
  const knownVersion = new Promise<CfnLintDetection>((done) => (version = done));
  let early: Promise<LintOutcome> | undefined;
  // The driver prints the version itself once it has loaded cfnlint: no `--version` process.
  let driver: LoadedDriver | undefined;
  if (!detection && groups.size > 0) {
    driver = await openDriver(executable, { workers: concurrency, cwd, timeoutMs });
    if (driver) detection = { found: true, executable, version: driver.version };
  }
  if (!detection && groups.size > 0 && (cacheDir === undefined || !(await hasEntries(cacheDir)))) {
    early = lintGroups(
      [...groups],
      executable,
      cwd,
      timeoutMs,
      concurrency,
      options,
      costs,
      async (text, findings) => {
        const found = await knownVersion;
        if (found.found) await remember(keyFor(found.version, text), findings);
      },
    );
    early.catch(() => undefined);
  }

  detection ??= await detectCfnLint(executable);
  version!(detection);
  if (detection.found && !fromMemory && memory && fingerprint) {
    await mkdir(options.cacheDir!, { recursive: true })
      .then(() => writeFile(memory, JSON.stringify({ fingerprint, version: detection.version })))
      .catch(() => undefined);
  }
  if (!detection.found) {
    // Batches started beside `--version` fail the same way: what detection says is the message.
    await early?.catch(() => undefined);
    if (options.mode === 'require') {
      throw new Error(
        `cfn-lint is required (--cfn-lint require), but it ${detection.problem}; ${INSTALL_HINT}`,
      );
    }
    return emptyResult(`cfn-lint ${detection.problem}: only packsmith's own checks ran; ${INSTALL_HINT}`);
  }

  const { version: cfnLintVersion } = detection;

  // 1. Cache look-ups.
  const answers = new Map<string, TemplateFindings>();
  let cached = 0;
  let processes = 0;
  let linted = 0;
  if (early) {
    const outcome = await early;
    for (const [text, findings] of outcome.answers) answers.set(text, findings);
    processes = outcome.processes;
    await rememberCosts(outcome);
    linted = inputs.length;
  } else {
    if (cacheDir !== undefined) {
      await Promise.all(
        [...groups].map(async ([text, group]) => {
          const entry = await readCacheEntry(cacheDir, keyFor(cfnLintVersion, text));
          if (entry) {
            answers.set(text, entry);
            cached += group.length;
          }
        }),
      );
    }

    // 2. Lint the rest: balanced batches, one cfn-lint process each, all in parallel.
    const misses = [...groups].filter(([text]) => !answers.has(text));
    if (misses.length > 0 && fromMemory) {
      // cfn-lint is about to run anyway: confirm the remembered version first (the driver says it).
      driver = await openDriver(executable, { workers: concurrency, cwd, timeoutMs });
      const actual = driver
        ? { found: true as const, version: driver.version }
        : await detectCfnLint(executable);
      if (!actual.found || actual.version !== cfnLintVersion) {
        await driver?.stop();
        if (memory) await rm(memory, { force: true });
        return runCfnLint(inputs, options, 'ignore');
      }
    }
    if (misses.length === 0) await driver?.stop();
    if (misses.length > 0) {
      const outcome = await lintGroups(
        misses,
        executable,
        cwd,
        timeoutMs,
        concurrency,
        options,
        costs,
        (text, findings) => remember(keyFor(cfnLintVersion, text), findings),
        driver,
      );
      for (const [text, findings] of outcome.answers) answers.set(text, findings);
      processes = outcome.processes;
      await rememberCosts(outcome);
      linted = misses.reduce((n, [, group]) => n + group.length, 0);
    }
  }

  // 3. Re-attach each input's display path.
  const diagnostics: Diagnostic[] = [];
  const suppressed: CfnLintResult['suppressed'] = [];
  const rules = new Map<string, RuleInfo>();
  for (const [text, group] of groups) {
    const answer = answers.get(text)!;
    for (const input of group) {
      for (const d of answer.diagnostics) diagnostics.push(attachFile(d, input.file));
      for (const s of answer.suppressed)
        suppressed.push({ diagnostic: attachFile(s.diagnostic, input.file), reason: s.reason });
    }
    for (const rule of answer.rules) if (!rules.has(rule.id)) rules.set(rule.id, rule);
  }
  const reasons = new Map(suppressed.map((s) => [s.diagnostic, s.reason]));
  const sortedSuppressed = sortDiagnostics([...reasons.keys()]).map((diagnostic) => ({
    diagnostic,
    reason: reasons.get(diagnostic)!,
  }));
  const result: CfnLintResult = {
    diagnostics: sortDiagnostics(diagnostics),
    suppressed: sortedSuppressed,
    rules: [...rules.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    status: { ran: true, version: cfnLintVersion, cached, linted, processes },
  };
  if (warnings.length > 0) result.warnings = warnings;
  return result;
}
