import type { Command } from 'commander';
import { registerCatalog } from './catalog.js';

/** Every command, in the order `packsmith --help` lists them. One command per file. */
export const commands: ReadonlyArray<(program: Command) => void> = [registerCatalog];
