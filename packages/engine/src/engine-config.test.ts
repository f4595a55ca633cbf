import { describe, expect, it } from 'vitest';
import { resolveEngineConfig } from './engine-config.ts';

describe('resolveEngineConfig: worker threads', () => {
  it('leaves them off by default', () => {
    expect(resolveEngineConfig().workerThreads).toBeUndefined();
  });

  it('refuses useWorkerThreads without a processorFile', () => {
    expect(() => resolveEngineConfig({ useWorkerThreads: true })).toThrow(/processorFile/);
  });

  it('refuses a pool size that is not a positive integer', () => {
    expect(() =>
      resolveEngineConfig({
        useWorkerThreads: true,
        processorFile: 'p.mjs',
        workerThreads: { size: 0 },
      }),
    ).toThrow(/size/);
  });

  it('fills the pool size and keeps the types', () => {
    const resolved = resolveEngineConfig({
      useWorkerThreads: true,
      processorFile: 'p.mjs',
      workerThreads: { types: ['cpu'] },
    }).workerThreads;
    expect(resolved?.size).toBeGreaterThanOrEqual(1);
    expect(resolved?.types).toEqual(['cpu']);
  });
});

describe('resolveEngineConfig: numbers', () => {
  it.each([
    [
      { recoveryIntervalMs: Number.NaN },
      /config\.recoveryIntervalMs must be a finite number, got NaN/,
    ],
    [{ workerConcurrency: 0 }, /config\.workerConcurrency must be at least 1, got 0/],
    [{ workerConcurrency: 2.5 }, /config\.workerConcurrency must be an integer/],
    [{ defaultPriority: 11 }, /config\.defaultPriority must be at most 10/],
    [{ lockDuration: Number.POSITIVE_INFINITY }, /config\.lockDuration must be a finite number/],
    [{ shutdownTimeoutMs: -1 }, /config\.shutdownTimeoutMs must be at least 0/],
    [{ queueTimeoutMs: '100' }, /config\.queueTimeoutMs must be a finite number, got "100"/],
    [{ rateLimiter: { max: 0, duration: 1000 } }, /config\.rateLimiter\.max must be at least 1/],
    [{ prefix: '' }, /config\.prefix must be a non-empty string/],
  ])('refuses %o with a ConfigurationError naming the field', (config, message) => {
    expect(() => resolveEngineConfig(config as never)).toThrow(
      expect.objectContaining({
        code: 'CONFIGURATION_ERROR',
        message: expect.stringMatching(message),
      }),
    );
  });

  it('accepts zero where zero means off', () => {
    const resolved = resolveEngineConfig({
      recoveryIntervalMs: 0,
      payloadThreshold: 0,
      maxStalledCount: 0,
    });
    expect(resolved.recoveryIntervalMs).toBe(0);
    expect(resolved.payloadThreshold).toBe(0);
  });
});
