/**
 * Deployment records and template staging: the pure parts (schema, trust rule, key layout) on
 * their own, the S3 parts against moto, and the whole loop (stage → Put → LastUpdateTime → record →
 * trust) against moto plus the Config emulator.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  DescribeOrganizationConformancePacksCommand,
  PutOrganizationConformancePackCommand,
  type ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import {
  deploymentRecordProblem,
  newDeploymentRecord,
  readDeploymentRecord,
  recordTrust,
  sha256Hex,
  stageTemplate,
  writeDeploymentRecord,
  type DeploymentRecord,
  type S3Sender,
} from '../../src/rollout/records.js';
import {
  deploymentRecordKey,
  historyKey,
  historyPrefix,
  lockKey,
  templateKey,
  templateS3Uri,
} from '../../src/rollout/s3-keys.js';
import { startConfigEmulator, type ConfigEmulator } from '../../src/sandbox/config-emulator/index.js';
import { packsmithVersion } from '../../src/util/version.js';
import {
  configClient,
  MOTO_DEFAULT_ACCOUNT_ID,
  motoSkipNote,
  motoStatus,
  s3Client,
  useMoto,
} from '../support/moto.js';

const owner = MOTO_DEFAULT_ACCOUNT_ID;
const bucket = 'packsmith-templates-eu-west-1';
const templateA =
  'Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}\n';
const templateB = templateA.replace('VERSIONING', 'LOGGING');

function sampleRecord(over: Partial<DeploymentRecord> = {}): DeploymentRecord {
  const sha = sha256Hex(templateA);
  return newDeploymentRecord(
    {
      pack: 'baseline',
      orgPackName: 'OrgBaseline',
      region: 'eu-west-1',
      operation: 'create',
      templateSha256: sha,
      templateKey: templateKey('OrgBaseline', sha),
      parameters: { MaxAge: '90' },
      excludedAccounts: ['222222222222'],
      deliveryBucket: 'awsconfigconforms-delivery',
      callerAccount: owner,
      packLastUpdateTime: '2026-01-01T10:00:00.400Z',
      ...over,
    },
    new Date('2026-01-01T10:00:05.000Z'),
  );
}

describe('s3 key layout', () => {
  it('puts every object of a pack under packsmith/<orgPackName>/', () => {
    const sha = sha256Hex('x');
    const keys = [
      templateKey('OrgBaseline', sha),
      deploymentRecordKey('OrgBaseline'),
      historyKey('OrgBaseline', '2026-01-01T10:00:00.000Z', 'update'),
      lockKey('OrgBaseline'),
    ];
    for (const key of keys) expect(key.startsWith('packsmith/OrgBaseline/')).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    expect(templateKey('OrgBaseline', sha)).toContain(sha);
    expect(
      historyKey('OrgBaseline', '2026-01-01T10:00:00.000Z', 'update').startsWith(
        historyPrefix('OrgBaseline'),
      ),
    ).toBe(true);
    expect(templateS3Uri('bkt', 'a/b.yaml')).toBe('s3://bkt/a/b.yaml');
  });

  it('history keys sort in time order', () => {
    const times = ['2026-01-02T00:00:00.000Z', '2025-12-31T23:59:59.999Z', '2026-01-01T12:00:00.000Z'];
    const keys = times.map((t) => historyKey('P', t, 'update'));
    expect([...keys].sort()).toEqual([...times].sort().map((t) => historyKey('P', t, 'update')));
  });

  it('refuses names and hashes that could escape the pack prefix', () => {
    expect(() => deploymentRecordKey('../other')).toThrow(/not an organization conformance pack name/);
    expect(() => lockKey('a/b')).toThrow();
    expect(() => lockKey('x'.repeat(129))).toThrow();
    expect(() => templateKey('P', '../../etc')).toThrow(/SHA-256/);
    expect(() => historyKey('P', 'yesterday', 'update')).toThrow(/ISO time/);
  });
});

describe('deployment record schema', () => {
  it('accepts a full record and fills version and time', () => {
    const record = sampleRecord();
    expect(deploymentRecordProblem(record)).toBeUndefined();
    expect(record.packsmithVersion).toBe(packsmithVersion());
    expect(record.writtenAt).toBe('2026-01-01T10:00:05.000Z');
    expect(record.schemaVersion).toBe(1);
  });

  it('accepts a delete record without template', () => {
    const record = sampleRecord({
      operation: 'delete',
      templateSha256: null,
      templateKey: null,
      parameters: {},
    });
    expect(deploymentRecordProblem(record)).toBeUndefined();
  });

  it('rejects anything about the identity beyond the account id', () => {
    const leaky = { ...sampleRecord(), callerArn: 'arn:aws:sts::123456789012:assumed-role/x/y' };
    expect(deploymentRecordProblem(leaky)).toMatch(/unknown field `callerArn`/);
    expect(
      deploymentRecordProblem({ ...sampleRecord(), callerAccount: 'arn:aws:iam::123456789012:root' }),
    ).toMatch(/callerAccount/);
  });

  it('rejects a template hash on a delete and a missing one on an update', () => {
    expect(deploymentRecordProblem(sampleRecord({ operation: 'delete' }))).toMatch(/delete record/);
    expect(deploymentRecordProblem(sampleRecord({ operation: 'update', templateSha256: null }))).toMatch(
      /update record needs/,
    );
  });

  it('reports a record from a newer packsmith as such', () => {
    const problem = deploymentRecordProblem({
      ...sampleRecord(),
      schemaVersion: 2,
      packsmithVersion: '9.0.0',
    });
    expect(problem).toMatch(/schemaVersion 2/);
    expect(problem).toContain('9.0.0');
    expect(problem).toMatch(/upgrade/);
  });

  it('rejects malformed values', () => {
    expect(deploymentRecordProblem(null)).toMatch(/not a JSON object/);
    expect(deploymentRecordProblem([])).toMatch(/not a JSON object/);
    expect(deploymentRecordProblem({ ...sampleRecord(), templateSha256: 'ABC' })).toMatch(/templateSha256/);
    expect(deploymentRecordProblem({ ...sampleRecord(), writtenAt: 'now' })).toMatch(/writtenAt/);
    expect(deploymentRecordProblem({ ...sampleRecord(), operation: 'upsert' })).toMatch(/operation/);
    expect(deploymentRecordProblem({ ...sampleRecord(), parameters: { A: 1 } })).toMatch(/parameters/);
  });
});

describe('recordTrust', () => {
  const saved = '2026-01-01T10:00:00.400Z';
  const record = sampleRecord({ packLastUpdateTime: saved });

  it('trusts the record when the pack time is the saved one', () => {
    const trust = recordTrust(record, new Date(saved));
    expect(trust.trusted).toBe(true);
  });

  it('compares at second precision: milliseconds within the same second do not matter', () => {
    expect(recordTrust(record, new Date('2026-01-01T10:00:00.000Z')).trusted).toBe(true);
    expect(recordTrust(record, new Date('2026-01-01T10:00:00.999Z')).trusted).toBe(true);
  });

  it('distrusts a pack changed in another second, either way, and says both times', () => {
    for (const other of [
      '2026-01-01T10:00:01.000Z',
      '2026-01-01T09:59:59.999Z',
      '2026-01-02T10:00:00.400Z',
    ]) {
      const trust = recordTrust(record, new Date(other));
      expect(trust.trusted, other).toBe(false);
      expect(trust.reason).toContain(other);
      expect(trust.reason).toContain(saved);
    }
  });

  it('distrusts a record without a saved time, a pack without one, and a delete record', () => {
    expect(recordTrust(sampleRecord({ packLastUpdateTime: null }), new Date(saved))).toMatchObject({
      trusted: false,
    });
    expect(recordTrust(record, undefined)).toMatchObject({ trusted: false });
    expect(recordTrust(record, new Date(Number.NaN))).toMatchObject({ trusted: false });
    const deleted = sampleRecord({ operation: 'delete', templateSha256: null, templateKey: null });
    expect(recordTrust(deleted, new Date(saved))).toMatchObject({
      trusted: false,
      reason: expect.stringMatching(/delete/),
    });
    expect(recordTrust(deleted, undefined).trusted).toBe(false);
  });
});

describe.skipIf(!motoStatus().available)(`against moto${motoSkipNote()}`, () => {
  const moto = useMoto();

  describe('records in S3', () => {
    let s3: S3Client;
    /** Every command sent through `s3` (to check ExpectedBucketOwner, which moto does not enforce). */
    let sent: { name: string; input: Record<string, unknown> }[];
    let recording: S3Sender;

    beforeAll(() => {
      s3 = s3Client({ endpoint: moto.endpoint });
    });
    afterAll(() => s3?.destroy());
    beforeEach(async () => {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      sent = [];
      recording = {
        send: ((command: { constructor: { name: string }; input: Record<string, unknown> }) => {
          sent.push({ name: command.constructor.name, input: command.input });
          return s3.send(command as never);
        }) as S3Sender['send'],
      };
    });

    const listKeys = async (prefix: string) =>
      ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map(
        (o) => o.Key,
      );
    const getText = async (key: string) => {
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return { text: await res.Body!.transformToString(), contentType: res.ContentType };
    };

    it('stages a template under its SHA-256 once: the second run uploads nothing', async () => {
      const first = await stageTemplate(recording, {
        bucket,
        owner,
        orgPackName: 'OrgBaseline',
        body: templateA,
      });
      const second = await stageTemplate(recording, {
        bucket,
        owner,
        orgPackName: 'OrgBaseline',
        body: templateA,
      });
      const expectedSha = createHash('sha256').update(Buffer.from(templateA, 'utf8')).digest('hex');
      expect(first).toMatchObject({ sha256: expectedSha, uploaded: true });
      expect(second).toEqual({ ...first, uploaded: false });
      expect(first.uri).toBe(`s3://${bucket}/${first.key}`);
      expect(sent.filter((c) => c.name === PutObjectCommand.name)).toHaveLength(1);
      expect(await listKeys('packsmith/OrgBaseline/templates/')).toEqual([first.key]);
      expect((await getText(first.key)).text).toBe(templateA);

      const other = await stageTemplate(recording, {
        bucket,
        owner,
        orgPackName: 'OrgBaseline',
        body: templateB,
      });
      expect(other.uploaded).toBe(true);
      expect(other.key).not.toBe(first.key);
      expect(await listKeys('packsmith/OrgBaseline/templates/')).toHaveLength(2);
    });

    it('stages the same content concurrently with exactly one upload', async () => {
      const results = await Promise.all(
        Array.from({ length: 4 }, () =>
          stageTemplate(s3, { bucket, owner, orgPackName: 'OrgRace', body: templateA }),
        ),
      );
      expect(results.filter((r) => r.uploaded)).toHaveLength(1);
      expect(new Set(results.map((r) => r.key)).size).toBe(1);
    });

    it('refuses a template over the TemplateS3Uri size limit without uploading', async () => {
      const body = `# ${'x'.repeat(310 * 1024)}\n`;
      await expect(stageTemplate(recording, { bucket, owner, orgPackName: 'OrgBig', body })).rejects.toThrow(
        /limit/,
      );
      expect(sent).toHaveLength(0);
    });

    it('writes a record to history and as current, and reads it back unchanged', async () => {
      const record = sampleRecord();
      const written = await writeDeploymentRecord(recording, { bucket, owner, record });
      expect(written.key).toBe(deploymentRecordKey('OrgBaseline'));
      expect(await listKeys(historyPrefix('OrgBaseline'))).toEqual([written.historyKey]);
      const current = await getText(written.key);
      const history = await getText(written.historyKey);
      expect(current.contentType).toBe('application/json');
      expect(history.text).toBe(current.text);
      expect(current.text).toContain('\n  "orgPackName": "OrgBaseline",\n'); // pretty printed
      expect(await readDeploymentRecord(recording, { bucket, owner, orgPackName: 'OrgBaseline' })).toEqual({
        record,
      });
      // Every call named the bucket owner.
      expect(sent.length).toBeGreaterThanOrEqual(3);
      for (const c of sent) expect(c.input.ExpectedBucketOwner, c.name).toBe(owner);
    });

    it('keeps every record in history while the current one moves on', async () => {
      const first = sampleRecord();
      const second = newDeploymentRecord(
        { ...first, operation: 'update', packLastUpdateTime: '2026-01-02T00:00:00.000Z' },
        new Date('2026-01-02T00:00:03.000Z'),
      );
      await writeDeploymentRecord(s3, { bucket, owner, record: first });
      await writeDeploymentRecord(s3, { bucket, owner, record: second });
      expect(await listKeys(historyPrefix('OrgBaseline'))).toHaveLength(2);
      expect((await readDeploymentRecord(s3, { bucket, owner, orgPackName: 'OrgBaseline' })).record).toEqual(
        second,
      );
    });

    it('accepts writing the same record twice but never overwrites a different one in history', async () => {
      const record = sampleRecord();
      await writeDeploymentRecord(s3, { bucket, owner, record });
      await writeDeploymentRecord(s3, { bucket, owner, record });
      const forged = { ...record, parameters: { MaxAge: '1' } };
      await expect(writeDeploymentRecord(s3, { bucket, owner, record: forged })).rejects.toThrow(
        /already exists/,
      );
      const history = JSON.parse(
        (await getText(historyKey('OrgBaseline', record.writtenAt, 'create'))).text,
      ) as DeploymentRecord;
      expect(history.parameters).toEqual({ MaxAge: '90' });
    });

    it('refuses to write an invalid record, and writes nothing', async () => {
      const bad = { ...sampleRecord(), secretAccessKey: 'x' } as DeploymentRecord;
      await expect(writeDeploymentRecord(s3, { bucket, owner, record: bad })).rejects.toThrow(
        /invalid deployment record/,
      );
      expect(await listKeys('packsmith/')).toEqual([]);
    });

    it('reads no record when there is none', async () => {
      expect(await readDeploymentRecord(s3, { bucket, owner, orgPackName: 'OrgNever' })).toEqual({});
    });

    it('reports malformed, newer and misplaced records as problems instead of throwing', async () => {
      const put = (Body: string) =>
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: deploymentRecordKey('OrgBaseline'), Body }));
      const read = () => readDeploymentRecord(s3, { bucket, owner, orgPackName: 'OrgBaseline' });

      await put('{"schemaVersion": 1, "pack": ');
      let got = await read();
      expect(got.record).toBeUndefined();
      expect(got.problem).toMatch(/not JSON/);

      await put(JSON.stringify({ ...sampleRecord(), excludedAccounts: 'all' }));
      got = await read();
      expect(got.record).toBeUndefined();
      expect(got.problem).toMatch(/untrusted.*excludedAccounts/);

      await put(JSON.stringify({ ...sampleRecord(), schemaVersion: 7 }));
      expect((await read()).problem).toMatch(/schemaVersion 7/);

      await put(JSON.stringify(sampleRecord({ orgPackName: 'OrgOther' })));
      got = await read();
      expect(got.record).toBeUndefined();
      expect(got.problem).toMatch(/OrgOther/);
    });

    it('lets a missing bucket fail loudly rather than read as "no record"', async () => {
      await expect(
        readDeploymentRecord(s3, { bucket: 'no-such-bucket-here', owner, orgPackName: 'P' }),
      ).rejects.toThrow();
    });

    it('passes ExpectedBucketOwner on the existence check too', async () => {
      await stageTemplate(recording, {
        bucket,
        owner: '111122223333',
        orgPackName: 'OrgBaseline',
        body: templateA,
      });
      // The existence check reads the object to verify its hash (GetObject, not HeadObject).
      const check = sent.find((c) => c.name === GetObjectCommand.name);
      expect(check?.input.ExpectedBucketOwner).toBe('111122223333');
    });
  });

  describe('record trust through a real Put (Config emulator)', () => {
    let s3: S3Client;
    let emu: ConfigEmulator;
    let config: ConfigServiceClient;

    beforeAll(async () => {
      s3 = s3Client({ endpoint: moto.endpoint });
      emu = await startConfigEmulator({
        accounts: async () => [{ id: '111111111111', status: 'ACTIVE' }],
        clock: 'manual',
        // A sub-second start: LastUpdateTime travels as fractional epoch seconds.
        startTime: Date.parse('2026-03-01T08:00:00.321Z'),
        readTemplate: async (uri) => {
          const [, b, ...key] = uri.replace('s3://', '/').split('/');
          const res = await s3.send(new GetObjectCommand({ Bucket: b, Key: key.join('/') }));
          return res.Body!.transformToString();
        },
      });
      config = configClient({ endpoint: emu.endpoint, region: 'eu-west-1' });
    });
    afterAll(async () => {
      config?.destroy();
      s3?.destroy();
      await emu?.close();
    });
    beforeEach(async () => {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    });

    const putAndDescribe = async (uri: string): Promise<Date | undefined> => {
      await config.send(
        new PutOrganizationConformancePackCommand({
          OrganizationConformancePackName: 'OrgBaseline',
          TemplateS3Uri: uri,
        }),
      );
      emu.tick?.(5_000);
      const described = await config.send(
        new DescribeOrganizationConformancePacksCommand({
          OrganizationConformancePackNames: ['OrgBaseline'],
        }),
      );
      return described.OrganizationConformancePacks?.[0]?.LastUpdateTime;
    };

    it('trusts the record after packsmith’s own Put and distrusts it after anyone else’s', async () => {
      const staged = await stageTemplate(s3, { bucket, owner, orgPackName: 'OrgBaseline', body: templateA });
      const time = await putAndDescribe(staged.uri);
      expect(time).toBeInstanceOf(Date);
      const record = sampleRecord({ packLastUpdateTime: time!.toISOString(), templateKey: staged.key });
      await writeDeploymentRecord(s3, { bucket, owner, record });

      // plan on a fresh runner: read the record back and compare with a fresh Describe.
      const { record: read } = await readDeploymentRecord(s3, { bucket, owner, orgPackName: 'OrgBaseline' });
      const described = await config.send(
        new DescribeOrganizationConformancePacksCommand({
          OrganizationConformancePackNames: ['OrgBaseline'],
        }),
      );
      expect(recordTrust(read!, described.OrganizationConformancePacks?.[0]?.LastUpdateTime).trusted).toBe(
        true,
      );

      // Someone else updates the pack (another template): the record no longer describes it.
      const other = await stageTemplate(s3, { bucket, owner, orgPackName: 'OrgBaseline', body: templateB });
      const later = await putAndDescribe(other.uri);
      const trust = recordTrust(read!, later);
      expect(trust.trusted).toBe(false);
      expect(trust.reason).toContain(later!.toISOString());
    });
  });
});
