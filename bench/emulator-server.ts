/**
 * The Config emulator in a process of its own for the rollout benchmark, so that the benchmark's
 * CPU and memory figures are packsmith's alone. Prints `{"endpoint": ...}` once listening; stops
 * on SIGTERM or when its standard input closes.
 */
import { startConfigEmulator } from '../src/sandbox/config-emulator/index.js';

const accounts = Number(process.argv[2] ?? '1000');
const baseMs = Number(process.argv[3] ?? '1000');
const jitterMs = Number(process.argv[4] ?? '4000');
const list = Array.from({ length: accounts }, (_, i) => ({ id: String(300000000000 + i), status: 'ACTIVE' }));
const emulator = await startConfigEmulator({
  accounts: async () => list,
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
