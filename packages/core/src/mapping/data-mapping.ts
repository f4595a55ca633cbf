const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

function splitPath(path: string): string[] {
  return path === '' || path === '.' ? [] : path.split('.');
}

/**
 * Reads a dotted path (`"order.items.0.sku"`) from a value; `undefined` where the path does not
 * exist. `""` returns the value itself. Never walks into prototypes.
 */
export function getPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const key of splitPath(path)) {
    if (current === null || typeof current !== 'object' || FORBIDDEN_KEYS.has(key))
      return undefined;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Writes `value` at a dotted path inside `target`, creating plain objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = splitPath(path);
  if (keys.length === 0) return;
  let current: Record<string, unknown> = target;
  for (const [i, key] of keys.entries()) {
    if (FORBIDDEN_KEYS.has(key))
      throw new TypeError(`Refusing to write the key "${key}" (path "${path}")`);
    if (i === keys.length - 1) {
      current[key] = value;
      return;
    }
    const next = current[key];
    if (next === null || typeof next !== 'object') current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
}

/**
 * Builds a new object from `source`: for each `targetPath: sourcePath` entry of `mapping`, the value
 * at `sourcePath` is written at `targetPath`. Without a mapping, `source` passes through unchanged.
 * Used for sub-workflow `inputMapping` (child ← parent) and `outputMapping` (parent ← child).
 *
 * ```ts
 * applyMapping({ orderTotal: 9.5 }, { amount: 'orderTotal' }); // { amount: 9.5 }
 * ```
 */
export function applyMapping(
  source: unknown,
  mapping: Readonly<Record<string, string>> | undefined,
): unknown {
  if (mapping === undefined || Object.keys(mapping).length === 0) return source;
  const out: Record<string, unknown> = {};
  for (const [target, from] of Object.entries(mapping)) setPath(out, target, getPath(source, from));
  return out;
}
