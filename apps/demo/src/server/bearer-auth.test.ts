import { describe, expect, it } from 'vitest';
import { secretsEqual } from './bearer-auth.ts';

describe('secretsEqual', () => {
  it('is true only for the same secret, whatever the lengths', () => {
    expect(secretsEqual('s3cret', 's3cret')).toBe(true);
    expect(secretsEqual('s3cret', 's3cre')).toBe(false);
    expect(secretsEqual('', 's3cret')).toBe(false);
    expect(secretsEqual('s3cret!', 's3cret')).toBe(false);
  });
});
