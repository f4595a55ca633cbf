import { successResult, WorkflowError } from '@spane/core';
import { describe, expect, it } from 'vitest';
import { lazyAllNodeResults, rateLimitRequests } from './context-extras.ts';

describe('lazyAllNodeResults', () => {
  it('loads once, on the first read only', async () => {
    let loads = 0;
    const read = lazyAllNodeResults(async () => {
      loads++;
      return { a: successResult(1) };
    });
    expect(loads).toBe(0);
    const first = read();
    expect(await first).toEqual({ a: successResult(1) });
    expect(await read()).toEqual({ a: successResult(1) });
    expect(loads).toBe(1);
  });

  it('throws when a node is read off the promise without await', () => {
    const results = lazyAllNodeResults(async () => ({})) as unknown as () => Record<
      string,
      unknown
    >;
    let thrown: unknown;
    try {
      void results().a;
    } catch (error) {
      thrown = error;
    }
    expect(WorkflowError.isInstance(thrown) && thrown.code).toBe('UNSUPPORTED_INPUT');
    expect((thrown as Error).message).toMatch(/at a: it is a promise of the results: await it/);
  });

  it('passes a load failure to whoever awaits it', async () => {
    const read = lazyAllNodeResults(async () => {
      throw new Error('store down');
    });
    await expect(read()).rejects.toThrow('store down');
  });
});

describe('rateLimitRequests', () => {
  it("returns the seeds' RateLimitError and remembers the request", async () => {
    const { rateLimit, requested } = rateLimitRequests({ nodeType: 'http', executionId: 'e1' });
    expect(requested()).toBeUndefined();
    const error = await rateLimit(1500.2);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', nodeType: 'http', retryAfterMs: 1501 });
    expect(error.executionId).toBe('e1');
    expect(requested()).toBe(error);
  });

  it('refuses a duration that is not a positive number of ms', async () => {
    const { rateLimit, requested } = rateLimitRequests({ nodeType: 'http', executionId: 'e1' });
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 86_400_001, '5' as never]) {
      await expect(rateLimit(bad)).rejects.toMatchObject({ code: 'UNSUPPORTED_INPUT' });
    }
    expect(requested()).toBeUndefined();
  });
});
