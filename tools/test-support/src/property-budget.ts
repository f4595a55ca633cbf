/**
 * How property tests (fast-check) run: a seed that is printed on failure and can be replayed, a
 * run count that fits well under the test's timeout on a loaded machine, and the timeout itself.
 * `npm run test:deep` sets `SPANE_PROPERTY_DEEP=1` for many more runs (and a longer timeout).
 *
 * No Node imports: `@spane/core` (which compiles without Node's types) imports this file.
 */
import fc from 'fast-check';

/** The environment, read without Node's types. */
function env(name: string): string | undefined {
  const process = (globalThis as { process?: { env?: Record<string, string | undefined> } })
    .process;
  return process?.env?.[name];
}

/** Run counts of one property: per ordinary run, and per deep run. */
export interface PropertyRuns {
  /** Runs in an ordinary test run: small enough to take a few seconds on a loaded machine. */
  quick: number;
  /** Runs under `npm run test:deep`. Default is 20 times `quick`. */
  deep?: number | undefined;
}

/** What {@link propertyBudget} gives a test. */
export interface PropertyBudget<Ts> {
  /** For `fc.assert(property, parameters)`: seed, path, run count and a reporter naming the seed. */
  parameters: fc.Parameters<Ts>;
  /** For `it(title, fn, timeoutMs)`. */
  timeoutMs: number;
  seed: number;
}

/** Whether this is a deep run (`SPANE_PROPERTY_DEEP=1`, as `npm run test:deep` sets). */
export function isDeepRun(): boolean {
  return env('SPANE_PROPERTY_DEEP') === '1';
}

/**
 * The budget of one property test. The seed is `SPANE_PROPERTY_SEED` when set (with
 * `SPANE_PROPERTY_PATH`, to replay a shrunk failure), else a fresh one: every run tries new cases,
 * and a failure says how to run exactly that case again.
 *
 * ```ts
 * const budget = propertyBudget({ quick: 40 });
 * it('holds', () => fc.assert(fc.property(arb, check), budget.parameters), budget.timeoutMs);
 * ```
 */
export function propertyBudget<Ts = unknown>(runs: PropertyRuns): PropertyBudget<Ts> {
  const deep = isDeepRun();
  const given = env('SPANE_PROPERTY_SEED');
  const seed =
    given === undefined ? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0 : Number(given);
  const path = env('SPANE_PROPERTY_PATH');
  const parameters: fc.Parameters<Ts> = {
    seed,
    numRuns: deep ? (runs.deep ?? runs.quick * 20) : runs.quick,
    ...(path === undefined ? {} : { path }),
    reporter(details) {
      if (!details.failed) return;
      const replay =
        `Replay with SPANE_PROPERTY_SEED=${details.seed}` +
        (details.counterexamplePath ? ` SPANE_PROPERTY_PATH='${details.counterexamplePath}'` : '');
      const cause = details.errorInstance;
      const why = cause instanceof Error ? `\n${cause.message}` : '';
      throw new Error(`${fc.defaultReportMessage(details)}${why}\n${replay}`, { cause });
    },
  };
  return { parameters, timeoutMs: deep ? 600_000 : 20_000, seed };
}
