/** packsmith.config.yaml, found one way by every command that reports problems (build, validate). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatDiagnosticsText } from '../../diagnostics/format-text.js';
import { inputFileLimits } from '../../facts/limits.js';
import { readUserFile } from '../../source/read-file.js';
import { displayPath } from '../../util/paths.js';
import { configFileName } from '../../validation/config-file.js';
import type { Config } from '../../validation/config.js';
import { UsageError } from '../errors.js';
import type { Output } from '../output.js';

/**
 * The configuration named by `--config`, else `packsmith.config.yaml` in `dir` when there is one.
 * A configuration with problems stops the command (usage error) with every problem located. Its
 * schema (ajv, TypeBox) loads only when there is a file to check.
 */
export async function loadRepositoryConfig(
  explicit: string | undefined,
  dir: string,
  io: Output,
): Promise<Config | undefined> {
  const path = explicit !== undefined ? resolve(explicit) : resolve(dir, configFileName);
  if (!existsSync(path)) {
    if (explicit !== undefined) throw new UsageError(`${explicit}: no such configuration file`);
    return undefined;
  }
  const read = readUserFile(path, {
    purpose: 'configuration file',
    maxBytes: inputFileLimits.configFileBytes,
  });
  if (!read.ok) throw new UsageError(`${displayPath(path)} ${read.message}: ${read.fix}`);
  const { parseRepositoryConfig } = await import('../../validation/config.js');
  const loaded = parseRepositoryConfig(displayPath(path), read.text);
  if (loaded.diagnostics.length) {
    io.err(formatDiagnosticsText(loaded.diagnostics, io.paint));
    throw new UsageError(
      `invalid configuration ${displayPath(path)} (every setting needs a reason: checks: { PS302: { severity: error, reason: "…" } })`,
    );
  }
  return loaded.config;
}
