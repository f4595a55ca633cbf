/**
 * The wire form of a signal: `{"topic": ..., "message": ...}` as JSON. Carrying the topic lets a
 * receiver check that a message is really for the topic it subscribed to.
 * @module
 */

/** A decoded signal. */
export interface SignalEnvelope {
  topic: string;
  message: unknown;
}

/** Serializes a signal. Throws a `TypeError` for a message JSON cannot carry (undefined, a function, a cycle, a BigInt). */
export function encodeSignal(topic: string, message: unknown): string {
  if (message === undefined || typeof message === 'function' || typeof message === 'symbol') {
    throw new TypeError(`A signal message must be JSON-serializable, got ${typeof message}`);
  }
  try {
    return JSON.stringify({ topic, message });
  } catch (error) {
    throw new TypeError(`A signal message must be JSON-serializable: ${String(error)}`, {
      cause: error,
    });
  }
}

/** Parses a received payload; undefined when it is not a well-formed signal. */
export function decodeSignal(payload: string | undefined): SignalEnvelope | undefined {
  if (typeof payload !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { topic, message } = parsed as Record<string, unknown>;
  if (typeof topic !== 'string' || !Object.hasOwn(parsed, 'message')) return undefined;
  return { topic, message };
}
