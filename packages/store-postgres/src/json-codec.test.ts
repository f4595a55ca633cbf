import { describe, expect, it } from 'vitest';
import { contentHash, toJson, toRequiredJson } from './json-codec.ts';
import { UnsupportedJsonError } from './unsupported-json-error.ts';

describe('json codec', () => {
  it('keeps undefined as SQL NULL and null as JSON null', () => {
    expect(toJson(undefined)).toBeNull();
    expect(toJson(null)).toBe('null');
    expect(toJson('x')).toBe('"x"');
  });

  it('refuses BigInt, cycles and a missing required value with UnsupportedJsonError', () => {
    expect(() => toJson({ n: 1n })).toThrow(UnsupportedJsonError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toJson(cyclic)).toThrow(UnsupportedJsonError);
    expect(() => toRequiredJson(undefined, 'a node result')).toThrow(UnsupportedJsonError);
  });

  it('hashes content regardless of key order, but not of array order', () => {
    expect(contentHash({ a: 1, b: { c: 2, d: 3 } })).toBe(contentHash({ b: { d: 3, c: 2 }, a: 1 }));
    expect(contentHash([1, 2])).not.toBe(contentHash([2, 1]));
  });
});
