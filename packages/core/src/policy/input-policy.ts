/**
 * The one input policy: what the engine accepts as user data (initial data, metadata, node results,
 * definitions) before any store sees it. Only what JSON represents faithfully, within limits, so
 * every store holds the same thing or refuses it with the same error.
 * @module
 */

/** How deep user data may nest (objects and arrays inside each other). */
export const MAX_INPUT_DEPTH = 100;

/** The longest id (workflow, node, execution, de-duplication key) the engine accepts, in characters. */
export const MAX_ID_LENGTH = 256;

/** Options of {@link findUnsupportedInput}. */
export interface InputPolicyOptions {
  /** Default is {@link MAX_INPUT_DEPTH}. */
  maxDepth?: number | undefined;
}

/** Where a value breaks the policy, and how. */
export interface InputViolation {
  /** A path such as `items[3].name`; empty for the value itself. */
  path: string;
  message: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `items[3].name` from the keys on the way. */
function formatPath(keys: ReadonlyArray<string | number>): string {
  let path = '';
  for (const key of keys) {
    if (typeof key === 'number') path += `[${key}]`;
    else {
      const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key.slice(0, 50));
      path = path ? `${path}.${safe}` : safe;
    }
  }
  return path;
}

/** A short message of anything thrown, even by a hostile object (never throws itself). */
export function describeThrown(thrown: unknown): string {
  try {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    return typeof message === 'string' ? message.slice(0, 200) : 'unknown error';
  } catch {
    return 'an error that cannot be described';
  }
}

const NOT_JSON = new Set([
  '[object Map]',
  '[object Set]',
  '[object WeakMap]',
  '[object WeakSet]',
  '[object RegExp]',
  '[object Promise]',
  '[object ArrayBuffer]',
]);

/**
 * The first place where `value` is not faithful JSON, or `undefined` when it is all JSON:
 * functions, symbols, BigInt, non-finite numbers, circular references, Maps, Sets and other
 * objects JSON would silently empty, strings or keys with U+0000 or a lone UTF-16 surrogate (which
 * PostgreSQL's `jsonb` cannot hold), nesting deeper than `maxDepth`, a `toJSON` or getter that
 * throws. Never throws, whatever it is given (proxies included). `undefined` is allowed (JSON drops it).
 */
export function findUnsupportedInput(
  value: unknown,
  options: InputPolicyOptions = {},
): InputViolation | undefined {
  const maxDepth = options.maxDepth ?? MAX_INPUT_DEPTH;
  const ancestors = new Set<object>();
  /** The keys from the root to the value being visited; a path is only built for a violation. */
  const keys: Array<string | number> = [];
  const at = (message: string): InputViolation => ({ path: formatPath(keys), message });

  function checkString(text: string, what: string): InputViolation | undefined {
    if (text.includes('\u0000')) return at(`${what} contains the character U+0000`);
    if (LONE_SURROGATE.test(text)) return at(`${what} contains a lone UTF-16 surrogate`);
    return undefined;
  }

  function visit(current: unknown, depth: number): InputViolation | undefined {
    switch (typeof current) {
      case 'undefined':
      case 'boolean':
        return undefined;
      case 'string':
        return checkString(current, 'a string');
      case 'number':
        return Number.isFinite(current)
          ? undefined
          : at(`${current} is not a finite number (JSON cannot hold it)`);
      case 'bigint':
        return at('a BigInt is not JSON (send it as a string)');
      case 'symbol':
        return at('a symbol is not JSON');
      case 'function':
        return at('a function is not JSON');
    }
    if (current === null) return undefined;
    const object = current as object;
    if (depth >= maxDepth) return at(`nested deeper than ${maxDepth} levels`);
    if (ancestors.has(object)) return at('a circular reference is not JSON');
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      // What JSON.stringify would store instead (a Date's ISO string, say).
      const replaced: unknown = toJSON.call(object, '');
      if (replaced !== object) {
        ancestors.add(object);
        const found = visit(replaced, depth + 1);
        ancestors.delete(object);
        return found;
      }
    }
    if (!Array.isArray(object)) {
      const prototype = Object.getPrototypeOf(object);
      if (prototype !== Object.prototype && prototype !== null) {
        const tag = Object.prototype.toString.call(object);
        if (NOT_JSON.has(tag) || ArrayBuffer.isView(object)) {
          return at(`${tag.slice(8, -1)} is not JSON (JSON would store it as {})`);
        }
      }
    }
    ancestors.add(object);
    try {
      if (Array.isArray(object)) {
        for (let i = 0; i < object.length; i++) {
          keys.push(i);
          const found = visit(object[i], depth + 1);
          keys.pop();
          if (found) return found;
        }
        return undefined;
      }
      for (const key of Object.keys(object)) {
        keys.push(key);
        const found =
          checkString(key, 'a key') ?? visit((object as Record<string, unknown>)[key], depth + 1);
        keys.pop();
        if (found) return found;
      }
      return undefined;
    } finally {
      ancestors.delete(object);
    }
  }

  try {
    return visit(value, 0);
  } catch (error) {
    return { path: '', message: `the value could not be read: ${describeThrown(error)}` };
  }
}
