/**
 * The error the shutdown handlers report when a shutdown did not end well.
 * @module
 */

/** Why a shutdown is reported: a step threw, or the whole shutdown outlived its deadline. */
export type ShutdownErrorCode = 'SHUTDOWN_FAILED' | 'SHUTDOWN_TIMEOUT';

/** Reported (to `onError`) when the engine's shutdown or `onShutdown` threw, or time ran out. */
export class ShutdownError extends Error {
  readonly code: ShutdownErrorCode;

  constructor(options: { message: string; code: ShutdownErrorCode; cause?: unknown }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ShutdownError';
    this.code = options.code;
  }
}
