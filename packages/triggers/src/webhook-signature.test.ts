import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.ts';

describe('webhook signatures', () => {
  const secret = 's3cret';
  const body = JSON.stringify({ user: 'ada' });

  it('accepts a fresh signature of the same body and secret', () => {
    expect(verifyWebhookSignature(body, signWebhook(body, { secret }), { secret })).toBe(true);
  });

  it('rejects another body, another secret, or a malformed header', () => {
    const header = signWebhook(body, { secret });
    expect(verifyWebhookSignature(`${body} `, header, { secret })).toBe(false);
    expect(verifyWebhookSignature(body, header, { secret: 'other' })).toBe(false);
    for (const bad of ['', 't=1', 'v1=abc', 't=x,v1=00', null, undefined]) {
      expect(verifyWebhookSignature(body, bad, { secret })).toBe(false);
    }
  });

  it('rejects a signature older than the tolerance window', () => {
    const header = signWebhook(body, { secret, timestamp: 1_000 });
    expect(verifyWebhookSignature(body, header, { secret, timestamp: 1_200 })).toBe(true);
    expect(verifyWebhookSignature(body, header, { secret, timestamp: 1_400 })).toBe(false);
  });
});
