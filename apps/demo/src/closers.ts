/**
 * What the demo opened, closed once in reverse order of opening (engine, store, server, API), each
 * step attempted even when an earlier one failed, so a failing close never leaves a server behind.
 */
export class Closers {
  readonly #stack: Array<{ name: string; close: () => Promise<void> }> = [];
  #closing: Promise<void> | undefined;

  /** Registers something to close; the last added is closed first. */
  add(name: string, close: () => Promise<void>): void {
    this.#stack.push({ name, close });
  }

  /** Closes everything, once (later calls get the same promise). Errors are printed, not thrown. */
  closeAll(): Promise<void> {
    this.#closing ??= this.#closeAll();
    return this.#closing;
  }

  async #closeAll(): Promise<void> {
    // Popping one at a time also closes what is added while closing (a start that was under way).
    for (let entry = this.#stack.pop(); entry; entry = this.#stack.pop()) {
      const { name, close } = entry;
      try {
        await close();
      } catch (error) {
        console.error(`closing the ${name} failed:`, error);
        process.exitCode = 1;
      }
    }
  }
}
