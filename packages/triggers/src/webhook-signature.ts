import { createHmac, timingSafeEqual } from 'node:crypto';

/** Options of {@link signWebhook}. */
export interface WebhookSignatureOptions {
  secret: string;
  /** Seconds since the epoch; default is now. */
  timestamp?: number | undefined;
  /** How old a signature may be, in seconds. Default is 300. */
  toleranceSeconds?: number | undefined;
}

/** Options of {@link verifyWebhookSignature} and {@link checkWebhookSignature}. */
export interface WebhookVerifyOptions {
  /** The secret, or several during a rotation: a signature made with any of them is accepted. */
  secret: string | readonly string[];
  /** Seconds since the epoch to check against; default is now. */
  timestamp?: number | undefined;
  /** How old (or how far in the future) a signature may be, in seconds. Default is 300. */
  toleranceSeconds?: number | undefined;
}

/** Why a signature was refused. */
export type SignatureProblem = 'missing' | 'malformed' | 'expired' | 'mismatch';

/** The outcome of {@link checkWebhookSignature}. */
export type SignatureCheck = { valid: true } | { valid: false; problem: SignatureProblem };

/** The header SPANE's webhook handler reads signatures from. */
export const SIGNATURE_HEADER = 'x-spane-signature';

const DEFAULT_TOLERANCE_SECONDS = 300;

function digest(secret: string, timestamp: number, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/**
 * Signs a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t." + body>`. The timestamp is
 * signed too, so a captured request cannot be replayed after the tolerance window. Sign the exact
 * bytes you send: the receiver checks the raw body.
 */
export function signWebhook(body: string | Uint8Array, options: WebhookSignatureOptions): string {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return `t=${timestamp},v1=${digest(options.secret, timestamp, body).toString('hex')}`;
}

/**
 * Checks a signature made by {@link signWebhook}, saying why it was refused: absent, malformed,
 * outside the tolerance window, or made with none of the secrets. Comparisons are constant-time;
 * a header may carry several `v1` values. Never throws on bad input.
 */
export function checkWebhookSignature(
  body: string | Uint8Array,
  header: string | null | undefined,
  options: WebhookVerifyOptions,
): SignatureCheck {
  if (!header) return { valid: false, problem: 'missing' };
  let timestamp = Number.NaN;
  const given: Buffer[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) given.push(Buffer.from(value, 'hex'));
  }
  if (!Number.isSafeInteger(timestamp) || given.length === 0) {
    return { valid: false, problem: 'malformed' };
  }
  const now = options.timestamp ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
    return { valid: false, problem: 'expired' };
  }
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret;
  let matched = false;
  // Every pair is compared, so the time taken does not say which secret or value matched.
  for (const secret of secrets) {
    const expected = digest(secret, timestamp, body);
    for (const candidate of given) {
      if (timingSafeEqual(expected, candidate)) matched = true;
    }
  }
  return matched ? { valid: true } : { valid: false, problem: 'mismatch' };
}

/**
 * Checks a signature made by {@link signWebhook}: well formed, within the tolerance window, and
 * equal in constant time to one made with (one of) the secret(s). Returns false for anything else;
 * never throws on bad input.
 */
export function verifyWebhookSignature(
  body: string | Uint8Array,
  header: string | null | undefined,
  options: WebhookVerifyOptions,
): boolean {
  return checkWebhookSignature(body, header, options).valid;
}
