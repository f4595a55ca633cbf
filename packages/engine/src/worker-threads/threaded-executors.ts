import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExecutionContext, ExecutionResult, INodeExecutor } from '@spane/core';
import type { ResolvedWorkerThreadsConfig } from '../engine-config.ts';
import { ThreadPool } from './thread-pool.ts';

/** How long an aborted thread may settle on its own before it is terminated, in ms. */
const TERMINATE_GRACE_MS = 100;

/** The fields of a context that cross into the thread (the rest is made there or stays here). */
const CLONED_FIELDS = [
  'workflowId',
  'executionId',
  'nodeId',
  'inputData',
  'nodeConfig',
  'previousResults',
  'parentExecutionId',
  'depth',
  'attempt',
  'idempotencyKey',
  'deadline',
] as const satisfies ReadonlyArray<keyof ExecutionContext>;

/**
 * Decides which node types run in worker threads and gives the runner an executor that runs them
 * there. The pool starts on first use.
 */
export class ThreadedExecutors {
  readonly #config: ResolvedWorkerThreadsConfig;
  readonly #only: ReadonlySet<string> | undefined;
  #pool: ThreadPool | undefined;

  constructor(config: ResolvedWorkerThreadsConfig) {
    this.#config = config;
    this.#only = config.types ? new Set(config.types) : undefined;
  }

  /** Whether this type runs in a thread: listed in `types`, or (without `types`) exported by the processor file. */
  async handles(type: string): Promise<boolean> {
    if (this.#only) return this.#only.has(type);
    return (await this.#start().types()).has(type);
  }

  /** An executor that runs the type's executor of the processor file in a thread of the pool. */
  executorFor(type: string): INodeExecutor {
    const pool = this.#start();
    return {
      execute: async (ctx: ExecutionContext): Promise<ExecutionResult> => {
        const context: Record<string, unknown> = {};
        for (const field of CLONED_FIELDS)
          if (ctx[field] !== undefined) context[field] = ctx[field];
        return (await pool.run({
          type,
          context,
          signal: ctx.signal,
          nodeId: ctx.nodeId,
          executionId: ctx.executionId,
          onLog: (level, message, fields) => ctx.logger[level](message, fields),
          onAllNodeResults: async () => (await ctx.allNodeResults) ?? {},
          onRateLimit: (durationMs) =>
            ctx.rateLimit
              ? ctx.rateLimit(durationMs)
              : Promise.reject(new Error('ctx.rateLimit is not available here')),
        })) as ExecutionResult;
      },
    };
  }

  /** Terminates the threads. */
  async close(): Promise<void> {
    await this.#pool?.close();
    this.#pool = undefined;
  }

  #start(): ThreadPool {
    this.#pool ??= new ThreadPool({
      processorFile: processorUrl(this.#config.processorFile),
      size: this.#config.size,
      resourceLimits: this.#config.resourceLimits,
      terminateGraceMs: TERMINATE_GRACE_MS,
    });
    return this.#pool;
  }
}

function processorUrl(file: string | URL): string {
  if (file instanceof URL) return file.href;
  if (file.startsWith('file:')) return file;
  return pathToFileURL(isAbsolute(file) ? file : resolve(file)).href;
}
