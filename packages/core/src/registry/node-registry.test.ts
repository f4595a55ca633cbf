import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors/error-classes.ts';
import type { ExecutionContext, INodeExecutor } from '../model/execution.ts';
import { successResult } from '../model/results.ts';
import { NodeRegistry } from './node-registry.ts';

const context = { nodeId: 'n1' } as ExecutionContext;

describe('NodeRegistry', () => {
  it('registers an executor object and returns it', () => {
    const executor: INodeExecutor = { execute: async () => successResult('obj') };
    const registry = new NodeRegistry().register('http', executor);
    expect(registry.get('http')).toBe(executor);
    expect(registry.has('http')).toBe(true);
    expect(registry.types()).toEqual(['http']);
  });

  it('normalizes a plain async function into an executor', async () => {
    const registry = new NodeRegistry();
    registry.register('echo', async (ctx) => successResult(ctx.nodeId));
    const executor = registry.get('echo');
    expect(typeof executor?.execute).toBe('function');
    await expect(executor?.execute(context)).resolves.toEqual({ success: true, data: 'n1' });
  });

  it('replaces the executor of a type registered twice', () => {
    const second: INodeExecutor = { execute: async () => successResult(2) };
    const registry = new NodeRegistry()
      .register('t', { execute: async () => successResult(1) })
      .register('t', second);
    expect(registry.get('t')).toBe(second);
    expect(registry.types()).toEqual(['t']);
  });

  it.each(['delay', 'sub-workflow', 'map'])('rejects registering the built-in type %s', (type) => {
    expect(() => new NodeRegistry().register(type, async () => successResult())).toThrow(
      ConfigurationError,
    );
  });

  it('rejects an empty type and an executor without execute()', () => {
    const registry = new NodeRegistry();
    expect(() => registry.register('', async () => successResult())).toThrow(ConfigurationError);
    expect(() => registry.register('x', {} as INodeExecutor)).toThrow(ConfigurationError);
    expect(registry.has('x')).toBe(false);
  });

  it('says built-in types exist, but has no executor for them', () => {
    const registry = new NodeRegistry();
    expect(registry.has('delay')).toBe(true);
    expect(registry.has('sub-workflow')).toBe(true);
    expect(registry.has('map')).toBe(true);
    expect(registry.get('delay')).toBeUndefined();
    expect(registry.has('unknown')).toBe(false);
    expect(registry.types()).toEqual([]);
  });

  it('keeps a valid rate limit per type', () => {
    const registry = new NodeRegistry().registerRateLimit('http', { max: 10, duration: 1000 });
    expect(registry.getRateLimit('http')).toEqual({ max: 10, duration: 1000 });
    expect([...registry.getRateLimits().keys()]).toEqual(['http']);
    expect(registry.getRateLimit('other')).toBeUndefined();
  });

  it.each([
    { max: 0, duration: 1000 },
    { max: 1, duration: 0 },
    { max: Number.NaN, duration: 1000 },
    { max: 1, duration: -5 },
    { max: 2.5, duration: 1000 },
    { max: 1, duration: 0.5 },
  ])('rejects the rate limit %j', (limit) => {
    const registry = new NodeRegistry();
    expect(() => registry.registerRateLimit('http', limit)).toThrow(ConfigurationError);
    expect(registry.getRateLimit('http')).toBeUndefined();
  });

  it('keeps a copy of a valid circuit breaker config and rejects a threshold below 1', () => {
    const registry = new NodeRegistry();
    const config = { failureThreshold: 3, timeout: 1000 };
    registry.registerCircuitBreaker('http', config);
    config.failureThreshold = 99;
    expect(registry.getCircuitBreaker('http')).toEqual({ failureThreshold: 3, timeout: 1000 });
    expect([...registry.getCircuitBreakers().keys()]).toEqual(['http']);
    expect(() => registry.registerCircuitBreaker('db', { failureThreshold: 0 })).toThrow(
      ConfigurationError,
    );
    expect(registry.getCircuitBreaker('db')).toBeUndefined();
  });
});
