/**
 * The processor file of the worker-thread tests: executors that spin, crash, exit, blow their heap,
 * or return what cannot be cloned. Loaded by the engine's worker threads (plain Node, types
 * stripped), so it imports nothing.
 */
interface Ctx {
  attempt: number;
  idempotencyKey: string;
  nodeId: string;
  inputData: unknown;
  nodeConfig: Record<string, unknown>;
  signal: AbortSignal;
  deadline?: number;
  logger: { info(message: string, fields?: Record<string, unknown>): void };
  rateLimit(durationMs: number): Promise<Error>;
  readonly allNodeResults: Promise<Record<string, { data?: unknown }>>;
}

/** Calls of `rateLimitOnce` in this thread. */
let rateLimitCalls = 0;

function spin(ms: number): number {
  const end = Date.now() + ms;
  let turns = 0;
  while (Date.now() < end) turns += 1;
  return turns;
}

export const executors = {
  /** A CPU-bound executor: a busy loop of `nodeConfig.ms` (default 2000). */
  busy: async (ctx: Ctx) => {
    const ms = typeof ctx.nodeConfig.ms === 'number' ? ctx.nodeConfig.ms : 2_000;
    const started = Date.now();
    spin(ms);
    return { success: true, data: { started, ended: Date.now() } };
  },
  /** Spins forever: only terminating its thread stops it. */
  forever: async () => {
    for (;;) spin(1_000);
  },
  /** Attempt 1 kills its thread with an uncaught throw outside the executor's promise. */
  crashOnce: async (ctx: Ctx) => {
    if (ctx.attempt === 1) {
      setImmediate(() => {
        throw new Error('thread crash');
      });
      return new Promise(() => undefined);
    }
    return { success: true, data: { attempt: ctx.attempt } };
  },
  /** Attempt 1 throws from the executor. */
  throwOnce: async (ctx: Ctx) => {
    if (ctx.attempt === 1) throw new Error('executor threw');
    return { success: true, data: { attempt: ctx.attempt } };
  },
  /** Attempt 1 calls process.exit (which ends only its thread). */
  exitOnce: async (ctx: Ctx) => {
    if (ctx.attempt === 1) process.exit(7);
    return { success: true, data: { attempt: ctx.attempt } };
  },
  /** Attempt 1 fills its heap past the thread's resourceLimits. */
  oomOnce: async (ctx: Ctx) => {
    if (ctx.attempt === 1) {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array(1_000_000).fill(hoard.length));
    }
    return { success: true, data: { attempt: ctx.attempt } };
  },
  /** Throws an error with a code and a retryable flag, as SPANE errors have. */
  throwCoded: async () => {
    throw Object.assign(new Error('coded'), { code: 'VALIDATION_ERROR', retryable: false });
  },
  /** The first call postpones itself by `nodeConfig.ms` with ctx.rateLimit; the next succeeds. */
  rateLimitOnce: async (ctx: Ctx) => {
    rateLimitCalls += 1;
    if (rateLimitCalls === 1) throw await ctx.rateLimit(Number(ctx.nodeConfig.ms));
    return { success: true, data: { calls: rateLimitCalls, attempt: ctx.attempt } };
  },
  /** Reads every node result of the execution so far (from the main thread's store). */
  allResults: async (ctx: Ctx) => {
    const all = await ctx.allNodeResults;
    return {
      success: true,
      data: Object.fromEntries(Object.entries(all).map(([k, r]) => [k, r.data])),
    };
  },
  /** Returns a function: no structured clone can carry it. */
  uncloneable: async () => ({ success: true, data: { fn: () => 1 } }),
  /** Reports what the thread sees of its context, and logs. */
  context: async (ctx: Ctx) => {
    ctx.logger.info('hello from the thread', { nodeId: ctx.nodeId });
    return {
      success: true,
      data: {
        attempt: ctx.attempt,
        idempotencyKey: ctx.idempotencyKey,
        inputData: ctx.inputData,
        nodeConfig: ctx.nodeConfig,
        signal: ctx.signal instanceof AbortSignal && !ctx.signal.aborted,
        deadline: typeof ctx.deadline,
      },
    };
  },
  /** Waits for its signal, then says it saw the abort (the thread stays). */
  waitAbort: async (ctx: Ctx) =>
    new Promise((_, reject) => {
      ctx.signal.addEventListener('abort', () => reject(new Error('aborted inside')));
    }),
};
