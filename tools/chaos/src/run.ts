/**
 * `npm run chaos`: starts its own PostgreSQL and Redis (with persistence), runs every scenario in
 * turn within a time bound, prints the figures, and exits 1 when an invariant broke.
 *
 * Env: CHAOS_SCALE (default 1) multiplies the number of executions (and, above 1, the length of the
 * kill loops and the deadlines); CHAOS_ONLY runs the scenarios whose name contains it.
 */
import { startPostgresServer, startRedisServer } from '@spane/local-services';
import { type ChaosServers, runScenario, type ScenarioOptions } from './scenario.ts';

const scale = Number(process.env.CHAOS_SCALE ?? '1') || 1;
const only = process.env.CHAOS_ONLY;
const n = (count: number) => Math.max(10, Math.round(count * scale));
/** Kill loops and deadlines grow with the scale (never below the base): more work takes longer. */
const t = (ms: number) => Math.round(ms * Math.max(1, scale));

const scenarios: ScenarioOptions[] = [
  {
    name: 'SIGKILL loop, Redis queue + Postgres store',
    queue: 'redis',
    executions: n(300),
    workers: 2,
    kills: { minMs: 2_000, maxMs: 3_000, forMs: t(25_000) },
    deadlineMs: t(150_000),
  },
  {
    name: 'SIGKILL loop, Postgres queue + Postgres store',
    queue: 'postgres',
    executions: n(150),
    workers: 2,
    kills: { minMs: 2_000, maxMs: 3_000, forMs: t(25_000) },
    deadlineMs: t(180_000),
  },
  {
    name: 'Redis restart, Redis queue + Postgres store',
    queue: 'redis',
    executions: n(300),
    workers: 2,
    restart: 'redis',
    deadlineMs: t(120_000),
  },
  {
    name: 'Lost jobs, Redis queue + Postgres store',
    queue: 'redis',
    executions: n(300),
    workers: 2,
    loseJobs: { fraction: 0.3, recoveryMs: 3_000 },
    deadlineMs: t(120_000),
  },
  {
    name: 'Lost jobs, Postgres queue + Postgres store',
    queue: 'postgres',
    executions: n(150),
    workers: 2,
    loseJobs: { fraction: 0.3, recoveryMs: 3_000 },
    deadlineMs: t(180_000),
  },
  {
    name: 'PostgreSQL restart, Redis queue + Postgres store',
    queue: 'redis',
    executions: n(300),
    workers: 2,
    restart: 'postgres',
    deadlineMs: t(120_000),
  },
  {
    name: 'PostgreSQL restart, Postgres queue + Postgres store',
    queue: 'postgres',
    executions: n(150),
    workers: 2,
    restart: 'postgres',
    deadlineMs: t(180_000),
  },
];

const servers: ChaosServers = {
  redis: await startRedisServer({ persistence: true }),
  postgres: await startPostgresServer({ database: 'spane_chaos', settings: { fsync: false } }),
};
const rows: Array<Awaited<ReturnType<typeof runScenario>>> = [];
let failed = false;
try {
  for (const scenario of scenarios) {
    if (only && !scenario.name.includes(only)) continue;
    console.log(`[chaos] ${scenario.name}: ${scenario.executions} executions…`);
    const figures = await runScenario(scenario, servers);
    rows.push(figures);
    console.log(`[chaos] ${JSON.stringify(figures)}`);
    if (figures.violations.length > 0) failed = true;
  }
} finally {
  await Promise.all([servers.redis.stop(), servers.postgres.stop()]);
}

const ms = (value: number | undefined) =>
  value === undefined ? '–' : `${(value / 1000).toFixed(1)} s`;
console.log(
  '\n| scenario | executions | completed | kills | restarts (jobs lost) | duplicates (kill / restart / unexplained) | re-run after kill p50 / max (first per kill p50 / max) | recovery after restart | time | violations |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  console.log(
    `| ${row.name} | ${row.executions} | ${row.completed} | ${row.kills} | ${row.restarts}${row.lostJobs > 0 ? ` (${row.lostJobs} jobs lost)` : ''} | ${row.duplicates} (${row.explainedByKill} / ${row.explainedByRestart} / ${row.unexplained}) | ${row.recoverAfterKillMs ? `${ms(row.recoverAfterKillMs.p50)} / ${ms(row.recoverAfterKillMs.max)}` : '–'}${row.firstRerunAfterKillMs ? ` (${ms(row.firstRerunAfterKillMs.p50)} / ${ms(row.firstRerunAfterKillMs.max)})` : ''} | ${ms(row.recoverAfterRestartMs)} | ${ms(row.durationMs)} | ${row.violations.join('; ') || 'none'} |`,
  );
}
process.exit(failed ? 1 : 0);
