/**
 * The script of a worker thread of the pool: loads the processor file, then runs the executors the
 * main thread asks for. Self-contained (only `node:` imports) so it runs as is from source (type
 * stripping) and from the build.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ThreadReply, ThreadRequest, ThreadRunRequest } from './thread-protocol.ts';

type Executor = (context: Record<string, unknown>) => unknown;

const port = parentPort;
if (!port) throw new Error('thread-entry runs only as a worker thread');

/** Executors by type, from a registry (`get`/`types`) or a record of executors or functions. */
function executorsOf(exported: unknown): Map<string, Executor> {
  const found = new Map<string, Executor>();
  if (typeof exported !== 'object' || exported === null) return found;
  const registry = exported as { types?: unknown; get?: unknown };
  if (typeof registry.types === 'function' && typeof registry.get === 'function') {
    for (const type of (registry.types as () => string[]).call(exported)) {
      const executor = (registry.get as (t: string) => unknown).call(exported, type);
      const fn = asExecutor(executor);
      if (fn) found.set(type, fn);
    }
    return found;
  }
  for (const [type, executor] of Object.entries(exported)) {
    const fn = asExecutor(executor);
    if (fn) found.set(type, fn);
  }
  return found;
}

function asExecutor(value: unknown): Executor | undefined {
  if (typeof value === 'function') return value as Executor;
  if (typeof value === 'object' && value !== null) {
    const execute = (value as { execute?: unknown }).execute;
    if (typeof execute === 'function') return (context) => execute.call(value, context);
  }
  return undefined;
}

async function load(): Promise<Map<string, Executor>> {
  const { processorFile } = workerData as { processorFile: string };
  const module = (await import(processorFile)) as Record<string, unknown>;
  const source = module.registry ?? module.executors ?? module.default;
  return executorsOf(source);
}

function errorFields(error: unknown): Extract<ThreadReply, { kind: 'failed' }>['error'] {
  if (error instanceof Error) {
    const { code, retryable } = error as Error & { code?: unknown; retryable?: unknown };
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      code: typeof code === 'string' ? code : undefined,
      retryable: typeof retryable === 'boolean' ? retryable : undefined,
    };
  }
  return { name: 'Error', message: String(error) };
}

function send(reply: ThreadReply): void {
  port?.postMessage(reply);
}

const aborts = new Map<number, AbortController>();
/** Threads' reads of `ctx.allNodeResults` waiting for the main thread, by task. */
const resultReads = new Map<
  number,
  { resolve: (v: unknown) => void; reject: (e: Error) => void }
>();

/** `ctx.allNodeResults`: asked of the main thread on first read, as there. */
function lazyAllNodeResults(id: number): () => Promise<unknown> {
  let read: Promise<unknown> | undefined;
  return () => {
    if (read === undefined) {
      read = new Promise((resolve, reject) => {
        resultReads.set(id, { resolve, reject });
        send({ kind: 'all-results', id });
      });
      read.catch(() => undefined); // read and never awaited: not an unhandled rejection
    }
    return read;
  };
}

async function run(executors: Map<string, Executor>, request: ThreadRunRequest): Promise<void> {
  const executor = executors.get(request.type);
  if (!executor) {
    send({
      kind: 'failed',
      id: request.id,
      error: {
        name: 'ConfigurationError',
        message: `The processor file has no executor "${request.type}"`,
        code: 'CONFIGURATION_ERROR',
        retryable: false,
      },
    });
    return;
  }
  const controller = new AbortController();
  aborts.set(request.id, controller);
  const log =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: Record<string, unknown>): void => {
      try {
        send({ kind: 'log', id: request.id, level, message: String(message), fields });
      } catch {
        send({ kind: 'log', id: request.id, level, message: String(message) });
      }
    };
  const context = {
    ...request.context,
    signal: controller.signal,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    // The main thread records the postponement (and refuses a bad duration); this is what to throw.
    rateLimit: async (durationMs: number): Promise<Error> => {
      send({ kind: 'rate-limit', id: request.id, durationMs });
      return Object.assign(new Error(`Postponed by ctx.rateLimit for ${durationMs} ms`), {
        name: 'RateLimitError',
        code: 'RATE_LIMITED',
        retryable: true,
        retryAfterMs: durationMs,
      });
    },
  };
  Object.defineProperty(context, 'allNodeResults', {
    get: lazyAllNodeResults(request.id),
    enumerable: true,
  });
  try {
    const value = await executor(context);
    try {
      send({ kind: 'done', id: request.id, value });
    } catch (error) {
      send({ kind: 'uncloneable', id: request.id, message: errorFields(error).message });
    }
  } catch (error) {
    try {
      send({ kind: 'failed', id: request.id, error: errorFields(error) });
    } catch {
      send({ kind: 'failed', id: request.id, error: { name: 'Error', message: String(error) } });
    }
  } finally {
    aborts.delete(request.id);
    resultReads.delete(request.id);
  }
}

const loaded = load();
loaded.then(
  (executors) => send({ kind: 'ready', types: [...executors.keys()] }),
  (error: unknown) => send({ kind: 'load-failed', message: errorFields(error).message }),
);

port.on('message', (request: ThreadRequest) => {
  if (request.kind === 'abort') {
    aborts.get(request.id)?.abort(new Error(request.reason));
    return;
  }
  if (request.kind === 'all-results') {
    const read = resultReads.get(request.id);
    if (request.error !== undefined) read?.reject(new Error(request.error));
    else read?.resolve(request.results ?? {});
    return;
  }
  loaded.then(
    (executors) => run(executors, request),
    () => undefined,
  );
});
