/**
 * createAws against a real moto_server: endpoints (the override and the SDK's per-service
 * variables), the onAwsCall observer, assumed roles (per account, shared by every Region) and the
 * caller identity asked once. moto scopes calls made with AssumeRole credentials to the role's
 * account, so GetCallerIdentity tells whose credentials a client really uses.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { DescribeConfigurationRecordersCommand } from '@aws-sdk/client-config-service';
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { createAws, onAwsCall, type Aws, type AwsCall, type AwsSettings } from '../../src/aws/clients.js';
import {
  FAKE_CREDENTIALS,
  MOTO_DEFAULT_ACCOUNT_ID,
  motoSkipNote,
  motoStatus,
  useMoto,
} from '../support/moto.js';

const OTHER_ACCOUNT = '210987654321';
const THIRD_ACCOUNT = '345678901234';

describe.skipIf(!motoStatus().available)(`createAws against moto${motoSkipNote()}`, () => {
  const moto = useMoto();
  const made: Aws[] = [];
  const stops: Array<() => void> = [];
  const savedEnv = new Map<string, string | undefined>();

  const aws = (settings: Partial<AwsSettings> = {}): Aws => {
    const a = createAws({ defaultRegion: 'us-east-1', maxAttempts: 1, ...settings });
    made.push(a);
    return a;
  };
  const record = (): AwsCall[] => {
    const calls: AwsCall[] = [];
    stops.push(onAwsCall((c) => calls.push(c)));
    return calls;
  };
  const setEnv = (name: string, value: string) => {
    if (!savedEnv.has(name)) savedEnv.set(name, process.env[name]);
    process.env[name] = value;
  };

  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
    for (const a of made.splice(0)) a.destroy();
    for (const [name, value] of savedEnv) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    savedEnv.clear();
  });

  /** Creates a bucket in `region`, puts an object and reads it back through `a`. */
  async function roundTrip(a: Aws, region: string, bucket: string): Promise<string> {
    const s3 = a.s3(region);
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'packsmith/x.yaml', Body: 'hello' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'packsmith/x.yaml' }));
    return (await got.Body?.transformToString()) ?? '';
  }

  it('endpointUrl routes every service to it, S3 path-style', async () => {
    const a = aws({ endpointUrl: moto.endpoint });
    // A dotted bucket name only works path-style against a local endpoint.
    expect(await roundTrip(a, 'eu-west-1', 'packsmith.templates.eu')).toBe('hello');
    const who = await a.sts('eu-west-1').send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe(MOTO_DEFAULT_ACCOUNT_ID);
    const recorders = await a.config('eu-west-1').send(new DescribeConfigurationRecordersCommand({}));
    expect(recorders.ConfigurationRecorders).toEqual([]);
    // moto answers (no organization yet): the request reached it, not AWS.
    await expect(a.organizations().send(new DescribeOrganizationCommand({}))).rejects.toMatchObject({
      name: 'AWSOrganizationsNotInUseException',
    });
  });

  it('honours AWS_ENDPOINT_URL_<SERVICE> without endpointUrl', async () => {
    setEnv('AWS_ENDPOINT_URL_S3', moto.endpoint);
    setEnv('AWS_ENDPOINT_URL_STS', moto.endpoint);
    setEnv('AWS_ENDPOINT_URL_CONFIG_SERVICE', moto.endpoint);
    const a = aws();
    expect(a.settings.endpointUrl).toBeUndefined();
    expect(await roundTrip(a, 'us-east-1', 'packsmith-env-templates')).toBe('hello');
    expect((await a.callerIdentity()).account).toBe(MOTO_DEFAULT_ACCOUNT_ID);
    const recorders = await a.config('us-east-1').send(new DescribeConfigurationRecordersCommand({}));
    expect(recorders.ConfigurationRecorders).toEqual([]);
  });

  it('reports each call with service, operation, IAM action, Region and identity, and no secret', async () => {
    const calls = record();
    const a = aws({ endpointUrl: moto.endpoint });
    await a.sts('eu-central-1').send(new GetCallerIdentityCommand({}));
    await expect(
      a.s3('eu-west-1').send(new GetObjectCommand({ Bucket: 'packsmith-missing', Key: 'k' })),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
    expect(calls.map(({ durationMs, ...rest }) => ({ ...rest, timed: durationMs >= 0 }))).toEqual([
      {
        service: 'sts',
        operation: 'GetCallerIdentity',
        iamAction: 'sts:GetCallerIdentity',
        region: 'eu-central-1',
        identity: 'deployer',
        timed: true,
      },
      {
        service: 's3',
        operation: 'GetObject',
        iamAction: 's3:GetObject',
        region: 'eu-west-1',
        identity: 'deployer',
        error: 'NoSuchBucket',
        timed: true,
      },
    ]);
    const text = JSON.stringify(calls);
    expect(text).not.toContain(FAKE_CREDENTIALS.secretAccessKey);
    expect(text).not.toContain(FAKE_CREDENTIALS.accessKeyId);
    // Unsubscribed listeners hear nothing more.
    stops.splice(0).forEach((stop) => stop());
    await a.sts('eu-central-1').send(new GetCallerIdentityCommand({}));
    expect(calls).toHaveLength(2);
  });

  it('inAccount assumes the role once per account, shared by every Region, as account-check', async () => {
    const calls = record();
    const a = aws({ endpointUrl: moto.endpoint });
    const other = a.inAccount(OTHER_ACCOUNT, 'PacksmithRecorderCheck');
    expect(a.inAccount(OTHER_ACCOUNT, 'PacksmithRecorderCheck')).toBe(other);
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) {
      await other.config(region).send(new DescribeConfigurationRecordersCommand({}));
    }
    const who = await other.sts('eu-west-1').send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe(OTHER_ACCOUNT);
    expect(who.Arn).toContain('PacksmithRecorderCheck');
    const assumes = () => calls.filter((c) => c.operation === 'AssumeRole');
    expect(assumes()).toHaveLength(1);
    // The AssumeRole is the deployer's call; what the role then does is the account check's.
    expect(assumes()[0]?.identity).toBe('deployer');
    const checked = calls.filter((c) => c.operation !== 'AssumeRole');
    expect(checked).toHaveLength(4);
    expect(new Set(checked.map((c) => c.identity))).toEqual(new Set(['account-check']));
    expect(checked.map((c) => c.region)).toEqual(['us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-west-1']);

    // Another account: its own AssumeRole; the deployer itself is still the default account.
    const third = a.inAccount(THIRD_ACCOUNT, 'PacksmithRecorderCheck');
    expect((await third.sts().send(new GetCallerIdentityCommand({}))).Account).toBe(THIRD_ACCOUNT);
    expect(assumes()).toHaveLength(2);
    expect((await a.sts().send(new GetCallerIdentityCommand({}))).Account).toBe(MOTO_DEFAULT_ACCOUNT_ID);
    expect(JSON.stringify(calls)).not.toContain(FAKE_CREDENTIALS.secretAccessKey);
  });

  it('asks for the caller identity once', async () => {
    const calls = record();
    const a = aws({ endpointUrl: moto.endpoint });
    const [one, two] = await Promise.all([a.callerIdentity(), a.callerIdentity()]);
    const three = await a.callerIdentity();
    expect(one.account).toBe(MOTO_DEFAULT_ACCOUNT_ID);
    expect(one.arn).toMatch(/^arn:aws:(iam|sts)::123456789012:/);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    expect(calls.filter((c) => c.operation === 'GetCallerIdentity')).toHaveLength(1);
  });

  it(
    'with assumeRole every client acts as the role, which is assumed once',
    { timeout: 20_000 },
    async () => {
      const calls = record();
      const roleArn = `arn:aws:iam::${OTHER_ACCOUNT}:role/PacksmithDeployer`;
      const a = aws({ endpointUrl: moto.endpoint, assumeRole: { roleArn, sessionName: 'packsmith-test' } });
      const identity = await a.callerIdentity();
      expect(identity.account).toBe(OTHER_ACCOUNT);
      expect(identity.arn).toContain('PacksmithDeployer/packsmith-test');
      // S3 and Config act in the role's account too: a bucket created through them is the role account's.
      expect(await roundTrip(a, 'eu-west-1', 'packsmith-role-templates')).toBe('hello');
      await a.config('eu-west-1').send(new DescribeConfigurationRecordersCommand({}));
      expect(calls.filter((c) => c.operation === 'AssumeRole')).toHaveLength(1);
      // The bucket is listed in the role's account, not in the default one.
      const listed = async (x: Aws) =>
        ((await x.s3('us-east-1').send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name);
      expect(await listed(a)).toContain('packsmith-role-templates');
      expect(await listed(aws({ endpointUrl: moto.endpoint }))).not.toContain('packsmith-role-templates');
    },
  );
});
