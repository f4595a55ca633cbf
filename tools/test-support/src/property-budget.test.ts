import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { propertyBudget } from './property-budget.ts';

const saved = { ...process.env };
afterEach(() => {
  for (const name of ['SPANE_PROPERTY_DEEP', 'SPANE_PROPERTY_SEED', 'SPANE_PROPERTY_PATH']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe('propertyBudget', () => {
  it('runs the quick count under a 20 s timeout, and many more when deep', () => {
    delete process.env.SPANE_PROPERTY_DEEP;
    expect(propertyBudget({ quick: 30 })).toMatchObject({
      parameters: { numRuns: 30 },
      timeoutMs: 20_000,
    });
    process.env.SPANE_PROPERTY_DEEP = '1';
    expect(propertyBudget({ quick: 30 }).parameters.numRuns).toBe(600);
    expect(propertyBudget({ quick: 30, deep: 1_000 })).toMatchObject({
      parameters: { numRuns: 1_000 },
      timeoutMs: 600_000,
    });
  });

  it('takes the seed and path to replay from the environment', () => {
    process.env.SPANE_PROPERTY_SEED = '1234';
    process.env.SPANE_PROPERTY_PATH = '3:1';
    expect(propertyBudget({ quick: 5 }).parameters).toMatchObject({ seed: 1234, path: '3:1' });
  });

  it('names the seed and the path to replay when a property fails', () => {
    process.env.SPANE_PROPERTY_SEED = '42';
    const { parameters } = propertyBudget<[number]>({ quick: 50 });
    const failure = (() => {
      try {
        fc.assert(
          fc.property(fc.integer(), (n) => n < 10),
          parameters,
        );
      } catch (error) {
        return error as Error;
      }
      return undefined;
    })();
    expect(failure?.message).toMatch(
      /Replay with SPANE_PROPERTY_SEED=42 SPANE_PROPERTY_PATH='[\d:]+'/,
    );
    // The same seed and path find the same counterexample again.
    const path = /SPANE_PROPERTY_PATH='([\d:]+)'/.exec(failure?.message ?? '')?.[1] as string;
    const replay = fc.check(
      fc.property(fc.integer(), (n) => n < 10),
      { seed: 42, path },
    );
    expect(replay.counterexample).toEqual([10]);
  });
});
