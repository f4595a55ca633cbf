import { type ResourceLimits, Worker } from 'node:worker_threads';
import { ConfigurationError, WorkflowError, type WorkflowErrorCode } from '@spane/core';
import { DataCloneError, WorkerThreadError } from './thread-errors.ts';
import type { ThreadReply, ThreadRequest } from './thread-protocol.ts';

/** The thread script: beside this file in the source, beside the bundle in `dist`. */
const ENTRY = new URL(
  import.meta.url.endsWith('.ts') ? './thread-entry.ts' : './thread-entry.js',
  import.meta.url,
);

/** Options of a {@link ThreadPool}. */
export interface ThreadPoolOptions {
  /** The module's URL (`file:` href) that exports the executors. */
  processorFile: string;
  /** Threads kept. */
  size: number;
  resourceLimits?: ResourceLimits | undefined;
  /** How long an aborted thread may take to settle on its own before it is terminated, in ms. */
  terminateGraceMs: number;
}

/** One executor call to run in a thread. */
export interface ThreadTask {
  type: string;
  context: Record<string, unknown>;
  signal: AbortSignal;
  onLog: (
    level: 'debug' | 'info' | 'warn' | 'error',
    message: string,
    fields?: Record<string, unknown>,
  ) => void;
  /** The executor in the thread read `ctx.allNodeResults`. */
  onAllNodeResults: () => Promise<Record<string, unknown>>;
  /** The executor in the thread called `ctx.rateLimit(durationMs)`. */
  onRateLimit: (durationMs: number) => Promise<unknown>;
  nodeId: string;
  executionId: string;
}

interface Pending extends ThreadTask {
  id: number;
  settled: boolean;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  slot?: Slot | undefined;
  /** Fails the task whatever the thread answers (a `ctx.rateLimit` the main thread refused). */
  failure?: Error | undefined;
}

interface Slot {
  worker: Worker;
  task: Pending | undefined;
  /** The last `error` event of the thread (an uncaught throw, out of memory), for its exit. */
  error: Error | undefined;
  /** Whether the thread loaded the processor file. */
  ready: boolean;
}

/**
 * A fixed set of worker threads running executors from a processor file. A thread that crashes,
 * exits or is terminated (abort, timeout) fails only its own task and is replaced.
 */
export class ThreadPool {
  readonly #options: ThreadPoolOptions;
  readonly #slots = new Set<Slot>();
  readonly #waiting: Pending[] = [];
  readonly #types: Promise<ReadonlySet<string>>;
  #resolveTypes!: (types: ReadonlySet<string>) => void;
  #loadError: Error | undefined;
  #nextId = 1;
  #anyReady = false;
  #closed = false;

  constructor(options: ThreadPoolOptions) {
    this.#options = options;
    this.#types = new Promise((resolve) => {
      this.#resolveTypes = resolve;
    });
    // Read by `types()`; a load failure is reported there, never as an unhandled rejection.
    for (let i = 0; i < Math.max(1, options.size); i += 1) this.#spawn();
  }

  /** The node types the processor file exports (once the first thread has loaded it). */
  async types(): Promise<ReadonlySet<string>> {
    const types = await this.#types;
    if (this.#loadError) throw this.#loadError;
    return types;
  }

  /** Runs one executor call in a free thread (or the first to free up). */
  run(task: ThreadTask): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      if (this.#closed) {
        reject(new WorkerThreadError('The worker thread pool is closed', task));
        return;
      }
      if (this.#loadError) {
        reject(this.#loadError);
        return;
      }
      const pending: Pending = { ...task, id: this.#nextId++, settled: false, resolve, reject };
      if (task.signal.aborted) {
        reject(toError(task.signal.reason));
        return;
      }
      task.signal.addEventListener('abort', () => this.#abort(pending), { once: true });
      this.#waiting.push(pending);
      this.#dispatch();
    });
  }

  /** Terminates every thread; running tasks fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#waiting.splice(0))
      this.#settle(pending, new WorkerThreadError('The worker thread pool closed', pending));
    await Promise.all([...this.#slots].map((slot) => slot.worker.terminate()));
  }

  #spawn(): void {
    const worker = new Worker(ENTRY, {
      workerData: { processorFile: this.#options.processorFile },
      ...(this.#options.resourceLimits ? { resourceLimits: this.#options.resourceLimits } : {}),
    });
    worker.unref();
    const slot: Slot = { worker, task: undefined, error: undefined, ready: false };
    this.#slots.add(slot);
    worker.on('message', (reply: ThreadReply) => this.#onReply(slot, reply));
    worker.on('error', (error) => {
      slot.error = error;
    });
    worker.on('exit', (exitCode) => this.#onExit(slot, exitCode));
  }

  #onReply(slot: Slot, reply: ThreadReply): void {
    if (reply.kind === 'ready') {
      slot.ready = true;
      this.#anyReady = true;
      this.#resolveTypes(new Set(reply.types));
      return;
    }
    if (reply.kind === 'load-failed') {
      this.#failLoad(reply.message);
      return;
    }
    const task = slot.task;
    if (!task || task.id !== reply.id) return;
    if (reply.kind === 'log') {
      if (!task.settled) task.onLog(reply.level, reply.message, reply.fields);
      return;
    }
    if (reply.kind === 'all-results') {
      this.#answerResults(slot, task);
      return;
    }
    if (reply.kind === 'rate-limit') {
      task.onRateLimit(reply.durationMs).catch((error: unknown) => {
        task.failure = toError(error);
      });
      return;
    }
    if (reply.kind === 'done') this.#settle(task, undefined, reply.value);
    else if (reply.kind === 'uncloneable')
      this.#settle(task, new DataCloneError('result', reply.message, task));
    else this.#settle(task, rebuildError(reply.error));
    slot.task = undefined;
    this.#dispatch();
  }

  #answerResults(slot: Slot, task: Pending): void {
    const answer = (message: ThreadRequest) => {
      if (slot.task !== task) return;
      try {
        slot.worker.postMessage(message);
      } catch (error) {
        slot.worker.postMessage({
          kind: 'all-results',
          id: task.id,
          error: toError(error).message,
        });
      }
    };
    task.onAllNodeResults().then(
      (results) => answer({ kind: 'all-results', id: task.id, results }),
      (error: unknown) =>
        answer({ kind: 'all-results', id: task.id, error: toError(error).message }),
    );
  }

  #onExit(slot: Slot, exitCode: number): void {
    this.#slots.delete(slot);
    const task = slot.task;
    slot.task = undefined;
    if (task) {
      const why = slot.error
        ? `failed: ${slot.error.message}`
        : `exited with code ${exitCode} (process.exit in the executor?)`;
      this.#settle(
        task,
        new WorkerThreadError(`The worker thread running node ${task.nodeId} ${why}`, {
          nodeId: task.nodeId,
          executionId: task.executionId,
          exitCode,
          cause: slot.error,
        }),
      );
    }
    if (this.#closed || this.#loadError) return;
    if (!slot.ready && !this.#anyReady) {
      // The script itself cannot start: respawning would loop.
      this.#failLoad(slot.error?.message ?? `the thread exited with code ${exitCode}`);
      return;
    }
    this.#spawn();
    this.#dispatch();
  }

  #failLoad(message: string): void {
    this.#loadError ??= new ConfigurationError(
      `The worker threads could not load the processor file ${this.#options.processorFile}: ${message}`,
    );
    const error = this.#loadError;
    this.#resolveTypes(new Set());
    for (const pending of this.#waiting.splice(0)) this.#settle(pending, error);
    // A task handed to a thread before its load failed would never be answered: fail it too, and
    // stop the threads, which cannot run anything.
    for (const slot of this.#slots) {
      const task = slot.task;
      slot.task = undefined;
      if (task) this.#settle(task, error);
      void slot.worker.terminate();
    }
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (slot.task) continue;
      const pending = this.#waiting.shift();
      if (!pending) return;
      const request: ThreadRequest = {
        kind: 'run',
        id: pending.id,
        type: pending.type,
        context: pending.context,
      };
      try {
        slot.worker.postMessage(request);
      } catch (error) {
        this.#settle(
          pending,
          new DataCloneError('context', toError(error).message, {
            nodeId: pending.nodeId,
            executionId: pending.executionId,
            cause: error,
          }),
        );
        continue;
      }
      slot.task = pending;
      pending.slot = slot;
    }
  }

  #abort(pending: Pending): void {
    if (pending.settled) return;
    this.#settle(pending, toError(pending.signal.reason));
    const queued = this.#waiting.indexOf(pending);
    if (queued >= 0) {
      this.#waiting.splice(queued, 1);
      return;
    }
    const slot = pending.slot;
    if (!slot || slot.task !== pending) return;
    slot.worker.postMessage({
      kind: 'abort',
      id: pending.id,
      reason: toError(pending.signal.reason).message,
    } satisfies ThreadRequest);
    // Work that ignores its signal (a busy loop) is stopped: the thread goes, a new one comes.
    setTimeout(() => {
      if (slot.task === pending) void slot.worker.terminate();
    }, this.#options.terminateGraceMs).unref();
  }

  #settle(pending: Pending, error: Error | undefined, value?: unknown): void {
    if (pending.settled) return;
    pending.settled = true;
    if (pending.failure) pending.reject(pending.failure);
    else if (error) pending.reject(error);
    else pending.resolve(value);
  }
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** The main thread's copy of what an executor threw in the thread (its code and retryability kept). */
function rebuildError(fields: Extract<ThreadReply, { kind: 'failed' }>['error']): Error {
  const error =
    fields.code !== undefined && fields.retryable !== undefined
      ? new WorkflowError({
          message: fields.message,
          code: fields.code as WorkflowErrorCode,
          retryable: fields.retryable,
        })
      : new Error(fields.message);
  error.name = fields.name;
  if (fields.stack) error.stack = fields.stack;
  return error;
}
