/**
 * A Web-standard handler for `/shutdown/status`.
 * @module
 */
import { jsonResponse, type RequestHandler } from '../http-responses.ts';
import type { ShutdownStatusEngine } from '../observed-engine.ts';

/** Options of {@link createShutdownStatusHandler}. */
export interface CreateShutdownStatusHandlerOptions {
  engine: ShutdownStatusEngine;
}

/**
 * Answers 200 with where the engine stands in its shutdown: `{ state, shuttingDown, since?,
 * activeNodes }`, `state` being `running`, `draining` (no new jobs; active nodes finishing) or
 * `closed`. A status, not a probe: route traffic by `/health/ready`, which is 503 from the signal on.
 *
 * ```ts
 * const shutdownStatus = createShutdownStatusHandler({ engine });
 * app.get('/shutdown/status', (c) => shutdownStatus(c.req.raw));
 * ```
 */
export function createShutdownStatusHandler(
  options: CreateShutdownStatusHandlerOptions,
): RequestHandler {
  return async () => {
    const status = options.engine.getShutdownStatus();
    return jsonResponse({ ...status, shuttingDown: status.state !== 'running' });
  };
}
