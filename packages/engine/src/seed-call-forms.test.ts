import { NodeRegistry, WorkflowError } from '@spane/core';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { describe, expect, it } from 'vitest';
import { checkEngineOptions, readEnqueueArguments } from './seed-call-forms.ts';
import { WorkflowEngine } from './workflow-engine.ts';

const read = (...rest: unknown[]) => readEnqueueArguments('wf', rest);

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (WorkflowError.isInstance(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('readEnqueueArguments', () => {
  it('reads the options form', () => {
    expect(read()).toEqual({ options: {} });
    expect(read(undefined)).toEqual({ options: {} });
    expect(read({ priority: 9 })).toEqual({ options: { priority: 9 } });
  });

  it("reads the seeds' positional form, keeping the options in sixth place", () => {
    expect(read(undefined, 0, undefined, { priority: 10 })).toEqual({
      options: { priority: 10 },
      parentExecutionId: undefined,
      depth: 0,
    });
    expect(read('parent-1', 2)).toEqual({ options: {}, parentExecutionId: 'parent-1', depth: 2 });
    expect(read('parent-1')).toEqual({ options: {}, parentExecutionId: 'parent-1' });
  });

  it('refuses a parentJobId instead of dropping it', () => {
    expect(refusal(() => read(undefined, 0, 'job-7', {}))).toMatchObject({
      code: 'UNSUPPORTED_INPUT',
      message: expect.stringMatching(/at parentJobId: parent jobs are not used here/),
    });
  });

  it('refuses a depth out of range, and a depth without a parent', () => {
    expect(refusal(() => read('p', 11)).message).toMatch(
      /at depth: must be an integer from 0 to 10/,
    );
    expect(refusal(() => read('p', 1.5)).message).toMatch(/at depth/);
    expect(refusal(() => read(undefined, 3)).message).toMatch(/needs a parentExecutionId/);
  });

  it('refuses mixed forms, bad ids, bad options and extra arguments', () => {
    expect(refusal(() => read({ priority: 1 }, 0)).message).toMatch(/options object as the third/);
    expect(refusal(() => read(42, 0)).message).toMatch(/at parentExecutionId/);
    expect(refusal(() => read('', 0)).message).toMatch(/at parentExecutionId/);
    expect(refusal(() => read(undefined, 0, undefined, 'fast')).message).toMatch(/at options/);
    expect(refusal(() => read(undefined, 0, undefined, {}, 'extra')).message).toMatch(
      /at most 6 arguments, got 7/,
    );
    expect(refusal(() => read(['x'])).message).toMatch(/at parentExecutionId/);
  });
});

describe('the WorkflowEngine constructor', () => {
  it("refuses the original SPANE's positional form before connecting anywhere", () => {
    const registry = new NodeRegistry();
    const store = new InMemoryExecutionStore();
    const Positional = WorkflowEngine as unknown as new (...args: unknown[]) => unknown;
    expect(() => new Positional(registry, store, 'redis://127.0.0.1:1')).toThrow(
      /takes one options object; the positional form/,
    );
    expect(() => new Positional(registry)).toThrow(/positional form/);
  });

  it('names the missing parts of an options object', () => {
    expect(() => checkEngineOptions({ registry: new NodeRegistry() }, 1)).toThrow(
      /missing: store, connection/,
    );
    expect(() =>
      checkEngineOptions({ registry: 1, store: 2, connection: 'redis://x' }, 1),
    ).not.toThrow();
  });
});
