/**
 * Child process of the crash test: records polls in a loop until killed, and writes each poll's
 * number to stdout only after its transaction has committed. Every poll flips the status of all
 * `accounts` accounts, so each committed poll is exactly `accounts` transition rows.
 */
import { writeSync } from 'node:fs';
import { openStatusStore } from '../../src/state/store.js';
import { account, deploymentInput } from './helpers.js';

const path = process.argv[2];
const accounts = Number(process.argv[3] ?? '50');
if (!path) throw new Error('usage: crash-child.ts <db path> [accounts]');

const store = openStatusStore(path);
const id = store.startDeployment(deploymentInput());
writeSync(1, `deployment ${id}\n`);
const base = Date.UTC(2026, 0, 1);
for (let poll = 1; ; poll++) {
  const status = poll % 2 === 1 ? 'CREATE_IN_PROGRESS' : 'CREATE_FAILED';
  store.recordObservations(
    id,
    Array.from({ length: accounts }, (_, i) => ({
      accountId: account(i),
      status,
      errorCode: status === 'CREATE_FAILED' ? `poll-${poll}` : null,
    })),
    new Date(base + poll * 1000),
  );
  writeSync(1, `${poll}\n`);
}
