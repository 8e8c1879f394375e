/**
 * `npm run sandbox` — moto + the Config emulator, wired together, with an organization:
 *
 *   npm run sandbox -- --accounts 50 --regions us-east-1,eu-west-1 --without-recorder 3
 *
 * Prints `export` lines to point packsmith at the sandbox and the organization's summary, then
 * runs until Ctrl-C / SIGTERM and stops everything (moto is stopped by PID and, on Linux, dies
 * with this process even when it is SIGKILLed).
 */
import { parseArgs } from 'node:util';
import { MotoNotInstalledError } from './moto.js';
import { writeFileSync } from 'node:fs';
import { loadRepository } from '../authoring/repository.js';
import {
  formatEnv,
  formatSummary,
  sandboxDeployConfig,
  startSandbox,
  type Sandbox,
  type SandboxOptions,
} from './sandbox.js';

const usage = `usage: npm run sandbox -- [--accounts N] [--regions r1,r2] [--without-recorder N] [--suspended N]
                           [--depth N] [--fanout N] [--delay-ms N] [--write-config FILE]`;

function count(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number ≥ 0, got ${value}`);
  return n;
}

export function parseSandboxArgs(argv: string[]): SandboxOptions & { writeConfig?: string } {
  const { values } = parseArgs({
    args: argv,
    options: {
      accounts: { type: 'string' },
      regions: { type: 'string' },
      'without-recorder': { type: 'string' },
      suspended: { type: 'string' },
      depth: { type: 'string' },
      fanout: { type: 'string' },
      'delay-ms': { type: 'string' },
      'write-config': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const delayMs = count(values['delay-ms'], '--delay-ms', 1000);
  return {
    accounts: count(values.accounts, '--accounts', 50),
    regions: (values.regions ?? 'us-east-1')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean),
    withoutRecorder: count(values['without-recorder'], '--without-recorder', 0),
    suspended: count(values.suspended, '--suspended', 0),
    depth: count(values.depth, '--depth', 3),
    fanout: count(values.fanout, '--fanout', 2),
    emulator: { delay: { baseMs: delayMs, jitterMs: Math.round(delayMs / 2) } },
    stackSets: { delay: { baseMs: delayMs, jitterMs: Math.round(delayMs / 2) } },
    ...(values['write-config'] ? { writeConfig: values['write-config'] } : {}),
  };
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseSandboxArgs>;
  try {
    options = parseSandboxArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`sandbox: ${(e as Error).message}\n${usage}`);
    process.exit(2);
  }
  const started = Date.now();
  // Signal handlers first: a Ctrl-C during start-up (or right after the banner) still stops
  // everything that was started.
  const keepAlive = setInterval(() => undefined, 60_000);
  let stopping = false;
  let sandbox: Sandbox | undefined;
  const starting = startSandbox(options).then((s) => (sandbox = s));
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`sandbox: ${signal}, stopping...`);
    clearInterval(keepAlive);
    starting
      .then((s) => s.stop())
      .then(() => {
        console.error('sandbox: stopped');
        process.exit(0);
      })
      .catch((e: unknown) => {
        console.error(`sandbox: stop failed: ${(e as Error).message}`);
        process.exit(1);
      });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  console.error('sandbox: starting moto_server and building the organization...');
  try {
    await starting;
  } catch (e) {
    clearInterval(keepAlive);
    if (e instanceof MotoNotInstalledError) {
      console.error(`sandbox: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  if (stopping || !sandbox) return;
  console.log('# Point packsmith at the sandbox:');
  console.log(formatEnv(sandbox.env));
  console.log('');
  console.log(formatSummary(sandbox.org));
  console.log('');
  console.log(
    `# moto ${sandbox.moto.endpoint} (pid ${sandbox.moto.pid}), Config emulator ${sandbox.emulator.endpoint}`,
  );
  console.log(
    `# the Config emulator serves ${sandbox.regions.join(', ')} on that one endpoint (the Region of each signed request)`,
  );
  console.log(
    `# StackSets emulator ${sandbox.stackSets.endpoint} (service-managed stack sets on this organization; control API under /__emulator/)`,
  );
  console.log(
    "# To give an account a recorder, call moto's PutConfigurationRecorder as that account, in that Region",
  );
  console.log('# (header x-moto-account-id: ACCOUNT, or credentials from sts assume-role into the account);');
  console.log('# the next Put of an organization conformance pack then succeeds there.');
  if (options.writeConfig) {
    // Every pack of the repository in the current folder, to the whole organization.
    const repo = await loadRepository('.');
    writeFileSync(options.writeConfig, sandboxDeployConfig(sandbox, [...repo.packs.keys()].sort()));
    console.log(`# wrote ${options.writeConfig}: run packsmith with --config ${options.writeConfig}`);
  }
  console.log(`# ready in ${Date.now() - started} ms; Ctrl-C to stop`);
}

await main();
