import { describe, expect, it } from 'vitest';
import { decodeSignal, encodeSignal } from './signal-envelope.ts';

describe('signal envelope', () => {
  it('round-trips JSON values with their topic', () => {
    for (const message of [null, 0, 'text', false, [1, 'a'], { id: 'x', nested: { n: 1 } }]) {
      expect(decodeSignal(encodeSignal('t', message))).toEqual({ topic: 't', message });
    }
  });

  it('refuses values JSON cannot carry', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const message of [undefined, () => 1, Symbol('s'), 1n, cyclic]) {
      expect(() => encodeSignal('t', message)).toThrow(TypeError);
    }
  });

  it.each([
    ['no payload', undefined],
    ['not JSON', 'not json {'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"text"'],
    ['null', 'null'],
    ['no topic', '{"message":1}'],
    ['a non-string topic', '{"topic":1,"message":1}'],
    ['no message', '{"topic":"t"}'],
  ])('decodes %s as malformed', (_, payload) => {
    expect(decodeSignal(payload)).toBeUndefined();
  });
});
