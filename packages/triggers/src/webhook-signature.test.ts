import { describe, expect, it } from 'vitest';
import { checkWebhookSignature, signWebhook, verifyWebhookSignature } from './webhook-signature.ts';

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

  it('signs raw bytes the same as the string they encode', () => {
    const bytes = new TextEncoder().encode(body);
    const header = signWebhook(bytes, { secret, timestamp: 1_000 });
    expect(header).toBe(signWebhook(body, { secret, timestamp: 1_000 }));
    expect(verifyWebhookSignature(bytes, header, { secret, timestamp: 1_000 })).toBe(true);
  });

  it('accepts any secret of a rotation and any v1 value of the header, saying why it refuses', () => {
    const old = signWebhook(body, { secret: 'old', timestamp: 1_000 });
    const fresh = signWebhook(body, { secret: 'new', timestamp: 1_000 });
    const both = `${old},v1=${fresh.split('v1=')[1]}`;
    const at = { timestamp: 1_000 };
    expect(checkWebhookSignature(body, old, { secret: ['new', 'old'], ...at })).toEqual({
      valid: true,
    });
    expect(checkWebhookSignature(body, both, { secret: 'new', ...at })).toEqual({ valid: true });
    expect(checkWebhookSignature(body, old, { secret: ['new'], ...at })).toEqual({
      valid: false,
      problem: 'mismatch',
    });
    expect(checkWebhookSignature(body, undefined, { secret, ...at })).toEqual({
      valid: false,
      problem: 'missing',
    });
    expect(checkWebhookSignature(body, 't=abc,v1=00', { secret, ...at })).toEqual({
      valid: false,
      problem: 'malformed',
    });
    expect(checkWebhookSignature(body, old, { secret: 'old', timestamp: 2_000 })).toEqual({
      valid: false,
      problem: 'expired',
    });
  });
});
