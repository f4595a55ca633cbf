import { WorkflowError } from '@spane/core';

/** A lone UTF-16 surrogate: a high one not followed by a low one, or a low one not after a high. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Execution metadata holds what every store can hold: no U+0000 and no lone surrogate in its keys
 * or strings. The PostgreSQL store keeps metadata as `jsonb` (merged inside the database), which
 * cannot; this store refuses the same values, so code tested here behaves the same there.
 * Code `VALIDATION_ERROR`, not retryable; nothing is written.
 */
export class UnsupportedMetadataError extends WorkflowError {
  constructor(path: string, what: string) {
    super({
      message: `Execution metadata cannot hold ${what} (at ${path}): every store keeps metadata as JSON text without it`,
      code: 'VALIDATION_ERROR',
      retryable: false,
    });
  }
}

function problemOf(text: string): string | undefined {
  if (text.includes('\u0000')) return 'the character U+0000';
  if (LONE_SURROGATE.test(text)) return 'a lone UTF-16 surrogate';
  return undefined;
}

/** Throws {@link UnsupportedMetadataError} when `value` holds a string metadata cannot keep. */
export function assertStorableMetadata(value: unknown, path = 'metadata'): void {
  if (typeof value === 'string') {
    const problem = problemOf(value);
    if (problem !== undefined) throw new UnsupportedMetadataError(path, problem);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      assertStorableMetadata(item, `${path}[${i}]`);
    });
    return;
  }
  for (const [key, inner] of Object.entries(value)) {
    const problem = problemOf(key);
    if (problem !== undefined) throw new UnsupportedMetadataError(`${path} key`, problem);
    assertStorableMetadata(inner, `${path}.${key}`);
  }
}
