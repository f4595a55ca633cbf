import { createHash } from 'node:crypto';
import { UnsupportedJsonError } from './unsupported-json-error.ts';

/**
 * Serializes a value for a `jsonb` column, as `JSON.stringify` does (Dates become ISO strings,
 * `undefined` object fields vanish). Returns `null` for `undefined` (kept as SQL `NULL`, read back
 * as `undefined`); throws {@link UnsupportedJsonError} for what JSON cannot hold.
 */
export function toJson(value: unknown): string | null {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new UnsupportedJsonError(error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
  return text ?? null;
}

/** Like {@link toJson} for a column that must hold a value: `undefined` is refused. */
export function toRequiredJson(value: unknown, what: string): string {
  const text = toJson(value);
  if (text === null) throw new UnsupportedJsonError(`${what} must be a JSON value, got undefined`);
  return text;
}

function sortKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

/**
 * SHA-256 (hex) of a value's canonical JSON: object keys sorted, so the same content gives the same
 * hash whatever the key order (which `jsonb` does not keep anyway).
 */
export function contentHash(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, sortKeys);
  } catch (error) {
    throw new UnsupportedJsonError(error instanceof Error ? error.message : String(error), {
      cause: error,
    });
  }
  return createHash('sha256')
    .update(text ?? '')
    .digest('hex');
}
