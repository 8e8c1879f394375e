/**
 * Where packsmith keeps its objects in a Region's template bucket, in one place:
 *
 * ```
 * packsmith/<orgPackName>/templates/<sha256>.yaml        staged templates, content-addressed
 * packsmith/<orgPackName>/deployment.json                the current deployment record
 * packsmith/<orgPackName>/history/<ISO time>-<op>.json   every record, oldest first by key
 * packsmith/<orgPackName>/lock.json                      the deploy lock
 * ```
 *
 * Also the few S3 error answers the rollout tells apart (conditional writes, missing objects).
 */
import { limits, packNamePattern } from '../facts/limits.js';

export const keyRoot = 'packsmith';

const sha256Pattern = /^[0-9a-f]{64}$/;

/** The org pack name is part of every key: only a valid name may be, so no `..` or `/` sneaks in. */
function packPrefix(orgPackName: string): string {
  if (!packNamePattern.test(orgPackName) || orgPackName.length > limits.orgPackNameLength) {
    throw new Error(`not an organization conformance pack name: ${JSON.stringify(orgPackName)}`);
  }
  return `${keyRoot}/${orgPackName}`;
}

export function templateKey(orgPackName: string, sha256: string): string {
  if (!sha256Pattern.test(sha256)) throw new Error(`not a lower-case hex SHA-256: ${JSON.stringify(sha256)}`);
  return `${packPrefix(orgPackName)}/templates/${sha256}.yaml`;
}

export function deploymentRecordKey(orgPackName: string): string {
  return `${packPrefix(orgPackName)}/deployment.json`;
}

/** Prefix of a pack's history: list it to find every record (ISO times sort as text). */
export function historyPrefix(orgPackName: string): string {
  return `${packPrefix(orgPackName)}/history/`;
}

export function historyKey(orgPackName: string, writtenAt: string, operation: string): string {
  if (Number.isNaN(Date.parse(writtenAt))) throw new Error(`not an ISO time: ${JSON.stringify(writtenAt)}`);
  if (!/^[a-z]+$/.test(operation)) throw new Error(`not an operation name: ${JSON.stringify(operation)}`);
  return `${historyPrefix(orgPackName)}${writtenAt}-${operation}.json`;
}

export function lockKey(orgPackName: string): string {
  return `${packPrefix(orgPackName)}/lock.json`;
}

/** The `TemplateS3Uri` form of an object (PutOrganizationConformancePack takes `s3://bucket/key`). */
export function templateS3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

// ---------------------------------------------------------------------------------------------
// S3 answers

interface S3ErrorLike {
  name?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const errorCode = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as S3ErrorLike;
  return typeof e.Code === 'string' ? e.Code : typeof e.name === 'string' ? e.name : undefined;
};
const httpStatus = (error: unknown): number | undefined =>
  typeof error === 'object' && error !== null ? (error as S3ErrorLike).$metadata?.httpStatusCode : undefined;

/**
 * A conditional write or delete lost: `PreconditionFailed` (412) when If-Match / If-None-Match did
 * not hold, `ConditionalRequestConflict` (409) when another conditional request on the same key was
 * in flight (S3 user guide, "conditional writes"). Both mean "someone else got there first".
 */
export function isConditionFailed(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'PreconditionFailed' || code === 'ConditionalRequestConflict' || httpStatus(error) === 412;
}

/**
 * The object is not there: GetObject/DeleteObject-with-If-Match answer `NoSuchKey`, HeadObject
 * (no body) a bare 404 `NotFound`. A missing BUCKET (`NoSuchBucket`) is not "no object": it is
 * a configuration error the caller must see.
 */
export function isMissingObject(error: unknown): boolean {
  const code = errorCode(error);
  if (code === 'NoSuchBucket') return false;
  return code === 'NoSuchKey' || code === 'NotFound' || httpStatus(error) === 404;
}
