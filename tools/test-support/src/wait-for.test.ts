import { describe, expect, it } from 'vitest';
import { WaitTimeoutError, waitFor } from './wait-for.ts';

describe('waitFor', () => {
  it('resolves with the first truthy value of the condition', async () => {
    let checks = 0;
    const value = await waitFor(() => (++checks >= 3 ? { checks } : undefined), {
      what: 'the third check',
      intervalMs: 1,
    });
    expect(value).toEqual({ checks: 3 });
  });

  it('awaits asynchronous conditions', async () => {
    let n = 0;
    await expect(
      waitFor(async () => ++n === 2, { what: 'the second check', intervalMs: 1 }),
    ).resolves.toBe(true);
  });

  it('fails after the deadline with a WaitTimeoutError naming what it waited for', async () => {
    const failure = await waitFor(() => false, {
      what: 'a thing that never happens',
      timeoutMs: 30,
      intervalMs: 5,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WaitTimeoutError);
    expect(failure).toMatchObject({
      code: 'WAIT_TIMEOUT',
      what: 'a thing that never happens',
      timeoutMs: 30,
    });
    expect((failure as Error).message).toMatch(/after 30 ms .* waiting for a thing that never/);
  });

  it('calls a what function at the timeout, so the message can say what was seen last', async () => {
    let seen = 0;
    await expect(
      waitFor(() => ++seen > 1_000_000, {
        what: () => `a million checks (saw ${seen})`,
        timeoutMs: 20,
        intervalMs: 5,
      }),
    ).rejects.toThrow(/waiting for a million checks \(saw \d+\)/);
  });

  it('fails at once with the error a condition throws', async () => {
    let checks = 0;
    await expect(
      waitFor(
        () => {
          checks++;
          throw new RangeError('broken check');
        },
        { what: 'nothing' },
      ),
    ).rejects.toThrow(RangeError);
    expect(checks).toBe(1);
  });
});
