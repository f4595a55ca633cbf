/**
 * Process signal handling for a SPANE worker or server: the first SIGTERM / SIGINT shuts the engine
 * down gracefully and exits; a second one exits at once.
 * @module
 */
import { constants } from 'node:os';
import type { ShutdownEngine } from '../observed-engine.ts';
import { ShutdownError } from './shutdown-error.ts';

/** What {@link InstallShutdownHandlersOptions.onShutdown} is told. */
export interface ShutdownContext {
  /** The signal that started the shutdown. */
  signal: NodeJS.Signals;
}

/** What the shutdown handlers tell as the signal arrives: a health monitor (`createHealthMonitor`), or anything with its `markShuttingDown`. */
export interface ShuttingDownMarker {
  markShuttingDown(): void;
}

/** Options of {@link installShutdownHandlers}. */
export interface InstallShutdownHandlersOptions {
  /** The signals that start a shutdown. Default is `['SIGTERM', 'SIGINT']`. */
  signals?: readonly NodeJS.Signals[] | undefined;
  /** How long active nodes may finish, in ms; passed to `gracefulShutdown`. Default is the engine's `shutdownTimeoutMs` (30000). */
  timeoutMs?: number | undefined;
  /**
   * Runs once the engine has shut down (its queues closed), before the exit: close the HTTP
   * server, the store, the database. A throw makes the exit code 1.
   */
  onShutdown?: ((context: ShutdownContext) => void | Promise<void>) | undefined;
  /** Called as the first signal arrives, before anything else (to log it, say). */
  onSignal?: ((signal: NodeJS.Signals) => void) | undefined;
  /** Health monitors to mark shutting down as the signal arrives (readiness is false from then on). */
  health?: ShuttingDownMarker | readonly ShuttingDownMarker[] | undefined;
  /**
   * The whole shutdown (engine and `onShutdown`) may take this long before the process exits with
   * code 1 anyway, in ms. Default is `timeoutMs` (or 30000) plus 30000.
   */
  forceExitAfterMs?: number | undefined;
  /** Ends the process. Default is `process.exit`. */
  exit?: ((code: number) => void) | undefined;
  /** Told why a shutdown failed. Default writes the error to stderr. */
  onError?: ((error: ShutdownError) => void) | undefined;
}

/** The conventional exit code of a process ended by `signal`: 128 plus its number (130 for SIGINT, 143 for SIGTERM). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 15);
}

/**
 * Wires the process's SIGTERM and SIGINT to a graceful shutdown. On the first signal: health
 * monitors turn not-ready at once (so does any monitor reading this engine, which reports
 * `draining`), `engine.gracefulShutdown({ timeoutMs })` lets active nodes finish (the rest go back
 * to the queue for another worker), then `onShutdown` runs, then the process exits with 0, or 1
 * when either threw or the shutdown outlived `forceExitAfterMs`. A second signal exits at once
 * with the signal's code (143 for SIGTERM). Returns a function that removes the handlers.
 *
 * ```ts
 * const health = createHealthMonitor({ engine, store });
 * installShutdownHandlers(engine, {
 *   timeoutMs: 10_000,
 *   health,
 *   onShutdown: async () => {
 *     await new Promise((resolve) => server.close(resolve));
 *     await store.close();
 *   },
 * });
 * ```
 */
export function installShutdownHandlers(
  engine: ShutdownEngine,
  options: InstallShutdownHandlersOptions = {},
): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const onError =
    options.onError ?? ((error: ShutdownError) => console.error('spane shutdown:', error));
  // A throwing onError must not stop the shutdown half-way.
  const report = (error: ShutdownError) => {
    try {
      onError(error);
    } catch {
      // Nothing left to tell it to.
    }
  };
  const forceAfterMs = options.forceExitAfterMs ?? (options.timeoutMs ?? 30_000) + 30_000;
  let started = false;
  let exited = false;
  const exitOnce = (code: number) => {
    if (exited) return;
    exited = true;
    exit(code);
  };

  const shutDown = async (signal: NodeJS.Signals) => {
    // Kept referenced: the process must not idle out before the deadline while a step hangs.
    const deadline = setTimeout(() => {
      report(
        new ShutdownError({
          code: 'SHUTDOWN_TIMEOUT',
          message: `The shutdown did not end within ${forceAfterMs} ms`,
        }),
      );
      exitOnce(1);
    }, forceAfterMs);
    let failed = false;
    const attempt = async (what: string, step: () => unknown) => {
      try {
        await step();
      } catch (cause) {
        failed = true;
        report(new ShutdownError({ code: 'SHUTDOWN_FAILED', message: `${what} failed`, cause }));
      }
    };
    if (options.onSignal) {
      const onSignal = options.onSignal;
      await attempt('onSignal', () => onSignal(signal));
    }
    const monitors = options.health === undefined ? [] : [options.health].flat();
    for (const monitor of monitors) {
      await attempt('Marking a health monitor', () => monitor.markShuttingDown());
    }
    await attempt('The engine shutdown', () =>
      engine.gracefulShutdown(
        options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs },
      ),
    );
    if (options.onShutdown) {
      const onShutdown = options.onShutdown;
      await attempt('onShutdown', () => onShutdown({ signal }));
    }
    clearTimeout(deadline);
    exitOnce(failed ? 1 : 0);
  };

  const handler = (signal: NodeJS.Signals) => {
    if (started) {
      exitOnce(signalExitCode(signal));
      return;
    }
    started = true;
    shutDown(signal).catch((error: unknown) => {
      report(
        new ShutdownError({
          code: 'SHUTDOWN_FAILED',
          message: 'The shutdown failed',
          cause: error,
        }),
      );
      exitOnce(1);
    });
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
