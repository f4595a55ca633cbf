/**
 * `npm run bench:scale`: how SPANE's throughput grows with worker processes. 1, 2 and 4 worker
 * processes (bench/scale-worker.ts, each an engine at `--concurrency`) share one PostgreSQL store
 * and either one Redis or a 3-master Redis Cluster (a hash-tagged prefix, so the application's
 * keys live in one slot); this process only enqueues. For chain3 and diamond it reports nodes/s,
 * the ratio to one process, and the CPU each part used per node (worker processes, Redis,
 * PostgreSQL), which says what bounds the curve.
 *
 *   node --conditions=@spane/source bench/scale.ts [--executions=N] [--concurrency=N]
 *        [--processes=1,2,4] [--rounds=N] [--json=FILE]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { NodeRegistry, successResult } from '@spane/core';
import { WorkflowEngine } from '@spane/engine';
import {
  type LocalPostgresServer,
  type LocalRedisCluster,
  type LocalRedisServer,
  startPostgresServer,
  startRedisCluster,
  startRedisServer,
} from '@spane/local-services';
import { PostgresExecutionStore } from '@spane/store-postgres';
import pg from 'pg';
import { processTreeCpuMs } from './proc-cpu.ts';
import { SCALE_SHAPES } from './scale-shapes.ts';
import { NOOP_TYPE, type Shape, toDefinition } from './shapes.ts';

const WORKER = fileURLToPath(new URL('./scale-worker.ts', import.meta.url));

function option(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}
const EXECUTIONS = Number(option('executions', '600'));
const CONCURRENCY = Number(option('concurrency', '16'));
const PROCESSES = option('processes', '1,2,4').split(',').map(Number);
const ROUNDS = Number(option('rounds', '1'));
const JSON_FILE = option('json', '');
const WARMUP = 30;

/** Where the queues live in one measurement. */
interface Target {
  name: string;
  connection: string | { cluster: Array<{ host: string; port: number }> };
  prefix(): string;
  pids(): number[];
}

interface Measurement {
  target: string;
  shape: string;
  processes: number;
  nodesPerSec: number;
  /** CPU ms per 1000 nodes, by part. */
  cpuPerKNode: { workers: number; redis: number; postgres: number };
}

function spawnWorker(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=@spane/source', WORKER], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready\n')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`scale worker exited (${code}) before ready`)));
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function completed(pool: pg.Pool, schema: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "${schema}".executions WHERE status = 'completed'`,
  );
  return rows[0]?.n ?? 0;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench:scale: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const cpuOf = (pids: number[]) => pids.reduce((sum, pid) => sum + (processTreeCpuMs(pid) || 0), 0);

async function measure(
  target: Target,
  shape: Shape,
  processes: number,
  postgres: LocalPostgresServer,
  pool: pg.Pool,
): Promise<Measurement> {
  const schema = `scale_${randomBytes(4).toString('hex')}`;
  const prefix = target.prefix();
  const store = await PostgresExecutionStore.create({
    connectionString: postgres.url,
    schema,
    poolSize: 4,
  });
  const producer = new WorkflowEngine({
    registry: new NodeRegistry().register(NOOP_TYPE, async (ctx) => successResult(ctx.nodeId)),
    store,
    connection: target.connection,
    config: { prefix },
  });
  producer.on('error', () => undefined);
  const workers: ChildProcess[] = [];
  try {
    for (const s of SCALE_SHAPES) await producer.registerWorkflow(toDefinition(s));
    workers.push(
      ...(await Promise.all(
        Array.from({ length: processes }, () =>
          spawnWorker({
            SCALE_CONNECTION: JSON.stringify(target.connection),
            DATABASE_URL: postgres.url,
            SCALE_SCHEMA: schema,
            SCALE_PREFIX: prefix,
            SCALE_CONCURRENCY: String(CONCURRENCY),
          }),
        ),
      )),
    );
    const enqueue = async (count: number) => {
      for (let i = 0; i < count; i += 100) {
        const batch = Math.min(100, count - i);
        await producer.enqueueBulkWorkflows(
          Array.from({ length: batch }, () => ({ workflowId: shape.id, initialData: {} })),
        );
      }
    };
    await enqueue(WARMUP);
    await until(async () => (await completed(pool, schema)) >= WARMUP, 'the warm-up');
    const workerPids = workers.map((w) => w.pid as number);
    const cpu0 = {
      workers: cpuOf(workerPids),
      redis: cpuOf(target.pids()),
      postgres: cpuOf([postgres.pid]),
    };
    const t0 = performance.now();
    await enqueue(EXECUTIONS);
    await until(async () => (await completed(pool, schema)) >= WARMUP + EXECUTIONS, 'the run');
    const seconds = (performance.now() - t0) / 1000;
    const nodes = EXECUTIONS * shape.size;
    const per = (ms: number) => Math.round((ms / nodes) * 1000);
    return {
      target: target.name,
      shape: shape.id,
      processes,
      nodesPerSec: Math.round(nodes / seconds),
      cpuPerKNode: {
        workers: per(cpuOf(workerPids) - cpu0.workers),
        redis: per(cpuOf(target.pids()) - cpu0.redis),
        postgres: per(cpuOf([postgres.pid]) - cpu0.postgres),
      },
    };
  } finally {
    await Promise.all(workers.map(stopWorker));
    await producer.close();
    await store.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function table(results: Measurement[]): string {
  const lines = [
    '| queues | shape | processes | nodes/s | × one process | CPU ms per 1000 nodes: workers / Redis / PostgreSQL |',
    '|---|---|---:|---:|---:|---|',
  ];
  for (const r of results) {
    const one = results.find(
      (o) => o.target === r.target && o.shape === r.shape && o.processes === 1,
    );
    const ratio = one ? (r.nodesPerSec / one.nodesPerSec).toFixed(2) : '–';
    const c = r.cpuPerKNode;
    lines.push(
      `| ${r.target} | ${r.shape} | ${r.processes} | ${r.nodesPerSec} | ${ratio} | ${c.workers} / ${c.redis} / ${c.postgres} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  let redis: LocalRedisServer | undefined;
  let cluster: LocalRedisCluster | undefined;
  let postgres: LocalPostgresServer | undefined;
  let pool: pg.Pool | undefined;
  try {
    [redis, cluster, postgres] = await Promise.all([
      startRedisServer(),
      startRedisCluster({ masters: 3 }),
      startPostgresServer({
        database: 'spane_bench_scale',
        settings: {
          fsync: false,
          synchronous_commit: false,
          full_page_writes: false,
          max_connections: 300,
        },
      }),
    ]);
    pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
    const r = redis;
    const c = cluster;
    const targets: Target[] = [
      {
        name: 'one Redis',
        connection: r.url,
        prefix: () => `scale-${randomBytes(4).toString('hex')}`,
        pids: () => [r.pid],
      },
      {
        name: 'Redis Cluster (3 masters)',
        connection: { cluster: c.nodes.map(({ host, port }) => ({ host, port })) },
        prefix: () => `{scale-${randomBytes(4).toString('hex')}}`,
        pids: () => c.nodes.map((n) => n.pid as number),
      },
    ];
    console.log(
      `bench:scale on ${os.cpus().length} cores (load average ${os.loadavg()[0]?.toFixed(1)}): ${EXECUTIONS} executions per run (after ${WARMUP} warm-up), ` +
        `concurrency ${CONCURRENCY} per worker process, ${ROUNDS} round(s), median; store: PostgreSQL (${postgres.what})`,
    );
    const results: Measurement[] = [];
    for (const target of targets) {
      for (const shape of SCALE_SHAPES) {
        for (const processes of PROCESSES) {
          const rounds: Measurement[] = [];
          for (let round = 0; round < ROUNDS; round++) {
            rounds.push(await measure(target, shape, processes, postgres, pool));
          }
          const best = rounds.find(
            (m) => m.nodesPerSec === median(rounds.map((x) => x.nodesPerSec)),
          ) as Measurement;
          results.push(best);
          console.log(
            `  ${target.name}, ${shape.id}, ${processes} process(es): ${best.nodesPerSec} nodes/s`,
          );
        }
      }
    }
    console.log(`\n${table(results)}`);
    const [one, five] = os.loadavg();
    console.log(
      `load average at the end: ${one?.toFixed(1)} (1 min), ${five?.toFixed(1)} (5 min) on ${os.cpus().length} cores`,
    );
    if (JSON_FILE) fs.writeFileSync(JSON_FILE, JSON.stringify(results, null, 2));
  } finally {
    await pool?.end();
    await Promise.all([redis?.stop(), cluster?.stop(), postgres?.stop()]);
  }
}

await main();
