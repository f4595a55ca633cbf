import { ConfigurationError } from '@spane/core';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LOCK_RETRY_DELAY_MS,
  DEFAULT_LOCK_TTL_MS,
  LockPresets,
  resolveLockOptions,
} from './lock-options.ts';

describe('LockPresets', () => {
  it.each([
    ['workflowCompletion', 5_000, 3_000],
    ['nodeExecution', 30_000, 15_000],
    ['subWorkflow', 10_000, 5_000],
    ['longRunning', 60_000, 30_000],
  ] as const)('%s: ttl %i ms, renewal %i ms, auto-renewed', (name, ttl, renewalInterval) => {
    expect(LockPresets[name]()).toEqual({ ttl, renewalInterval, autoRenew: true });
    expect(() => resolveLockOptions(LockPresets[name]())).not.toThrow();
  });

  it('returns a fresh object each time, so callers can extend it', () => {
    const one = LockPresets.nodeExecution();
    one.waitTimeout = 0;
    expect(LockPresets.nodeExecution()).not.toHaveProperty('waitTimeout');
    expect(Object.isFrozen(LockPresets)).toBe(true);
  });
});

describe('resolveLockOptions', () => {
  it('fills in the defaults: wait up to the ttl, renew at half the ttl, no auto-renewal', () => {
    expect(resolveLockOptions()).toEqual({
      ttl: DEFAULT_LOCK_TTL_MS,
      autoRenew: false,
      renewalInterval: DEFAULT_LOCK_TTL_MS / 2,
      retryDelay: DEFAULT_LOCK_RETRY_DELAY_MS,
      waitTimeout: DEFAULT_LOCK_TTL_MS,
      onLost: undefined,
    });
  });

  it('lets per-call options override instance defaults', () => {
    const onLost = () => undefined;
    const resolved = resolveLockOptions(
      { ttl: 5_000, autoRenew: true, renewalInterval: 3_000, retryDelay: 50, onLost },
      { waitTimeout: 0 },
    );
    expect(resolved).toEqual({
      ttl: 5_000,
      autoRenew: true,
      renewalInterval: 3_000,
      retryDelay: 50,
      waitTimeout: 0,
      onLost,
    });
  });

  it('derives the renewal interval from a per-call ttl rather than keeping a default one', () => {
    const resolved = resolveLockOptions(
      { ttl: 5_000, renewalInterval: 3_000, autoRenew: true },
      { ttl: 2_000 },
    );
    expect(resolved.renewalInterval).toBe(1_000);
    expect(resolved.waitTimeout).toBe(2_000);
  });

  it.each([
    [{ ttl: 0 }, /ttl/],
    [{ ttl: -5 }, /ttl/],
    [{ ttl: 1.5 }, /ttl/],
    [{ ttl: Number.NaN }, /ttl/],
    [{ retryDelay: -1 }, /retryDelay/],
    [{ waitTimeout: -1 }, /waitTimeout/],
    [{ renewalInterval: 0 }, /renewalInterval/],
    [{ ttl: 1_000, renewalInterval: 1_000, autoRenew: true }, /below ttl/],
  ])('rejects %j', (options, message) => {
    expect(() => resolveLockOptions({}, options)).toThrow(ConfigurationError);
    expect(() => resolveLockOptions({}, options)).toThrow(message);
  });

  it('accepts a renewal interval not below the ttl when nothing is renewed', () => {
    expect(() => resolveLockOptions({ ttl: 1_000, renewalInterval: 5_000 })).not.toThrow();
  });
});
