/**
 * The `yaml` library (positions, comments, precise errors), which packsmith needs only for a file
 * with something to report or to look at closely: loaded on first use, so a clean build never
 * loads it. Loaded synchronously from the package it is ~70 modules (measured: ~60 ms of CPU);
 * a command that will need it calls `preloadYamlLibrary` first, which the CLI bundle answers with
 * one chunk of its own.
 */
import { createRequire } from 'node:module';
import type * as YamlLibrary from 'yaml';

let library: typeof YamlLibrary | undefined;

export function yamlLibrary(): typeof YamlLibrary {
  return (library ??= createRequire(import.meta.url)('yaml') as typeof YamlLibrary);
}

/** Loads the library ahead of its first use (one bundle chunk rather than the package's modules). */
export async function preloadYamlLibrary(): Promise<void> {
  if (library) return;
  const loaded = (await import('yaml')) as typeof YamlLibrary & { default?: typeof YamlLibrary };
  library ??= loaded.default ?? loaded;
}
