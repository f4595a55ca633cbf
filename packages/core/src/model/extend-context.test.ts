import { describe, expect, it } from 'vitest';
import type { ExecutionContext } from './execution.ts';
import { extendContext } from './extend-context.ts';

describe('extendContext', () => {
  it('replaces fields without calling the accessors it copies', () => {
    let reads = 0;
    const context = { executionId: 'e', nodeId: 'n', inputData: 1 } as unknown as ExecutionContext;
    Object.defineProperty(context, 'allNodeResults', {
      get: () => {
        reads += 1;
        return Promise.resolve({});
      },
      enumerable: true,
    });
    const copy = extendContext<ExecutionContext & { extra: string }>(context, {
      inputData: 2,
      extra: 'x',
    });
    expect(reads).toBe(0);
    expect(copy.inputData).toBe(2);
    expect(copy.extra).toBe('x');
    expect(copy.executionId).toBe('e');
    expect(context.inputData).toBe(1);
    void copy.allNodeResults;
    expect(reads).toBe(1);
  });

  it('keeps a field named __proto__ as an ordinary field', () => {
    const copy = extendContext<ExecutionContext>({} as ExecutionContext, { ['__proto__']: 1 });
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toBe(1);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });
});
