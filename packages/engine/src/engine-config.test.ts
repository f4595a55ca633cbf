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
