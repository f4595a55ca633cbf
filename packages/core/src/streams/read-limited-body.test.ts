import { describe, expect, it } from 'vitest';
import { type ByteStream, readLimitedBody } from './read-limited-body.ts';

const bytesOf = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const textOf = (bytes: Uint8Array | undefined) => String.fromCharCode(...(bytes ?? []));

/** A stream of the given chunks, counting how many were pulled and whether it was cancelled. */
function streamOf(chunks: string[]) {
  const state = { pulled: 0, cancelled: false };
  const stream: ByteStream = {
    getReader: () => ({
      read: async () => {
        const chunk = chunks[state.pulled];
        if (chunk === undefined) return { done: true };
        state.pulled += 1;
        return { done: false, value: bytesOf(chunk) };
      },
      cancel: async () => {
        state.cancelled = true;
      },
    }),
  };
  return { stream, state };
}

describe('readLimitedBody', () => {
  it('joins the chunks of a body within the limit', async () => {
    const { stream, state } = streamOf(['ab', 'cd', 'e']);
    expect(textOf(await readLimitedBody(stream, 5))).toBe('abcde');
    expect(state.cancelled).toBe(false);
  });

  it('stops past the limit, cancels the stream and returns undefined', async () => {
    const { stream, state } = streamOf(['abc', 'def', 'never read']);
    expect(await readLimitedBody(stream, 5)).toBeUndefined();
    expect(state).toEqual({ pulled: 2, cancelled: true });
  });

  it('reads a null body as empty', async () => {
    expect((await readLimitedBody(null, 0))?.byteLength).toBe(0);
  });
});
