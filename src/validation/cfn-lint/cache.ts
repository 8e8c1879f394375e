/**
 * A directory cache of cfn-lint results per template: `<cacheDir>/<sha256>.json`. The key covers
 * everything the result depends on (template text, packsmith, cfn-lint, the suppression table, the
 * mapping, cfn-lint's configuration files and region), so an entry is never stale; old entries are
 * simply no longer read. Entries hold no file name: the caller re-attaches the current display path.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Severity } from '../../diagnostics/diagnostic.js';
import { readEntryFile, writeEntryFile } from '../cache-entry.js';
import type { RuleInfo } from '../report.js';
import type { FileFreeDiagnostic, TemplateFindings } from './map.js';

/** Bump when the entry layout changes. */
export const CACHE_FORMAT = 1;

export interface CacheKeyParts {
  text: string;
  packsmithVersion: string;
  cfnLintVersion: string;
  suppressionsVersion: number;
  mappingVersion: number;
  /** cfn-lint's configuration as it affects results (see `cfnLintEnvironment`). */
  environment: string;
}

/** sha256 (hex) of all parts; any change in any part gives another key. */
export function cacheKey(parts: CacheKeyParts): string {
  return (
    createHash('sha256')
      .update(
        JSON.stringify([
          'packsmith-cfn-lint',
          CACHE_FORMAT,
          parts.packsmithVersion,
          parts.cfnLintVersion,
          parts.suppressionsVersion,
          parts.mappingVersion,
          parts.environment,
        ]),
      )
      // The parts as a JSON array (self-delimiting), then the text as it is: no escaped copy of every
      // template's text is made only to be hashed.
      .update(parts.text)
      .digest('hex')
  );
}

const configNames = ['.cfnlintrc', '.cfnlintrc.yaml', '.cfnlintrc.yml'];

async function firstConfig(dir: string): Promise<string> {
  for (const name of configNames) {
    try {
      return `${name}\n${await readFile(join(dir, name), 'utf8')}`;
    } catch {
      // not there (or unreadable, which cfn-lint would not read either): try the next name
    }
  }
  return '';
}

/**
 * What changes cfn-lint's results besides the template: the user's (`~/.cfnlintrc`) and project
 * (`<cwd>/.cfnlintrc`) configuration files, found the way cfn-lint finds them, and the region it
 * validates against (AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1).
 */
export async function cfnLintEnvironment(
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): Promise<string> {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const [user, project] = await Promise.all([firstConfig(home), firstConfig(cwd)]);
  return JSON.stringify({ region, user, project });
}

export function cacheFile(cacheDir: string, key: string): string {
  return join(cacheDir, `${key}.json`);
}

const severities: readonly Severity[] = ['error', 'warning', 'info'];
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isPositive = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/** Whether a value read from a cache file is exactly a diagnostic without its file. */
export function isFileFreeDiagnostic(v: unknown): v is FileFreeDiagnostic {
  if (!isObject(v) || !isObject(v.location)) return false;
  const { line, column, endLine, endColumn } = v.location;
  return (
    typeof v.checkId === 'string' &&
    severities.includes(v.severity as Severity) &&
    typeof v.message === 'string' &&
    (v.fix === undefined || typeof v.fix === 'string') &&
    isPositive(line) &&
    isPositive(column) &&
    (endLine === undefined || isPositive(endLine)) &&
    (endColumn === undefined || isPositive(endColumn))
  );
}

function isRule(v: unknown): v is RuleInfo {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    typeof v.name === 'string' &&
    typeof v.summary === 'string' &&
    typeof v.help === 'string' &&
    severities.includes(v.severity as Severity) &&
    (v.helpUri === undefined || typeof v.helpUri === 'string') &&
    v.source === 'cfn-lint'
  );
}

function isTemplateFindings(v: unknown): v is TemplateFindings {
  return (
    isObject(v) &&
    Array.isArray(v.diagnostics) &&
    v.diagnostics.every(isFileFreeDiagnostic) &&
    Array.isArray(v.suppressed) &&
    v.suppressed.every(
      (s) => isObject(s) && isFileFreeDiagnostic(s.diagnostic) && typeof s.reason === 'string',
    ) &&
    Array.isArray(v.rules) &&
    v.rules.every(isRule)
  );
}

/** The cached findings for a key; undefined when absent, unreadable or corrupt (the caller re-lints). */
export function readCacheEntry(cacheDir: string, key: string): Promise<TemplateFindings | undefined> {
  return readEntryFile(
    cacheFile(cacheDir, key),
    { format: CACHE_FORMAT, key, field: 'findings' },
    isTemplateFindings,
  );
}

/** Writes an entry atomically (temporary file + rename), so readers never see half an entry. */
export async function writeCacheEntry(
  cacheDir: string,
  key: string,
  findings: TemplateFindings,
): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  await writeEntryFile(cacheFile(cacheDir, key), { format: CACHE_FORMAT, key, findings });
}
