/**
 * External tools the suite uses (cfn-lint, moto_server). When one is missing the dependent tests
 * skip with a visible reason; when the CI variable is set, a missing tool fails the run instead.
 */
import { execFileSync } from 'node:child_process';

export interface ToolStatus {
  available: boolean;
  version?: string;
  reason?: string;
}

const cache = new Map<string, ToolStatus>();

export function tool(name: 'cfn-lint' | 'moto_server', versionArgs: string[] = ['--version']): ToolStatus {
  const hit = cache.get(name);
  if (hit) return hit;
  let status: ToolStatus;
  try {
    const out = execFileSync(name, versionArgs, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    status = { available: true, version: out.trim() };
  } catch {
    status = { available: false, reason: `${name} is not installed (not on PATH)` };
    if (process.env.CI) {
      throw new Error(`${name} is required when CI is set, but it is not installed`);
    }
    console.warn(`[skip] tests that need ${name}: ${status.reason}`);
  }
  cache.set(name, status);
  return status;
}
