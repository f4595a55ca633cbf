/**
 * A log method of pino's shape: structured fields first, then the message. `pino`'s own loggers
 * fit, and so does anything else with that shape.
 */
export type EngineLogMethod = (fields: Record<string, unknown>, message: string) => void;

/**
 * The engine's logging port: pino's shape (`debug`/`info`/`warn`/`error` taking
 * `(fields, message)`, and `child(bindings)`). Pass `pino()` itself, or `createJsonLogger()` of
 * `@spane/observability`. Without one the engine writes nothing.
 */
export interface EngineLogger {
  debug: EngineLogMethod;
  info: EngineLogMethod;
  warn: EngineLogMethod;
  error: EngineLogMethod;
  child(bindings: Record<string, unknown>): EngineLogger;
}

/** Field names that look like secrets: their values are never logged. */
export const SECRET_FIELD =
  /pass(word|phrase)?|secret|token|authorization|api[-_]?key|cookie|credential|private[-_]?key/i;

/** The text that replaces a secret's value. */
export const REDACTED = '[redacted]';

/**
 * A copy of `value` with the values of secret-looking keys (at any depth) replaced by
 * `[redacted]`, errors reduced to their name, message and code, and cycles cut.
 */
export function redactSecrets(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, seen));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const copy = SECRET_FIELD.test(key) ? REDACTED : redactSecrets(inner, seen);
    // an own `__proto__` key (from JSON.parse) stays a key instead of replacing the prototype
    Object.defineProperty(out, key, {
      value: copy,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
