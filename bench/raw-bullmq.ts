/**
 * The baseline: DAG executions hand-rolled on plain BullMQ, the way a competent user would write
 * them. One Queue and one Worker (concurrency 50), one job per node; a node's processor adds its
 * ready children from inside the processor (`add` for one, `addBulk` for several); a join node is
 * added when its last parent completes, counted in process (default) or with a Redis `INCR`.
 * Jobs carry the same retry options as the engine's (3 attempts, exponential backoff) and
 * `removeOnComplete: true`; ids are BullMQ's own (no custom `jobId`). The queue runs on BullMQ's
 * Redis backend or on its PostgreSQL backend (`raw-backend.ts`); the code above it is the same.
 */
import type { Job, Queue, Worker } from 'bullmq';
import { openRawBackend, type RawBackend } from './raw-backend.ts';
import { NOOP_OUTPUT, type Shape } from './shapes.ts';
import { Completions, type QueueTarget, type Side } from './side.ts';

/**
 * Where join counters live: in this process, or in Redis (`INCR`, safe across processes; on the
 * Redis backend only).
 */
export type JoinCounting = 'memory' | 'redis';

/**
 * How `runMany` enqueues the entry jobs: `addBulk` in batches of 1000 (what a competent user
 * does), or one `add` per execution (what `enqueueBulkWorkflows` does today; for comparison).
 */
export type EntryAdds = 'bulk' | 'single';

interface RawJobData {
  /** Shape (workflow) id. */
  s: string;
  /** Execution id. */
  e: string;
  /** Node id. */
  n: string;
  /** The parent's output (chains) or the initial data (entry nodes). */
  d?: unknown;
}

const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential' as const, delay: 1000 },
  removeOnComplete: true,
  removeOnFail: 5000,
};

let runCounter = 0;

export class RawBullmqSide implements Side {
  readonly #target: QueueTarget;
  readonly #prefix: string;
  readonly #concurrency: number;
  readonly #joins: JoinCounting;
  readonly #entries: EntryAdds;
  readonly #shapes = new Map<string, Shape>();
  readonly #pending = new Map<string, number>();
  readonly #done = new Completions();
  #backend: RawBackend | undefined;
  #queue: Queue<RawJobData> | undefined;
  #worker: Worker<RawJobData> | undefined;

  constructor(options: {
    /** The queue's backend and URL. */
    queue: QueueTarget;
    prefix: string;
    shapes: readonly Shape[];
    concurrency: number;
    joins: JoinCounting;
    entries?: EntryAdds | undefined;
  }) {
    this.#target = options.queue;
    this.#prefix = options.prefix;
    this.#concurrency = options.concurrency;
    this.#joins = options.queue.backend === 'redis' ? options.joins : 'memory';
    this.#entries = options.entries ?? 'bulk';
    for (const shape of options.shapes) this.#shapes.set(shape.id, shape);
  }

  async start(): Promise<void> {
    const backend = await openRawBackend(this.#target, this.#prefix);
    this.#backend = backend;
    this.#queue = new backend.Queue<RawJobData>(backend.queueName, backend.options);
    this.#worker = new backend.Worker<RawJobData>(backend.queueName, (job) => this.#process(job), {
      ...backend.options,
      concurrency: this.#concurrency,
    });
    this.#worker.on('failed', (_job, error) => this.#done.fail(error));
    this.#worker.on('error', (error) => this.#done.fail(error));
    await Promise.all([this.#queue.waitUntilReady(), this.#worker.waitUntilReady()]);
  }

  async runMany(shape: Shape, count: number): Promise<void> {
    const tag = `r${++runCounter}`;
    const done = this.#done.waitCount(count, 120_000);
    const jobs = [];
    for (let i = 0; i < count; i++) {
      for (const entry of shape.entryNodes) {
        jobs.push({
          name: entry,
          data: { s: shape.id, e: `${tag}-${i}`, n: entry, d: { i } },
          opts: JOB_OPTIONS,
        });
      }
    }
    const queue = this.#queue as Queue<RawJobData>;
    if (this.#entries === 'single') {
      await Promise.all(jobs.map((job) => queue.add(job.name, job.data, job.opts)));
    } else {
      for (let at = 0; at < jobs.length; at += 1000) await queue.addBulk(jobs.slice(at, at + 1000));
    }
    await done;
  }

  async runOne(shape: Shape): Promise<number> {
    const id = `one${++runCounter}`;
    const completed = this.#done.waitId(id, 30_000);
    const started = performance.now();
    const queue = this.#queue as Queue<RawJobData>;
    const entries = shape.entryNodes.map((entry) => ({
      name: entry,
      data: { s: shape.id, e: id, n: entry, d: { i: 0 } },
      opts: JOB_OPTIONS,
    }));
    if (entries.length === 1) {
      const [only] = entries as [(typeof entries)[number]];
      await queue.add(only.name, only.data, only.opts);
    } else {
      await queue.addBulk(entries);
    }
    return (await completed) - started;
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    await this.#queue?.close();
    await this.#backend?.close();
  }

  async #process(job: Job<RawJobData>): Promise<void> {
    const { s, e, n } = job.data;
    const shape = this.#shapes.get(s) as Shape;
    const output = await noop(job.data.d);
    const children = shape.children.get(n) ?? [];
    if (children.length === 0) {
      this.#done.complete(e);
      return;
    }
    const ready: string[] = [];
    for (const child of children) {
      const parents = shape.parentCount.get(child) ?? 1;
      if (parents <= 1 || (await this.#joinArrived(e, child, parents))) ready.push(child);
    }
    const queue = this.#queue as Queue<RawJobData>;
    if (ready.length === 1) {
      const child = ready[0] as string;
      await queue.add(child, { s, e, n: child, d: output }, JOB_OPTIONS);
    } else if (ready.length > 1) {
      await queue.addBulk(
        ready.map((child) => ({
          name: child,
          data: { s, e, n: child, d: output },
          opts: JOB_OPTIONS,
        })),
      );
    }
  }

  /** Counts one more completed parent of a join; true when it was the last one. */
  async #joinArrived(executionId: string, child: string, parents: number): Promise<boolean> {
    if (this.#joins === 'redis') {
      const key = `${this.#prefix}:join:${executionId}:${child}`;
      const connection = this.#backend?.redis;
      if (!connection) throw new Error('join counters in Redis need the Redis backend');
      const arrived = await connection.incr(key);
      if (arrived < parents) return false;
      await connection.del(key);
      return true;
    }
    const key = `${executionId}|${child}`;
    const arrived = (this.#pending.get(key) ?? 0) + 1;
    if (arrived < parents) {
      this.#pending.set(key, arrived);
      return false;
    }
    this.#pending.delete(key);
    return true;
  }
}

/** The node's work: nothing, asynchronously (as the engine's `async () => successResult(x)`). */
async function noop(_input: unknown): Promise<unknown> {
  return NOOP_OUTPUT;
}
