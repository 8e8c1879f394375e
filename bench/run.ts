/**
 * `npm run bench`: packsmith's speed targets, measured in one run on this machine.
 *
 *  1. Build 100 packs of 50 rules each (blocks made from the catalog's managed rules, with their
 *     parameters): CPU seconds of `packsmith build` in a fresh process — loading the repository,
 *     composing, rendering, verifying and writing every template, and loading the modules this
 *     needs. Target: under 1 s. The whole process, Node's start-up included, is printed beside it.
 *  2. `packsmith --help` start-up as a ratio to a bare `node -e ""` start, medians of repeated runs
 *     measured side by side. Target: at most 2x.
 *  3. `packsmith validate` over AWS's 122 sample packs (read from ../shared; skipped when absent):
 *     packsmith's own checks alone, `--cfn-lint off`, from a cold start in a fresh folder (target
 *     ≤ 1 s); with cfn-lint and a cold cache as a ratio to one bare `cfn-lint` run over the same
 *     files (target ≤ 0.6x: parallel batches beat one process); re-validation of the same files with
 *     a warm cache (target ≤ 0.5 s). Wall-clock times.
 *
 *  4. Rollout tracking at 1,000 and 5,000 emulated accounts (bench/rollout-scale.ts; the emulator
 *     runs in its own process): detailed-status requests per poll counted at the emulator (target
 *     ⌈N/100⌉), CPU per poll, peak memory (target < 200 MB), and the time from the last account
 *     finishing to packsmith reporting it (target: within one poll interval); discovery (over a fake
 *     Organizations API: packsmith's own cost), planning and the HTML report for N.
 *  5. The stack set engine at 5,000 instances (2,500 accounts x 2 Regions; bench/stackset-scale.ts,
 *     the StackSets emulator in its own process, reached over HTTP by the real SDK client): one stage
 *     operation followed to its end (create, then a template update, then a third Region), and
 *     `status` over the 5,000 instances. Requests are counted at the emulator. Targets follow AWS's
 *     page size (ListStackInstances and ListStackSetOperationResults take MaxResults ≤ 100): while an
 *     operation runs, one DescribeStackSetOperation per poll and nothing else; after it ends,
 *     ⌈instances it reached / 100⌉ ListStackSetOperationResults pages and no ListStackInstances;
 *     observing before the plan, DescribeStackSet + ⌈instances / 100⌉ ListStackInstances pages + one
 *     DescribeStackInstance per stage and Region. Memory budgets are packsmith's own: peak RSS under
 *     200 MB (as for rollout tracking), heap growth during a phase under 10 KiB per instance (SDK
 *     parsing included) and retained afterwards under 2 KiB per instance.
 *
 * Absolute figures are printed with the machine they ran on; the start-up target is a ratio.
 * Exits 1 when a target is missed. `npm run bench -- build help validate rollout stackset` runs
 * only the sections named (default: all).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadCatalog } from '../src/catalog/catalog.js';
import type { ManagedRule } from '../src/catalog/types.js';
import { packageRoot } from '../src/util/package-root.js';

const root = packageRoot();
const sections = ['build', 'help', 'validate', 'rollout', 'stackset'] as const;
const asked = process.argv.slice(2);
for (const a of asked) {
  if (!(sections as readonly string[]).includes(a))
    throw new Error(`unknown section ${a}: ${sections.join(', ')}`);
}
const wanted = (section: (typeof sections)[number]): boolean => asked.length === 0 || asked.includes(section);
const bin = join(root, 'dist/cli/bin.js');

interface Result {
  name: string;
  value: string;
  target: string;
  ok: boolean;
}
const results: Result[] = [];

function sampleValue(type: string): string {
  switch (type) {
    case 'int':
      return '30';
    case 'double':
      return '0.5';
    case 'boolean':
      return 'true';
    default:
      return 'example';
  }
}

/** A pack repository of `packs` packs with `rulesPerPack` rules each, from real catalog rules. */
function syntheticRepository(dir: string, packs: number, rulesPerPack: number): void {
  const rules = loadCatalog()
    .rules()
    .filter((r: ManagedRule) => r.parameters.every((p) => p.type !== 'StringMap'));
  mkdirSync(join(dir, 'packs/rules'), { recursive: true });
  for (const rule of rules) {
    const parameters: Record<string, unknown> = {};
    for (const p of rule.parameters) {
      if (!p.optional && p.default === undefined) parameters[p.name] = sampleValue(p.type);
      else if (p.default !== undefined)
        parameters[p.name] = { default: p.default, description: `${p.name} (${p.type})` };
    }
    const block: Record<string, unknown> = {
      kind: 'rule',
      name: rule.name,
      description: `Checks ${rule.name.replace(/-/g, ' ')}.`,
      source: { managed: rule.identifier },
      controls: [`BENCH-${rule.identifier.length}`],
    };
    if (rule.resourceTypes.length) block.scope = { resourceTypes: rule.resourceTypes.slice(0, 100) };
    if (Object.keys(parameters).length) block.parameters = parameters;
    writeFileSync(join(dir, 'packs/rules', `${rule.name}.yaml`), stringify(block));
  }
  for (let i = 0; i < packs; i++) {
    const included = Array.from({ length: rulesPerPack }, (_, j) => rules[(i * 37 + j) % rules.length]!.name);
    writeFileSync(
      join(dir, 'packs', `pack-${i}.yaml`),
      stringify({
        kind: 'pack',
        name: `bench-pack-${i}`,
        description: `Benchmark pack ${i}`,
        rules: [...new Set(included)],
      }),
    );
  }
}

/**
 * Runs `packsmith ARGS` in a fresh Node process and reports, from inside it, the CPU time (user +
 * system, all threads) of the command itself — from loading the CLI (dist/cli/bin.js, the bundle a
 * user runs) to the process's exit, so every module the command loads counts — and of the whole
 * process including Node's own start-up.
 */
function cpuOfChild(args: string[]): {
  command: number;
  process: number;
  status: number | null;
  stderr: string;
} {
  const script = `
    const before = process.cpuUsage();
    process.argv = [process.argv[0], ${JSON.stringify(bin)}, ...${JSON.stringify(args)}];
    process.on('exit', (code) => {
      const command = process.cpuUsage(before);
      const total = process.cpuUsage();
      process.stderr.write('\\nBENCH ' + JSON.stringify({
        code,
        command: (command.user + command.system) / 1e6,
        process: (total.user + total.system) / 1e6,
      }) + '\\n');
    });
    await import(${JSON.stringify(`file://${bin}`)});
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const m = /BENCH (\{.*\})/.exec(child.stderr);
  if (!m) throw new Error(`benchmark child failed: ${child.stderr}`);
  const r = JSON.parse(m[1]!) as { code: number; command: number; process: number };
  return { command: r.command, process: r.process, status: r.code, stderr: child.stderr };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Wall time in ms of `node ARGS` (or of `command` when given), run in `cwd`. Findings (exit 1) are
 * fine when `findingsAllowed`; any other failure stops the benchmark.
 */
function wallOf(args: string[], findingsAllowed = false, command?: [string, string[]], cwd?: string): number {
  const start = process.hrtime.bigint();
  const [exe, argv] = command ?? [process.execPath, args];
  const r = spawnSync(exe, argv, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...(cwd ? { cwd } : {}) });
  const ok =
    r.status === 0 ||
    (findingsAllowed && r.status === 1) ||
    (command !== undefined && r.status !== null && r.status !== 1);
  if (!ok)
    throw new Error(`${exe} ${argv.slice(0, 4).join(' ')} failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

// ---- 1. build 100 packs × 50 rules
function benchBuild(): void {
  const work = mkdtempSync(join(tmpdir(), 'packsmith-bench-'));
  try {
    syntheticRepository(work, 100, 50);
    const out = join(work, 'out');
    const runs = [1, 2, 3].map(() => cpuOfChild(['build', '--root', work, '--out', out, '--no-docs']));
    const failed = runs.find((r) => r.status !== 0);
    if (failed) throw new Error(`build failed:\n${failed.stderr.slice(0, 2000)}`);
    const command = median(runs.map((r) => r.command));
    results.push({
      name: 'build 100 packs x 50 rules: CPU of the command in a fresh process (median of 3)',
      value: `${command.toFixed(3)} s (whole process with Node start-up: ${median(runs.map((r) => r.process)).toFixed(3)} s)`,
      target: '< 1 s',
      ok: command < 1,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---- 2. start-up ratio, interleaved so both see the same machine load
function benchHelp(): void {
  const bare: number[] = [];
  const help: number[] = [];
  for (let i = 0; i < 15; i++) {
    bare.push(wallOf(['-e', '']));
    help.push(wallOf([bin, '--help']));
  }
  const ratio = median(help) / median(bare);
  results.push({
    name: '`packsmith --help` start-up / `node -e ""` (median of 15)',
    value: `${ratio.toFixed(2)}x (${median(help).toFixed(1)} ms vs ${median(bare).toFixed(1)} ms)`,
    target: '<= 2x',
    ok: ratio <= 2,
  });
}

// ---- 3. validate over the 122 samples
const skipped: string[] = [];
function benchValidate(): void {
  const samples = join(root, '../shared/samples/aws-conformance-packs');
  if (!existsSync(samples)) {
    skipped.push('validate benchmarks: ../shared/samples/aws-conformance-packs is not present');
    return;
  }
  const files = readdirSync(samples)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(samples, f));
  // Own checks from a cold start: every run in a fresh folder, so no cached result answers.
  const inFreshFolder = (args: string[]): number => {
    const dir = mkdtempSync(join(tmpdir(), 'packsmith-bench-own-'));
    try {
      return wallOf([bin, ...args], true, undefined, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const own = median(
    [1, 2, 3].map(() => inFreshFolder(['validate', '--cfn-lint', 'off', '--format', 'json', samples])),
  );
  results.push({
    name: `validate ${files.length} samples, packsmith's own checks, cold (--cfn-lint off, wall, median of 3)`,
    value: `${(own / 1000).toFixed(2)} s`,
    target: '<= 1 s',
    ok: own <= 1000,
  });
  const cfnLintVersion = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (cfnLintVersion.status !== 0) {
    skipped.push('cfn-lint benchmarks: cfn-lint is not installed');
    return;
  }
  const bare = wallOf(['-e', ''], false, ['cfn-lint', ['--format', 'json', '--', ...files]]);
  const cacheWork = mkdtempSync(join(tmpdir(), 'packsmith-bench-cache-'));
  try {
    const cold = wallOf([bin, 'validate', '--format', 'json', samples], true, undefined, cacheWork);
    const warm = median(
      [1, 2, 3].map(() => wallOf([bin, 'validate', '--format', 'json', samples], true, undefined, cacheWork)),
    );
    results.push({
      name: `validate ${files.length} samples with cfn-lint, cold cache / one bare cfn-lint run`,
      value: `${(cold / bare).toFixed(2)}x (${(cold / 1000).toFixed(1)} s vs ${(bare / 1000).toFixed(1)} s; ${cfnLintVersion.stdout.trim()})`,
      target: '<= 0.6x',
      ok: cold / bare <= 0.6,
    });
    results.push({
      name: `validate ${files.length} samples with cfn-lint, warm re-validation (wall, median of 3)`,
      value: `${(warm / 1000).toFixed(2)} s`,
      target: '<= 0.5 s',
      ok: warm <= 500,
    });
  } finally {
    rmSync(cacheWork, { recursive: true, force: true });
  }
}

if (wanted('build')) benchBuild();
if (wanted('help')) benchHelp();
if (wanted('validate')) benchValidate();

// ---- 4. rollout tracking at 1,000 and 5,000 emulated accounts (bench/rollout-scale.ts)
const intervalMs = 1000;
for (const accounts of wanted('rollout') ? [1000, 5000] : []) {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench/rollout-scale.ts'), String(accounts), String(intervalMs)],
    { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
  const line = run.stdout.trim().split('\n').pop() ?? '';
  let m: {
    outcome: string;
    polls: number;
    requestsPerPoll: number;
    cpuMsPerPoll: number;
    peakRssMb: number;
    reportLagMs: number;
    planMs: number;
    discoverMs: number;
    orgRequests: number;
    reportMs: number;
    reportBytes: number;
  };
  try {
    m = JSON.parse(line) as typeof m;
  } catch {
    results.push({
      name: `rollout at ${accounts} accounts`,
      value: `failed: ${run.stderr.slice(-300)}`,
      target: 'runs',
      ok: false,
    });
    continue;
  }
  const pages = Math.ceil(accounts / 100);
  results.push({
    name: `rollout ${accounts} accounts: detailed-status requests per poll (counted at the emulator)`,
    value: `${m.requestsPerPoll.toFixed(1)} over ${m.polls} polls (${m.outcome})`,
    target: `<= ${pages}`,
    ok: m.requestsPerPoll <= pages && m.outcome === 'succeeded',
  });
  results.push({
    name: `rollout ${accounts} accounts: CPU per poll (parse, track, one SQLite transaction)`,
    value: `${m.cpuMsPerPoll.toFixed(0)} ms`,
    target: `< poll interval ${intervalMs} ms`,
    ok: m.cpuMsPerPoll < intervalMs,
  });
  results.push({
    name: `rollout ${accounts} accounts: peak memory of the tracking process`,
    value: `${m.peakRssMb.toFixed(0)} MB`,
    target: '< 200 MB',
    ok: m.peakRssMb < 200,
  });
  results.push({
    name: `rollout ${accounts} accounts: last account finished -> reported`,
    value: `${m.reportLagMs} ms`,
    target: `<= one poll interval (${intervalMs} ms)`,
    ok: m.reportLagMs <= intervalMs,
  });
  results.push({
    name: `discover ${accounts} accounts in 50 OUs (pages of 20; packsmith's own CPU, fake API)`,
    value: `${m.discoverMs.toFixed(0)} ms, ${m.orgRequests} requests`,
    target: '< 1 s',
    ok: m.discoverMs < 1000,
  });
  results.push({
    name: `HTML report of ${accounts} accounts x 2 Regions`,
    value: `${m.reportMs.toFixed(0)} ms, ${(m.reportBytes / 2 ** 20).toFixed(2)} MiB`,
    target: '< 1 s',
    ok: m.reportMs < 1000,
  });
  results.push({
    name: `plan ${accounts} accounts: targeting, waves and plan (pure)`,
    value: `${m.planMs.toFixed(0)} ms`,
    target: '< 1 s',
    ok: m.planMs < 1000,
  });
}

// ---- 5. the stack set engine at 5,000 instances (bench/stackset-scale.ts)
if (wanted('stackset')) benchStackSet();

function benchStackSet(): void {
  const accounts = 2500;
  const stackSetIntervalMs = 500;
  const run = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      join(root, 'bench/stackset-scale.ts'),
      String(accounts),
      String(stackSetIntervalMs),
    ],
    { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
  interface Phase {
    outcome: string;
    /** Instances the stage's operation reaches. */
    instances: number;
    observeRequests: Record<string, number>;
    issued: Record<string, number>;
    polls: number;
    perPollMax: Record<string, number>;
    maxRequestsInAPoll: number;
    afterEnd: Record<string, number>;
    totalRequests: number;
    wallMs: number;
    /** From the operation's EndTimestamp to the poll that saw it. */
    endToSeenMs: number | null;
    /** From that poll to the engine returning: the result pages and the store. */
    seenToReturnedMs: number;
    heapPeakDeltaMb: number;
    heapRetainedDeltaMb: number;
  }
  let m: {
    create: Phase;
    update: Phase;
    addRegion: Phase;
    status: {
      instances: number;
      /** Rows read from the status store's history (create and update recorded 5,000 each). */
      recordsRead: number;
      requests: Record<string, number>;
      ms: number;
      heapPeakDeltaMb: number;
    };
    peakRssMb: number;
  };
  try {
    m = JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as typeof m;
  } catch {
    results.push({
      name: `stack set at ${accounts * 2} instances`,
      value: `failed: ${run.stderr.slice(-300)}`,
      target: 'runs',
      ok: false,
    });
    return;
  }
  const pagesOf = (n: number) => Math.ceil(n / 100);
  const counts = (c: Record<string, number>) =>
    Object.keys(c).length
      ? Object.entries(c)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')
      : 'none';
  const kib = (mb: number, n: number) => ((mb * 1024) / n).toFixed(1);
  // [label, phase, instances before it, instances after it]
  const phases: Array<[string, Phase, number, number]> = [
    ['create 5,000 instances', m.create, 0, accounts * 2],
    ['template update of 5,000 instances', m.update, accounts * 2, accounts * 2],
    ['a third Region (2,500 new instances beside 5,000)', m.addRegion, accounts * 2, accounts * 3],
  ];
  for (const [label, p, existing, total] of phases) {
    const afterTarget = pagesOf(p.instances);
    // DescribeStackSet, the instance pages, one DescribeStackInstance per stage (1) and Region.
    const observeTarget = 1 + pagesOf(existing) + (existing ? total / accounts : 0);
    const issuedCount = Object.values(p.issued).reduce((a, b) => a + b, 0);
    results.push({
      name: `stack set ${label}: requests per poll while the operation runs (max, by action, at the emulator)`,
      value: `${counts(p.perPollMax)} over ${p.polls} polls (${p.outcome})`,
      target: 'DescribeStackSetOperation 1, nothing else',
      ok:
        p.outcome === 'succeeded' &&
        p.maxRequestsInAPoll <= 1 &&
        Object.keys(p.perPollMax).every((k) => k === 'DescribeStackSetOperation'),
    });
    results.push({
      name: `stack set ${label}: requests after the operation ended`,
      value: counts(p.afterEnd),
      target: `ListStackSetOperationResults <= ${afterTarget} (⌈${p.instances}/100⌉), ListStackInstances 0`,
      ok: (p.afterEnd.ListStackSetOperationResults ?? 0) <= afterTarget && !p.afterEnd.ListStackInstances,
    });
    const observed = Object.values(p.observeRequests).reduce((a, b) => a + b, 0);
    results.push({
      name: `stack set ${label}: total requests (observe + issue + polls + results)`,
      value: `${p.totalRequests} (observe: ${counts(p.observeRequests)}; issued: ${counts(p.issued)})`,
      target: `<= ${observeTarget + 2 + p.polls + afterTarget} (observe <= ${observeTarget}, <= 2 issued, 1 per poll, ${afterTarget} result pages)`,
      ok:
        observed <= observeTarget &&
        issuedCount <= 2 &&
        p.totalRequests <= observeTarget + 2 + p.polls + afterTarget,
    });
    results.push({
      name: `stack set ${label}: heap growth during the phase / retained after it`,
      value: `${p.heapPeakDeltaMb.toFixed(1)} MB (${kib(p.heapPeakDeltaMb, total)} KiB per instance) / ${p.heapRetainedDeltaMb.toFixed(1)} MB`,
      target: `< ${((10 * total) / 1024).toFixed(0)} MB / < ${((2 * total) / 1024).toFixed(0)} MB (10 / 2 KiB per instance)`,
      ok: p.heapPeakDeltaMb * 1024 < 10 * total && p.heapRetainedDeltaMb * 1024 < 2 * total,
    });
    results.push({
      name: `stack set ${label}: wall time; operation end -> seen by a poll`,
      value: `${(p.wallMs / 1000).toFixed(1)} s; ${p.endToSeenMs ?? '?'} ms`,
      target: `seen <= poll interval + one request (${stackSetIntervalMs + 250} ms)`,
      ok: p.endToSeenMs !== null && p.endToSeenMs <= stackSetIntervalMs + 250,
    });
    results.push({
      name: `stack set ${label}: seen -> results read and recorded`,
      value: `${p.seenToReturnedMs} ms (${afterTarget} pages, ${p.instances} store rows)`,
      target: `<= 50 ms per result page (${50 * afterTarget} ms)`,
      ok: p.seenToReturnedMs <= 50 * afterTarget,
    });
  }
  results.push({
    name: `stack set status over ${m.status.instances} instances: records read from the store's history`,
    value: `${m.status.recordsRead} (after two rollouts recorded ${m.status.instances} each)`,
    target: `<= ${m.status.instances} (the newest record of each instance, not the whole history)`,
    ok: m.status.recordsRead <= m.status.instances,
  });
  const statusTarget = 1 + pagesOf(m.status.instances);
  const statusRequests = Object.values(m.status.requests).reduce((a, b) => a + b, 0);
  results.push({
    name: `stack set status over ${m.status.instances} instances: requests, time, heap growth`,
    value: `${statusRequests} (${counts(m.status.requests)}), ${m.status.ms.toFixed(0)} ms, ${m.status.heapPeakDeltaMb.toFixed(1)} MB`,
    target: `<= ${statusTarget} requests (DescribeStackSet + ⌈${m.status.instances}/100⌉), < 2 s, < ${((10 * m.status.instances) / 1024).toFixed(0)} MB`,
    ok:
      statusRequests <= statusTarget &&
      m.status.ms < 2000 &&
      m.status.heapPeakDeltaMb * 1024 < 10 * m.status.instances,
  });
  results.push({
    name: 'stack set at 5,000 instances: peak memory of the engine process',
    value: `${m.peakRssMb.toFixed(0)} MB`,
    target: '< 200 MB',
    ok: m.peakRssMb < 200,
  });
}

// ---- report
const cpu = cpus();
console.log(
  `machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`,
);
const width = Math.max(...results.map((r) => r.name.length));
for (const r of results) {
  console.log(`${r.ok ? 'ok  ' : 'MISS'}  ${r.name.padEnd(width)}  ${r.value}  (target ${r.target})`);
}
for (const s of skipped) console.log(`skip  ${s}`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
