import { type ChildProcess, spawn } from 'node:child_process';

/** Options of {@link spawnReady}. */
export interface SpawnReadyOptions {
  /** Extra environment, on top of this process's. */
  env?: Record<string, string> | undefined;
  /**
   * Called with the child as soon as it is spawned, before it is ready: register its cleanup here,
   * so that a child that never gets ready (or a test that fails meanwhile) is still stopped.
   */
  onSpawn: (child: ChildProcess) => void;
  /** How long the child may take to print `ready`. Default is 30 000 ms. */
  readyTimeoutMs?: number | undefined;
  /** The line that says the child is ready. Default is `ready`. */
  readyLine?: string | undefined;
}

/** Stops a child with SIGKILL unless it has exited already; resolves once it has. */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/**
 * Starts a TypeScript script in a child Node process (with the workspace's `@spane/source`
 * condition) and resolves once it prints its ready line. Rejects with the child's stderr when it
 * exits first, and kills it and rejects when it is not ready within `readyTimeoutMs`.
 */
export function spawnReady(script: string, options: SpawnReadyOptions): Promise<ChildProcess> {
  const readyLine = options.readyLine ?? 'ready';
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  const child = spawn(process.execPath, ['--conditions=@spane/source', script], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.onSpawn(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(`${script} printed no "${readyLine}" within ${timeoutMs} ms; stderr: ${stderr}`),
      );
      void killChild(child);
    }, timeoutMs);
    child.stdout?.on('data', (chunk) => {
      stdout += String(chunk);
      if (stdout.split('\n').some((line) => line.trim() === readyLine)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${signal ?? code}) before it was ready: ${stderr}`));
    });
  });
}
