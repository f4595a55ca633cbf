/** Every code a {@link LocalServiceError} can carry. */
export type LocalServiceErrorCode =
  | 'REDIS_NOT_FOUND'
  | 'REDIS_START_FAILED'
  | 'REDIS_CLUSTER_START_FAILED'
  | 'POSTGRES_NOT_FOUND'
  | 'POSTGRES_START_FAILED'
  | 'POSTGRES_USER_UNAVAILABLE';

/**
 * The error of `@spane/local-services`: a stable `code` to branch on, and for a server that would
 * not start, one line per thing that was tried (`failures`), so callers can add their own hints.
 */
export class LocalServiceError extends Error {
  readonly code: LocalServiceErrorCode;
  /** What was tried and why each failed (e.g. the embedded binaries, then the system ones). */
  readonly failures: readonly string[];

  constructor(options: {
    code: LocalServiceErrorCode;
    message: string;
    failures?: readonly string[] | undefined;
    cause?: unknown;
  }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LocalServiceError';
    this.code = options.code;
    this.failures = options.failures ?? [];
  }
}

/** The message of anything thrown, for the failure lists. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
