/**
 * An unknown profile and an SSO profile without a session are said as such, with the fix, exit 1,
 * not as "unexpected error". No credentials exist anywhere in the run, so the SDK fails before any
 * request leaves the machine.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

function project(): { dir: string; env: Record<string, string | undefined> } {
  const dir = mkdtempSync(join(tmpdir(), 'ps-creds-'));
  writeFileSync(
    join(dir, 'packsmith.deploy.yaml'),
    [
      "deployingAccount: '111122223333'",
      'role: delegated-administrator',
      'regions: [us-east-1]',
      'templateBuckets: { us-east-1: acme-templates-use1 }',
      'packs: { demo: { targets: { ous: [/Root] } } }',
      '',
    ].join('\n'),
  );
  const pack = ['kind: pack', 'name: demo', 'rules: [demo-rule]', ''].join('\n');
  const rule = ['kind: rule', 'name: demo-rule', 'source: { managed: S3_BUCKET_VERSIONING_ENABLED }', ''];
  mkdirSync(join(dir, 'packs'));
  writeFileSync(join(dir, 'packs', 'demo.yaml'), pack);
  writeFileSync(join(dir, 'packs', 'demo-rule.yaml'), rule.join('\n'));
  const config = join(dir, 'aws-config');
  writeFileSync(
    config,
    [
      '[profile sso-team]',
      'sso_session = team',
      'sso_account_id = 111122223333',
      'sso_role_name = Deployer',
      '[sso-session team]',
      'sso_region = us-east-1',
      'sso_start_url = https://example.awsapps.com/start',
      '',
    ].join('\n'),
  );
  const env = {
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_PROFILE: undefined,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    // The SSO token cache is looked up under the home folder: an empty one.
    HOME: dir,
  };
  return { dir, env };
}

describe('credentials errors', () => {
  it('names an unknown --profile and the files searched', async () => {
    const { dir, env } = project();
    const r = await runCli(['plan', '--root', dir, '--profile', 'nope'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the AWS profile "nope" (--profile) is not in');
    expect(r.stderr).toContain(join(dir, 'aws-config'));
    expect(r.stderr).not.toContain('unexpected error');
  });

  it('names an unknown AWS_PROFILE', async () => {
    const { dir, env } = project();
    const r = await runCli(['plan', '--root', dir], { cwd: dir, env: { ...env, AWS_PROFILE: 'ghost' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the AWS profile "ghost" (AWS_PROFILE) is not in');
  });

  it('tells to sign in again when the SSO session is missing or expired', async () => {
    const { dir, env } = project();
    const r = await runCli(['plan', '--root', dir, '--profile', 'sso-team'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no usable AWS credentials for the profile "sso-team" (--profile)');
    expect(r.stderr).toContain('run: aws sso login --profile sso-team');
    expect(r.stderr).not.toContain('unexpected error');
  });

  it('a proxy variable that is not a URL is a usage error naming the variable, never its value', async () => {
    const { dir, env } = project();
    const r = await runCli(['plan', '--root', dir], {
      cwd: dir,
      env: {
        ...env,
        HTTPS_PROXY: 'deploy:s3cret proxy',
        AWS_ACCESS_KEY_ID: 'AKIAFAKE',
        AWS_SECRET_ACCESS_KEY: 'fake',
      },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('HTTPS_PROXY (or its lower-case spelling) is not a proxy URL');
    expect(r.stderr).not.toContain('s3cret');
  });
});
