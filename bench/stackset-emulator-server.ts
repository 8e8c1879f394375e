/**
 * The StackSets emulator in a process of its own for the stack set benchmark (bench/stackset-scale.ts),
 * so that the benchmark's memory figures are packsmith's alone. An organization of ACCOUNTS member
 * accounts spread evenly over OUS OUs under the root; real clock, each instance taking BASE_MS + up
 * to JITTER_MS. Prints `{"endpoint": ...}` once listening; stops on SIGTERM or when its standard
 * input closes.
 *
 *   stackset-emulator-server.ts ACCOUNTS OUS BASE_MS JITTER_MS
 */
import { startStackSetEmulator } from '../src/sandbox/stackset-emulator/index.js';
import { benchOrganization } from './stackset-organization.js';

const accounts = Number(process.argv[2] ?? '2500');
const ous = Number(process.argv[3] ?? '25');
const baseMs = Number(process.argv[4] ?? '1000');
const jitterMs = Number(process.argv[5] ?? '500');
const org = benchOrganization(accounts, ous);
const emulator = await startStackSetEmulator({
  organization: async () => ({
    rootId: org.rootId,
    managementAccountId: org.managementAccountId,
    ous: org.ouIds.map((id) => ({ id, parentId: org.rootId })),
    accounts: org.accounts.map((a) => ({ id: a.id, status: 'ACTIVE', parentId: a.ouId })),
  }),
  delay: { baseMs, jitterMs },
  seed: 7,
});
process.stdout.write(`${JSON.stringify({ endpoint: emulator.endpoint })}\n`);
const stop = () => {
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
