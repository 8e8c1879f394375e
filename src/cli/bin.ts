#!/usr/bin/env node
import { main } from './main.js';

// A reader that stops early (`packsmith catalog list | head`) closes the pipe: end quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
