/**
 * Writes `value` under `key` as an own, enumerable property of `target`, even for keys such as
 * `__proto__` (a plain assignment would set the prototype instead) or `constructor`. Use it for
 * every key that comes from users: node ids, node types, execution ids.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
