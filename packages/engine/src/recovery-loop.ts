/** The periodic recovery sweep and stuck-run check of a process running workers. */
export class RecoveryLoop {
  readonly #options: RecoveryLoopOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor(options: RecoveryLoopOptions) {
    this.#options = options;
  }

  /** Schedules the first round (no-op when the interval is 0 or the loop runs already). */
  start(): void {
    if (this.#options.intervalMs <= 0 || this.#timer !== undefined || this.#stopped) return;
    this.#schedule();
  }

  /** Stops for good: no round starts after this. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#round(), this.#options.intervalMs);
    this.#timer.unref?.();
  }

  async #round(): Promise<void> {
    const { sweep, findStuck, onError } = this.#options;
    for (const step of [sweep, findStuck]) {
      if (this.#stopped) return;
      try {
        await step();
      } catch (error) {
        onError(error instanceof Error ? error : new Error(String(error)));
      }
    }
    this.#schedule();
  }
}

/** Options of a {@link RecoveryLoop}. */
export interface RecoveryLoopOptions {
  /** Time between the end of a round and the start of the next, in ms; 0 turns the loop off. */
  intervalMs: number;
  sweep: () => Promise<unknown>;
  findStuck: () => Promise<unknown>;
  /** A round's failure (a server unreachable): reported, and the next round runs as planned. */
  onError: (error: Error) => void;
}
