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

/**
 * Where a side's queue runs: Redis, or BullMQ's PostgreSQL backend on the fast server (fsync and
 * synchronous_commit off) or on the durable one (both on, as a production server runs).
 */
export type QueueBackendKind = 'redis' | 'postgres' | 'postgres-durable';

/** The PostgreSQL servers of a run: the fast one and the durable one. */
export type PostgresServerKind = 'postgres' | 'postgres-durable';

/** Where a side's queue lives: the backend and its URL. */
export interface QueueTarget {
  backend: QueueBackendKind;
  url: string;
}

/**
 * The contenders. On Redis: raw BullMQ, the engine with the memory store (traces off, or the
 * default config; with `--observability`, also with its event stream off, with metrics, and with
 * both), and the engine with the PostgreSQL store (traces off). On PostgreSQL: raw
 * BullMQ, and the engine with the PostgreSQL store (traces off), i.e. a Postgres-only deployment.
 */
export type SideKind =
  | 'raw'
  | 'engine'
  | 'engine-default'
  | 'engine-bare'
  | 'engine-metrics'
  | 'engine-observed'
  | 'engine-traced'
  | 'engine-pgstore'
  | 'engine-pgstore-durable'
  | 'raw-pg'
  | 'engine-pg'
  | 'raw-pg-durable'
  | 'engine-pg-durable';

/** What a side kind is made of. */
export interface SideSpec {
  impl: 'raw' | 'engine';
  queue: QueueBackendKind;
  /** The engine's store (engine sides only). */
  store?: 'memory' | 'postgres';
  /** Whether the engine runs with its default config (traces on) rather than `traces: false`. */
  defaultConfig?: boolean;
  /** Whether the engine publishes its durable event stream (`config.events`). Default is `true`. */
  events?: boolean;
  /** Whether `createMetrics` of `@spane/observability` is attached (and scraped). Default is `false`. */
  metrics?: boolean;
  /** Whether the engine gets `tracing: createTracing()` (no SDK registered: the API's no-op tracer). Default is `false`. */
  tracing?: boolean;
  /** The server of a PostgreSQL store. Default is the queue's server, else the fast one. */
  storeServer?: PostgresServerKind;
}

/** Every side kind's make-up; the raw side of a backend is the baseline of that backend's ratios. */
export const SIDE_SPECS: Readonly<Record<SideKind, SideSpec>> = {
  raw: { impl: 'raw', queue: 'redis' },
  engine: { impl: 'engine', queue: 'redis', store: 'memory' },
  'engine-default': { impl: 'engine', queue: 'redis', store: 'memory', defaultConfig: true },
  'engine-bare': { impl: 'engine', queue: 'redis', store: 'memory', events: false },
  'engine-metrics': {
    impl: 'engine',
    queue: 'redis',
    store: 'memory',
    events: false,
    metrics: true,
  },
  'engine-observed': { impl: 'engine', queue: 'redis', store: 'memory', metrics: true },
  'engine-traced': {
    impl: 'engine',
    queue: 'redis',
    store: 'memory',
    events: false,
    tracing: true,
  },
  'engine-pgstore': { impl: 'engine', queue: 'redis', store: 'postgres' },
  'engine-pgstore-durable': {
    impl: 'engine',
    queue: 'redis',
    store: 'postgres',
    storeServer: 'postgres-durable',
  },
  'raw-pg': { impl: 'raw', queue: 'postgres' },
  'engine-pg': { impl: 'engine', queue: 'postgres', store: 'postgres' },
  'raw-pg-durable': { impl: 'raw', queue: 'postgres-durable' },
  'engine-pg-durable': { impl: 'engine', queue: 'postgres-durable', store: 'postgres' },
};

/** The PostgreSQL server of a side's store, if it has a PostgreSQL store. */
export function storeServerOf(kind: SideKind): PostgresServerKind | undefined {
  const spec = SIDE_SPECS[kind];
  if (spec.store !== 'postgres') return undefined;
  return spec.storeServer ?? (spec.queue === 'redis' ? 'postgres' : spec.queue);
}

/** The PostgreSQL servers a side uses (its queue's, its store's). */
export function postgresServersOf(kind: SideKind): PostgresServerKind[] {
  const queue = SIDE_SPECS[kind].queue;
  const servers = new Set<PostgresServerKind>(queue === 'redis' ? [] : [queue]);
  const store = storeServerOf(kind);
  if (store !== undefined) servers.add(store);
  return [...servers];
}

/** Whether a side kind is a raw BullMQ baseline. */
export function isRaw(kind: SideKind): boolean {
  return SIDE_SPECS[kind].impl === 'raw';
}

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
