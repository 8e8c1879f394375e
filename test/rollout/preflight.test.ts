/**
 * runPreflight against moto (a real organization, buckets, delegated administrators, trusted
 * access, recorders created as each account, account check role assumed through STS), and against
 * tiny hand-written `send` fakes for what moto cannot do: denied calls, a public bucket policy,
 * a role that cannot be assumed, and more than 20 accounts sharing a problem.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import {
  EnableAWSServiceAccessCommand,
  ListDelegatedAdministratorsCommand,
  RegisterDelegatedAdministratorCommand,
} from '@aws-sdk/client-organizations';
import {
  CreateBucketCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import {
  ConfigServiceClient,
  PutConfigurationRecorderCommand,
  StopConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import { loadCatalog } from '../../src/catalog/catalog.js';
import type { DeployConfig } from '../../src/org/deploy-config.js';
import { discoverOrganization, type OrgAccount, type OrgTree } from '../../src/org/discover.js';
import { deployChecks } from '../../src/org/problems.js';
import { resolveTargets } from '../../src/org/targeting.js';
import {
  aggregateAbove,
  bucketRegion,
  policyGrantsOrgRead,
  wildcardMatch,
  configMultiAccountSetupPrincipal,
  recordsType,
  runPreflight,
  stackSetsPrincipal,
  type PreflightAws,
  type PreflightFinding,
  type PreflightInput,
} from '../../src/rollout/preflight.js';
import { resourceTypesEvaluated } from '../../src/rollout/resource-types.js';
import { accountsShownInFinding, formatFindings } from '../../src/cli/run/preflight.js';
import type { Output } from '../../src/cli/output.js';
import { painter } from '../../src/cli/terminal.js';
import {
  configClient,
  motoSkipNote,
  motoStatus,
  organizationsClient,
  s3Client,
  stsClient,
  useMoto,
} from '../support/moto.js';
import { createOrganization, type OrgTree as FixtureTree } from '../support/org-fixture.js';
import { startDelegatedAdminShim, type DelegatedAdminShim } from '../../src/sandbox/delegated-admin-shim.js';

const id = (name: keyof typeof deployChecks) => deployChecks[name].id;
const ids = (findings: PreflightFinding[]) => findings.map((f) => f.checkId).sort();

const templateBody = `Resources:
  Versioning:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: s3-versioning
      Source: { Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED }
  Volumes:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: volumes
      Source: { Owner: AWS, SourceIdentifier: ENCRYPTED_VOLUMES }
`;
const packTypes = resourceTypesEvaluated(templateBody, loadCatalog()).types;

function deployConfig(over: Partial<DeployConfig> = {}): DeployConfig {
  return {
    deployingAccount: '123456789012',
    role: 'management',
    regions: ['us-east-1', 'eu-west-1'],
    templateBuckets: { 'us-east-1': 'tpl-use1', 'eu-west-1': 'tpl-euw1' },
    packs: { baseline: { targets: { ous: ['/Root'] }, deliveryBucket: 'awsconfigconforms-baseline' } },
    ...over,
  } as DeployConfig;
}

function inputFor(config: DeployConfig, included: OrgAccount[], tree?: OrgTree): PreflightInput {
  return {
    config,
    packs: Object.entries(config.packs).map(([name, deployment]) => ({
      name,
      orgPackName: name,
      deployment,
      included,
      templateBody,
      resourceTypes: packTypes,
    })),
    ...(tree ? { tree } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// against moto

describe.skipIf(!motoStatus().available)(`runPreflight against moto${motoSkipNote()}`, () => {
  const moto = useMoto();
  const roleName = 'PacksmithAccountCheck';
  let org: FixtureTree;
  let tree: OrgTree;
  let management: string;
  const acct = (name: string) => org.accounts.find((a) => a.name === name)!.id;

  /** Clients as `caller`; the org client may act as another account (see the moto quirk below). */
  function awsAs(caller: string, orgAccount = caller): PreflightAws {
    const sts = stsClient({ endpoint: moto.endpoint, accountId: caller });
    return {
      sts,
      organizations: organizationsClient({ endpoint: moto.endpoint, accountId: orgAccount }),
      s3: (region) => s3Client({ endpoint: moto.endpoint, accountId: caller, region }),
      // AssumeRole for real: moto scopes the temporary credentials to the role's account.
      async configInAccount(accountId, region) {
        const r = await sts.send(
          new AssumeRoleCommand({
            RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
            RoleSessionName: 'packsmith-preflight',
          }),
        );
        const c = r.Credentials!;
        return new ConfigServiceClient({
          endpoint: moto.endpoint,
          region,
          maxAttempts: 1,
          credentials: {
            accessKeyId: c.AccessKeyId!,
            secretAccessKey: c.SecretAccessKey!,
            sessionToken: c.SessionToken!,
          },
        });
      },
    };
  }

  async function bucket(
    name: string,
    region: string,
    opts: { owner?: string; blockPublicAccess?: boolean } = {},
  ): Promise<void> {
    const s3 = s3Client({ endpoint: moto.endpoint, accountId: opts.owner ?? management, region });
    await s3.send(
      new CreateBucketCommand({
        Bucket: name,
        ...(region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
    if (opts.blockPublicAccess !== false) {
      await s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: name,
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            IgnorePublicAcls: true,
            BlockPublicPolicy: true,
            RestrictPublicBuckets: true,
          },
        }),
      );
    }
  }

  const enableTrustedAccess = () =>
    organizationsClient({ endpoint: moto.endpoint, accountId: management }).send(
      new EnableAWSServiceAccessCommand({ ServicePrincipal: configMultiAccountSetupPrincipal }),
    );

  beforeEach(async () => {
    org = await createOrganization({
      endpoint: moto.endpoint,
      accounts: 4,
      depth: 1,
      regions: ['us-east-1', 'eu-west-1'],
      withoutRecorder: ['member-01', 'member-04'],
    });
    management = org.managementAccountId;
    tree = await discoverOrganization(
      organizationsClient({ endpoint: moto.endpoint, accountId: management }),
    );
  });

  it('finds nothing when every prerequisite is met (recorders aside)', async () => {
    await bucket('tpl-use1', 'us-east-1');
    await bucket('tpl-euw1', 'eu-west-1');
    await bucket('awsconfigconforms-baseline', 'us-east-1');
    await enableTrustedAccess();
    const config = deployConfig({ deployingAccount: management });
    const findings = await runPreflight(inputFor(config, tree.accounts), awsAs(management));
    expect(findings).toEqual([]);
  });

  it('reports four problems at once: wrong caller, bucket in the wrong Region, missing delivery bucket, no public access block', async () => {
    await bucket('tpl-use1', 'us-east-1', { blockPublicAccess: false });
    await bucket('tpl-euw1', 'us-east-1'); // configured for eu-west-1
    await enableTrustedAccess();
    const config = deployConfig({ deployingAccount: management });
    // The caller is member-01; moto shows trusted access only to the management account, so the
    // organization client reads as the management account.
    const caller = acct('member-01');
    const findings = await runPreflight(inputFor(config, tree.accounts, tree), awsAs(caller, management));
    expect(ids(findings)).toEqual(
      [
        id('preflight-wrong-caller'),
        id('preflight-bucket-region'),
        id('preflight-bucket-missing'),
        id('preflight-bucket-public-access-block'),
      ].sort(),
    );
    const byId = (name: keyof typeof deployChecks) => findings.find((f) => f.checkId === id(name))!;
    expect(byId('preflight-wrong-caller').message).toContain(caller);
    expect(byId('preflight-wrong-caller').message).toContain(management);
    expect(byId('preflight-wrong-caller').message).not.toMatch(/AKIA|ASIA|secret/i);
    expect(byId('preflight-bucket-region')).toMatchObject({ region: 'eu-west-1', severity: 'error' });
    expect(byId('preflight-bucket-region').message).toContain('us-east-1');
    expect(byId('preflight-bucket-missing')).toMatchObject({ pack: 'baseline' });
    expect(byId('preflight-bucket-missing').message).toContain('awsconfigconforms-baseline');
    expect(byId('preflight-bucket-public-access-block')).toMatchObject({
      region: 'us-east-1',
      severity: 'warning',
    });
  });

  it('reads a bucket in eu-west-1 as eu-west-1 and one in us-east-1 (null location) as us-east-1', async () => {
    await bucket('tpl-use1', 'eu-west-1');
    await bucket('tpl-euw1', 'eu-west-1');
    await bucket('awsconfigconforms-baseline', 'ap-southeast-2');
    await enableTrustedAccess();
    const findings = await runPreflight(
      inputFor(deployConfig({ deployingAccount: management }), tree.accounts, tree),
      awsAs(management),
    );
    expect(findings.map((f) => [f.checkId, f.region ?? f.pack])).toEqual([
      [id('preflight-bucket-region'), 'us-east-1'],
      [id('preflight-delivery-bucket-region'), 'baseline'],
    ]);
  });

  it('management account: trusted access missing is a notice; not being the management account is an error', async () => {
    await bucket('tpl-use1', 'us-east-1');
    await bucket('tpl-euw1', 'eu-west-1');
    await bucket('awsconfigconforms-baseline', 'us-east-1');
    const ok = await runPreflight(
      inputFor(deployConfig({ deployingAccount: management }), tree.accounts),
      awsAs(management),
    );
    expect(ok.map((f) => [f.checkId, f.severity])).toEqual([[id('preflight-trusted-access'), 'notice']]);

    const member = acct('member-02');
    await bucket('member-tpl-use1', 'us-east-1', { owner: member });
    await bucket('member-tpl-euw1', 'eu-west-1', { owner: member });
    const wrong = await runPreflight(
      inputFor(
        deployConfig({
          deployingAccount: member,
          templateBuckets: { 'us-east-1': 'member-tpl-use1', 'eu-west-1': 'member-tpl-euw1' },
        }),
        tree.accounts,
      ),
      awsAs(member, management),
    );
    expect(wrong.map((f) => f.checkId)).toEqual([
      id('preflight-role-mismatch'),
      id('preflight-trusted-access'),
    ]);
    expect(wrong[0]!.message).toContain(management);
    expect(wrong[0]!.message).toMatch(/invisible to each other/);
  });

  it('delegated administrator: not registered and no trusted access are errors; registered and enabled pass', async () => {
    const admin = acct('member-02');
    await bucket('adm-tpl-use1', 'us-east-1', { owner: admin });
    await bucket('adm-tpl-euw1', 'eu-west-1', { owner: admin });
    const config = deployConfig({
      deployingAccount: admin,
      role: 'delegated-administrator',
      templateBuckets: { 'us-east-1': 'adm-tpl-use1', 'eu-west-1': 'adm-tpl-euw1' },
      packs: { baseline: { targets: { ous: ['/Root'] } } },
    });
    // moto quirk: a delegated administrator sees no delegated administrators and no service
    // access, so the organization is read as the management account.
    const aws = awsAs(admin, management);
    const before = await runPreflight(inputFor(config, tree.accounts, tree), aws);
    expect(before.map((f) => [f.checkId, f.severity])).toEqual([
      [id('preflight-not-delegated-admin'), 'error'],
      [id('preflight-trusted-access'), 'error'],
    ]);
    expect(before[0]!.message).toContain(admin);

    await organizationsClient({ endpoint: moto.endpoint, accountId: management }).send(
      new RegisterDelegatedAdministratorCommand({
        AccountId: admin,
        ServicePrincipal: configMultiAccountSetupPrincipal,
      }),
    );
    await enableTrustedAccess();
    expect(await runPreflight(inputFor(config, tree.accounts, tree), aws)).toEqual([]);

    // The management account configured as a delegated administrator.
    const asManagement = await runPreflight(
      inputFor(
        { ...config, deployingAccount: management, templateBuckets: deployConfig().templateBuckets },
        tree.accounts,
        tree,
      ),
      awsAs(management),
    );
    expect(asManagement.filter((f) => f.severity === 'error').map((f) => f.checkId)).toContain(
      id('preflight-role-mismatch'),
    );
  });

  it('PS527: the management account deploys while a delegated administrator is registered: a notice naming it', async () => {
    await bucket('tpl-use1', 'us-east-1');
    await bucket('tpl-euw1', 'eu-west-1');
    await bucket('awsconfigconforms-baseline', 'us-east-1');
    await enableTrustedAccess();
    const config = deployConfig({ deployingAccount: management });
    expect(await runPreflight(inputFor(config, tree.accounts, tree), awsAs(management))).toEqual([]);

    const admin = acct('member-03');
    await organizationsClient({ endpoint: moto.endpoint, accountId: management }).send(
      new RegisterDelegatedAdministratorCommand({
        AccountId: admin,
        ServicePrincipal: configMultiAccountSetupPrincipal,
      }),
    );
    const findings = await runPreflight(inputFor(config, tree.accounts, tree), awsAs(management));
    expect(findings).toEqual([
      {
        checkId: 'PS527',
        severity: 'notice',
        message: expect.stringContaining(
          `management account ${management} deploys, but ${admin} is a delegated administrator for ${configMultiAccountSetupPrincipal}`,
        ),
        fix: deployChecks['preflight-delegated-admin-exists'].fix,
      },
    ]);
    expect(findings[0]!.message).toMatch(/invisible to each other/);
  });

  describe('stack set packs: CallAs and the StackSets delegated administrator', () => {
    // moto 5.2 knows no delegated administrators for StackSets: the sandbox's shim keeps them.
    let shim: DelegatedAdminShim;
    beforeAll(async () => {
      shim = await startDelegatedAdminShim({ target: moto.endpoint });
    });
    afterAll(async () => {
      await shim.close();
    });
    beforeEach(() => {
      shim.reset();
    });
    /** awsAs, with Organizations through the shim. */
    const viaShim = (caller: string, orgAccount = caller): PreflightAws => ({
      ...awsAs(caller, orgAccount),
      organizations: organizationsClient({ endpoint: shim.endpoint, accountId: orgAccount }),
    });

    it('moto 5.2 alone refuses the StackSets principal for delegated administrators (why the shim exists)', async () => {
      const orgs = organizationsClient({ endpoint: moto.endpoint, accountId: management });
      await expect(
        orgs.send(new ListDelegatedAdministratorsCommand({ ServicePrincipal: stackSetsPrincipal })),
      ).rejects.toMatchObject({ name: 'InvalidInputException' });
      const viaTheShim = organizationsClient({ endpoint: shim.endpoint, accountId: management });
      await viaTheShim.send(
        new RegisterDelegatedAdministratorCommand({
          AccountId: acct('member-01'),
          ServicePrincipal: stackSetsPrincipal,
        }),
      );
      // Register is the management account's only; the management account cannot be registered.
      await expect(
        organizationsClient({ endpoint: shim.endpoint, accountId: acct('member-01') }).send(
          new RegisterDelegatedAdministratorCommand({
            AccountId: acct('member-02'),
            ServicePrincipal: stackSetsPrincipal,
          }),
        ),
      ).rejects.toMatchObject({ name: 'AccessDeniedException' });
      await expect(
        viaTheShim.send(
          new RegisterDelegatedAdministratorCommand({
            AccountId: management,
            ServicePrincipal: stackSetsPrincipal,
          }),
        ),
      ).rejects.toMatchObject({ name: 'ConstraintViolationException' });
      // Config's principal still goes to moto; the unfiltered list has both.
      await viaTheShim.send(
        new RegisterDelegatedAdministratorCommand({
          AccountId: acct('member-02'),
          ServicePrincipal: configMultiAccountSetupPrincipal,
        }),
      );
      const all = await viaTheShim.send(new ListDelegatedAdministratorsCommand({}));
      expect(all.DelegatedAdministrators?.map((a) => a.Id).sort()).toEqual(
        [acct('member-01'), acct('member-02')].sort(),
      );
      const stackSets = await viaTheShim.send(
        new ListDelegatedAdministratorsCommand({ ServicePrincipal: stackSetsPrincipal }),
      );
      expect(stackSets.DelegatedAdministrators?.map((a) => a.Id)).toEqual([acct('member-01')]);
      expect(shim.registered()).toEqual({ [stackSetsPrincipal]: [acct('member-01')] });
    });

    const stackSetConfig = (over: Partial<DeployConfig>, callAs?: 'SELF' | 'DELEGATED_ADMIN') =>
      deployConfig({
        packs: {
          baseline: {
            engine: 'stackset',
            stages: [{ name: 'all', ous: ['/Root'] }],
            ...(callAs ? { callAs } : {}),
          },
        },
        ...over,
      });
    const stackSetInput = (config: DeployConfig): PreflightInput => ({
      ...inputFor(config, tree.accounts, tree),
      stackSetPacks: ['baseline'],
    });
    const enableStackSets = () =>
      organizationsClient({ endpoint: shim.endpoint, accountId: management }).send(
        new EnableAWSServiceAccessCommand({ ServicePrincipal: stackSetsPrincipal }),
      );
    const errorsAndWarnings = (findings: PreflightFinding[]) =>
      findings.filter((f) => f.severity !== 'notice').map((f) => [f.checkId, f.severity]);

    it('PS546: DELEGATED_ADMIN from an account not registered for StackSets (though registered for Config) is an error; registered passes', async () => {
      const admin = acct('member-02');
      await bucket('adm-tpl-use1', 'us-east-1', { owner: admin });
      await bucket('adm-tpl-euw1', 'eu-west-1', { owner: admin });
      await enableTrustedAccess();
      await enableStackSets();
      const orgs = organizationsClient({ endpoint: shim.endpoint, accountId: management });
      await orgs.send(
        new RegisterDelegatedAdministratorCommand({
          AccountId: admin,
          ServicePrincipal: configMultiAccountSetupPrincipal,
        }),
      );
      const config = stackSetConfig({
        deployingAccount: admin,
        role: 'delegated-administrator',
        templateBuckets: { 'us-east-1': 'adm-tpl-use1', 'eu-west-1': 'adm-tpl-euw1' },
      });
      const before = await runPreflight(stackSetInput(config), viaShim(admin, management));
      expect(errorsAndWarnings(before)).toEqual([[id('preflight-stacksets-not-delegated-admin'), 'error']]);
      expect(before[0]!.message).toContain(admin);
      expect(before[0]!.message).toContain(stackSetsPrincipal);
      expect(before[0]!.message).toContain('pack baseline');

      await orgs.send(
        new RegisterDelegatedAdministratorCommand({ AccountId: admin, ServicePrincipal: stackSetsPrincipal }),
      );
      expect(await runPreflight(stackSetInput(config), viaShim(admin, management))).toEqual([]);
    });

    it('PS546: the management account with callAs DELEGATED_ADMIN; PS547: a delegated administrator with callAs SELF', async () => {
      await bucket('tpl-use1', 'us-east-1');
      await bucket('tpl-euw1', 'eu-west-1');
      await enableTrustedAccess();
      await enableStackSets();
      const asManagement = await runPreflight(
        stackSetInput(stackSetConfig({ deployingAccount: management }, 'DELEGATED_ADMIN')),
        viaShim(management),
      );
      expect(errorsAndWarnings(asManagement)).toEqual([
        [id('preflight-stacksets-not-delegated-admin'), 'error'],
      ]);
      expect(asManagement[0]!.message).toMatch(/is the management account/);
      // SELF from the management account is right.
      expect(
        await runPreflight(
          stackSetInput(stackSetConfig({ deployingAccount: management })),
          viaShim(management),
        ),
      ).toEqual([]);

      const admin = acct('member-03');
      await bucket('adm-tpl-use1', 'us-east-1', { owner: admin });
      await bucket('adm-tpl-euw1', 'eu-west-1', { owner: admin });
      const orgs = organizationsClient({ endpoint: shim.endpoint, accountId: management });
      for (const principal of [configMultiAccountSetupPrincipal, stackSetsPrincipal]) {
        await orgs.send(
          new RegisterDelegatedAdministratorCommand({ AccountId: admin, ServicePrincipal: principal }),
        );
      }
      const self = await runPreflight(
        stackSetInput(
          stackSetConfig(
            {
              deployingAccount: admin,
              role: 'delegated-administrator',
              templateBuckets: { 'us-east-1': 'adm-tpl-use1', 'eu-west-1': 'adm-tpl-euw1' },
            },
            'SELF',
          ),
        ),
        viaShim(admin, management),
      );
      expect(errorsAndWarnings(self)).toEqual([[id('preflight-stacksets-self-not-management'), 'error']]);
      expect(self[0]!.message).toContain(admin);
    });

    it('PS546 unverifiable: ListDelegatedAdministrators denied to the delegated administrator is a warning, not a crash', async () => {
      const admin = acct('member-02');
      await bucket('adm-tpl-use1', 'us-east-1', { owner: admin });
      await bucket('adm-tpl-euw1', 'eu-west-1', { owner: admin });
      await enableTrustedAccess();
      await enableStackSets();
      await organizationsClient({ endpoint: shim.endpoint, accountId: management }).send(
        new RegisterDelegatedAdministratorCommand({
          AccountId: admin,
          ServicePrincipal: configMultiAccountSetupPrincipal,
        }),
      );
      const real = viaShim(admin, management);
      const denied: PreflightAws = {
        ...real,
        organizations: {
          send: ((command: unknown) => {
            if (
              command instanceof ListDelegatedAdministratorsCommand &&
              command.input.ServicePrincipal === stackSetsPrincipal
            ) {
              return Promise.reject(
                Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }),
              );
            }
            return real.organizations.send(command as never);
          }) as PreflightAws['organizations']['send'],
        },
      };
      const config = stackSetConfig({
        deployingAccount: admin,
        role: 'delegated-administrator',
        templateBuckets: { 'us-east-1': 'adm-tpl-use1', 'eu-west-1': 'adm-tpl-euw1' },
      });
      const findings = await runPreflight(stackSetInput(config), denied);
      expect(errorsAndWarnings(findings)).toEqual([[id('preflight-unverified'), 'warning']]);
      expect(findings[0]!.message).toContain(stackSetsPrincipal);
      expect(findings[0]!.message).toContain('ListDelegatedAdministrators');
    });
  });

  it('PS549: a staged stack set template the organization cannot read; the statement it gives fixes it (moto S3)', async () => {
    await bucket('tpl-use1', 'us-east-1');
    await bucket('tpl-euw1', 'eu-west-1');
    await bucket('awsconfigconforms-baseline', 'us-east-1');
    await enableTrustedAccess();
    const key = `packsmith/packsmith-baseline/templates/${'a'.repeat(64)}.yaml`;
    const input: PreflightInput = {
      ...inputFor(deployConfig({ deployingAccount: management }), tree.accounts, tree),
      stagedStackSetTemplates: [{ pack: 'baseline', bucket: 'tpl-use1', key, region: 'us-east-1' }],
    };
    const before = await runPreflight(input, awsAs(management));
    expect(before.map((f) => [f.checkId, f.severity, f.pack, f.region])).toEqual([
      [id('preflight-template-bucket-org-read'), 'error', 'baseline', 'us-east-1'],
    ]);
    expect(before[0]!.message).toContain(`s3://tpl-use1/${key}`);
    expect(before[0]!.message).toContain('has no policy');
    const statement = JSON.parse(before[0]!.message.slice(before[0]!.message.indexOf('{'))) as unknown;
    expect(statement).toEqual({
      Sid: 'PacksmithOrganizationReadsTemplates',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::tpl-use1/packsmith/packsmith-baseline/templates/*',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': tree.organizationId } },
    });

    const s3 = s3Client({ endpoint: moto.endpoint, accountId: management, region: 'us-east-1' });
    // A policy for another organization is not enough.
    const other = JSON.stringify(statement).replace(tree.organizationId, 'o-someoneelse');
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'tpl-use1',
        Policy: `{"Version":"2012-10-17","Statement":[${other}]}`,
      }),
    );
    const wrongOrg = await runPreflight(input, awsAs(management));
    expect(wrongOrg.map((f) => f.checkId)).toEqual([id('preflight-template-bucket-org-read')]);
    expect(wrongOrg[0]!.message).toContain("the bucket's policy does not let");

    await s3.send(
      new PutBucketPolicyCommand({
        Bucket: 'tpl-use1',
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }),
      }),
    );
    // Read for the organization only: not public (PS533), and PS549 is satisfied.
    expect(await runPreflight(input, awsAs(management))).toEqual([]);
  });

  it('an account outside any organization: "not in an organization", without cascading', async () => {
    const outsider = '999999999999';
    await bucket('out-tpl-use1', 'us-east-1', { owner: outsider });
    await bucket('out-tpl-euw1', 'eu-west-1', { owner: outsider });
    const config = deployConfig({
      deployingAccount: outsider,
      templateBuckets: { 'us-east-1': 'out-tpl-use1', 'eu-west-1': 'out-tpl-euw1' },
      packs: { baseline: { targets: { ous: ['/Root'] } } },
    });
    const findings = await runPreflight(inputFor(config, []), awsAs(outsider));
    expect(findings.map((f) => f.checkId)).toEqual([id('preflight-no-organization')]);
    expect(findings[0]!.message).toMatch(/not in an organization/);
  });

  it('checks recorders in every included account and Region through the assumed role', async () => {
    await bucket('tpl-use1', 'us-east-1');
    await bucket('tpl-euw1', 'eu-west-1');
    await bucket('awsconfigconforms-baseline', 'us-east-1');
    await enableTrustedAccess();
    const asAccount = (name: string, region: string) =>
      configClient({ endpoint: moto.endpoint, accountId: acct(name), region });
    // member-02: stopped in us-east-1.
    await asAccount('member-02', 'us-east-1').send(
      new StopConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }),
    );
    // member-03: records only EC2 volumes in eu-west-1 (still recording).
    await asAccount('member-03', 'eu-west-1').send(
      new PutConfigurationRecorderCommand({
        ConfigurationRecorder: {
          name: 'default',
          roleARN: `arn:aws:iam::${acct('member-03')}:role/config`,
          recordingGroup: {
            allSupported: false,
            includeGlobalResourceTypes: false,
            resourceTypes: ['AWS::EC2::Volume'],
            recordingStrategy: { useOnly: 'INCLUSION_BY_RESOURCE_TYPES' },
          },
        },
      }),
    );
    // member-04: a recorder (never started: moto needs a delivery channel) but no delivery channel, in us-east-1.
    await asAccount('member-04', 'us-east-1').send(
      new PutConfigurationRecorderCommand({
        ConfigurationRecorder: {
          name: 'default',
          roleARN: `arn:aws:iam::${acct('member-04')}:role/config`,
          recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
        },
      }),
    );
    const included = resolveTargets(tree, { ous: ['/Root'] }).included;
    expect(included).toHaveLength(5);
    const findings = await runPreflight(
      {
        ...inputFor(deployConfig({ deployingAccount: management }), included, tree),
        checkRecorders: { roleName, concurrency: 3 },
      },
      awsAs(management),
    );
    const got = findings.map((f) => [f.checkId, f.accountId, f.region]).sort();
    const m = (n: string) => acct(n);
    expect(got).toEqual(
      [
        [id('preflight-no-recorder'), m('member-01'), 'us-east-1'],
        [id('preflight-no-recorder'), m('member-01'), 'eu-west-1'],
        [id('preflight-no-delivery-channel'), m('member-01'), 'us-east-1'],
        [id('preflight-no-delivery-channel'), m('member-01'), 'eu-west-1'],
        [id('preflight-recorder-stopped'), m('member-02'), 'us-east-1'],
        [id('preflight-recording-gap'), m('member-03'), 'eu-west-1'],
        [id('preflight-recorder-stopped'), m('member-04'), 'us-east-1'],
        [id('preflight-no-delivery-channel'), m('member-04'), 'us-east-1'],
        [id('preflight-no-recorder'), m('member-04'), 'eu-west-1'],
        [id('preflight-no-delivery-channel'), m('member-04'), 'eu-west-1'],
      ].sort(),
    );
    const gap = findings.find((f) => f.checkId === id('preflight-recording-gap'))!;
    expect(gap.pack).toBe('baseline');
    const missing = packTypes.filter((t) => t !== 'AWS::EC2::Volume');
    expect(missing.length).toBeGreaterThan(0);
    for (const t of missing) expect(gap.message).toContain(t);
    expect(gap.message).not.toContain('AWS::EC2::Volume');
    const noRecorder = findings.find((f) => f.checkId === id('preflight-no-recorder'))!;
    expect(noRecorder.message).toMatch(/NoAvailableConfigurationRecorderException/);
    expect(noRecorder.message).toContain(noRecorder.region!);
  });
});

// ---------------------------------------------------------------------------------------------
// hand-written fakes

type Handler = (input: Record<string, unknown>) => unknown;

/** A `send` that answers by command name; an unexpected command fails the test. */
function fakeClient(handlers: Record<string, Handler>): { send: never; calls: string[] } {
  const calls: string[] = [];
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const name = command.constructor.name.replace(/Command$/, '');
    calls.push(name);
    const handler = handlers[name];
    if (!handler) throw new Error(`unexpected call ${name}`);
    return handler(command.input);
  };
  return { send: send as never, calls };
}

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(`${name}: stub`), { name, $metadata: { httpStatusCode: status } });
}
const deny =
  (name = 'AccessDeniedException') =>
  () => {
    throw awsError(name, 403);
  };

const bucketsOk: Record<string, Handler> = {
  GetBucketLocation: (i) => ({ LocationConstraint: i.Bucket === 'tpl-euw1' ? 'EU' : undefined }),
  GetBucketPolicyStatus: () => {
    throw awsError('NoSuchBucketPolicy', 404);
  },
  GetPublicAccessBlock: () => ({
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    },
  }),
};

const account = (n: number): OrgAccount => ({
  id: String(100000000000 + n),
  name: `member-${n}`,
  email: `m${n}@example.com`,
  status: 'ACTIVE',
  parentId: 'r-root',
  ouPath: '/Root',
  ancestorIds: ['r-root'],
});

const fakeTree = (accounts: OrgAccount[]): OrgTree => ({
  organizationId: 'o-example',
  managementAccountId: '123456789012',
  featureSet: 'ALL',
  root: { id: 'r-root', name: 'Root', path: '/Root' },
  ous: [],
  accounts,
});

describe('runPreflight with denied calls (fakes)', () => {
  it('turns denied Organizations and S3 reads into "could not verify" warnings, and still reports a public bucket', async () => {
    const admin = '222222222222';
    const organizations = fakeClient({
      DescribeOrganization: () => ({
        Organization: { Id: 'o-example', MasterAccountId: '123456789012', FeatureSet: 'ALL' },
      }),
      ListDelegatedAdministrators: deny(),
      ListAWSServiceAccessForOrganization: deny(),
    });
    const s3 = fakeClient({
      ...bucketsOk,
      GetBucketPolicyStatus: (i) => {
        if (i.Bucket === 'tpl-use1') throw awsError('AccessDenied', 403);
        return { PolicyStatus: { IsPublic: i.Bucket === 'awsconfigconforms-baseline' } };
      },
      GetPublicAccessBlock: (i) => ({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: i.Bucket !== 'tpl-euw1',
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    });
    const aws: PreflightAws = {
      sts: fakeClient({
        GetCallerIdentity: () => ({ Account: admin, Arn: `arn:aws:sts::${admin}:assumed-role/Deploy/s` }),
      }),
      organizations,
      s3: () => s3,
      configInAccount: () => Promise.reject(new Error('not used')),
    };
    const config = deployConfig({ deployingAccount: admin, role: 'delegated-administrator' });
    const findings = await runPreflight(inputFor(config, []), aws);
    expect(findings.map((f) => [f.checkId, f.severity])).toEqual([
      [id('preflight-unverified'), 'warning'], // ListDelegatedAdministrators
      [id('preflight-unverified'), 'warning'], // ListAWSServiceAccessForOrganization
      [id('preflight-unverified'), 'warning'], // GetBucketPolicyStatus of tpl-use1
      [id('preflight-bucket-public-access-block'), 'warning'],
      [id('preflight-bucket-public'), 'error'],
    ]);
    expect(findings[0]!.message).toContain('ListDelegatedAdministrators');
    expect(findings[1]!.message).toContain('ListAWSServiceAccessForOrganization');
    expect(findings[2]!.message).toContain('tpl-use1');
    expect(findings[3]!.message).toMatch(/tpl-euw1.*IgnorePublicAcls/);
    expect(findings[3]!.message).not.toMatch(/BlockPublicAcls/);
    expect(findings[4]!.pack).toBe('baseline');
    // Pages of 20 for the Organizations lists; ExpectedBucketOwner only on template buckets.
    expect(organizations.calls).toContain('ListDelegatedAdministrators');
  });

  it('passes MaxResults 20, pages on, and finds the caller on a later page', async () => {
    const admin = '222222222222';
    const seen: Array<Record<string, unknown>> = [];
    const organizations = fakeClient({
      DescribeOrganization: () => ({
        Organization: { Id: 'o-example', MasterAccountId: '123456789012', FeatureSet: 'ALL' },
      }),
      ListDelegatedAdministrators: (i) => {
        seen.push(i);
        // An empty first page that still carries a token, then the admin.
        return i.NextToken
          ? { DelegatedAdministrators: [{ Id: admin }] }
          : { DelegatedAdministrators: [], NextToken: 't1' };
      },
      ListAWSServiceAccessForOrganization: (i) =>
        i.NextToken
          ? { EnabledServicePrincipals: [{ ServicePrincipal: configMultiAccountSetupPrincipal }] }
          : { EnabledServicePrincipals: [{ ServicePrincipal: 'other.amazonaws.com' }], NextToken: 'p2' },
    });
    const s3Calls: Array<Record<string, unknown>> = [];
    const s3 = fakeClient(
      Object.fromEntries(
        Object.entries(bucketsOk).map(([k, h]) => [
          k,
          (i: Record<string, unknown>) => (s3Calls.push({ op: k, ...i }), h(i)),
        ]),
      ),
    );
    const findings = await runPreflight(
      inputFor(deployConfig({ deployingAccount: admin, role: 'delegated-administrator' }), []),
      {
        sts: fakeClient({ GetCallerIdentity: () => ({ Account: admin }) }),
        organizations,
        s3: () => s3,
        configInAccount: () => Promise.reject(new Error('not used')),
      },
    );
    expect(findings).toEqual([]);
    expect(seen).toEqual([
      { ServicePrincipal: configMultiAccountSetupPrincipal, MaxResults: 20, NextToken: undefined },
      { ServicePrincipal: configMultiAccountSetupPrincipal, MaxResults: 20, NextToken: 't1' },
    ]);
    for (const call of s3Calls) {
      if (call.Bucket === 'awsconfigconforms-baseline') expect(call.ExpectedBucketOwner).toBeUndefined();
      else expect(call.ExpectedBucketOwner).toBe(admin);
    }
  });

  it("PS535: a template bucket not owned by deployingAccount is an access error for its Region; a delivery bucket may be another account's", async () => {
    const management = '123456789012';
    const owners: Record<string, string> = {
      'tpl-use1': management,
      'tpl-euw1': '999999999999', // a same-named bucket in someone else's account
      'awsconfigconforms-baseline': '444455556666', // a log archive account
    };
    // S3 answers 403 when ExpectedBucketOwner is not the bucket's owner.
    const owned =
      (handler: Handler): Handler =>
      (i) => {
        if (i.ExpectedBucketOwner !== undefined && i.ExpectedBucketOwner !== owners[i.Bucket as string]) {
          throw awsError('AccessDenied', 403);
        }
        return handler(i);
      };
    const s3 = fakeClient(Object.fromEntries(Object.entries(bucketsOk).map(([k, h]) => [k, owned(h)])));
    const findings = await runPreflight(inputFor(deployConfig({ deployingAccount: management }), []), {
      sts: fakeClient({ GetCallerIdentity: () => ({ Account: management }) }),
      organizations: fakeClient({
        DescribeOrganization: () => ({
          Organization: { Id: 'o-example', MasterAccountId: management, FeatureSet: 'ALL' },
        }),
        ListDelegatedAdministrators: () => ({ DelegatedAdministrators: [] }),
        ListAWSServiceAccessForOrganization: () => ({
          EnabledServicePrincipals: [{ ServicePrincipal: configMultiAccountSetupPrincipal }],
        }),
      }),
      s3: () => s3,
      configInAccount: () => Promise.reject(new Error('not used')),
    });
    expect(findings).toEqual([
      {
        checkId: 'PS535',
        severity: 'error',
        region: 'eu-west-1',
        message:
          'template bucket tpl-euw1 (eu-west-1) cannot be read by the deploying credentials, or is not owned by ' +
          `${management} (GetBucketLocation was denied)`,
        fix: deployChecks['preflight-bucket-access'].fix,
      },
    ]);
    // Nothing more is asked of a bucket that is not deployingAccount's.
    expect(s3.calls.filter((c) => c === 'GetBucketLocation')).toHaveLength(3);
    expect(s3.calls.filter((c) => c === 'GetBucketPolicyStatus')).toHaveLength(2);
  });

  it('reports an unexpected failure of one call and still runs the other checks', async () => {
    const findings = await runPreflight(inputFor(deployConfig(), []), {
      sts: fakeClient({ GetCallerIdentity: () => Promise.reject(awsError('ExpiredToken', 400)) }),
      organizations: fakeClient({
        DescribeOrganization: () => ({
          Organization: {
            Id: 'o-example',
            MasterAccountId: '123456789012',
            FeatureSet: 'CONSOLIDATED_BILLING',
          },
        }),
        ListDelegatedAdministrators: () => ({ DelegatedAdministrators: [] }),
        ListAWSServiceAccessForOrganization: () => ({
          EnabledServicePrincipals: [{ ServicePrincipal: configMultiAccountSetupPrincipal }],
        }),
      }),
      s3: () => fakeClient(bucketsOk),
      configInAccount: () => Promise.reject(new Error('not used')),
    });
    expect(findings.map((f) => f.checkId)).toEqual([
      id('preflight-check-failed'),
      id('preflight-not-all-features'),
    ]);
    expect(findings[0]!.message).toContain('ExpiredToken');
  });
});

describe('remediation roles against the bootstrap stack set (fakes)', () => {
  const management = '123456789012';
  const base = (cloudformation: ReturnType<typeof fakeClient> | undefined): PreflightAws => ({
    sts: fakeClient({ GetCallerIdentity: () => ({ Account: management, Arn: 'arn:aws:iam::1:user/x' }) }),
    organizations: fakeClient({
      ListDelegatedAdministrators: () => ({ DelegatedAdministrators: [] }),
      ListAWSServiceAccessForOrganization: () => ({
        EnabledServicePrincipals: [{ ServicePrincipal: configMultiAccountSetupPrincipal }],
      }),
    }),
    s3: () => fakeClient({ ...bucketsOk }),
    configInAccount: () => Promise.reject(new Error('not used')),
    ...(cloudformation ? { cloudformation: () => cloudformation } : {}),
  });
  const accounts = [1, 2, 3].map((n) => account(n).id);
  const input = (): PreflightInput => ({
    ...inputFor(deployConfig({ deployingAccount: management }), [], fakeTree([])),
    remediationRoles: [{ name: 'Fixer', packs: ['baseline'], accounts }],
  });
  const roleTemplate = (name: string) =>
    JSON.stringify({ Resources: { R: { Type: 'AWS::IAM::Role', Properties: { RoleName: name } } } });
  const roleFindings = (findings: PreflightFinding[]) =>
    findings.filter((f) => f.checkId === id('preflight-remediation-role'));

  it('names the accounts without a CURRENT instance (first Region only), and nothing once all have one', async () => {
    const instances = [
      { Account: accounts[0], Region: 'us-east-1', Status: 'CURRENT' },
      { Account: accounts[1], Region: 'us-east-1', Status: 'OUTDATED' },
      { Account: accounts[2], Region: 'eu-west-1', Status: 'CURRENT' },
    ];
    const cf = fakeClient({
      DescribeStackSet: (i) => {
        expect(i).toMatchObject({ StackSetName: 'packsmith-bootstrap', CallAs: 'SELF' });
        return { StackSet: { Status: 'ACTIVE', TemplateBody: roleTemplate('Fixer') } };
      },
      ListStackInstances: () => ({ Summaries: instances }),
    });
    const found = roleFindings(await runPreflight(input(), base(cf)));
    expect(found).toEqual([
      expect.objectContaining({
        severity: 'warning',
        pack: 'baseline',
        accountIds: [accounts[1], accounts[2]],
        message: expect.stringContaining('remediation role Fixer of pack baseline is not verified'),
      }),
    ]);
    expect(found[0]!.message).toContain('2 of 3 target accounts');
    for (const i of instances) Object.assign(i, { Region: 'us-east-1', Status: 'CURRENT' });
    expect(roleFindings(await runPreflight(input(), base(cf)))).toEqual([]);
  });

  it('a bootstrap stack set that does not create the role, no stack set, a denied read: all "not verified"; no CloudFormation client: not checked', async () => {
    const other = fakeClient({
      DescribeStackSet: () => ({ StackSet: { Status: 'ACTIVE', TemplateBody: roleTemplate('Other') } }),
      ListStackInstances: () => ({
        Summaries: accounts.map((a) => ({ Account: a, Region: 'us-east-1', Status: 'CURRENT' })),
      }),
    });
    const [notCreated] = roleFindings(await runPreflight(input(), base(other)));
    expect(notCreated!.message).toContain('does not create it');
    expect(notCreated!.accountIds).toEqual(accounts);

    const none = fakeClient({ DescribeStackSet: deny('StackSetNotFoundException') });
    const [missing] = roleFindings(await runPreflight(input(), base(none)));
    expect(missing!.message).toContain('packsmith-bootstrap does not exist');

    const denied = fakeClient({ DescribeStackSet: deny() });
    const [unverifiable] = roleFindings(await runPreflight(input(), base(denied)));
    expect(unverifiable).toMatchObject({ severity: 'warning' });
    expect(unverifiable!.message).toMatch(/could not verify the remediation roles Fixer.*denied/);

    expect(roleFindings(await runPreflight(input(), base(undefined)))).toEqual([]);
  });
});

describe('recorder checks with many accounts (fakes)', () => {
  const count = aggregateAbove + 5;
  const accounts = Array.from({ length: count }, (_, i) => account(i + 1));
  const okOrg = () =>
    fakeClient({
      ListDelegatedAdministrators: () => ({ DelegatedAdministrators: [] }),
      ListAWSServiceAccessForOrganization: () => ({
        EnabledServicePrincipals: [{ ServicePrincipal: configMultiAccountSetupPrincipal }],
      }),
    });

  it('aggregates more than 20 accounts sharing a problem into one finding; its text names each shown account once', async () => {
    let inFlight = 0;
    let peak = 0;
    const noRecorder = fakeClient({
      DescribeConfigurationRecorders: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return { ConfigurationRecorders: [] };
      },
      DescribeConfigurationRecorderStatus: () => ({ ConfigurationRecordersStatus: [] }),
      DescribeDeliveryChannels: () => ({ DeliveryChannels: [{ name: 'default' }] }),
    });
    const findings = await runPreflight(
      {
        ...inputFor(
          deployConfig({ regions: ['us-east-1'], templateBuckets: { 'us-east-1': 'tpl-use1' } }),
          accounts,
          fakeTree(accounts),
        ),
        checkRecorders: { roleName: 'Check', concurrency: 4 },
      },
      {
        sts: fakeClient({ GetCallerIdentity: () => ({ Account: '123456789012' }) }),
        organizations: okOrg(),
        s3: () => fakeClient(bucketsOk),
        configInAccount: async () => noRecorder,
      },
    );
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f).toMatchObject({ checkId: id('preflight-no-recorder'), region: 'us-east-1' });
    expect(f!.accountId).toBeUndefined();
    expect(f!.accountIds).toEqual(accounts.map((a) => a.id));
    // The message counts them; the ids are listed once, by the formats (PS542 listed them twice).
    for (const a of accounts) expect(f!.message).not.toContain(a.id);
    expect(f!.message).toContain(`${count} accounts in us-east-1`);
    const text = formatFindings(findings, { paint: painter(false) } as Output);
    for (const a of accounts.slice(0, accountsShownInFinding)) expect(text.split(a.id)).toHaveLength(2);
    for (const a of accounts.slice(accountsShownInFinding)) expect(text).not.toContain(a.id);
    expect(text).toContain(`${count} accounts: `);
    expect(text).toContain(`… and ${count - accountsShownInFinding} more`);
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(1);
  });

  it('text names a problem shared by a few accounts once, with its accounts and Regions; JSON keeps one finding each', async () => {
    const six = accounts.slice(0, 6);
    const findings = await runPreflight(
      { ...inputFor(deployConfig(), six, fakeTree(six)), checkRecorders: { roleName: 'Check' } },
      {
        sts: fakeClient({ GetCallerIdentity: () => ({ Account: '123456789012' }) }),
        organizations: okOrg(),
        s3: () => fakeClient(bucketsOk),
        configInAccount: async () =>
          fakeClient({
            DescribeConfigurationRecorders: () => ({ ConfigurationRecorders: [] }),
            DescribeConfigurationRecorderStatus: () => ({ ConfigurationRecordersStatus: [] }),
            DescribeDeliveryChannels: () => ({ DeliveryChannels: [{ name: 'default' }] }),
          }),
      },
    );
    expect(findings.map((f) => [f.checkId, f.accountId, f.region])).toEqual(
      ['eu-west-1', 'us-east-1'].flatMap((region) =>
        six.map((a) => [id('preflight-no-recorder'), a.id, region]),
      ),
    );
    const text = formatFindings(findings, { paint: painter(false) } as Output);
    expect(text.split(id('preflight-no-recorder'))).toHaveLength(2);
    expect(text.split(deployChecks['preflight-no-recorder'].fix)).toHaveLength(2);
    expect(text).toContain(`6 accounts in eu-west-1, us-east-1: has no configuration recorder`);
    for (const a of six) expect(text.split(a.id)).toHaveLength(2);
  });

  it('reports a role that cannot be assumed once per account (naming the role), not once per Region', async () => {
    const few = accounts.slice(0, 3);
    const attempts: string[] = [];
    const findings = await runPreflight(
      {
        ...inputFor(deployConfig(), few, fakeTree(few)),
        checkRecorders: { roleName: 'PacksmithCheck', concurrency: 1 },
      },
      {
        sts: fakeClient({ GetCallerIdentity: () => ({ Account: '123456789012' }) }),
        organizations: okOrg(),
        s3: () => fakeClient(bucketsOk),
        configInAccount: async (accountId, region) => {
          attempts.push(`${accountId}/${region}`);
          throw awsError('AccessDenied', 403);
        },
      },
    );
    expect(findings.map((f) => [f.checkId, f.accountId])).toEqual(
      few.map((a) => [id('preflight-account-check-role'), a.id]),
    );
    for (const f of findings) expect(f.message).toContain('PacksmithCheck');
    // With one job at a time, a failed account is not tried again in its second Region.
    expect(attempts).toHaveLength(few.length);
  });
});

describe('policyGrantsOrgRead', () => {
  const arn = 'arn:aws:s3:::tpl/packsmith/packsmith-p/templates/abc.yaml';
  const policy = (...statements: unknown[]) =>
    JSON.stringify({ Version: '2012-10-17', Statement: statements });
  const grant = (over: Record<string, unknown> = {}) => ({
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: 'arn:aws:s3:::tpl/packsmith/*',
    Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } },
    ...over,
  });

  it('accepts the organization read in its usual forms', () => {
    expect(policyGrantsOrgRead(policy(grant()), 'o-1', arn)).toBe(true);
    expect(
      policyGrantsOrgRead(policy(grant({ Principal: { AWS: '*' }, Action: ['s3:Get*'] })), 'o-1', arn),
    ).toBe(true);
    expect(
      policyGrantsOrgRead(
        policy(
          grant({ Condition: { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-1/r-ab/*'] } } }),
        ),
        'o-1',
        arn,
      ),
    ).toBe(true);
    expect(
      policyGrantsOrgRead(policy(grant({ Resource: ['arn:aws:s3:::tpl/*'], Action: 's3:*' })), 'o-1', arn),
    ).toBe(true);
  });

  it('refuses what does not reach every account of the organization, or is something else', () => {
    expect(policyGrantsOrgRead(policy(grant()), 'o-2', arn)).toBe(false);
    expect(policyGrantsOrgRead(policy(grant({ Resource: 'arn:aws:s3:::tpl/other/*' })), 'o-1', arn)).toBe(
      false,
    );
    expect(policyGrantsOrgRead(policy(grant({ Action: 's3:PutObject' })), 'o-1', arn)).toBe(false);
    expect(
      policyGrantsOrgRead(policy(grant({ Principal: { AWS: 'arn:aws:iam::1:root' } })), 'o-1', arn),
    ).toBe(false);
    expect(policyGrantsOrgRead(policy(grant({ Effect: 'Deny' })), 'o-1', arn)).toBe(false);
    // Public (no condition) is PS533's business, not an organization grant.
    expect(policyGrantsOrgRead(policy(grant({ Condition: undefined })), 'o-1', arn)).toBe(false);
    // An extra condition the members may not meet.
    expect(
      policyGrantsOrgRead(
        policy(
          grant({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1', 'aws:SourceVpce': 'vpce-1' } } }),
        ),
        'o-1',
        arn,
      ),
    ).toBe(false);
    // A Deny for everyone wins.
    expect(
      policyGrantsOrgRead(
        policy(grant(), { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::tpl/*' }),
        'o-1',
        arn,
      ),
    ).toBe(false);
    expect(policyGrantsOrgRead('not json', 'o-1', arn)).toBe(false);
  });

  it('wildcardMatch: * and ? as IAM, in linear time on long inputs', () => {
    expect(wildcardMatch('a*b?d', 'aXXbcd')).toBe(true);
    expect(wildcardMatch('a*b?d', 'aXXbd')).toBe(false);
    expect(wildcardMatch('*', '')).toBe(true);
    const long = 'a'.repeat(20_000);
    const started = Date.now();
    expect(wildcardMatch(`${'*a'.repeat(50)}b`, long)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('recording groups and bucket Regions', () => {
  it('reads allSupported (global IAM types only when included), inclusion and exclusion', () => {
    const all = recordsType({ recordingGroup: { allSupported: true, includeGlobalResourceTypes: false } });
    expect([all('AWS::S3::Bucket'), all('AWS::IAM::Role')]).toEqual([true, false]);
    const allGlobal = recordsType({
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: true },
    });
    expect(allGlobal('AWS::IAM::Role')).toBe(true);
    const only = recordsType({
      recordingGroup: {
        allSupported: false,
        resourceTypes: ['AWS::EC2::Volume'],
        recordingStrategy: { useOnly: 'INCLUSION_BY_RESOURCE_TYPES' },
      },
    });
    expect([only('AWS::EC2::Volume'), only('AWS::S3::Bucket')]).toEqual([true, false]);
    const except = recordsType({
      recordingGroup: {
        allSupported: false,
        exclusionByResourceTypes: { resourceTypes: ['AWS::S3::Bucket'] },
        recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' },
      },
    });
    expect([except('AWS::S3::Bucket'), except('AWS::EC2::Volume'), except('AWS::IAM::Role')]).toEqual([
      false,
      true,
      true,
    ]);
  });

  it("maps GetBucketLocation's empty and legacy answers to Regions", () => {
    expect([
      bucketRegion(undefined),
      bucketRegion(null),
      bucketRegion(''),
      bucketRegion('EU'),
      bucketRegion('ap-south-2'),
    ]).toEqual(['us-east-1', 'us-east-1', 'us-east-1', 'eu-west-1', 'ap-south-2']);
  });
});
