import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { delayUntil, MAX_START_DELAY_MS, validateEnqueueOptions } from './enqueue-options.ts';
import { MAX_ID_LENGTH } from './input-policy.ts';

describe('validateEnqueueOptions', () => {
  it('accepts options in range', () => {
    expect(validateEnqueueOptions(undefined)).toBe(undefined);
    expect(
      validateEnqueueOptions({ priority: 10, delay: 0, jobId: 'order-42', metadata: { a: 1 } }),
    ).toBe(undefined);
  });

  it.each([
    [{ priority: 'high' }, 'options.priority'],
    [{ priority: Number.NaN }, 'options.priority'],
    [{ priority: 0 }, 'options.priority'],
    [{ priority: 11 }, 'options.priority'],
    [{ priority: 2.5 }, 'options.priority'],
    [{ delay: Number.POSITIVE_INFINITY }, 'options.delay'],
    [{ delay: -1 }, 'options.delay'],
    [{ delay: '5s' }, 'options.delay'],
    [{ delay: MAX_START_DELAY_MS + 1 }, 'options.delay'],
    [{ jobId: '' }, 'options.jobId'],
    [{ jobId: 'x'.repeat(MAX_ID_LENGTH + 1) }, 'options.jobId'],
    [{ jobId: 42 }, 'options.jobId'],
    [{ metadata: [] }, 'options.metadata'],
    [{ metadata: { n: 1n } }, 'options.metadata.n'],
    ['fast', 'options'],
  ])('refuses %o at %s', (options, path) => {
    expect(validateEnqueueOptions(options)?.path).toBe(path);
  });

  it('never throws, whatever it is given (fuzzed, seeded)', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('hostile');
        },
      },
    );
    expect(validateEnqueueOptions(hostile)?.message).toContain('hostile');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({ withBigInt: true }),
          fc.record(
            {
              priority: fc.anything({ withBigInt: true }),
              delay: fc.oneof(fc.double(), fc.anything()),
              jobId: fc.oneof(fc.string(), fc.anything()),
              metadata: fc.anything({ withBigInt: true, withMap: true }),
            },
            { requiredKeys: [] },
          ),
        ),
        (options) => {
          const found = validateEnqueueOptions(options);
          expect(found === undefined || typeof found.path === 'string').toBe(true);
        },
      ),
      { seed: 1313, numRuns: 400 },
    );
  });
});

describe('delayUntil', () => {
  it('gives the delay to a valid date and refuses an invalid or far one', () => {
    expect(delayUntil(new Date(10_000), 4_000)).toEqual({ delay: 6_000 });
    expect(delayUntil(new Date(0), 4_000)).toEqual({ delay: 1 });
    expect(delayUntil(new Date(Number.NaN), 0)).toMatchObject({ problem: { path: 'executeAt' } });
    expect(delayUntil('tomorrow', 0)).toMatchObject({ problem: { path: 'executeAt' } });
    expect(delayUntil(new Date(8.64e15), 0)).toMatchObject({ problem: { path: 'executeAt' } });
  });
});
