import { afterEach, describe, expect, it } from 'vitest';
import { installShutdownHandlers, signalExitCode } from './install-shutdown-handlers.ts';
import { ShutdownError } from './shutdown-error.ts';

// SIGUSR2 is emitted on the process object only: no real signal is sent, and the test runner does
// not listen for it.
const SIGNAL = 'SIGUSR2' as const;

/** A promise and the function that settles it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

function exitRecorder() {
  const codes: number[] = [];
  const exited = gate();
  return {
    codes,
    exited: exited.promise,
    exit: (code: number) => {
      codes.push(code);
      exited.open();
    },
  };
}

describe('installShutdownHandlers', () => {
  const uninstalls: Array<() => void> = [];
  afterEach(() => {
    for (const uninstall of uninstalls.splice(0)) uninstall();
  });

  it('marks health, shuts the engine down with the timeout, runs onShutdown, then exits 0', async () => {
    const steps: string[] = [];
    const recorder = exitRecorder();
    uninstalls.push(
      installShutdownHandlers(
        {
          gracefulShutdown: async (options) => {
            steps.push(`engine ${options?.timeoutMs}`);
          },
        },
        {
          signals: [SIGNAL],
          timeoutMs: 1234,
          onSignal: (signal) => steps.push(`signal ${signal}`),
          health: { markShuttingDown: () => steps.push('health') },
          onShutdown: async ({ signal }) => {
            steps.push(`onShutdown ${signal}`);
          },
          exit: recorder.exit,
        },
      ),
    );
    process.emit(SIGNAL, SIGNAL);
    await recorder.exited;
    expect(steps).toEqual([`signal ${SIGNAL}`, 'health', 'engine 1234', `onShutdown ${SIGNAL}`]);
    expect(recorder.codes).toEqual([0]);
  });

  it('exits 1 when the engine shutdown or onShutdown throws, reporting a SHUTDOWN_FAILED error', async () => {
    for (const failing of ['engine', 'onShutdown'] as const) {
      const recorder = exitRecorder();
      const errors: ShutdownError[] = [];
      let ranOnShutdown = false;
      const uninstall = installShutdownHandlers(
        {
          gracefulShutdown: async () => {
            if (failing === 'engine') throw new Error('queue close failed');
          },
        },
        {
          signals: [SIGNAL],
          onShutdown: () => {
            ranOnShutdown = true;
            if (failing === 'onShutdown') throw new Error('store close failed');
          },
          exit: recorder.exit,
          onError: (error) => errors.push(error),
        },
      );
      process.emit(SIGNAL, SIGNAL);
      await recorder.exited;
      uninstall();
      expect(recorder.codes).toEqual([1]);
      expect(ranOnShutdown).toBe(true); // a failed engine shutdown still lets the rest close
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(ShutdownError);
      expect(errors[0]?.code).toBe('SHUTDOWN_FAILED');
      expect(String(errors[0]?.cause)).toMatch(/close failed/);
    }
  });

  it('shuts down once; a second signal exits at once with the signal code', async () => {
    const release = gate();
    let shutdowns = 0;
    const recorder = exitRecorder();
    uninstalls.push(
      installShutdownHandlers(
        {
          gracefulShutdown: async () => {
            shutdowns++;
            await release.promise;
          },
        },
        { signals: [SIGNAL], exit: recorder.exit },
      ),
    );
    process.emit(SIGNAL, SIGNAL);
    process.emit(SIGNAL, SIGNAL);
    await recorder.exited;
    expect(recorder.codes).toEqual([signalExitCode(SIGNAL)]);
    release.open();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(shutdowns).toBe(1);
    expect(recorder.codes).toHaveLength(1); // the shutdown that ends later does not exit again
  });

  it('exits 1 with a SHUTDOWN_TIMEOUT error when the shutdown outlives forceExitAfterMs', async () => {
    const recorder = exitRecorder();
    const errors: ShutdownError[] = [];
    uninstalls.push(
      installShutdownHandlers(
        { gracefulShutdown: () => new Promise<void>(() => {}) },
        {
          signals: [SIGNAL],
          forceExitAfterMs: 30,
          exit: recorder.exit,
          onError: (error) => errors.push(error),
        },
      ),
    );
    const started = Date.now();
    process.emit(SIGNAL, SIGNAL);
    await recorder.exited;
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(recorder.codes).toEqual([1]);
    expect(errors.map((error) => error.code)).toEqual(['SHUTDOWN_TIMEOUT']);
  });

  it('the returned function removes the handlers', () => {
    const before = process.listenerCount(SIGNAL);
    const uninstall = installShutdownHandlers(
      { gracefulShutdown: async () => {} },
      { signals: [SIGNAL, 'SIGUSR1'] },
    );
    expect(process.listenerCount(SIGNAL)).toBe(before + 1);
    uninstall();
    expect(process.listenerCount(SIGNAL)).toBe(before);
    expect(process.listenerCount('SIGUSR1')).toBe(0);
  });

  it('gives SIGTERM 143 and SIGINT 130', () => {
    expect(signalExitCode('SIGTERM')).toBe(143);
    expect(signalExitCode('SIGINT')).toBe(130);
  });
});
