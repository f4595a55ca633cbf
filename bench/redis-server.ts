/**
 * The Redis the benchmark runs on: `REDIS_URL` when set (used as is, never stopped), otherwise a
 * private `redis-server` on a free loopback port, without persistence, stopped by `stop()`.
 *
 * No orphan is left behind: `@spane/local-services` kills it from an exit handler and a watchdog
 * if this process dies without `stop()`; Ctrl-C / SIGTERM stop it here before exiting.
 */
import {
  exitCodeOf,
  type LocalRedisServer,
  LocalServiceError,
  onShutdownSignal,
  startRedisServer,
} from '@spane/local-services';

export interface BenchRedis {
  url: string;
  /** What runs it, for the report header. */
  what: string;
  /** Whether this process started it (and so may reset its stats). */
  owned: boolean;
  stop(): Promise<void>;
}

/** The Redis to benchmark on. */
export async function startBenchRedis(): Promise<BenchRedis> {
  const external = process.env.REDIS_URL;
  if (external) {
    return { url: external, what: `REDIS_URL (${external})`, owned: false, stop: async () => {} };
  }
  let server: LocalRedisServer;
  try {
    server = await startRedisServer({ startTimeoutMs: 10_000 });
  } catch (error) {
    if (error instanceof LocalServiceError && error.code === 'REDIS_NOT_FOUND') {
      throw new Error(
        'redis-server not found: install Redis (>= 6.2) so that redis-server is on PATH, or set REDIS_URL',
      );
    }
    throw error;
  }
  // Ctrl-C / SIGTERM: stop the server and wait for it, then exit with the signal's code.
  const removeSignalHandlers = onShutdownSignal((signal) => {
    void server.stop().finally(() => process.exit(exitCodeOf(signal)));
  });
  return {
    url: server.url,
    what: `private redis-server (pid ${server.pid}, port ${server.port})`,
    owned: true,
    stop: async () => {
      removeSignalHandlers();
      await server.stop();
    },
  };
}
