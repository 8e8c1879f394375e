/**
 * Deployment records and template staging in a Region's template bucket.
 *
 * AWS cannot return the template an organization conformance pack was deployed with (fact sheet
 * §2.2: "keep a template hash yourself"), so after every Put or Delete packsmith writes a record of
 * what it deployed next to the staged template. `plan`, maybe on a fresh CI runner, trusts that
 * record only while the pack's `LastUpdateTime` still equals the one saved in it (recordTrust):
 * any later change by anyone else makes the record stale.
 *
 * Every call passes `ExpectedBucketOwner` (the deploying account): a bucket name that now belongs
 * to someone else must not receive our templates or hand us forged records.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { accountIdPattern, limits, packNamePattern } from '../facts/limits.js';
import { regionPattern } from '../org/deploy-config.js';
import { literalUnion } from '../util/typebox.js';
import { packsmithVersion } from '../util/version.js';
import {
  deploymentRecordKey,
  historyKey,
  isConditionFailed,
  isMissingObject,
  templateKey,
  templateS3Uri,
} from './s3-keys.js';

export type S3Sender = Pick<S3Client, 'send'>;

/** The record format this packsmith writes and reads; a newer one is reported, never guessed at. */
export const deploymentRecordSchemaVersion = 1;

export const deploymentOperations = ['create', 'update', 'delete'] as const;
export type DeploymentOperation = (typeof deploymentOperations)[number];

/** `Date.prototype.toISOString()` form, always UTC. */
const isoTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const IsoTime = Type.String({ pattern: isoTimePattern.source });

/** running: a wave's put was accepted; stopped: a wave failed beyond its tolerance; done: every wave finished. */
export const rolloutStates = ['running', 'stopped', 'done', 'rolled-back'] as const;
export type RolloutState = (typeof rolloutStates)[number];

export const DeploymentRecordSchema = Type.Object(
  {
    schemaVersion: Type.Literal(deploymentRecordSchemaVersion),
    /** The packsmith pack name (packs/<pack>.yaml). */
    pack: Type.String({ minLength: 1 }),
    orgPackName: Type.String({ pattern: packNamePattern.source, maxLength: limits.orgPackNameLength }),
    region: Type.String({ pattern: regionPattern.source }),
    operation: literalUnion(deploymentOperations),
    /** SHA-256 of the template's UTF-8 bytes; null for a delete. */
    templateSha256: Type.Union([Type.String({ pattern: '^[0-9a-f]{64}$' }), Type.Null()]),
    /** Key of the staged template in the same bucket; null for a delete. */
    templateKey: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
    parameters: Type.Record(
      Type.String({ minLength: 1, maxLength: limits.inputParameterNameLength }),
      Type.String({ maxLength: limits.inputParameterValueLength }),
      { maxProperties: limits.inputParameters },
    ),
    excludedAccounts: Type.Array(Type.String({ pattern: accountIdPattern.source }), {
      maxItems: limits.excludedAccounts,
    }),
    deliveryBucket: Type.Optional(Type.String({ minLength: 1 })),
    deliveryKeyPrefix: Type.Optional(Type.String()),
    /**
     * Rules this put's template omits because AWS does not document their managed rule in the
     * Region (`unavailableRules: exclude`), with the controls they evaluate elsewhere: those controls
     * are not evaluated here. Computed once in the desired state and carried as planned; absent when
     * nothing was left out (so records without exclusions stay readable by earlier packsmith).
     */
    unavailableRules: Type.Optional(
      Type.Array(
        Type.Object(
          {
            rule: Type.String({ minLength: 1 }),
            identifier: Type.String({ minLength: 1 }),
            controls: Type.Array(Type.String()),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: limits.resourcesPerPack },
      ),
    ),
    /** The deploying account, and deliberately nothing else about the identity (no ARN, no keys). */
    callerAccount: Type.String({ pattern: accountIdPattern.source }),
    packsmithVersion: Type.String({ minLength: 1 }),
    writtenAt: IsoTime,
    /** The pack's LastUpdateTime read after the Put; null when it could not be read (or a delete). */
    packLastUpdateTime: Type.Union([IsoTime, Type.Null()]),
    /**
     * Set, with `packLastUpdateTime` null, when AWS accepted the put but Describe did not show it
     * within the bounded wait (eventual consistency): the local time of the put. `plan` then
     * verifies the record against what AWS reports instead of calling the pack changed outside.
     */
    unconfirmedPutAt: Type.Optional(IsoTime),
    /** A rollout in waves: which wave this put was, and how the rollout stands (for plan and --resume). */
    rollout: Type.Optional(
      Type.Object(
        {
          id: Type.String({ pattern: '^[0-9a-z-]{1,64}$' }),
          wave: Type.String({ minLength: 1, maxLength: 64 }),
          waveIndex: Type.Integer({ minimum: 0 }),
          waves: Type.Integer({ minimum: 1 }),
          state: literalUnion(rolloutStates),
          /** Failed accounts of the wave that stopped the rollout. */
          failedAccounts: Type.Optional(Type.Array(Type.String({ pattern: accountIdPattern.source }))),
        },
        { additionalProperties: false },
      ),
    ),
  },
  // Closed: a record can never carry more than this, credentials included.
  { additionalProperties: false },
);
export type DeploymentRecord = Static<typeof DeploymentRecordSchema>;

let compiled: ValidateFunction | undefined;
const validator = (): ValidateFunction =>
  (compiled ??= new Ajv({ allErrors: true, strict: false }).compile(DeploymentRecordSchema));

/** What is wrong with `value` as a deployment record, or undefined when nothing is. */
export function deploymentRecordProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'it is not a JSON object';
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version === 'number' && version > deploymentRecordSchemaVersion) {
    const writer = (value as { packsmithVersion?: unknown }).packsmithVersion;
    return (
      `it has schemaVersion ${version}${typeof writer === 'string' ? ` (written by packsmith ${writer})` : ''}; ` +
      `packsmith ${packsmithVersion()} reads schemaVersion ${deploymentRecordSchemaVersion}: upgrade packsmith`
    );
  }
  const validate = validator();
  if (!validate(value)) return schemaMessage(validate.errors ?? []);
  const record = value as DeploymentRecord;
  for (const field of ['writtenAt', 'packLastUpdateTime'] as const) {
    const time = record[field];
    if (time !== null && Number.isNaN(Date.parse(time))) return `\`${field}\` is not a valid time: ${time}`;
  }
  const isDelete = record.operation === 'delete';
  if (isDelete !== (record.templateSha256 === null) || isDelete !== (record.templateKey === null)) {
    return isDelete
      ? 'a delete record must have null `templateSha256` and `templateKey`'
      : `a${record.operation === 'update' ? 'n' : ''} ${record.operation} record needs \`templateSha256\` and \`templateKey\``;
  }
  return undefined;
}

function schemaMessage(errors: ErrorObject[]): string {
  const parts = errors
    // A nullable field that is neither shows up three times (each branch, then anyOf): keep anyOf.
    .filter((e) => !errors.some((u) => u.keyword === 'anyOf' && e.schemaPath.startsWith(`${u.schemaPath}/`)))
    .slice(0, 3)
    .map((e) => {
      const where = e.instancePath ? `\`${e.instancePath.slice(1).replaceAll('/', '.')}\`` : 'the record';
      const p = e.params as Record<string, unknown>;
      if (e.keyword === 'additionalProperties')
        return `${where} has an unknown field \`${String(p.additionalProperty)}\``;
      if (e.keyword === 'required') return `${where} lacks \`${String(p.missingProperty)}\``;
      return `${where} ${e.message ?? 'is invalid'}`;
    });
  return `it does not match the deployment record schema: ${parts.join('; ')}`;
}

/** The parts of a record that packsmith fills in itself. */
export function newDeploymentRecord(
  fields: Omit<DeploymentRecord, 'schemaVersion' | 'packsmithVersion' | 'writtenAt'>,
  now: Date = new Date(),
): DeploymentRecord {
  return {
    schemaVersion: deploymentRecordSchemaVersion,
    ...fields,
    packsmithVersion: packsmithVersion(),
    writtenAt: now.toISOString(),
  };
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Template staging

export interface StageTemplateInput {
  bucket: string;
  /** The account that must own the bucket (the deploying account). */
  owner: string;
  orgPackName: string;
  body: string;
}

export interface StagedTemplate {
  key: string;
  sha256: string;
  /** `s3://bucket/key`, for TemplateS3Uri. */
  uri: string;
  /** False when the same content was already staged: re-running a deploy uploads nothing. */
  uploaded: boolean;
  /** An object under the key did not match its hash (changed in the bucket) and was replaced. */
  replaced: boolean;
}

/**
 * Uploads `body` under its SHA-256 unless that object is already there with that content. An
 * object found under the key whose content does not hash to its name (changed in the bucket by
 * someone else) is never trusted: it is replaced, and `replaced` says so.
 */
export async function stageTemplate(s3: S3Sender, input: StageTemplateInput): Promise<StagedTemplate> {
  const { bucket, owner, orgPackName, body } = input;
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > limits.templateS3Bytes) {
    throw new Error(
      `template of ${bytes} bytes is over the ${limits.templateS3Bytes}-byte TemplateS3Uri limit`,
    );
  }
  const sha256 = sha256Hex(body);
  const key = templateKey(orgPackName, sha256);
  const staged = { key, sha256, uri: templateS3Uri(bucket, key), replaced: false };
  const found = await stagedTemplateState(s3, { bucket, owner, key, sha256 });
  if (found === 'matches') return { ...staged, uploaded: false };
  const put = (conditional: boolean) =>
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: 'application/yaml',
        ExpectedBucketOwner: owner,
        ...(conditional ? { IfNoneMatch: '*' } : {}),
      }),
    );
  if (found === 'mismatch') {
    await put(false);
    return { ...staged, uploaded: true, replaced: true };
  }
  try {
    // If-None-Match: a concurrent stager of the same content wins the race harmlessly...
    await put(true);
    return { ...staged, uploaded: true };
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
  // ...once what it staged is verified like any object found there.
  if ((await stagedTemplateState(s3, { bucket, owner, key, sha256 })) === 'matches')
    return { ...staged, uploaded: false };
  await put(false);
  return { ...staged, uploaded: true, replaced: true };
}

/**
 * Whether the staged template at `key` is there and its content hashes to `sha256`. Read whole
 * (GetObject), but never more than a deployable template: a larger object cannot match.
 */
export async function stagedTemplateState(
  s3: S3Sender,
  input: { bucket: string; owner: string; key: string; sha256: string },
): Promise<'missing' | 'matches' | 'mismatch'> {
  return (await readStagedTemplate(s3, input)).state;
}

/** The staged template at `key` and its state; the text only when it hashes to `sha256` (verified before use). */
export async function readStagedTemplate(
  s3: S3Sender,
  input: { bucket: string; owner: string; key: string; sha256: string },
): Promise<{ state: 'missing' | 'matches' | 'mismatch'; text?: string }> {
  let res;
  try {
    res = await s3.send(
      new GetObjectCommand({ Bucket: input.bucket, Key: input.key, ExpectedBucketOwner: input.owner }),
    );
  } catch (error) {
    if (isMissingObject(error)) return { state: 'missing' };
    throw error;
  }
  if ((res.ContentLength ?? 0) > limits.templateS3Bytes) {
    (res.Body as { destroy?: () => void } | undefined)?.destroy?.();
    return { state: 'mismatch' };
  }
  const bytes = (await res.Body?.transformToByteArray()) ?? new Uint8Array();
  if (bytes.byteLength > limits.templateS3Bytes) return { state: 'mismatch' };
  if (createHash('sha256').update(bytes).digest('hex') !== input.sha256) return { state: 'mismatch' };
  return { state: 'matches', text: Buffer.from(bytes).toString('utf8') };
}

// ---------------------------------------------------------------------------------------------
// Records

export interface WriteRecordInput {
  bucket: string;
  owner: string;
  record: DeploymentRecord;
}

/**
 * Writes the record to the pack's history, then as its current record. History first: a crash in
 * between leaves the old current record, whose LastUpdateTime no longer matches, so it is
 * distrusted rather than wrong. A history object is never overwritten (If-None-Match); writing the
 * very same record again is accepted, so a retried write is harmless.
 */
export async function writeDeploymentRecord(
  s3: S3Sender,
  input: WriteRecordInput,
): Promise<{ key: string; historyKey: string }> {
  const { bucket, owner, record } = input;
  const problem = deploymentRecordProblem(record);
  if (problem) throw new Error(`refusing to write an invalid deployment record: ${problem}`);
  const body = `${JSON.stringify(record, null, 2)}\n`;
  const history = historyKey(record.orgPackName, record.writtenAt, record.operation);
  const put = (Key: string, conditional: boolean) =>
    s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key,
        Body: body,
        ContentType: 'application/json',
        ExpectedBucketOwner: owner,
        ...(conditional ? { IfNoneMatch: '*' } : {}),
      }),
    );
  try {
    await put(history, true);
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    const existing = await getText(s3, bucket, history, owner);
    if (existing !== body) throw new Error(`a different deployment record already exists at ${history}`);
  }
  const key = deploymentRecordKey(record.orgPackName);
  await put(key, false);
  return { key, historyKey: history };
}

export interface ReadRecordInput {
  bucket: string;
  owner: string;
  orgPackName: string;
}

/**
 * The pack's current record. No object: neither field (never deployed by packsmith, or from
 * another bucket). An unreadable, invalid or newer record: `problem` says why it cannot be used.
 */
export async function readDeploymentRecord(
  s3: S3Sender,
  input: ReadRecordInput,
): Promise<{ record?: DeploymentRecord; problem?: string }> {
  const key = deploymentRecordKey(input.orgPackName);
  const text = await getText(s3, input.bucket, key, input.owner);
  if (text === undefined) return {};
  const where = `s3://${input.bucket}/${key}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `deployment record ${where} is not JSON (${(error as Error).message})` };
  }
  const problem = deploymentRecordProblem(value);
  if (problem) return { problem: `deployment record ${where} is untrusted: ${problem}` };
  const record = value as DeploymentRecord;
  if (record.orgPackName !== input.orgPackName) {
    return {
      problem: `deployment record ${where} is untrusted: it is for pack ${record.orgPackName}, not ${input.orgPackName}`,
    };
  }
  return { record };
}

/**
 * The rules the current deployment of the pack in the Region left out because AWS does not
 * document them there, as its record says; none without a record, with an unusable one, or after a
 * delete.
 */
export async function recordedUnavailableRules(
  s3: S3Sender,
  input: ReadRecordInput,
): Promise<NonNullable<DeploymentRecord['unavailableRules']>> {
  const { record } = await readDeploymentRecord(s3, input);
  if (!record || record.operation === 'delete') return [];
  return record.unavailableRules ?? [];
}

/** The object's text, or undefined when there is no such object. */
async function getText(
  s3: S3Sender,
  bucket: string,
  key: string,
  owner: string,
): Promise<string | undefined> {
  try {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ExpectedBucketOwner: owner }));
    return (await res.Body?.transformToString('utf8')) ?? '';
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Trust

export interface RecordTrust {
  trusted: boolean;
  reason: string;
}

/**
 * Whether `record` still describes the deployed pack: only when the pack's current LastUpdateTime
 * (DescribeOrganizationConformancePacks) equals the one saved after packsmith's own Put.
 *
 * Compared to the second: the API sends LastUpdateTime as epoch seconds (a JSON number, AWS JSON
 * 1.1) whose sub-second digits are undocumented, and the SDK turns that float into a Date, so the
 * same instant read twice may differ by a rounding in the milliseconds. The record keeps the
 * milliseconds it saw (nothing is lost); a second is far shorter than any Put's IN_PROGRESS phase,
 * so two updates cannot share one.
 */
export function recordTrust(record: DeploymentRecord, packLastUpdateTime: Date | undefined): RecordTrust {
  const saved = record.packLastUpdateTime;
  if (record.operation === 'delete') {
    return packLastUpdateTime === undefined
      ? { trusted: false, reason: 'the last record is of a delete and the pack is not deployed' }
      : {
          trusted: false,
          reason: `the last record is of a delete, yet the pack exists (updated ${packLastUpdateTime.toISOString()})`,
        };
  }
  if (packLastUpdateTime === undefined || Number.isNaN(packLastUpdateTime.getTime())) {
    return { trusted: false, reason: 'AWS reports no LastUpdateTime for the pack (is it deployed?)' };
  }
  if (saved === null) {
    return {
      trusted: false,
      reason: `the record (written ${record.writtenAt}) has no LastUpdateTime: the Put was never confirmed`,
    };
  }
  const savedMs = Date.parse(saved);
  if (Number.isNaN(savedMs))
    return { trusted: false, reason: `the record's LastUpdateTime is invalid: ${saved}` };
  const current = packLastUpdateTime.toISOString();
  if (Math.floor(savedMs / 1000) === Math.floor(packLastUpdateTime.getTime() / 1000)) {
    return { trusted: true, reason: `the pack's LastUpdateTime ${current} is the one packsmith recorded` };
  }
  return {
    trusted: false,
    reason:
      `the pack's LastUpdateTime is ${current}, the record says ${saved}: ` +
      'the pack was changed outside this record (another deploy, or by hand)',
  };
}
