import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStatusStore } from '../../src/state/store.js';
import { tempDir } from './helpers.js';

const child = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const accounts = 500;
const killAfterPolls = 20;

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/** Runs the child until it has reported `killAfterPolls` committed polls, then SIGKILLs it. */
function runAndKill(dbPath: string): Promise<{ reported: number[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dbPath, String(accounts)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const reported: number[] = [];
    let buffer = '';
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) if (/^\d+$/.test(line)) reported.push(Number(line));
      if (reported.length >= killAfterPolls && proc.exitCode === null && !proc.killed) proc.kill('SIGKILL');
    });
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child ended with code ${code}: ${stderr}`));
      else resolve({ reported, signal });
    });
  });
}

it('keeps every committed poll and an intact file when the writer is SIGKILLed mid-way', async () => {
  const dbPath = join(dir, 'state.db');
  const { reported, signal } = await runAndKill(dbPath);
  expect(signal).toBe('SIGKILL');
  expect(reported.slice(0, killAfterPolls)).toEqual(Array.from({ length: killAfterPolls }, (_, i) => i + 1));

  const raw = new Database(dbPath);
  expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  raw.close();

  const store = openStatusStore(dbPath);
  try {
    const [deployment] = store.history();
    expect(deployment).toBeDefined();
    const byPoll = new Map<number, number>();
    for (const t of store.transitions(deployment!.id)) {
      const poll = (Date.parse(t.observedAt) - Date.UTC(2026, 0, 1)) / 1000;
      byPoll.set(poll, (byPoll.get(poll) ?? 0) + 1);
    }
    const polls = [...byPoll.keys()].sort((a, b) => a - b);
    const last = reported[reported.length - 1]!;
    // Every reported poll is there; at most one more (committed, killed before it could print).
    expect(polls).toEqual(Array.from({ length: polls.length }, (_, i) => i + 1));
    expect(polls.length).toBeGreaterThanOrEqual(last);
    expect(polls.length).toBeLessThanOrEqual(last + 1);
    // No poll is partial: each is all of its accounts or absent.
    for (const poll of polls) expect(byPoll.get(poll), `poll ${poll}`).toBe(accounts);
    // The killed history continues: the next poll reads the last committed statuses.
    const next = polls.length % 2 === 1 ? 'CREATE_IN_PROGRESS' : 'CREATE_FAILED';
    expect(
      store.recordObservations(
        deployment!.id,
        Array.from({ length: accounts }, (_, i) => ({ accountId: String(100000000000 + i), status: next })),
      ).unchanged,
    ).toBe(accounts);
    console.log(`crash test: child reported ${last} polls, file holds ${polls.length}`);
  } finally {
    store.close();
  }
});
