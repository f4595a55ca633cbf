/**
 * One chaos scenario: a producer engine starts executions of the chaos workflow, worker processes
 * run them while the scenario kills workers and/or restarts a server, then the invariants are
 * checked on what the store, the queue and the effects table hold.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { WorkflowEngine } from '@spane/engine';
import type { LocalPostgresServer, LocalRedisServer } from '@spane/local-services';
import { WorkflowQueues } from '@spane/queue';
import { PostgresExecutionStore } from '@spane/store-postgres';
import pg from 'pg';
import { CHAOS_NODES, chaosRegistry, chaosWorkflow, createEffectsTable } from './chaos-workflow.ts';
import { checkInvariants, type Effect, type ScenarioFigures } from './invariants.ts';
import { WorkerFleet } from './worker-fleet.ts';

/** What a scenario does. */
export interface ScenarioOptions {
  name: string;
  queue: 'redis' | 'postgres';
  executions: number;
  workers: number;
  /** SIGKILL a worker every `min`–`max` ms, for `forMs`. */
  kills?: { minMs: number; maxMs: number; forMs: number } | undefined;
  /** Restart this server once, when a third of the executions are done. */
  restart?: 'redis' | 'postgres' | undefined;
  /**
   * Remove this fraction of the waiting node jobs through the queue, once, when a third of the
   * executions are done (jobs lost): the recovery sweep, every `recoveryMs`, must bring them back.
   */
  loseJobs?: { fraction: number; recoveryMs: number } | undefined;
  /** Give up (and report the violation) after this long. */
  deadlineMs: number;
}

/** The servers every scenario shares. */
export interface ChaosServers {
  redis: LocalRedisServer;
  postgres: LocalPostgresServer;
}

/** The lock and stalled-check defaults plus margin: how long after a restart a re-run is its doing. */
const RESTART_SLACK_MS = 12_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function retrying<T>(work: () => Promise<T>, deadline: number): Promise<T> {
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}

/** Runs one scenario and returns its figures (violations included). */
export async function runScenario(
  options: ScenarioOptions,
  servers: ChaosServers,
): Promise<ScenarioFigures & { name: string; durationMs: number; lostJobs: number }> {
  const started = Date.now();
  const deadline = started + options.deadlineMs;
  const suffix = randomBytes(4).toString('hex');
  const schema = `chaos_${suffix}`;
  const prefix = `chaos-${suffix}`;
  const databaseUrl = servers.postgres.url;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const store = await PostgresExecutionStore.create({ connectionString: databaseUrl, schema });
  await createEffectsTable(pool, schema);
  const connection =
    options.queue === 'postgres' ? { postgres: databaseUrl, poolSize: 8 } : servers.redis.url;
  const producer = new WorkflowEngine({
    registry: chaosRegistry(pool, schema),
    store,
    connection,
    config: { prefix },
  });
  producer.on('error', () => undefined);
  await producer.registerWorkflow(chaosWorkflow);
  const fleet = new WorkerFleet({
    CHAOS_QUEUE: options.queue,
    REDIS_URL: servers.redis.url,
    DATABASE_URL: databaseUrl,
    CHAOS_SCHEMA: schema,
    CHAOS_PREFIX: prefix,
    ...(options.loseJobs ? { CHAOS_RECOVERY_MS: String(options.loseJobs.recoveryMs) } : {}),
  });
  let lostJobs = 0;
  let lost = false;
  const restarts: Array<{ server: string; from: number; to: number }> = [];
  try {
    await Promise.all(Array.from({ length: options.workers }, () => fleet.spawn()));
    for (let i = 0; i < options.executions; i += 50) {
      const batch = Array.from({ length: Math.min(50, options.executions - i) }, (_, j) => ({
        workflowId: chaosWorkflow.id,
        initialData: { i: i + j },
      }));
      await producer.enqueueBulkWorkflows(batch);
    }

    const terminal = async () => {
      const { rows } = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${schema}".executions
          WHERE status IN ('completed', 'failed', 'cancelled')`,
      );
      return rows[0]?.n ?? 0;
    };
    const killUntil = started + (options.kills?.forMs ?? 0);
    let nextKill = options.kills ? Date.now() + options.kills.minMs : Number.POSITIVE_INFINITY;
    for (;;) {
      const done = await terminal().catch(() => -1);
      if (done >= options.executions || Date.now() > deadline) break;
      if (options.kills && Date.now() >= nextKill && Date.now() < killUntil) {
        await fleet.killOne();
        const { minMs, maxMs } = options.kills;
        nextKill = Date.now() + minMs + Math.random() * (maxMs - minMs);
      }
      if (options.loseJobs && !lost && done >= options.executions / 3) {
        lost = true;
        lostJobs = await loseJobs(connection, prefix, options.loseJobs.fraction);
      }
      if (options.restart && restarts.length === 0 && done >= options.executions / 3) {
        const from = Date.now();
        await (options.restart === 'redis'
          ? servers.redis.restart()
          : servers.postgres.restart({ mode: 'fast' }));
        restarts.push({ server: options.restart, from, to: Date.now() });
      }
      await sleep(100);
    }

    // The last jobs finish their bookkeeping in the queue a moment after their results are stored.
    let queuedJobs = 0;
    for (const end = Date.now() + 15_000; ; ) {
      const stats = await retrying(() => producer.getQueueStats(), deadline + 15_000);
      queuedJobs = stats.waiting + stats.active + stats.delayed + (stats.prioritized ?? 0);
      if (queuedJobs === 0 || Date.now() > end) break;
      await sleep(200);
    }
    const queryDeadline = Date.now() + 15_000;
    const statuses = await retrying(
      () => pool.query<{ status: string }>(`SELECT status FROM "${schema}".executions`),
      queryDeadline,
    );
    const results = await retrying(
      () =>
        pool.query<{ rows: number; distinct: number }>(
          `SELECT count(*)::int AS rows, count(DISTINCT (execution_id, node_id))::int AS distinct
             FROM "${schema}".node_results`,
        ),
      queryDeadline,
    );
    const effects = await retrying(
      () =>
        pool.query<{
          execution_id: string;
          node_id: string;
          phase: string;
          pid: number;
          at_ms: string;
        }>(`SELECT execution_id, node_id, phase, pid, at_ms FROM "${schema}".effects`),
      queryDeadline,
    );
    const figures = checkInvariants({
      executions: options.executions,
      nodesPerExecution: CHAOS_NODES,
      statuses: statuses.rows.map((row) => row.status),
      storedResults: results.rows[0] ?? { rows: 0, distinct: 0 },
      effects: effects.rows.map(
        (row): Effect => ({
          executionId: row.execution_id,
          nodeId: row.node_id,
          phase: row.phase as Effect['phase'],
          pid: row.pid,
          at: Number(row.at_ms),
        }),
      ),
      kills: fleet.kills,
      restarts,
      queuedJobs,
      crashedWorkers: fleet.crashed,
      restartSlackMs: RESTART_SLACK_MS,
    });
    return { name: options.name, durationMs: Date.now() - started, lostJobs, ...figures };
  } finally {
    await fleet.stop();
    await producer.close({ timeoutMs: 2_000 });
    await store.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  }
}

/** Removes `fraction` of the waiting node jobs through the queue; returns how many went. */
async function loseJobs(
  connection: ConstructorParameters<typeof WorkflowQueues>[0]['connection'],
  prefix: string,
  fraction: number,
): Promise<number> {
  const queues = new WorkflowQueues({ connection, prefix, onError: () => undefined });
  try {
    const waiting = await queues.liveJobs('node', { states: ['waiting', 'prioritized'] });
    let removed = 0;
    for (const job of waiting) {
      if (Math.random() < fraction && (await queues.removeNodeJob(job.id))) removed++;
    }
    return removed;
  } finally {
    await queues.close();
  }
}
