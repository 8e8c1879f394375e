#!/usr/bin/env node
import { enableCompileCache } from './compile-cache.js';
import { tuneV8ForShortCommands } from './v8-tuning.js';

// Before the rest of the CLI loads, so that its code is read from V8's compile cache (Node ≥ 22.1).
enableCompileCache();
// Before the rest of the CLI runs: fewer background compilations of lukewarm code (Node 20).
tuneV8ForShortCommands();

// packsmith pins AWS SDK releases that run on Node 20; the SDK's notice that later releases will
// need Node 22 is not something a packsmith user can act on. Set the variable to `false` to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Where better-sqlite3 is not built, the status store runs on node:sqlite, which Node 22 announces
// with an ExperimentalWarning on every rollout command. packsmith tests that binding (the suite runs
// on Node 22 and 24): drop that one warning, pass every other one on.
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning.message;
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
  const name = typeof warning === 'string' ? type : warning.name;
  if (name === 'ExperimentalWarning' && text.startsWith('SQLite is an experimental feature')) return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

// A reader that stops early (`packsmith catalog list | head`) closes the pipe: end quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });
}

const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
