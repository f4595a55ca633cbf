/**
 * `@spane/test-support` (private): what the workspace's tests share. Tests wait on conditions with
 * a deadline and a message naming what they waited for, never on fixed sleeps; child processes are
 * registered for cleanup the moment they are spawned.
 * @module
 */
export { killChild, type SpawnReadyOptions, spawnReady } from './spawn-ready.ts';
export { type WaitForOptions, WaitTimeoutError, waitFor } from './wait-for.ts';
