import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /**
   * What the wait is for, in words: the timeout error names it. A function is called at the
   * timeout, so the message can say what was seen last.
   */
  what: string | (() => string);
  /** How long to wait before failing. Default is 10 000 ms. */
  timeoutMs?: number | undefined;
  /** Pause between two checks. Default is 10 ms. */
  intervalMs?: number | undefined;
}

/** A {@link waitFor} whose condition did not hold before its deadline. */
export class WaitTimeoutError extends Error {
  readonly code = 'WAIT_TIMEOUT';
  readonly what: string;
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number, checks: number) {
    super(`Timed out after ${timeoutMs} ms (${checks} checks) waiting for ${what}`);
    this.name = 'WaitTimeoutError';
    this.what = what;
    this.timeoutMs = timeoutMs;
  }
}

type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * Checks `condition` until it returns a truthy value, and resolves with that value. Fails with a
 * {@link WaitTimeoutError} naming `what` once `timeoutMs` has passed; an error thrown by the
 * condition fails the wait at once (it is a bug, not a state to wait out).
 *
 * ```ts
 * const item = await waitFor(async () => (await engine.getDLQItems())[0], { what: 'a DLQ item' });
 * ```
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: WaitForOptions,
): Promise<Truthy<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  for (let checks = 1; ; checks++) {
    const value = await condition();
    if (value) return value as Truthy<T>;
    if (Date.now() >= deadline) {
      const what = typeof options.what === 'function' ? options.what() : options.what;
      throw new WaitTimeoutError(what, timeoutMs, checks);
    }
    await sleep(intervalMs);
  }
}
