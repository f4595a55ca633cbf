import { describe, expect, it } from 'vitest';
import { RecoveryLoop } from './recovery-loop.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RecoveryLoop', () => {
  it('sweeps then checks for stuck runs each round, and reports a failed step without stopping', async () => {
    const calls: string[] = [];
    const errors: string[] = [];
    let sweeps = 0;
    const loop = new RecoveryLoop({
      intervalMs: 10,
      sweep: async () => {
        calls.push('sweep');
        if (++sweeps === 1) throw new Error('queue down');
      },
      findStuck: async () => {
        calls.push('stuck');
      },
      onError: (error) => errors.push(error.message),
    });
    loop.start();
    loop.start(); // a second start schedules nothing more
    for (let i = 0; i < 100 && calls.length < 4; i++) await tick(10);
    loop.stop();
    const seen = calls.length;
    await tick(50);
    expect(calls.length).toBe(seen);
    expect(calls.slice(0, 4)).toEqual(['sweep', 'stuck', 'sweep', 'stuck']);
    expect(errors).toEqual(['queue down']);
  });

  it('does nothing with an interval of 0, or once stopped', async () => {
    let rounds = 0;
    const step = async () => {
      rounds++;
    };
    const off = new RecoveryLoop({
      intervalMs: 0,
      sweep: step,
      findStuck: step,
      onError: () => {},
    });
    off.start();
    const stopped = new RecoveryLoop({
      intervalMs: 5,
      sweep: step,
      findStuck: step,
      onError: () => {},
    });
    stopped.stop();
    stopped.start();
    await tick(40);
    expect(rounds).toBe(0);
  });
});
