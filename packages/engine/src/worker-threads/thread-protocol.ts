/** Messages between the main thread and a worker thread of the pool (types only). */

/** Runs one attempt of an executor in the thread. */
export interface ThreadRunRequest {
  kind: 'run';
  id: number;
  type: string;
  /** The cloneable part of the executor's context (no signal, logger or store accessors). */
  context: Record<string, unknown>;
}

/** What the main thread sends. */
export type ThreadRequest =
  | ThreadRunRequest
  | { kind: 'abort'; id: number; reason: string }
  /** The answer to a thread's `all-results`: the execution's node results, or why not. */
  | {
      kind: 'all-results';
      id: number;
      results?: Record<string, unknown> | undefined;
      error?: string | undefined;
    };

/** What a thread sends back. */
export type ThreadReply =
  | { kind: 'ready'; types: string[] }
  | { kind: 'load-failed'; message: string }
  | {
      kind: 'log';
      id: number;
      level: 'debug' | 'info' | 'warn' | 'error';
      message: string;
      fields?: Record<string, unknown> | undefined;
    }
  /** The executor read `ctx.allNodeResults`: the main thread loads them from the store. */
  | { kind: 'all-results'; id: number }
  /** The executor called `ctx.rateLimit(durationMs)`: the main thread records the postponement. */
  | { kind: 'rate-limit'; id: number; durationMs: number }
  | { kind: 'done'; id: number; value: unknown }
  | { kind: 'uncloneable'; id: number; message: string }
  | {
      kind: 'failed';
      id: number;
      error: {
        name: string;
        message: string;
        stack?: string | undefined;
        code?: string | undefined;
        retryable?: boolean | undefined;
      };
    };
