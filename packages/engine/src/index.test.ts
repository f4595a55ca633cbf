import * as core from '@spane/core';
import { describe, expect, it } from 'vitest';
import * as engine from './index.ts';

describe('@spane/engine', () => {
  it("re-exports core's user-facing names as the same objects", () => {
    const names = [
      'NodeRegistry',
      'defineNode',
      'workflow',
      'WorkflowBuilder',
      'successResult',
      'errorResult',
      'skippedResult',
      'WorkflowError',
      'ValidationError',
      'WorkflowValidationError',
      'validateWorkflowDefinition',
      'TERMINAL_STATUSES',
    ] as const;
    const fromEngine: Record<string, unknown> = { ...engine };
    const fromCore: Record<string, unknown> = { ...core };
    for (const name of names) expect(fromEngine[name], name).toBe(fromCore[name]);
  });

  it('re-exports every error class of core', () => {
    const errorClasses = Object.entries(core).filter(
      ([, value]) => typeof value === 'function' && value.prototype instanceof Error,
    );
    expect(errorClasses.length).toBeGreaterThan(10);
    for (const [name, value] of errorClasses) {
      expect((engine as Record<string, unknown>)[name], name).toBe(value);
    }
  });
});
