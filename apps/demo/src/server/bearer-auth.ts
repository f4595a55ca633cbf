import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './api-error.ts';

/** Compares two secrets in constant time (of their SHA-256 digests, so lengths leak nothing). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Requires `Authorization: Bearer <token>` on every request it guards; answers 401 with
 * `WWW-Authenticate` otherwise. The token is never logged or echoed.
 */
export function bearerAuth(token: string): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1] || !secretsEqual(match[1].trim(), token)) {
      c.header('WWW-Authenticate', 'Bearer realm="spane"');
      throw new ApiError({
        status: 401,
        code: 'UNAUTHORIZED',
        message: match ? 'The bearer token is not valid' : 'This endpoint needs a bearer token',
      });
    }
    await next();
  };
}
