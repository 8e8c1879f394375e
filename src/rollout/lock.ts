/**
 * The deploy lock: one object per pack (`packsmith/<orgPackName>/lock.json`) in the Region's template
 * bucket, so two deploys of one pack cannot race, even from different machines.
 *
 * Every state change is a conditional S3 request, so S3 decides every race:
 * - acquire: PutObject If-None-Match `*` (only one creator wins);
 * - take over an EXPIRED lock: DeleteObject If-Match its ETag, then create again: two takers of the
 *   same expired lock cannot both delete it, and even if both see it gone only one create wins;
 * - refresh: PutObject If-Match our ETag; release: DeleteObject If-Match our ETag, so a lock that
 *   was taken over is never refreshed or deleted by its former holder.
 * The body carries a random token, so no two lock objects have the same content (or ETag).
 * Expiry is judged on the reader's clock against the writer's `expiresAt`: keep TTLs well above
 * any clock skew between deploying machines (minutes, not seconds).
 *
 * A lock also names its holder's host and process id. A taker on the SAME host whose process
 * check (`takeOver.isProcessAlive`, given by the caller) says that process is gone takes the lock
 * over at once, like an expired one: a deploy killed with SIGKILL does not block the next one for
 * the TTL. A holder on another host cannot be checked and is respected until expiry. A pid reused
 * by another process only makes the taker wait for the expiry (the safe side).
 */
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv, type ValidateFunction } from 'ajv';
import type { S3Sender } from './records.js';
import { isConditionFailed, isMissingObject, lockKey } from './s3-keys.js';

export const LockBodySchema = Type.Object({
  /** Who holds it, e.g. `alice@build-7 pid 4242`. */
  holder: Type.String({ minLength: 1 }),
  /** What the holder is doing, e.g. `deploy` or `delete`. */
  operation: Type.String({ minLength: 1 }),
  acquiredAt: Type.String({ minLength: 1 }),
  expiresAt: Type.String({ minLength: 1 }),
  token: Type.String({ minLength: 1 }),
  /** The holder's host name and process id; absent in locks of older packsmith versions. */
  host: Type.Optional(Type.String({ minLength: 1 })),
  pid: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type LockBody = Static<typeof LockBodySchema>;

/** A lock object as read from S3. */
export interface LockInfo {
  /** The parsed body; undefined when the object is not a packsmith lock (see `problem`). */
  body?: LockBody;
  /** Why the body could not be read. Such a lock never expires by itself: only breakLock removes it. */
  problem?: string;
  etag: string;
  key: string;
}

export interface LockTarget {
  bucket: string;
  /** The account that must own the bucket (the deploying account). */
  owner: string;
  orgPackName: string;
}

export interface AcquireLockOptions extends LockTarget {
  holder: { who: string; operation: string; host?: string; pid?: number };
  /**
   * Take over a lock held by a process of `host` that `isProcessAlive` says is gone. The check is
   * the caller's (the core never signals processes).
   */
  takeOver?: { host: string; isProcessAlive: (pid: number) => boolean };
  ttlMs: number;
  /** Clock for acquiredAt/expiresAt and expiry checks; default the system clock. */
  now?: () => Date;
  /** Poll while the lock is held instead of failing at once; the deadline is measured with `now`. */
  wait?: { timeoutMs: number; pollMs: number; sleep?: (ms: number) => Promise<void> };
}

export type ReleaseResult =
  | { released: true }
  | { released: false; reason: 'gone' }
  | { released: false; reason: 'replaced'; current?: LockInfo };

export interface Lock {
  readonly key: string;
  /** The lock of a dead process on this host that was taken over to get this one. */
  readonly tookOver?: LockBody;
  /** Our body as last written (refresh moves `expiresAt`). */
  readonly body: LockBody;
  /** ETag of our lock object: the condition for refresh and release. */
  readonly etag: string;
  /** Moves expiry to now + ttlMs (default the acquiring TTL); throws LockLostError if not ours any more. */
  refresh(ttlMs?: number): Promise<void>;
  /** Deletes our lock; never someone else's. A lock that is gone or replaced is reported, not thrown. */
  release(): Promise<ReleaseResult>;
}

/** The lock is held by someone else and has not expired. */
export class LockHeldError extends Error {
  constructor(
    readonly orgPackName: string,
    readonly current: LockInfo,
  ) {
    const b = current.body;
    const who = b
      ? `${b.holder} (${b.operation}) since ${b.acquiredAt}, until ${b.expiresAt}`
      : `an unreadable lock object (${current.problem ?? 'invalid'})`;
    super(
      `pack ${orgPackName} is locked by ${who}; ` +
        `run \`packsmith unlock ${orgPackName}\` if that deploy is dead`,
    );
    this.name = 'LockHeldError';
  }
}

/** refresh() found that our lock was deleted or taken over: whatever we were doing is unprotected. */
export class LockLostError extends Error {
  constructor(
    readonly orgPackName: string,
    readonly current: LockInfo | undefined,
  ) {
    super(
      `lost the lock of pack ${orgPackName}: ` +
        (current?.body
          ? `it is now held by ${current.body.holder} (${current.body.operation})`
          : 'it was removed'),
    );
    this.name = 'LockLostError';
  }
}

// After this many lost races in a row without the lock ever being seen held, give up (a storm
// of creates and deletes by others); waiting callers keep polling instead.
const maxImmediateRetries = 10;

export async function acquireLock(s3: S3Sender, options: AcquireLockOptions): Promise<Lock> {
  const { bucket, owner, orgPackName, holder, ttlMs, wait } = options;
  if (!(ttlMs > 0)) throw new Error(`lock TTL must be positive, got ${ttlMs}`);
  const now = options.now ?? (() => new Date());
  const sleep = wait?.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const key = lockKey(orgPackName);
  const deadline = wait ? now().getTime() + wait.timeoutMs : undefined;
  let races = 0;
  let tookOver: LockBody | undefined;
  for (;;) {
    const acquiredAt = now();
    const body: LockBody = {
      holder: holder.who,
      operation: holder.operation,
      acquiredAt: acquiredAt.toISOString(),
      expiresAt: new Date(acquiredAt.getTime() + ttlMs).toISOString(),
      token: randomBytes(16).toString('hex'),
      ...(holder.host ? { host: holder.host } : {}),
      ...(holder.pid ? { pid: holder.pid } : {}),
    };
    const created = await putLock(s3, { bucket, owner, key, body, condition: { IfNoneMatch: '*' } });
    if (created !== undefined)
      return heldLock(s3, { bucket, owner, orgPackName, key, ttlMs, now, tookOver }, body, created);

    const current = await readLock(s3, { bucket, owner, orgPackName });
    if (current === undefined) {
      // Released between our create and our read: try again.
      if (++races > maxImmediateRetries && !wait)
        throw new Error(`could not take the lock of ${orgPackName}: too much contention`);
      continue;
    }
    const dead = isHolderDead(current, options.takeOver);
    if (dead || isLockExpired(current, now())) {
      // losing this race is fine: loop.
      if ((await deleteIfMatch(s3, bucket, owner, key, current.etag)) === 'deleted' && dead)
        tookOver = current.body;
      if (++races > maxImmediateRetries && !wait)
        throw new Error(`could not take the lock of ${orgPackName}: too much contention`);
      continue;
    }
    if (!wait || deadline === undefined || now().getTime() >= deadline) {
      throw new LockHeldError(orgPackName, current);
    }
    await sleep(Math.min(wait.pollMs, Math.max(0, deadline - now().getTime())));
  }
}

/** The lock's holder is a process of the taker's own host that is no longer running. */
export function isHolderDead(lock: LockInfo, takeOver: AcquireLockOptions['takeOver']): boolean {
  const b = lock.body;
  if (!takeOver || !b || b.host === undefined || b.pid === undefined) return false;
  return b.host === takeOver.host && !takeOver.isProcessAlive(b.pid);
}

function heldLock(
  s3: S3Sender,
  target: LockTarget & { key: string; ttlMs: number; now: () => Date; tookOver?: LockBody | undefined },
  initial: LockBody,
  initialEtag: string,
): Lock {
  const { bucket, owner, orgPackName, key } = target;
  let body = initial;
  let etag = initialEtag;
  return {
    key,
    ...(target.tookOver ? { tookOver: target.tookOver } : {}),
    get body() {
      return body;
    },
    get etag() {
      return etag;
    },
    async refresh(ttlMs = target.ttlMs) {
      const next = { ...body, expiresAt: new Date(target.now().getTime() + ttlMs).toISOString() };
      const written = await putLock(s3, { bucket, owner, key, body: next, condition: { IfMatch: etag } });
      if (written === undefined) throw new LockLostError(orgPackName, await readLock(s3, target));
      body = next;
      etag = written;
    },
    async release() {
      const outcome = await deleteIfMatch(s3, bucket, owner, key, etag);
      if (outcome === 'deleted') return { released: true };
      if (outcome === 'missing') return { released: false, reason: 'gone' };
      const current = await readLock(s3, target);
      return current ? { released: false, reason: 'replaced', current } : { released: false, reason: 'gone' };
    },
  };
}

/** The current lock of the pack, or undefined when there is none. */
export async function readLock(s3: S3Sender, target: LockTarget): Promise<LockInfo | undefined> {
  const key = lockKey(target.orgPackName);
  let text: string;
  let etag: string;
  try {
    const res = await s3.send(
      new GetObjectCommand({ Bucket: target.bucket, Key: key, ExpectedBucketOwner: target.owner }),
    );
    text = (await res.Body?.transformToString('utf8')) ?? '';
    etag = res.ETag ?? '';
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw error;
  }
  return { ...parseLockBody(text), etag, key };
}

/** True when the lock's expiry has passed at `now`. An unreadable lock never expires. */
export function isLockExpired(lock: LockInfo, now: Date): boolean {
  if (!lock.body) return false;
  return now.getTime() >= Date.parse(lock.body.expiresAt);
}

/**
 * For `packsmith unlock`: deletes whatever lock is there, expired or not, and returns what it
 * deleted (undefined when there was none). Deletes only what it read (If-Match), so it reports
 * exactly the lock it removed even if the lock changes hands meanwhile.
 */
export async function breakLock(s3: S3Sender, target: LockTarget): Promise<LockInfo | undefined> {
  for (let attempt = 0; attempt < maxImmediateRetries; attempt++) {
    const current = await readLock(s3, target);
    if (current === undefined) return undefined;
    const outcome = await deleteIfMatch(s3, target.bucket, target.owner, current.key, current.etag);
    if (outcome === 'deleted') return current;
    // 'missing': someone released it meanwhile (the next read says so); 'changed': read again.
  }
  throw new Error(`could not break the lock of ${target.orgPackName}: it keeps changing`);
}

let compiled: ValidateFunction | undefined;
const validator = (): ValidateFunction => (compiled ??= new Ajv({ strict: false }).compile(LockBodySchema));

function parseLockBody(text: string): { body?: LockBody; problem?: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'the lock object is not JSON' };
  }
  if (!validator()(value)) return { problem: 'the lock object is not a packsmith lock' };
  const body = value as LockBody;
  if (Number.isNaN(Date.parse(body.expiresAt))) return { problem: `the lock's expiresAt is not a time` };
  return { body };
}

/** Writes the lock body under a condition; its ETag, or undefined when the condition failed. */
async function putLock(
  s3: S3Sender,
  input: {
    bucket: string;
    owner: string;
    key: string;
    body: LockBody;
    condition: { IfNoneMatch: '*' } | { IfMatch: string };
  },
): Promise<string | undefined> {
  try {
    const res = await s3.send(
      new PutObjectCommand({
        Bucket: input.bucket,
        Key: input.key,
        Body: `${JSON.stringify(input.body, null, 2)}\n`,
        ContentType: 'application/json',
        ExpectedBucketOwner: input.owner,
        ...input.condition,
      }),
    );
    if (!res.ETag) throw new Error('S3 returned no ETag for the lock object');
    return res.ETag;
  } catch (error) {
    // If-Match on a key that no longer exists answers NoSuchKey: the lock is not ours either way.
    if (isConditionFailed(error) || ('IfMatch' in input.condition && isMissingObject(error)))
      return undefined;
    throw error;
  }
}

async function deleteIfMatch(
  s3: S3Sender,
  bucket: string,
  owner: string,
  key: string,
  etag: string,
): Promise<'deleted' | 'missing' | 'changed'> {
  try {
    await s3.send(
      new DeleteObjectCommand({ Bucket: bucket, Key: key, IfMatch: etag, ExpectedBucketOwner: owner }),
    );
    return 'deleted';
  } catch (error) {
    if (isMissingObject(error)) return 'missing';
    if (isConditionFailed(error)) return 'changed';
    throw error;
  }
}
