import { ConfigurationError } from '@spane/core';
import { describe, expect, it } from 'vitest';
import { LockNotAcquiredError } from './coordination-errors.ts';
import { DistributedLock } from './distributed-lock.ts';
import type { LockBackend } from './lock-backend.ts';

/** A backend that must not be reached: these checks happen before any server call. */
const unreachable: LockBackend = {
  tryAcquire: () => Promise.reject(new Error('backend must not be called')),
  extend: () => Promise.reject(new Error('backend must not be called')),
  release: () => Promise.reject(new Error('backend must not be called')),
  close: () => Promise.resolve(),
};

describe('DistributedLock (no server)', () => {
  it('refuses bad default options at construction', () => {
    expect(() => new DistributedLock(unreachable, { ttl: 0 })).toThrow(ConfigurationError);
    expect(
      () =>
        new DistributedLock(unreachable, { ttl: 1_000, renewalInterval: 2_000, autoRenew: true }),
    ).toThrow(/below ttl/);
  });

  it('refuses bad per-call options before reaching the backend', async () => {
    const lock = new DistributedLock(unreachable);
    await expect(lock.acquire('k', { retryDelay: -1 })).rejects.toThrow(ConfigurationError);
  });

  it('has a random owner id per instance', () => {
    expect(new DistributedLock(unreachable).owner).not.toBe(new DistributedLock(unreachable).owner);
  });

  it('releases nothing it does not hold', async () => {
    const lock = new DistributedLock(unreachable);
    expect(await lock.release('k')).toBe(false);
    expect(lock.isHeld('k')).toBe(false);
  });

  it('refuses to acquire once closed', async () => {
    const lock = new DistributedLock(unreachable);
    await lock.close();
    const error = await lock.acquire('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockNotAcquiredError);
    expect(error).toMatchObject({ reason: 'closed', retryable: false });
  });
});
