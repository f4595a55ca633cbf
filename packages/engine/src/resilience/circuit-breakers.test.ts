import {
  CircuitBreakerOpenError,
  ConfigurationError,
  NodeRegistry,
  WorkflowError,
} from '@spane/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type CircuitBreakerStateChange,
  CircuitBreakers,
  DEFAULT_HALF_OPEN_RETRY_AFTER_MS,
} from './circuit-breakers.ts';

const ok = () => Promise.resolve('ok');
const boom = () => Promise.reject(new Error('boom'));

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Runs `count` failing calls through the breaker of `type`, swallowing their rejections. */
async function failTimes(breakers: CircuitBreakers, type: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await expect(breakers.execute({ type }, boom)).rejects.toThrow('boom');
  }
}

async function openError(promise: Promise<unknown>): Promise<CircuitBreakerOpenError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CircuitBreakerOpenError);
  return error as CircuitBreakerOpenError;
}

function setup(options: { halfOpenRetryAfterMs?: number } = {}) {
  const registry = new NodeRegistry();
  const changes: CircuitBreakerStateChange[] = [];
  const breakers = new CircuitBreakers({
    registry,
    onStateChange: (change) => changes.push(change),
    ...options,
  });
  return { registry, breakers, changes };
}

describe('CircuitBreakers', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

  it('calls run directly, returning its very promise, when the type has no breaker', async () => {
    const { breakers } = setup();
    const promise = Promise.resolve(42);
    const run = vi.fn((_signal: AbortSignal) => promise);
    const controller = new AbortController();
    expect(breakers.execute({ type: 'plain', signal: controller.signal }, run)).toBe(promise);
    expect(run).toHaveBeenCalledWith(controller.signal);
    let seen: AbortSignal | undefined;
    await breakers.execute({ type: 'plain' }, async (signal) => {
      seen = signal;
    });
    expect(seen).toBeInstanceOf(AbortSignal);
    expect(seen?.aborted).toBe(false);
    await failTimes(breakers, 'plain', 10);
    await expect(breakers.execute({ type: 'plain' }, ok)).resolves.toBe('ok');
    expect(breakers.getStats('plain')).toBeUndefined();
    expect(breakers.getStats()).toEqual({});
  });

  it('turns a synchronous throw of run into a rejection on the direct path', async () => {
    const { breakers } = setup();
    const run = (): Promise<never> => {
      throw new Error('sync');
    };
    await expect(breakers.execute({ type: 'plain' }, run)).rejects.toThrow('sync');
  });

  it('passes results, errors and the signal through while closed', async () => {
    const { registry, breakers } = setup();
    registry.registerCircuitBreaker('http', { failureThreshold: 3 });
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const value = await breakers.execute(
      { type: 'http', signal: controller.signal },
      async (signal) => {
        seen = signal;
        return { body: 'x' };
      },
    );
    expect(value).toEqual({ body: 'x' });
    expect(seen).toBe(controller.signal);
    const error = new Error('down');
    await expect(breakers.execute({ type: 'http' }, () => Promise.reject(error))).rejects.toBe(
      error,
    );
    expect(breakers.getStats('http')).toMatchObject({
      key: 'http',
      type: 'http',
      state: 'closed',
      successes: 1,
      failures: 1,
      rejected: 0,
    });
  });

  it('opens after failureThreshold failures in a row; a success resets the count', async () => {
    const { registry, breakers, changes } = setup();
    registry.registerCircuitBreaker('http', { failureThreshold: 3 });
    await failTimes(breakers, 'http', 2);
    await breakers.execute({ type: 'http' }, ok);
    await failTimes(breakers, 'http', 2);
    expect(breakers.getStats('http')?.state).toBe('closed');
    expect(changes).toEqual([]);
    await failTimes(breakers, 'http', 1);
    expect(breakers.getStats('http')?.state).toBe('open');
    expect(changes).toEqual([{ type: 'http', key: 'http', from: 'closed', to: 'open' }]);
  });

  it('fails fast while open with a retryable CIRCUIT_BREAKER_OPEN error and the time left', async () => {
    const { registry, breakers } = setup();
    registry.registerCircuitBreaker('http', { failureThreshold: 1, timeout: 10_000 });
    await failTimes(breakers, 'http', 1);
    advance(4_000);
    const run = vi.fn(ok);
    const error = await openError(
      breakers.execute({ type: 'http', nodeId: 'fetch', executionId: 'exec-1' }, run),
    );
    expect(run).not.toHaveBeenCalled();
    expect(WorkflowError.isInstance(error)).toBe(true);
    expect(error.code).toBe('CIRCUIT_BREAKER_OPEN');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(6_000);
    expect(error.breaker).toBe('http');
    expect(error.nodeId).toBe('fetch');
    expect(error.executionId).toBe('exec-1');
    expect(error.message).toContain('6000 ms');
    expect(breakers.getStats('http')).toMatchObject({ state: 'open', failures: 1, rejected: 1 });
  });

  it('defaults the open time to 30 s', async () => {
    const { registry, breakers } = setup();
    registry.registerCircuitBreaker('http', { failureThreshold: 1 });
    await failTimes(breakers, 'http', 1);
    expect((await openError(breakers.execute({ type: 'http' }, ok))).retryAfterMs).toBe(30_000);
    advance(29_999);
    expect((await openError(breakers.execute({ type: 'http' }, ok))).retryAfterMs).toBe(1);
    advance(1);
    await expect(breakers.execute({ type: 'http' }, ok)).resolves.toBe('ok');
  });

  it('lets one probe through after timeout, turning other calls away, and closes on its success', async () => {
    const { registry, breakers, changes } = setup();
    registry.registerCircuitBreaker('http', { failureThreshold: 2, timeout: 1_000 });
    await failTimes(breakers, 'http', 2);
    advance(1_000);
    const probe = deferred<string>();
    const probeCall = breakers.execute({ type: 'http' }, () => probe.promise);
    expect(breakers.getStats('http')?.state).toBe('half-open');
    const other = vi.fn(ok);
    const error = await openError(breakers.execute({ type: 'http' }, other));
    expect(other).not.toHaveBeenCalled();
    expect(error.retryAfterMs).toBe(DEFAULT_HALF_OPEN_RETRY_AFTER_MS);
    probe.resolve('probed');
    await expect(probeCall).resolves.toBe('probed');
    expect(breakers.getStats('http')?.state).toBe('closed');
    expect(changes.map((c) => `${c.from}>${c.to}`)).toEqual([
      'closed>open',
      'open>half-open',
      'half-open>closed',
    ]);
    // Closed again with a fresh count: one failure does not re-open it.
    await failTimes(breakers, 'http', 1);
    expect(breakers.getStats('http')?.state).toBe('closed');
  });

  it('needs successThreshold successful probes to close, running that many at once', async () => {
    const { registry, breakers } = setup({ halfOpenRetryAfterMs: 250 });
    registry.registerCircuitBreaker('db', {
      failureThreshold: 1,
      successThreshold: 3,
      timeout: 500,
    });
    await failTimes(breakers, 'db', 1);
    advance(500);
    await expect(breakers.execute({ type: 'db' }, ok)).resolves.toBe('ok');
    expect(breakers.getStats('db')?.state).toBe('half-open');
    const slow = [deferred<string>(), deferred<string>()];
    const calls = slow.map((d) => breakers.execute({ type: 'db' }, () => d.promise));
    // Three trial calls are admitted (one done, two running): a fourth is turned away.
    const error = await openError(breakers.execute({ type: 'db' }, ok));
    expect(error.retryAfterMs).toBe(250);
    slow[0]?.resolve('a');
    await calls[0];
    expect(breakers.getStats('db')?.state).toBe('half-open');
    slow[1]?.resolve('b');
    await expect(calls[1]).resolves.toBe('b');
    expect(breakers.getStats('db')).toMatchObject({ state: 'closed', successes: 3 });
  });

  it('re-opens for another timeout when a probe fails', async () => {
    const { registry, breakers, changes } = setup();
    registry.registerCircuitBreaker('http', {
      failureThreshold: 1,
      successThreshold: 2,
      timeout: 1_000,
    });
    await failTimes(breakers, 'http', 1);
    const firstOpenedAt = breakers.getStats('http')?.openedAt;
    advance(1_500);
    await breakers.execute({ type: 'http' }, ok);
    await failTimes(breakers, 'http', 1);
    const stats = breakers.getStats('http');
    expect(stats?.state).toBe('open');
    expect(stats?.openedAt).toBe(Date.now());
    expect(stats?.openedAt).toBe((firstOpenedAt ?? 0) + 1_500);
    expect((await openError(breakers.execute({ type: 'http' }, ok))).retryAfterMs).toBe(1_000);
    expect(changes.map((c) => c.to)).toEqual(['open', 'half-open', 'open']);
  });

  it('counts a resolved result flagged by isFailure as a failure and still returns it', async () => {
    const { registry, breakers } = setup();
    registry.registerCircuitBreaker('http', { failureThreshold: 2 });
    type Result = { success: boolean; error?: string };
    const isFailure = (result: Result) => !result.success;
    const failed: Result = { success: false, error: 'bad gateway' };
    await expect(
      breakers.execute(
        { type: 'http', isFailure },
        async (): Promise<Result> => ({ success: true }),
      ),
    ).resolves.toEqual({ success: true });
    await expect(breakers.execute({ type: 'http', isFailure }, async () => failed)).resolves.toBe(
      failed,
    );
    expect(breakers.getStats('http')).toMatchObject({
      state: 'closed',
      failures: 1,
      successes: 1,
    });
    await expect(breakers.execute({ type: 'http', isFailure }, async () => failed)).resolves.toBe(
      failed,
    );
    expect(breakers.getStats('http')?.state).toBe('open');
    // Without the predicate the same resolved value is a success.
    registry.registerCircuitBreaker('other', { failureThreshold: 1 });
    await breakers.execute({ type: 'other' }, async () => failed);
    expect(breakers.getStats('other')).toMatchObject({ state: 'closed', successes: 1 });
  });

  it('reports stats and resets one type or all', async () => {
    const { registry, breakers, changes } = setup();
    registry.registerCircuitBreaker('a', { failureThreshold: 1 });
    registry.registerCircuitBreaker('b', { failureThreshold: 1 });
    registry.registerCircuitBreaker('unused', { failureThreshold: 5 });
    await breakers.execute({ type: 'a' }, ok);
    const failedAt = Date.now();
    await failTimes(breakers, 'a', 1);
    advance(10);
    await openError(breakers.execute({ type: 'a' }, ok));
    await failTimes(breakers, 'b', 1);
    expect(breakers.getStats()).toEqual({
      a: {
        key: 'a',
        type: 'a',
        state: 'open',
        failures: 1,
        successes: 1,
        rejected: 1,
        lastFailureAt: failedAt,
        openedAt: failedAt,
      },
      b: expect.objectContaining({ state: 'open', failures: 1 }),
      unused: {
        key: 'unused',
        type: 'unused',
        state: 'closed',
        failures: 0,
        successes: 0,
        rejected: 0,
      },
    });
    expect(breakers.getStats('unused')?.state).toBe('closed');
    expect(breakers.getStats('nothing')).toBeUndefined();

    breakers.reset('a');
    expect(breakers.getStats('a')).toEqual({
      key: 'a',
      type: 'a',
      state: 'closed',
      failures: 0,
      successes: 0,
      rejected: 0,
    });
    expect(breakers.getStats('b')?.state).toBe('open');
    expect(changes.at(-1)).toEqual({ type: 'a', key: 'a', from: 'open', to: 'closed' });
    await expect(breakers.execute({ type: 'a' }, ok)).resolves.toBe('ok');

    breakers.reset();
    expect(breakers.getStats('b')?.state).toBe('closed');
    await expect(breakers.execute({ type: 'b' }, ok)).resolves.toBe('ok');
  });

  it('ignores a call that was running when its breaker was reset', async () => {
    const { registry, breakers } = setup();
    registry.registerCircuitBreaker('a', { failureThreshold: 1 });
    const slow = deferred<string>();
    const call = breakers.execute({ type: 'a' }, () => slow.promise);
    breakers.reset('a');
    slow.reject(new Error('late'));
    await expect(call).rejects.toThrow('late');
    expect(breakers.getStats('a')).toMatchObject({ state: 'closed', failures: 0 });
  });

  it('keeps node types isolated from each other', async () => {
    const { registry, breakers } = setup();
    registry.registerCircuitBreaker('http', { failureThreshold: 1 });
    registry.registerCircuitBreaker('db', { failureThreshold: 1 });
    await failTimes(breakers, 'http', 1);
    await openError(breakers.execute({ type: 'http' }, ok));
    await expect(breakers.execute({ type: 'db' }, ok)).resolves.toBe('ok');
    await expect(breakers.execute({ type: 'email' }, ok)).resolves.toBe('ok');
    expect(breakers.getStats('db')?.state).toBe('closed');
  });

  it('gives a per-node override config its own breaker, shared by equal configs', async () => {
    const { registry, breakers } = setup();
    registry.registerCircuitBreaker('http', { failureThreshold: 5 });
    const override = { failureThreshold: 1, timeout: 1_000 };
    await expect(breakers.execute({ type: 'http', config: override }, boom)).rejects.toThrow(
      /^boom$/,
    );
    // An equal config on another node (another object) shares the breaker.
    await openError(breakers.execute({ type: 'http', config: { ...override } }, ok));
    // The registry breaker of the type is untouched, and so is the same config on another type.
    await expect(breakers.execute({ type: 'http' }, ok)).resolves.toBe('ok');
    await expect(breakers.execute({ type: 'db', config: override }, ok)).resolves.toBe('ok');
    const stats = breakers.getStats();
    const overrideStats = Object.values(stats).filter((s) => s.type === 'http' && s.key !== 'http');
    expect(overrideStats).toHaveLength(1);
    expect(overrideStats[0]).toMatchObject({ state: 'open', failures: 1, rejected: 1 });
    // reset(type) resets the type's override breakers too.
    breakers.reset('http');
    await expect(breakers.execute({ type: 'http', config: override }, ok)).resolves.toBe('ok');
  });

  it('rejects an invalid override config with a ConfigurationError', async () => {
    const { breakers } = setup();
    const run = vi.fn(ok);
    await expect(
      breakers.execute({ type: 'http', config: { failureThreshold: 0 } }, run),
    ).rejects.toBeInstanceOf(ConfigurationError);
    await expect(
      breakers.execute(
        { type: 'http', config: { failureThreshold: 1, successThreshold: 1.5 } },
        run,
      ),
    ).rejects.toBeInstanceOf(ConfigurationError);
    expect(run).not.toHaveBeenCalled();
  });

  it('picks up a re-registered config with a fresh breaker', async () => {
    const { registry, breakers } = setup();
    registry.registerCircuitBreaker('http', { failureThreshold: 1 });
    await failTimes(breakers, 'http', 1);
    await openError(breakers.execute({ type: 'http' }, ok));
    registry.registerCircuitBreaker('http', { failureThreshold: 2 });
    await failTimes(breakers, 'http', 1);
    expect(breakers.getStats('http')?.state).toBe('closed');
    await failTimes(breakers, 'http', 1);
    expect(breakers.getStats('http')?.state).toBe('open');
  });

  it('with monitoringPeriod, opens on failureThreshold failures within the window', async () => {
    const { registry, breakers } = setup();
    registry.registerCircuitBreaker('http', { failureThreshold: 3, monitoringPeriod: 1_000 });
    // Spread out beyond the window: never three within 1 s.
    for (let i = 0; i < 4; i++) {
      await failTimes(breakers, 'http', 1);
      advance(600);
    }
    expect(breakers.getStats('http')?.state).toBe('closed');
    advance(1_000);
    // Three within the window, successes in between do not reset the count.
    await failTimes(breakers, 'http', 1);
    await breakers.execute({ type: 'http' }, ok);
    advance(300);
    await failTimes(breakers, 'http', 1);
    await breakers.execute({ type: 'http' }, ok);
    expect(breakers.getStats('http')?.state).toBe('closed');
    advance(300);
    await failTimes(breakers, 'http', 1);
    expect(breakers.getStats('http')?.state).toBe('open');
  });

  it('with monitoringPeriod, forgets earlier failures once a probe closes it', async () => {
    const { registry, breakers } = setup();
    registry.registerCircuitBreaker('http', {
      failureThreshold: 2,
      monitoringPeriod: 10_000,
      timeout: 100,
    });
    await failTimes(breakers, 'http', 2);
    expect(breakers.getStats('http')?.state).toBe('open');
    advance(100);
    await breakers.execute({ type: 'http' }, ok);
    expect(breakers.getStats('http')?.state).toBe('closed');
    await failTimes(breakers, 'http', 1);
    expect(breakers.getStats('http')?.state).toBe('closed');
    await failTimes(breakers, 'http', 1);
    expect(breakers.getStats('http')?.state).toBe('open');
  });

  it('survives an onStateChange listener that throws', async () => {
    const registry = new NodeRegistry();
    registry.registerCircuitBreaker('http', { failureThreshold: 1, timeout: 100 });
    const breakers = new CircuitBreakers({
      registry,
      onStateChange: () => {
        throw new Error('listener');
      },
    });
    await failTimes(breakers, 'http', 1);
    advance(100);
    await expect(breakers.execute({ type: 'http' }, ok)).resolves.toBe('ok');
    expect(breakers.getStats('http')?.state).toBe('closed');
  });
});

describe('CircuitBreakers with real timers', () => {
  it('half-opens after a real 50 ms timeout', async () => {
    const registry = new NodeRegistry();
    registry.registerCircuitBreaker('http', { failureThreshold: 1, timeout: 50 });
    const breakers = new CircuitBreakers({ registry });
    await failTimes(breakers, 'http', 1);
    const error = await openError(breakers.execute({ type: 'http' }, ok));
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(50);
    await new Promise((resolve) => setTimeout(resolve, (error.retryAfterMs ?? 50) + 5));
    await expect(breakers.execute({ type: 'http' }, ok)).resolves.toBe('ok');
    expect(breakers.getStats('http')?.state).toBe('closed');
  });
});
