import { type EngineLogger, redactSecrets } from '@spane/engine';

/** Severity names, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** Lines below this level are dropped. Default is `info`. */
  level?: LogLevel | undefined;
  /** Fields added to every line (service name, instance id). */
  bindings?: Record<string, unknown> | undefined;
  /** Where lines go. Default is `process.stdout`. */
  write?: ((line: string) => void) | undefined;
}

/** A log method of pino's shape: `(fields, message?)` or `(message)`. */
export interface JsonLogMethod {
  (fields: Record<string, unknown>, message?: string): void;
  (message: string): void;
}

/** A structured logger of pino's shape: one JSON object per line; `child()` adds fields. */
export interface JsonLogger extends EngineLogger {
  debug: JsonLogMethod;
  info: JsonLogMethod;
  warn: JsonLogMethod;
  error: JsonLogMethod;
  child(bindings: Record<string, unknown>): JsonLogger;
}

/**
 * A structured JSON-lines logger of pino's shape, so it can be the engine's `logger`. It redacts
 * fields whose names look like secrets (password, token, secret, authorization, api key, cookie),
 * at any depth, so secrets never reach the logs.
 *
 * ```ts
 * const engine = new WorkflowEngine({ registry, store, connection, logger: createJsonLogger() });
 * ```
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): JsonLogger {
  const threshold = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const bindings = options.bindings ?? {};
  const log =
    (level: LogLevel): JsonLogMethod =>
    (first: Record<string, unknown> | string, message?: string) => {
      if (ORDER[level] < threshold) return;
      const fields = typeof first === 'string' ? {} : first;
      const msg = typeof first === 'string' ? first : message;
      write(
        JSON.stringify(
          redactSecrets({
            time: new Date().toISOString(),
            level,
            ...(msg === undefined ? {} : { msg }),
            ...bindings,
            ...fields,
          }),
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
