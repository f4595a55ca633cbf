/** Minimal assertions so the conformance suite runs under any test runner. */

/** Raised by the conformance suite when a store misbehaves. */
export class ConformanceAssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceAssertionError';
  }
}

function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, inner) =>
      inner instanceof Date ? `Date(${inner.toISOString()})` : inner,
    );
  } catch {
    return String(value);
  }
}

/** Structural equality for JSON-like values and Dates. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  const aKeys = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const bKeys = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  if (aKeys.length !== bKeys.length) return false;
  return aKeys.every((key) =>
    deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

export function assertEqual(actual: unknown, expected: unknown, what: string): void {
  if (!deepEqual(actual, expected)) {
    throw new ConformanceAssertionError(
      `${what}: expected ${describeValue(expected)}, got ${describeValue(actual)}`,
    );
  }
}

export function assertTrue(condition: unknown, what: string): asserts condition {
  if (!condition) throw new ConformanceAssertionError(`${what}: expected a truthy value`);
}

export function assertSameMembers(
  actual: readonly string[],
  expected: readonly string[],
  what: string,
): void {
  assertEqual([...actual].sort(), [...expected].sort(), what);
}

/** Awaits `promise` and checks it rejects with an error whose `code` is `code`. */
export async function assertRejectsWithCode(
  promise: Promise<unknown>,
  code: string,
  what: string,
): Promise<void> {
  try {
    await promise;
  } catch (error) {
    const actual = (error as { code?: unknown }).code;
    if (actual !== code)
      throw new ConformanceAssertionError(
        `${what}: expected error code ${code}, got ${String(actual)} (${String(error)})`,
      );
    return;
  }
  throw new ConformanceAssertionError(
    `${what}: expected a rejection with code ${code}, but it resolved`,
  );
}
