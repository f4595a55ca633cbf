import type { NodeLogger } from '@spane/core';

/** Severity names, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /pass(word)?|secret|token|authorization|api[-_]?key|cookie/i;

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** Lines below this level are dropped. Default is `info`. */
  level?: LogLevel | undefined;
  /** Fields added to every line (service name, instance id). */
  bindings?: Record<string, unknown> | undefined;
  /** Where lines go. Default is `process.stdout`. */
  write?: ((line: string) => void) | undefined;
}

/** A structured logger: one JSON object per line; `child()` adds fields. */
export interface JsonLogger extends NodeLogger {
  child(bindings: Record<string, unknown>): JsonLogger;
}

/**
 * A structured JSON-lines logger that redacts fields whose names look like secrets (password,
 * token, authorization, api key, cookie), at any depth, so secrets never reach the logs.
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): JsonLogger {
  const threshold = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const bindings = options.bindings ?? {};
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < threshold) return;
    write(
      JSON.stringify(
        redact({ time: new Date().toISOString(), level, msg: message, ...bindings, ...fields }),
      ),
    );
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more) => createJsonLogger({ ...options, bindings: { ...bindings, ...more } }),
  };
}

function redact(value: unknown, seen = new WeakSet<object>()): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, seen));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value))
    out[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(inner, seen);
  return out;
}
