/**
 * External tools the suite uses (cfn-lint, moto_server, Debian's chromium). When one is missing the
 * dependent tests skip with a visible reason; when the CI variable is set, a missing tool fails the
 * run instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/package-root.js';

export interface ToolStatus {
  available: boolean;
  version?: string;
  reason?: string;
}

const cache = new Map<string, ToolStatus>();

/** Where `apt-get install chromium` puts the browser that playwright-core drives (it cannot download one). */
export const chromiumExecutable = '/usr/bin/chromium';
/**
 * cfn-guard as packsmith finds it: PACKSMITH_CFN_GUARD, else as `scripts/install-cfn-guard.mjs`
 * installs it (what CI uses), else on PATH.
 */
const projectCfnGuard = join(packageRoot(), '.tools', 'bin', 'cfn-guard');
const cfnGuardExecutable =
  process.env.PACKSMITH_CFN_GUARD ?? (existsSync(projectCfnGuard) ? projectCfnGuard : undefined);
/** Tools found at a fixed path rather than on PATH. */
const executables: Record<string, string> = {
  chromium: chromiumExecutable,
  ...(cfnGuardExecutable ? { 'cfn-guard': cfnGuardExecutable } : {}),
};

export function tool(
  name: 'cfn-lint' | 'moto_server' | 'chromium' | 'cfn-guard',
  versionArgs: string[] = ['--version'],
): ToolStatus {
  const hit = cache.get(name);
  if (hit) return hit;
  const file = executables[name] ?? name;
  let status: ToolStatus;
  try {
    const out = execFileSync(file, versionArgs, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    status = { available: true, version: out.trim() };
  } catch {
    status = {
      available: false,
      reason: `${name} is not installed (${file === name ? 'not on PATH' : `no ${file}`})${name === 'cfn-guard' ? '; run node scripts/install-cfn-guard.mjs' : ''}`,
    };
    if (process.env.CI) {
      throw new Error(`${name} is required when CI is set, but it is not installed`);
    }
    console.warn(`[skip] tests that need ${name}: ${status.reason}`);
  }
  cache.set(name, status);
  return status;
}
