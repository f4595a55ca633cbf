import type { NodeRegistry, WorkflowDefinition } from '@spane/core';
import type { WorkflowEngine } from '@spane/engine';

/**
 * One feature shown end to end: the workflows and executors it needs, and a run that drives the
 * engine and returns what it shows, line by line. A run throws when the feature misbehaves.
 */
export interface Scenario {
  /** Short and unique: printed as `■ <name>` and checked by the demo's test. */
  name: string;
  workflows: WorkflowDefinition[];
  register(registry: NodeRegistry): void;
  run(engine: WorkflowEngine): Promise<string[]>;
}

/** Fails a scenario with a message that says what was expected. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`scenario check failed: ${message}`);
}

/** Polls until `probe` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
