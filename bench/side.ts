/** What both sides of the benchmark implement, and the completion bookkeeping they share. */
import type { Shape } from './shapes.ts';

/** One contender: raw BullMQ or the SPANE engine, on its own queue prefix. */
export interface Side {
  /** Connects, registers the shapes and starts the workers (concurrency 50). */
  start(): Promise<void>;
  /** Starts `count` executions of `shape` at once; resolves when all of them completed. */
  runMany(shape: Shape, count: number): Promise<void>;
  /** Runs one execution; resolves with the ms from just before the enqueue to its completion. */
  runOne(shape: Shape): Promise<number>;
  /** Stops the workers and closes every connection. */
  close(): Promise<void>;
}

export type SideKind = 'raw' | 'engine' | 'engine-default';

/** Counts completed executions and resolves waits on a count or on one execution id. */
export class Completions {
  #count = 0;
  #countWaiter: { target: number; resolve: () => void } | undefined;
  readonly #idWaiters = new Map<string, (at: number) => void>();
  /** Completion times of ids nobody waited for yet (only while `recordIds`). */
  readonly #early = new Map<string, number>();
  #recordIds = false;
  #failed: ((error: Error) => void) | undefined;

  complete(id: string): void {
    const at = performance.now();
    this.#count += 1;
    const waiter = this.#idWaiters.get(id);
    if (waiter) {
      this.#idWaiters.delete(id);
      waiter(at);
    } else if (this.#recordIds) {
      this.#early.set(id, at);
    }
    if (this.#countWaiter && this.#count >= this.#countWaiter.target) {
      const { resolve } = this.#countWaiter;
      this.#countWaiter = undefined;
      resolve();
    }
  }

  fail(error: Error): void {
    this.#failed?.(error);
  }

  /** Resolves after `count` more completions. */
  waitCount(count: number, timeoutMs: number): Promise<void> {
    this.#count = 0;
    this.#recordIds = false;
    return this.#guard(
      new Promise<void>((resolve) => {
        this.#countWaiter = { target: count, resolve };
      }),
      timeoutMs,
      () => `${this.#count}/${count} executions completed`,
    );
  }

  /** Starts recording completion times by id (for {@link Completions.waitId}). */
  recordIds(): void {
    this.#recordIds = true;
    this.#early.clear();
  }

  /** Resolves with the performance.now() at which `id` completed (even if it already did). */
  waitId(id: string, timeoutMs: number): Promise<number> {
    const early = this.#early.get(id);
    if (early !== undefined) {
      this.#early.delete(id);
      return Promise.resolve(early);
    }
    return this.#guard(
      new Promise<number>((resolve) => this.#idWaiters.set(id, resolve)),
      timeoutMs,
      () => `execution ${id} did not complete`,
    );
  }

  #guard<T>(promise: Promise<T>, timeoutMs: number, describe: () => string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    return Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        this.#failed = reject;
        timer = setTimeout(
          () => reject(new Error(`timed out after ${timeoutMs} ms: ${describe()}`)),
          timeoutMs,
        );
      }),
    ]).finally(() => {
      clearTimeout(timer);
      this.#failed = undefined;
    });
  }
}
