/**
 * cfn-lint batches balanced by measured cost rather than bytes (issue 15): the pure weighting,
 * sharing and merging of costs, the bounded, shape-checked costs file in the cfn-lint cache folder,
 * and runCfnLint writing the costs and planning the next run's batches from them.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBatches } from '../../src/validation/cfn-lint/batches.js';
import {
  batchCosts,
  costWeights,
  COSTS_FILE,
  COSTS_FORMAT,
  COSTS_MAX_ENTRIES,
  mergeCosts,
  readCosts,
  writeCosts,
  type TemplateCost,
} from '../../src/validation/cfn-lint/costs.js';
import { runCfnLint, type LintInput } from '../../src/validation/cfn-lint/run.js';

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'packsmith-cfn-lint-costs-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
async function freshDir(name: string): Promise<string> {
  const dir = join(root, `${++counter}-${name}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

const table = (entries: Array<[string, number, number]>) =>
  new Map<string, TemplateCost>(entries.map(([path, bytes, ms]) => [path, { bytes, ms }]));

describe('costWeights', () => {
  const units = [
    { path: '/a.yaml', bytes: 1000 },
    { path: '/b.yaml', bytes: 100 },
    { path: '/c.yaml', bytes: 100 },
  ];

  it('is the bytes when nothing is recorded', () => {
    expect(costWeights(units, new Map())).toEqual([1000, 100, 100]);
  });

  it('is the recorded time, scaled by size when the size changed; unseen files at the average ms per byte', () => {
    const costs = table([
      ['/a.yaml', 1000, 100],
      ['/b.yaml', 50, 900],
    ]);
    // seen: 1000 ms over 1050 bytes; c (unseen) weighs 100 bytes at that rate.
    expect(costWeights(units, costs)).toEqual([100, 1800, 100 * (1000 / 1050)]);
  });

  it('balances a slow small file away from the others, where bytes would not', () => {
    const costs = table([
      ['/a.yaml', 1000, 100],
      ['/b.yaml', 100, 900],
      ['/c.yaml', 100, 50],
    ]);
    const weights = costWeights(units, costs);
    const byCost = planBatches(units, (u) => weights[units.indexOf(u)]!, 2);
    expect(byCost.map((b) => b.items.map((u) => u.path))).toEqual([['/b.yaml'], ['/a.yaml', '/c.yaml']]);
    const byBytes = planBatches(units, (u) => u.bytes, 2);
    expect(byBytes.map((b) => b.items.map((u) => u.path))).toEqual([['/a.yaml'], ['/b.yaml', '/c.yaml']]);
  });
});

describe('batchCosts and mergeCosts', () => {
  it("shares a batch's time in proportion to the planned weights (equally when all are zero)", () => {
    expect(
      batchCosts(
        [
          { path: '/a', bytes: 10, weight: 3 },
          { path: '/b', bytes: 20, weight: 1 },
        ],
        2000,
      ),
    ).toEqual([
      ['/a', { bytes: 10, ms: 1500 }],
      ['/b', { bytes: 20, ms: 500 }],
    ]);
    expect(
      batchCosts(
        [
          { path: '/a', bytes: 0, weight: 0 },
          { path: '/b', bytes: 0, weight: 0 },
        ],
        100,
      ),
    ).toEqual([
      ['/a', { bytes: 0, ms: 50 }],
      ['/b', { bytes: 0, ms: 50 }],
    ]);
  });

  it('puts fresh measurements first, averages with a same-size record, and keeps at most max entries', () => {
    const previous = table([
      ['/old1', 5, 10],
      ['/a', 10, 100],
      ['/b', 20, 100],
      ['/old2', 5, 10],
    ]);
    const merged = mergeCosts(
      previous,
      [
        ['/a', { bytes: 10, ms: 300 }],
        ['/b', { bytes: 21, ms: 50 }],
      ],
      3,
    );
    expect([...merged]).toEqual([
      ['/a', { bytes: 10, ms: 200 }],
      ['/b', { bytes: 21, ms: 50 }],
      ['/old1', { bytes: 5, ms: 10 }],
    ]);
  });
});

describe('the costs file', () => {
  it('round-trips, newest first', async () => {
    const dir = await freshDir('roundtrip');
    const costs = table([
      ['/x/a.yaml', 10, 12.5],
      ['/x/b.yaml', 20, 3],
    ]);
    await writeCosts(join(dir, 'cache'), costs);
    expect([...(await readCosts(join(dir, 'cache')))]).toEqual([...costs]);
  });

  it('is ignored (bytes balance the batches) when absent, corrupt or not exactly as written', async () => {
    const dir = await freshDir('corrupt');
    expect((await readCosts(dir)).size).toBe(0);
    const file = join(dir, COSTS_FILE);
    const entry = (costs: unknown, over: Record<string, unknown> = {}) =>
      JSON.stringify({ format: COSTS_FORMAT, key: 'cfn-lint-costs', costs, ...over });
    const good = [{ path: '/a', bytes: 1, ms: 1 }];
    const bad: string[] = [
      '{not json',
      entry(good, { format: COSTS_FORMAT + 1 }),
      entry(good, { key: 'other' }),
      entry({ '/a': { bytes: 1, ms: 1 } }),
      entry([{ path: '/a', bytes: 1, ms: -1 }]),
      entry([{ path: '/a', bytes: 1, ms: Number.MAX_SAFE_INTEGER }]),
      entry([{ path: '/a', bytes: 1.5, ms: 1 }]),
      entry([{ path: '', bytes: 1, ms: 1 }]),
      entry([{ path: '/a', bytes: 1, ms: '1' }]),
      entry([...good, ...good]),
      entry(Array.from({ length: COSTS_MAX_ENTRIES + 1 }, (_, i) => ({ path: `/${i}`, bytes: 1, ms: 1 }))),
    ];
    for (const text of bad) {
      await writeFile(file, text);
      expect((await readCosts(dir)).size, text.slice(0, 80)).toBe(0);
    }
    await writeFile(file, entry(good));
    expect([...(await readCosts(dir))]).toEqual([['/a', { bytes: 1, ms: 1 }]]);
  });
});

/**
 * A fake cfn-lint: logs each lint invocation's files; a batch with a file named `slow*` takes 2 s
 * more; `--version` answers after `versionDelayMs` and logs that it did.
 */
async function fakeCfnLint(dir: string, versionDelayMs = 0): Promise<{ executable: string; log: string }> {
  const log = join(dir, 'fake.log');
  const script = `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
if (args[0] === '--version') {
  setTimeout(() => { fs.appendFileSync(${JSON.stringify(log)}, '["version printed"]\\n'); console.log('cfn-lint 9.9.9'); }, ${versionDelayMs});
} else {
  const files = args.slice(args.indexOf('--') + 1);
  fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(files.map((f) => f.split('/').pop())) + '\\n');
  const slow = files.some((f) => f.split('/').pop().startsWith('slow'));
  setTimeout(() => { process.stdout.write('[]'); }, slow ? 2000 : 0);
}
`;
  const executable = join(dir, 'fake-cfn-lint.cjs');
  await writeFile(executable, script, 'utf8');
  await chmod(executable, 0o755);
  return { executable, log };
}

describe('runCfnLint and the costs', () => {
  it('a costs file alone is no cache entry: with nothing cached, linting still starts beside `--version`', async () => {
    const dir = await freshDir('early');
    const fake = await fakeCfnLint(dir, 1500);
    const path = join(dir, 'a.yaml');
    await writeFile(path, 'Resources: {}\n', 'utf8');
    const cacheDir = join(dir, 'cache');
    await writeCosts(cacheDir, table([[path, 14, 100]]));
    const result = await runCfnLint([{ file: 'a.yaml', path, text: 'Resources: {}\n' }], {
      packsmithVersion: '0.1.0',
      mode: 'require',
      executable: fake.executable,
      cwd: dir,
      cacheDir,
    });
    expect(result.status).toMatchObject({ ran: true, linted: 1, processes: 1 });
    const log = (await readFile(fake.log, 'utf8')).trim().split('\n');
    expect(log.indexOf('["a.yaml"]')).toBeGreaterThanOrEqual(0);
    expect(log.indexOf('["a.yaml"]')).toBeLessThan(log.indexOf('["version printed"]'));
  });

  it('records each linted template and plans the next run from the records, not the bytes', async () => {
    const dir = await freshDir('run');
    const fake = await fakeCfnLint(dir);
    const write = async (name: string, text: string): Promise<LintInput> => {
      const path = join(dir, name);
      await writeFile(path, text, 'utf8');
      return { file: name, path, text };
    };
    // By bytes, big.yaml goes alone and the two small ones share a batch.
    const inputs = [
      await write('big.yaml', `Resources: {}\n${'# padding\n'.repeat(100)}`),
      await write('slow.yaml', 'Resources: {}\n'),
      await write('small.yaml', 'Resources: {} # small small small small\n'),
    ];
    const cacheDir = join(dir, 'cache');
    const options = {
      packsmithVersion: '0.1.0',
      mode: 'require' as const,
      executable: fake.executable,
      cwd: dir,
      cacheDir,
      concurrency: 2,
    };
    const first = await runCfnLint(inputs, options);
    expect(first.status).toMatchObject({ ran: true, linted: 3, processes: 2 });
    const recorded = await readCosts(cacheDir);
    expect([...recorded.keys()].sort()).toEqual(inputs.map((i) => i.path).sort());
    const [big, slow, small] = inputs.map((i) => recorded.get(i.path)!);
    expect(slow!.bytes).toBe(Buffer.byteLength(inputs[1]!.text));
    // The batch of slow.yaml and small.yaml ran 2 s longer; its time is shared by their weights (bytes).
    expect(slow!.ms + small!.ms).toBeGreaterThan(big!.ms + 1500);
    expect(small!.ms / slow!.ms).toBeCloseTo(
      Buffer.byteLength(inputs[2]!.text) / Buffer.byteLength(inputs[1]!.text),
    );
    const stored = JSON.parse(await readFile(join(cacheDir, COSTS_FILE), 'utf8')) as { format: number };
    expect(stored.format).toBe(COSTS_FORMAT);

    // Every template changed: none is cached, all are linted again, planned by their recorded costs:
    // the two that made the slow batch are now apart (by bytes they would share one again).
    const changed = [
      await write('big.yaml', `${inputs[0]!.text}# v2\n`),
      await write('slow.yaml', 'Resources: {} # v2\n'),
      await write('small.yaml', 'Resources: {} # small small small small v2\n'),
    ];
    await writeFile(fake.log, '');
    const second = await runCfnLint(changed, options);
    expect(second.status).toMatchObject({ ran: true, cached: 0, linted: 3, processes: 2 });
    const batches = (await readFile(fake.log, 'utf8'))
      .trim()
      .split('\n')
      .filter((l) => l !== '["version printed"]')
      .map((l) => (JSON.parse(l) as string[]).sort());
    expect(batches.sort()).toEqual([['big.yaml', 'slow.yaml'], ['small.yaml']]);
  });
});
