import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnsupportedInput, MAX_INPUT_DEPTH } from './input-policy.ts';

function nested(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = { inner: value };
  return value;
}

describe('findUnsupportedInput', () => {
  it('accepts JSON data, undefined and Dates (stored as their ISO string)', () => {
    expect(findUnsupportedInput({ a: [1, 'x', null, true, { b: 2.5 }], when: new Date(0) })).toBe(
      undefined,
    );
    expect(findUnsupportedInput(undefined)).toBe(undefined);
    expect(findUnsupportedInput(JSON.parse('{"__proto__": {"x": 1}, "constructor": 2}'))).toBe(
      undefined,
    );
  });

  it.each([
    ['a function', { f: () => 1 }, 'f', 'function'],
    ['a symbol', { s: Symbol('x') }, 's', 'symbol'],
    ['a BigInt', { n: 10n }, 'n', 'BigInt'],
    ['NaN', { list: [1, Number.NaN] }, 'list[1]', 'finite'],
    ['Infinity', Number.POSITIVE_INFINITY, '', 'finite'],
    ['a NUL character', { text: 'a\u0000b' }, 'text', 'U+0000'],
    ['a lone surrogate', { text: 'a\uD800' }, 'text', 'surrogate'],
    ['a bad key', { 'k\u0000': 1 }, '"k\\u0000"', 'key'],
    ['a Map', { m: new Map([[1, 2]]) }, 'm', 'Map'],
    ['a Set', new Set([1]), '', 'Set'],
    ['a typed array', { bytes: new Uint8Array(2) }, 'bytes', 'not JSON'],
  ])('refuses %s, naming where', (_name, value, path, message) => {
    const found = findUnsupportedInput(value);
    expect(found?.path).toBe(path);
    expect(found?.message).toContain(message);
  });

  it('refuses circular references but accepts a shared one', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(findUnsupportedInput({ loop })?.message).toContain('circular');
    const shared = { x: 1 };
    expect(findUnsupportedInput({ one: shared, two: shared })).toBe(undefined);
  });

  it('refuses nesting beyond the limit without exhausting the stack, even 100k deep', () => {
    expect(findUnsupportedInput(nested(MAX_INPUT_DEPTH - 1))).toBe(undefined);
    expect(findUnsupportedInput(nested(MAX_INPUT_DEPTH + 1))?.message).toContain('deeper');
    expect(findUnsupportedInput(nested(100_000))?.message).toContain('deeper');
  });

  it('reports a throwing toJSON, a throwing getter and a hostile proxy instead of throwing', () => {
    const throwingToJson = {
      toJSON() {
        throw new Error('nope');
      },
    };
    expect(findUnsupportedInput(throwingToJson)?.message).toContain('nope');
    const getter = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new RangeError('boom');
      },
    });
    expect(findUnsupportedInput(getter)?.message).toContain('boom');
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new TypeError('no keys');
        },
      },
    );
    expect(findUnsupportedInput(proxy)?.message).toContain('no keys');
    // A toJSON that keeps returning new objects is bounded by the depth limit.
    const endless = { toJSON: (): unknown => ({ toJSON: endless.toJSON }) };
    expect(findUnsupportedInput(endless)?.message).toContain('deeper');
  });

  it('never throws, and accepts every JSON value (fuzzed, seeded)', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true }), (value) => {
        const found = findUnsupportedInput(value);
        expect(found === undefined || typeof found.message === 'string').toBe(true);
      }),
      { seed: 1313, numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        const clean = !text.includes('\\u0000') && findUnsupportedInput(value) === undefined;
        // jsonValue can hold NUL and lone surrogates: only those may be refused.
        expect(clean || /\\u0000|\\ud[89a-f]/i.test(text)).toBe(true);
      }),
      { seed: 1313, numRuns: 300 },
    );
  });
});
