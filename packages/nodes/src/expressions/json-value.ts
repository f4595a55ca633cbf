/**
 * A JSONata result as plain JSON data: sequences become plain arrays, and `undefined` members of
 * objects are dropped. A function in the result (an expression that returns a lambda) is refused
 * with the path where it was found, since no store can keep it.
 */
export function toJsonValue(value: unknown, path = ''): { value: unknown } | { error: string } {
  if (value === null || value === undefined) return { value };
  if (typeof value === 'function') {
    return { error: `the result holds a function${path ? ` at ${path}` : ''}` };
  }
  if (typeof value !== 'object') return { value };
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = toJsonValue(value[i], `${path}[${i}]`);
      if ('error' in item) return item;
      out.push(item.value === undefined ? null : item.value);
    }
    return { value: out };
  }
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    const item = toJsonValue(member, path ? `${path}.${key}` : key);
    if ('error' in item) return item;
    if (item.value !== undefined) {
      Object.defineProperty(out, key, {
        value: item.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return { value: out };
}
