import { WorkflowError } from '@spane/core';
import { UnsupportedJsonError } from './unsupported-json-error.ts';

interface DriverError {
  code?: unknown;
  message?: unknown;
  where?: unknown;
}

/** SQLSTATE classes and codes that a retry can get past: connection loss, deadlocks, shutdowns. */
function isTransient(code: string | undefined): boolean {
  if (code === undefined) return true; // a network error (ECONNRESET, "Connection terminated")
  return (
    code.startsWith('08') ||
    code.startsWith('53') ||
    code === '40001' ||
    code === '40P01' ||
    code === '55P03' ||
    code === '57P01' ||
    code === '57P02' ||
    code === '57P03'
  );
}

/**
 * Translates what the driver threw into a SPANE error, keeping the original as `cause`: SPANE
 * errors pass through, JSON rejected by `jsonb` becomes {@link UnsupportedJsonError}, and anything
 * else a `WorkflowError` (retryable when the failure is transient).
 */
export function wrapDriverError(error: unknown, operation: string): Error {
  if (WorkflowError.isInstance(error)) return error;
  const driver = (typeof error === 'object' && error !== null ? error : {}) as DriverError;
  const code =
    typeof driver.code === 'string' && /^[0-9A-Z]{5}$/.test(driver.code) ? driver.code : undefined;
  const message = typeof driver.message === 'string' ? driver.message : String(error);
  const inJson = typeof driver.where === 'string' && driver.where.startsWith('JSON data');
  if (code === '22P05' || (code === '22P02' && inJson)) {
    return new UnsupportedJsonError(
      `${message} (jsonb cannot hold U+0000 in strings, nor lone UTF-16 surrogates)`,
      { cause: error },
    );
  }
  return new WorkflowError({
    message: `PostgreSQL store: ${operation} failed: ${message}`,
    retryable: isTransient(code),
    cause: error,
  });
}
