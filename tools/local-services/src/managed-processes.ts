import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { Watchdog } from './watchdog.ts';

/** Options of {@link spawnManaged}. */
export interface SpawnManagedOptions {
  /** A short name for messages, e.g. `redis` or `postgres`. */
  name: string;
  command: string;
  args: readonly string[];
  /** stdout and stderr are appended here (a file, so no pipe can fill up and stall the server). */
  logFile: string;
  cwd: string;
  env?: NodeJS.ProcessEnv | undefined;
  /** Run as this OS user / group (needs root). */
  uid?: number | undefined;
  gid?: number | undefined;
  /**
   * How `stop()` stops it: each signal in turn, waiting up to its `waitMs` for the exit, then
   * SIGKILL. E.g. SIGTERM for redis; for postgres SIGTERM (smart shutdown: lets clients that are
   * disconnecting finish, so none sees a "terminating connection" error), then SIGINT (fast).
   */
  stopSequence: ReadonlyArray<{ signal: NodeJS.Signals; waitMs: number }>;
  /** The signal sent from the synchronous exit handler and by the watchdog, e.g. SIGQUIT for postgres. */
  killSignal: NodeJS.Signals;
  /** Directories the watchdog deletes if this process dies without stopping the server. */
  removeOnCrash?: readonly string[] | undefined;
}

const live = new Set<ManagedProcess>();
let exitHandlerInstalled = false;

function killAllSync(): void {
  for (const managed of live) managed.killNow();
}

/**
 * A long-running server started by {@link spawnManaged}: a child process in its own process group
 * (so a Ctrl-C on the terminal reaches us, and we stop it in order, rather than the server directly),
 * killed synchronously by an `exit` handler and by a {@link Watchdog} if we die without `stop()`.
 */
export class ManagedProcess {
  /** The short name given at spawn. */
  readonly name: string;
  /** The child process. */
  readonly child: ChildProcess;
  /** Where its output goes. */
  readonly logFile: string;
  readonly #stopSequence: ReadonlyArray<{ signal: NodeJS.Signals; waitMs: number }>;
  readonly #killSignal: NodeJS.Signals;
  readonly #watchdog: Watchdog;
  #stopping: Promise<void> | undefined;
  #spawnError: Error | undefined;

  constructor(options: SpawnManagedOptions) {
    this.name = options.name;
    this.logFile = options.logFile;
    this.#stopSequence = options.stopSequence;
    this.#killSignal = options.killSignal;
    this.#watchdog = new Watchdog({ removeOnCrash: options.removeOnCrash });
    const fd = fs.openSync(options.logFile, 'a');
    try {
      this.child = spawn(options.command, options.args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        uid: options.uid,
        gid: options.gid,
        detached: true,
        stdio: ['ignore', fd, fd],
      });
    } finally {
      fs.closeSync(fd);
    }
    this.child.on('error', (error) => {
      this.#spawnError ??= error;
    });
    if (this.child.pid !== undefined) this.#watchdog.watch(this.child.pid, this.#killSignal);
  }

  /** The server's process id (`undefined` if it could not be spawned). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Why it could not be started (e.g. ENOENT), once Node reported it; `undefined` otherwise. */
  get spawnError(): Error | undefined {
    return this.#spawnError;
  }

  /** Whether the process is still running (false when it could not be spawned at all). */
  isAlive(): boolean {
    const { child } = this;
    return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /**
   * Stops it through its stop sequence (or the one given, e.g. a fast shutdown for a restart), then
   * SIGKILL; resolves once it exited. Idempotent.
   */
  stop(
    options: { sequence?: ReadonlyArray<{ signal: NodeJS.Signals; waitMs: number }> } = {},
  ): Promise<void> {
    this.#stopping ??= this.#stop(options.sequence ?? this.#stopSequence);
    return this.#stopping;
  }

  /** Sends the kill signal now, synchronously (for exit handlers). */
  killNow(): void {
    if (!this.isAlive() || this.child.pid === undefined) return;
    try {
      process.kill(this.child.pid, this.#killSignal);
    } catch {
      // already gone
    }
  }

  async #stop(sequence: ReadonlyArray<{ signal: NodeJS.Signals; waitMs: number }>): Promise<void> {
    const { child } = this;
    if (this.isAlive()) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      for (const { signal, waitMs } of sequence) {
        if (!this.isAlive()) break;
        child.kill(signal);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          exited,
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, waitMs);
          }),
        ]);
        clearTimeout(timer);
      }
      if (this.isAlive()) child.kill('SIGKILL');
      await exited;
    }
    live.delete(this);
    this.#watchdog.release();
  }
}

/**
 * Spawns a server as a {@link ManagedProcess}. The first call installs one `exit` handler that kills
 * every server still running, so none outlives this process.
 */
export function spawnManaged(options: SpawnManagedOptions): ManagedProcess {
  if (!exitHandlerInstalled) {
    exitHandlerInstalled = true;
    process.on('exit', killAllSync);
  }
  const managed = new ManagedProcess(options);
  live.add(managed);
  return managed;
}
