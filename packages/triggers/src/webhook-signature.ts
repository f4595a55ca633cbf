import { createHmac, timingSafeEqual } from 'node:crypto';

/** Options of {@link signWebhook} and {@link verifyWebhookSignature}. */
export interface WebhookSignatureOptions {
  secret: string;
  /** Seconds since the epoch; default is now. */
  timestamp?: number | undefined;
  /** How old a signature may be, in seconds. Default is 300. */
  toleranceSeconds?: number | undefined;
}

/**
 * Signs a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. The timestamp is
 * signed too, so a captured request cannot be replayed after the tolerance window.
 */
export function signWebhook(body: string, options: WebhookSignatureOptions): string {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const digest = createHmac('sha256', options.secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

/**
 * Checks a signature made by {@link signWebhook}: well formed, within the tolerance window, and
 * equal in constant time. Returns false for anything else; never throws on bad input.
 */
export function verifyWebhookSignature(
  body: string,
  header: string | null | undefined,
  options: WebhookSignatureOptions,
): boolean {
  if (!header) return false;
  const parts = new Map(
    header.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(timestamp) || !given || !/^[0-9a-f]{64}$/.test(given)) return false;
  const now = options.timestamp ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = createHmac('sha256', options.secret).update(`${timestamp}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
