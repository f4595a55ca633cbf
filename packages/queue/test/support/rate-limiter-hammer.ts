/**
 * A child process for rate-limiter-processes.integration.test.ts: run with
 * `node --conditions=@spane/source rate-limiter-hammer.ts '<json HammerOrder>'`.
 *
 * It connects, warms up (connection and table), prints `ready`, waits for a line on stdin, then
 * attempts `key` continuously for `runMs` from `loops` concurrent loops, and prints one JSON line
 * with the server times of its allowed starts and of its first and last decisions.
 */
import { createInterface } from 'node:readline';
import type { RateLimitDecision } from '../../src/index.ts';
import { type LimiterTarget, limiterFor } from './rate-limiter-harness.ts';

/** What the parent asks of this process. */
export interface HammerOrder {
  target: LimiterTarget;
  key: string;
  limit: { max: number; duration: number };
  runMs: number;
  loops: number;
}

/** What this process reports, in server time (ms since the epoch, microsecond fraction). */
export interface HammerReport {
  allowed: number[];
  attempts: number;
  firstAt: number;
  lastAt: number;
}

const order = JSON.parse(process.argv[2] ?? '') as HammerOrder;
const limiter = limiterFor(order.target);
try {
  await limiter.tryAcquire(`${order.key}:warm-up:${process.pid}`, { max: 1, duration: 1 });
  const lines = createInterface({ input: process.stdin });
  const go = new Promise<void>((resolve) => lines.once('line', () => resolve()));
  process.stdout.write('ready\n');
  await go;
  lines.close();

  const decisions: RateLimitDecision[] = [];
  const deadline = Date.now() + order.runMs;
  await Promise.all(
    Array.from({ length: order.loops }, async () => {
      while (Date.now() < deadline)
        decisions.push(await limiter.tryAcquire(order.key, order.limit));
    }),
  );
  const times = decisions.map((d) => d.at);
  const report: HammerReport = {
    allowed: decisions.filter((d) => d.allowed).map((d) => d.at),
    attempts: decisions.length,
    firstAt: Math.min(...times),
    lastAt: Math.max(...times),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  await limiter.close();
}
