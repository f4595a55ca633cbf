/**
 * The worker processes of a chaos scenario: spawned from chaos-worker.ts, killed on purpose with
 * SIGKILL (and replaced), stopped with SIGTERM at the end. A process that exits any other way is
 * counted as crashed.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER_SCRIPT = fileURLToPath(new URL('./chaos-worker.ts', import.meta.url));

/** Worker processes with their kills and crashes. */
export class WorkerFleet {
  readonly #env: Record<string, string>;
  readonly #live = new Set<ChildProcess>();
  readonly #killed = new Set<number>();
  readonly kills: Array<{ pid: number; at: number }> = [];
  crashed = 0;
  errorLines = 0;

  constructor(env: Record<string, string>) {
    this.#env = env;
  }

  /** Starts one worker process; resolves once it listens. */
  spawn(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--conditions=@spane/source', WORKER_SCRIPT], {
      env: { ...process.env, ...this.#env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr = (stderr + String(chunk)).slice(-4_000);
    });
    this.#live.add(child);
    return new Promise((resolve, reject) => {
      let ready = false;
      child.stdout?.on('data', (chunk) => {
        const text = String(chunk);
        this.errorLines += text.split('\n').filter((line) => line.startsWith('error ')).length;
        if (!ready && text.includes('ready')) {
          ready = true;
          resolve(child);
        }
      });
      child.once('exit', (code, signal) => {
        this.#live.delete(child);
        const pid = child.pid ?? -1;
        if (this.#killed.has(pid) || this.#stopping) return;
        this.crashed++;
        process.stderr.write(`[chaos] worker ${pid} died (${code ?? signal}): ${stderr}\n`);
        if (!ready) reject(new Error(`chaos worker exited before ready (${code ?? signal})`));
      });
    });
  }

  #stopping = false;

  /** SIGKILLs a random live worker and starts a replacement. */
  async killOne(): Promise<void> {
    const live = [...this.#live];
    const victim = live[Math.floor(Math.random() * live.length)];
    if (!victim?.pid) return;
    this.#killed.add(victim.pid);
    this.kills.push({ pid: victim.pid, at: Date.now() });
    victim.kill('SIGKILL');
    await this.spawn();
  }

  /** Stops every worker with SIGTERM (a graceful shutdown), SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.#stopping = true;
    await Promise.all(
      [...this.#live].map(
        (child) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
