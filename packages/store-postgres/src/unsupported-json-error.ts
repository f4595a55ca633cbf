import { WorkflowError } from '@spane/core';

/**
 * A value cannot be stored: it is not JSON (a `BigInt`, a cycle), or it goes to a `jsonb` column
 * (execution metadata, workflow definitions) and holds what `jsonb` rejects: the character U+0000
 * in a string or a lone UTF-16 surrogate (data columns are `json` and keep those). Nothing was
 * written. Not retryable: the same value fails again. Code `VALIDATION_ERROR`.
 */
export class UnsupportedJsonError extends WorkflowError {
  constructor(detail: string, options: { cause?: unknown } = {}) {
    super({
      message: `PostgreSQL store: the value cannot be stored as JSON: ${detail}`,
      code: 'VALIDATION_ERROR',
      retryable: false,
      cause: options.cause,
    });
  }
}
