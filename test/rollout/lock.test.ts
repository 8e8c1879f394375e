/**
 * The deploy lock against moto, whose S3 answers conditional writes and deletes (If-None-Match,
 * If-Match → 412 PreconditionFailed) like S3 does. Races are real: concurrent requests to one
 * server, decided by S3's conditions, not by the test.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  acquireLock,
  breakLock,
  isLockExpired,
  LockHeldError,
  LockLostError,
  readLock,
  type Lock,
} from '../../src/rollout/lock.js';
import { lockKey } from '../../src/rollout/s3-keys.js';
import { MOTO_DEFAULT_ACCOUNT_ID, motoSkipNote, motoStatus, s3Client, useMoto } from '../support/moto.js';

const owner = MOTO_DEFAULT_ACCOUNT_ID;
const bucket = 'packsmith-templates-us-east-1';
const orgPackName = 'OrgBaseline';
const target = { bucket, owner, orgPackName };
const minute = 60_000;

/** A clock the test moves by hand. */
function manualClock(start = Date.parse('2026-02-01T12:00:00.000Z')) {
  let t = start;
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe.skipIf(!motoStatus().available)(`deploy lock (moto)${motoSkipNote()}`, () => {
  const moto = useMoto();
  let s3: S3Client;

  beforeAll(() => {
    s3 = s3Client({ endpoint: moto.endpoint });
  });
  afterAll(() => s3?.destroy());
  beforeEach(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  const take = (who: string, extra: Partial<Parameters<typeof acquireLock>[1]> = {}) =>
    acquireLock(s3, { ...target, holder: { who, operation: 'deploy' }, ttlMs: 10 * minute, ...extra });
  const storedToken = async () => (await readLock(s3, target))?.body?.token;

  it('writes who holds the lock, since when and until when', async () => {
    const clock = manualClock();
    const lock = await take('alice@ci-1 pid 10', { now: clock.now, ttlMs: 5 * minute });
    const current = await readLock(s3, target);
    expect(current?.body).toEqual(lock.body);
    expect(current?.etag).toBe(lock.etag);
    expect(current?.key).toBe(lockKey(orgPackName));
    expect(lock.body).toMatchObject({
      holder: 'alice@ci-1 pid 10',
      operation: 'deploy',
      acquiredAt: clock.now().toISOString(),
      expiresAt: new Date(clock.now().getTime() + 5 * minute).toISOString(),
    });
    expect(lock.body.token).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses a second holder with a LockHeldError naming the first', async () => {
    const first = await take('alice@ci-1 pid 10');
    const error = await take('bob@laptop pid 77').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LockHeldError);
    const message = (error as Error).message;
    expect(message).toContain('alice@ci-1 pid 10');
    expect(message).toContain(first.body.acquiredAt);
    expect(message).toContain(first.body.expiresAt);
    expect(message).toContain(`packsmith unlock ${orgPackName}`);
    expect((error as LockHeldError).current.body?.token).toBe(first.body.token);
    expect(await storedToken()).toBe(first.body.token);
  });

  // moto_server checks S3's conditional write (If-None-Match: *) and then stores the object in two
  // steps on a threaded server, so on a loaded machine two takers can both pass the check (seen once
  // in ~10 full runs; S3 itself makes the write atomic). Retried so that moto's race does not fail
  // the run; a lock that lets two takers win every time still fails all attempts.
  it('lets exactly one of several concurrent takers win, 10 rounds in a row', { retry: 2 }, async () => {
    for (let round = 0; round < 10; round++) {
      const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((who) => take(`${who}-${round}`)));
      const winners = results.filter((r): r is PromiseFulfilledResult<Lock> => r.status === 'fulfilled');
      const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(winners, `round ${round}`).toHaveLength(1);
      for (const l of losers) expect(l.reason).toBeInstanceOf(LockHeldError);
      const winner = winners[0]!.value;
      expect(await storedToken()).toBe(winner.body.token);
      expect(await winner.release()).toEqual({ released: true });
      expect(await readLock(s3, target)).toBeUndefined();
    }
  });

  it('takes over an expired lock, and the old holder can neither release nor refresh it', async () => {
    const clock = manualClock();
    const stale = await take('crashed@ci-2', { now: clock.now, ttlMs: minute });
    clock.advance(minute - 1);
    await expect(take('early@ci-3', { now: clock.now })).rejects.toBeInstanceOf(LockHeldError);
    clock.advance(1);
    expect(isLockExpired((await readLock(s3, target))!, clock.now())).toBe(true);
    const fresh = await take('next@ci-3', { now: clock.now });
    expect(fresh.body.holder).toBe('next@ci-3');
    expect(await storedToken()).toBe(fresh.body.token);

    const released = await stale.release();
    expect(released).toMatchObject({ released: false, reason: 'replaced' });
    expect(
      released.released === false && released.reason === 'replaced' && released.current?.body?.holder,
    ).toBe('next@ci-3');
    await expect(stale.refresh()).rejects.toBeInstanceOf(LockLostError);
    // The new holder's lock survived both.
    expect(await storedToken()).toBe(fresh.body.token);
  });

  it('lets exactly one of several concurrent takers of an expired lock win, 10 rounds in a row', async () => {
    for (let round = 0; round < 10; round++) {
      const clock = manualClock(Date.parse('2026-02-01T12:00:00.000Z') + round * 3_600_000);
      await take(`dead-${round}`, { now: clock.now, ttlMs: minute });
      clock.advance(2 * minute);
      const results = await Promise.allSettled(
        ['a', 'b', 'c', 'd', 'e'].map((who) => take(`${who}-${round}`, { now: clock.now })),
      );
      const winners = results.filter((r): r is PromiseFulfilledResult<Lock> => r.status === 'fulfilled');
      expect(winners, `round ${round}`).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LockHeldError);
      expect(await storedToken()).toBe(winners[0]!.value.body.token);
      await breakLock(s3, target);
    }
  });

  it('[10] takes over at once a lock whose holder is a dead process of this host, never one of another host', async () => {
    const alive = new Set([10]);
    const takeOver = { host: 'build-7', isProcessAlive: (pid: number) => alive.has(pid) };
    const asked: number[] = [];
    const spy = { host: 'build-7', isProcessAlive: (pid: number) => (asked.push(pid), alive.has(pid)) };
    await acquireLock(s3, {
      ...target,
      holder: { who: 'alice@build-7 pid 42', operation: 'deploy', host: 'build-7', pid: 42 },
      ttlMs: 10 * minute,
    });
    // Another host cannot tell whether pid 42 of build-7 runs: the lock holds until it expires.
    const elsewhere = await take('bob@ci-2 pid 10', { takeOver: { ...takeOver, host: 'ci-2' } }).catch(
      (e: unknown) => e,
    );
    expect(elsewhere).toBeInstanceOf(LockHeldError);
    // Without a process check (an older packsmith), neither.
    expect(await take('bob@build-7 pid 10').catch((e: unknown) => e)).toBeInstanceOf(LockHeldError);

    const lock = await take('bob@build-7 pid 10', {
      holder: { who: 'bob@build-7 pid 10', operation: 'deploy --resume', host: 'build-7', pid: 10 },
      takeOver: spy,
    });
    expect(asked).toEqual([42]);
    expect(lock.tookOver).toMatchObject({ holder: 'alice@build-7 pid 42', host: 'build-7', pid: 42 });
    expect((await readLock(s3, target))?.body).toMatchObject({ host: 'build-7', pid: 10 });
    // A live holder of the same host is respected.
    const refused = await take('carol@build-7 pid 11', { takeOver }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LockHeldError);
    expect(await lock.release()).toEqual({ released: true });
  });

  it('refresh moves the expiry with a conditional write, and the lock stays releasable', async () => {
    const clock = manualClock();
    const lock = await take('alice', { now: clock.now, ttlMs: minute });
    const firstEtag = lock.etag;
    clock.advance(50_000);
    await lock.refresh();
    expect(lock.etag).not.toBe(firstEtag);
    const current = await readLock(s3, target);
    expect(current?.body?.expiresAt).toBe(new Date(clock.now().getTime() + minute).toISOString());
    expect(current?.body?.token).toBe(lock.body.token);
    // Past the first expiry but within the refreshed one: still held.
    clock.advance(20_000);
    await expect(take('bob', { now: clock.now })).rejects.toBeInstanceOf(LockHeldError);
    expect(await lock.release()).toEqual({ released: true });
  });

  it('release never deletes a lock that is not ours, and reports a lock that is gone', async () => {
    const lock = await take('alice');
    expect(await breakLock(s3, target)).toMatchObject({ body: { holder: 'alice' } });
    const other = await take('bob');
    expect(await lock.release()).toMatchObject({ released: false, reason: 'replaced' });
    expect(await storedToken()).toBe(other.body.token);
    await breakLock(s3, target);
    expect(await other.release()).toEqual({ released: false, reason: 'gone' });
  });

  it('waits for a held lock and gets it once it is released', async () => {
    const first = await take('alice');
    let polls = 0;
    const waiting = take('bob', {
      wait: {
        timeoutMs: 20_000,
        pollMs: 25,
        sleep: async (ms) => {
          polls++;
          await new Promise((resolve) => setTimeout(resolve, ms));
        },
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await storedToken()).toBe(first.body.token);
    await first.release();
    const second = await waiting;
    expect(second.body.holder).toBe('bob');
    expect(polls).toBeGreaterThan(0);
    expect(await storedToken()).toBe(second.body.token);
  });

  it('stops waiting at the timeout with a LockHeldError', async () => {
    await take('alice');
    const clock = manualClock(Date.now());
    const sleeps: number[] = [];
    const error = await take('bob', {
      now: clock.now,
      wait: {
        timeoutMs: 1_000,
        pollMs: 300,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock.advance(ms);
        },
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as Error).message).toContain('alice');
    // Slept in poll steps, the last one cut to the deadline, and never past it.
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(1_000);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(300);
  });

  it('breakLock deletes whatever lock is there and returns it', async () => {
    expect(await breakLock(s3, target)).toBeUndefined();
    const held = await take('alice');
    const broken = await breakLock(s3, target);
    expect(broken?.body).toEqual(held.body);
    expect(await readLock(s3, target)).toBeUndefined();
    const next = await take('bob');
    expect(next.body.holder).toBe('bob');
  });

  it('treats a lock object it cannot read as held (never expired) until it is broken', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: lockKey(orgPackName), Body: 'not json' }));
    const clock = manualClock(Date.parse('2099-01-01T00:00:00Z'));
    const error = await take('alice', { now: clock.now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as Error).message).toMatch(/unreadable/);
    const broken = await breakLock(s3, target);
    expect(broken?.problem).toMatch(/not JSON/);
    await expect(take('alice')).resolves.toMatchObject({ body: { holder: 'alice' } });
  });

  it('stores nothing but the lock fields', async () => {
    await take('alice');
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: lockKey(orgPackName) }));
    const body = JSON.parse(await res.Body!.transformToString()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['acquiredAt', 'expiresAt', 'holder', 'operation', 'token']);
    expect(res.ContentType).toBe('application/json');
  });
});
