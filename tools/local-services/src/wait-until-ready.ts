import { logTail } from './log-tail.ts';
import type { ManagedProcess } from './managed-processes.ts';

/**
 * Polls `check` until it says the server is ready. Throws, with the tail of the server's log, when
 * the server exits first or `timeoutMs` passes.
 */
export async function waitUntilReady(options: {
  /** What is starting, for the error message. */
  what: string;
  server: ManagedProcess;
  check: () => Promise<boolean> | boolean;
  timeoutMs: number;
}): Promise<void> {
  const { what, server, check, timeoutMs } = options;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!server.isAlive()) {
      if (server.pid === undefined) {
        // Node reports a failed spawn (ENOENT, EACCES) on a later tick.
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error(`${what} could not be started: ${String(server.spawnError)}`);
      }
      const { exitCode, signalCode } = server.child;
      throw new Error(
        `${what} exited during startup (code ${exitCode}, signal ${signalCode}). Log:\n${logTail(server.logFile)}`,
      );
    }
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(
    `${what} did not become ready within ${timeoutMs} ms. Log:\n${logTail(server.logFile)}`,
  );
}
