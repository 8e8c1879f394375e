/**
 * What the CLI says when the SDK finds no usable credentials: which profile was asked for and from
 * where, whether it exists in the shared files, and what to do (as the AWS CLI does, without its
 * stack). Loaded only on that error path.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { printable } from '../util/text.js';

/** The profile named by `--profile` in `argv`, else AWS_PROFILE, with where it came from. */
export function requestedProfile(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { name: string; from: string } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--profile' && argv[i + 1] !== undefined) return { name: argv[i + 1]!, from: '--profile' };
    if (arg.startsWith('--profile=')) return { name: arg.slice('--profile='.length), from: '--profile' };
  }
  return env.AWS_PROFILE ? { name: env.AWS_PROFILE, from: 'AWS_PROFILE' } : undefined;
}

/** One message, with the fix, for a credentials error of the SDK. Never prints a credential. */
export async function credentialsErrorMessage(
  error: Error,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const profile = requestedProfile(argv, env);
  if (profile && !(await profileExists(profile.name))) {
    const config = env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config');
    const credentials = env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials');
    return (
      `the AWS profile "${printable(profile.name)}" (${profile.from}) is not in ${printable(config)} ` +
      `or ${printable(credentials)}: check its name (aws configure list-profiles)`
    );
  }
  const which = profile ? ` for the profile "${printable(profile.name)}" (${profile.from})` : '';
  const hint = /sso/i.test(error.message)
    ? `run: aws sso login${profile ? ` --profile ${printable(profile.name)}` : ''}`
    : 'set --profile or AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or sign in (aws sso login)';
  return `no usable AWS credentials${which}: ${printable(error.message.trim().replace(/\.$/, ''))}; ${hint}`;
}

async function profileExists(name: string): Promise<boolean> {
  try {
    const files = await loadSharedConfigFiles({ ignoreCache: true });
    return Object.hasOwn(files.configFile, name) || Object.hasOwn(files.credentialsFile, name);
  } catch {
    // Unreadable files: say nothing about the profile rather than something wrong.
    return true;
  }
}
