import type { ExecutionContext } from './execution.ts';

/**
 * A copy of an execution context with some fields replaced, keeping its accessors as accessors:
 * a spread would call them, and `allNodeResults` would load every node result on every attempt.
 */
export function extendContext<T extends ExecutionContext>(
  context: ExecutionContext,
  overrides: Record<string, unknown>,
): T {
  const copy = Object.create(
    Object.getPrototypeOf(context),
    Object.getOwnPropertyDescriptors(context),
  ) as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    Object.defineProperty(copy, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy as unknown as T;
}
