import { type ExecutionResult, RateLimitError, UnsupportedInputError } from '@spane/core';

/** The longest postponement `ctx.rateLimit` accepts, in ms (one day). */
export const MAX_RATE_LIMIT_POSTPONE_MS = 86_400_000;

/**
 * A promise of every node result, loaded on first call only. Reading anything but the promise's
 * own members off it (`ctx.allNodeResults['a']` without `await`) throws instead of giving
 * `undefined`.
 */
export function lazyAllNodeResults(
  load: () => Promise<Record<string, ExecutionResult>>,
): () => Promise<Record<string, ExecutionResult>> {
  let loaded: Promise<Record<string, ExecutionResult>> | undefined;
  return () => {
    if (loaded) return loaded;
    const promise = load();
    promise.catch(() => undefined); // read and never awaited: not an unhandled rejection
    loaded = new Proxy(promise, {
      get(target, key) {
        // JSON.stringify(ctx) asks for toJSON: the promise serialises as `{}`, as a promise does.
        if (key === 'toJSON') return undefined;
        if (typeof key === 'symbol' || key in Promise.prototype) {
          const value = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        throw new UnsupportedInputError('use of ctx.allNodeResults', {
          path: key,
          message: 'it is a promise of the results: await it before reading a node',
        });
      },
    });
    return loaded;
  };
}

/**
 * `ctx.rateLimit` for one attempt: each call returns the seeds' `RateLimitError` to throw and
 * remembers the request, so the attempt is postponed even if the executor does not throw it.
 */
export function rateLimitRequests(ids: { nodeType: string; executionId: string }): {
  rateLimit: (durationMs: number) => Promise<RateLimitError>;
  requested: () => RateLimitError | undefined;
} {
  let request: RateLimitError | undefined;
  return {
    rateLimit: (durationMs: number) => {
      const requested = requestRateLimit(durationMs);
      // Called without await (the request is remembered either way): a bad duration must not
      // become an unhandled rejection that ends the process.
      requested.catch(() => undefined);
      return requested;
    },
    requested: () => request,
  };

  async function requestRateLimit(durationMs: number): Promise<RateLimitError> {
    if (
      typeof durationMs !== 'number' ||
      !Number.isFinite(durationMs) ||
      durationMs <= 0 ||
      durationMs > MAX_RATE_LIMIT_POSTPONE_MS
    ) {
      throw new UnsupportedInputError(
        'ctx.rateLimit duration',
        {
          path: '',
          message: `must be a number of ms above 0 and at most ${MAX_RATE_LIMIT_POSTPONE_MS}`,
        },
        { executionId: ids.executionId },
      );
    }
    request = new RateLimitError(ids.nodeType, Math.ceil(durationMs), ids.executionId);
    return request;
  }
}
