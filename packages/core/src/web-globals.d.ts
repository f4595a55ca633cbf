// Core compiles against the ECMAScript library only (no DOM, no Node), so that nothing platform-
// specific slips in. AbortSignal is the one Web-standard type its public shapes name; every runtime
// SPANE targets (Node, Deno, Bun, browsers) provides it, with a wider definition than this one.
declare global {
  interface AbortSignal {
    readonly aborted: boolean;
    readonly reason: unknown;
    throwIfAborted(): void;
  }
}

export {};
