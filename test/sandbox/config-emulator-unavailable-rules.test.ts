/**
 * Issue 14 (modelled behaviour): the emulator fails, in every target account, a pack holding a
 * managed rule that packsmith's catalog says does not exist in the Region; the same pack succeeds
 * where the rule exists, and a template without the rule (what `unavailableRules: exclude` deploys)
 * succeeds there too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigServiceClient,
  DescribeOrganizationConformancePackStatusesCommand,
  GetOrganizationConformancePackDetailedStatusCommand,
  PutOrganizationConformancePackCommand,
} from '@aws-sdk/client-config-service';
import {
  startConfigEmulator,
  unavailableRuleFailure,
  type ConfigEmulator,
} from '../../src/sandbox/config-emulator/index.js';

const rule = (logicalId: string, name: string, identifier: string) =>
  [
    `  ${logicalId}:`,
    '    Type: AWS::Config::ConfigRule',
    '    Properties:',
    `      ConfigRuleName: ${name}`,
    '      Source:',
    '        Owner: AWS',
    `        SourceIdentifier: ${identifier}`,
  ].join('\n');
const withMfa = `Resources:\n${rule('RootMfa', 'root-mfa', 'ROOT_ACCOUNT_MFA_ENABLED')}\n${rule('Versioning', 'versioning', 'S3_BUCKET_VERSIONING_ENABLED')}\n`;
const withoutMfa = `Resources:\n${rule('Versioning', 'versioning', 'S3_BUCKET_VERSIONING_ENABLED')}\n`;
const DELAY = { baseMs: 1000, jitterMs: 500 };

let emulator: ConfigEmulator | undefined;
const clients: ConfigServiceClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await emulator?.close();
  emulator = undefined;
});

function clientFor(emu: ConfigEmulator, region: string): ConfigServiceClient {
  const client = new ConfigServiceClient({
    endpoint: emu.endpoint,
    region,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIAEMULATORTEST0000', secretAccessKey: 'not-a-secret' },
  });
  clients.push(client);
  return client;
}

async function deploy(client: ConfigServiceClient, emu: ConfigEmulator, name: string, body: string) {
  await client.send(
    new PutOrganizationConformancePackCommand({ OrganizationConformancePackName: name, TemplateBody: body }),
  );
  emu.tick?.(DELAY.baseMs + DELAY.jitterMs);
  const aggregate = await client.send(
    new DescribeOrganizationConformancePackStatusesCommand({ OrganizationConformancePackNames: [name] }),
  );
  const detailed = await client.send(
    new GetOrganizationConformancePackDetailedStatusCommand({ OrganizationConformancePackName: name }),
  );
  return {
    status: aggregate.OrganizationConformancePackStatuses?.[0]?.Status,
    accounts: detailed.OrganizationConformancePackDetailedStatuses ?? [],
  };
}

describe('config emulator: a managed rule unavailable in the Region (modelled)', () => {
  it('fails per account in us-gov-west-1, succeeds in us-east-1; without the rule, succeeds in both', async () => {
    emulator = await startConfigEmulator({
      accounts: async () => [
        { id: '100000000001', status: 'ACTIVE' },
        { id: '100000000002', status: 'ACTIVE' },
      ],
      clock: 'manual',
      startTime: Date.UTC(2026, 0, 1),
      delay: DELAY,
    });
    const gov = clientFor(emulator, 'us-gov-west-1');
    const east = clientFor(emulator, 'us-east-1');

    const failed = await deploy(gov, emulator, 'Base', withMfa);
    expect(failed.status).toBe('CREATE_FAILED');
    expect(failed.accounts).toHaveLength(2);
    for (const a of failed.accounts) {
      expect(a).toMatchObject({
        Status: 'CREATE_FAILED',
        ErrorCode: unavailableRuleFailure(['ROOT_ACCOUNT_MFA_ENABLED']).errorCode,
      });
      expect(a.ErrorMessage).toContain('ROOT_ACCOUNT_MFA_ENABLED');
      expect(a.ErrorMessage).not.toContain('S3_BUCKET_VERSIONING_ENABLED');
    }
    expect((await deploy(east, emulator, 'Base', withMfa)).status).toBe('CREATE_SUCCESSFUL');
    // What `unavailableRules: exclude` deploys to us-gov-west-1: the template without the rule.
    expect((await deploy(gov, emulator, 'Excluded', withoutMfa)).status).toBe('CREATE_SUCCESSFUL');
  });

  it('a Region without availability data is unknown: the pack deploys', async () => {
    emulator = await startConfigEmulator({
      accounts: async () => [{ id: '100000000001', status: 'ACTIVE' }],
      clock: 'manual',
      startTime: Date.UTC(2026, 0, 1),
      delay: DELAY,
    });
    const future = clientFor(emulator, 'xx-future-1');
    expect((await deploy(future, emulator, 'Base', withMfa)).status).toBe('CREATE_SUCCESSFUL');
  });
});
