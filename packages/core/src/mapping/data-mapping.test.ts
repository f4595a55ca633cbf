import { describe, expect, it } from 'vitest';
import { applyMapping, getPath, setPath } from './data-mapping.ts';

describe('getPath', () => {
  const value = { order: { items: [{ sku: 'A1' }, { sku: 'B2' }], total: 0 }, flag: false };

  it('reads a dotted path, array indexes included', () => {
    expect(getPath(value, 'order.items.1.sku')).toBe('B2');
    expect(getPath(value, 'order.total')).toBe(0);
    expect(getPath(value, 'flag')).toBe(false);
  });

  it('returns the value itself for an empty path', () => {
    expect(getPath(value, '')).toBe(value);
    expect(getPath(value, '.')).toBe(value);
  });

  it('returns undefined for a missing path or a path through a primitive', () => {
    expect(getPath(value, 'order.missing.deeper')).toBeUndefined();
    expect(getPath(value, 'order.total.deeper')).toBeUndefined();
    expect(getPath(null, 'a')).toBeUndefined();
    expect(getPath(undefined, 'a.b')).toBeUndefined();
  });

  it('never reads through the prototype', () => {
    expect(getPath({}, '__proto__')).toBeUndefined();
    expect(getPath({}, 'constructor')).toBeUndefined();
    expect(getPath({ a: {} }, 'a.constructor.prototype')).toBeUndefined();
    expect(getPath({}, 'toString')).toBeUndefined();
    expect(getPath({ a: {} }, 'a.hasOwnProperty')).toBeUndefined();
  });
});

describe('setPath', () => {
  it('writes a value at a dotted path, creating objects on the way', () => {
    const target: Record<string, unknown> = { keep: 1 };
    setPath(target, 'a.b.c', 42);
    expect(target).toEqual({ keep: 1, a: { b: { c: 42 } } });
  });

  it('replaces a primitive that stands in the way', () => {
    const target: Record<string, unknown> = { a: 'text' };
    setPath(target, 'a.b', 1);
    expect(target).toEqual({ a: { b: 1 } });
  });

  it('does nothing for an empty path', () => {
    const target: Record<string, unknown> = { a: 1 };
    setPath(target, '', 2);
    expect(target).toEqual({ a: 1 });
  });

  it.each([
    '__proto__.polluted',
    'a.__proto__.polluted',
    'constructor.prototype.polluted',
    'a.prototype',
  ])('refuses to write the path %j and pollutes no prototype', (path) => {
    const target: Record<string, unknown> = { a: {} };
    expect(() => setPath(target, path, true)).toThrow(TypeError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
  });
});

describe('applyMapping', () => {
  it('builds a new object from target ← source paths', () => {
    const source = { order: { total: 9.5, customer: { email: 'a@b.c' } } };
    expect(
      applyMapping(source, { amount: 'order.total', 'contact.email': 'order.customer.email' }),
    ).toEqual({ amount: 9.5, contact: { email: 'a@b.c' } });
  });

  it('passes the source through unchanged without a mapping', () => {
    const source = { a: 1 };
    expect(applyMapping(source, undefined)).toBe(source);
    expect(applyMapping(source, {})).toBe(source);
  });

  it('maps a missing source path to undefined', () => {
    expect(applyMapping({ a: 1 }, { x: 'b.c' })).toEqual({ x: undefined });
    expect(Object.hasOwn(applyMapping({ a: 1 }, { x: 'b.c' }) as object, 'x')).toBe(true);
  });

  it('does not copy anything from the prototype', () => {
    expect(applyMapping({}, { x: 'constructor', y: '__proto__' })).toEqual({
      x: undefined,
      y: undefined,
    });
  });

  it('refuses a mapping that targets __proto__, without polluting any prototype', () => {
    const mapping = JSON.parse('{"__proto__": "payload", "ok": "payload"}') as Record<
      string,
      string
    >;
    expect(() => applyMapping({ payload: { polluted: true } }, mapping)).toThrow(TypeError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
