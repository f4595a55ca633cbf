/**
 * `pnpm bench`: raw BullMQ chains versus the SPANE engine, side by side, in one process: on one
 * Redis (raw, the engine with the memory store, the engine with the PostgreSQL store) and on
 * BullMQ's PostgreSQL backend (raw, the engine with the PostgreSQL store). See bench/README.md for
 * what is measured and how to read it.
 *
 *   node --conditions=@spane/source bench/run.ts [--quick] [--no-default] [--no-postgres]
 *        [--only=redis|postgres] [--pg-scale=F] [--pg-rounds=N] [--raw-joins=redis]
 *        [--rounds=N] [--json=FILE]
 */
import fs from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { type Cost, Meter, sumCosts } from './meter.ts';
import {
  ALL_KINDS,
  CONCURRENCY,
  ENGINE_KINDS,
  GROUPS,
  type Group,
  JSON_FILE,
  NEEDS_POSTGRES,
  NEEDS_REDIS,
  PG_SCALE,
  POSTGRES_SERVERS,
  QUICK,
  RAW_ENTRIES,
  RAW_JOINS,
  RUN_PG_BACKEND,
} from './options.ts';
import { PostgresAdmin } from './postgres-admin.ts';
import { type BenchPostgres, startBenchPostgres } from './postgres-server.ts';
import { canMeasureProcessTree } from './proc-cpu.ts';
import { RawBullmqSide } from './raw-bullmq.ts';
import { type BenchRedis, startBenchRedis } from './redis-server.ts';
import {
  commandMixTable,
  commandsPerNode,
  comparisonTable,
  cpuPerNode,
  findSide,
  latencyTable,
  median,
  nodesPerSec,
  SIDE_LABELS,
  type SideRun,
  scalingTable,
  summaryTable,
  throughputTable,
  verdicts,
  type WorkloadRun,
} from './report.ts';
import { chainShape, fanShape, type Shape } from './shapes.ts';
import {
  type PostgresServerKind,
  postgresServersOf,
  type QueueBackendKind,
  type QueueTarget,
  SIDE_SPECS,
  type Side,
  type SideKind,
  storeServerOf,
} from './side.ts';
import { SpaneEngineSide } from './spane-engine.ts';
import {
  COMPARISONS,
  OBSERVABILITY_COMPARISONS,
  observabilityVerdicts,
  targetsOf,
} from './targets.ts';

const CHAIN3 = chainShape(3);
const DIAMOND = fanShape('diamond', 10);
const WIDE_SMALL = fanShape('wide100', 100);
const WIDE_LARGE = fanShape('wide1000', 1000);
const SHAPES: Shape[] = [CHAIN3, DIAMOND, WIDE_SMALL, WIDE_LARGE];
/** Connections in a PostgreSQL store's pool (as the queue's pool). */
const STORE_POOL_SIZE = 20;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const runId = Math.random().toString(36).slice(2, 8);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

// ------------------------------------------------------------------------------------------------
// sides

/** The servers of this run (each undefined when no side needs it). */
interface Servers {
  redis: BenchRedis | undefined;
  postgres: BenchPostgres | undefined;
  'postgres-durable': BenchPostgres | undefined;
}

function createSide(kind: SideKind, servers: Servers, prefix: string): Side {
  const spec = SIDE_SPECS[kind];
  const url = (backend: QueueBackendKind) => {
    const server = servers[backend];
    if (!server) throw new Error(`${SIDE_LABELS[kind]} needs ${backend}, which this run has not`);
    return server.url;
  };
  const queue: QueueTarget = { backend: spec.queue, url: url(spec.queue) };
  if (spec.impl === 'raw') {
    return new RawBullmqSide({
      queue,
      prefix,
      shapes: SHAPES,
      concurrency: CONCURRENCY,
      joins: RAW_JOINS,
      entries: RAW_ENTRIES,
    });
  }
  return new SpaneEngineSide({
    queue,
    store:
      spec.store === 'postgres'
        ? {
            kind: 'postgres',
            url: url(storeServerOf(kind) ?? 'postgres'),
            schema: storeSchema(prefix),
            poolSize: STORE_POOL_SIZE,
          }
        : { kind: 'memory' },
    prefix,
    shapes: SHAPES,
    concurrency: CONCURRENCY,
    config: {
      ...(spec.defaultConfig === true ? {} : { traces: false }),
      ...(spec.events === false ? { events: false } : {}),
    },
    metrics: spec.metrics === true,
    tracing: spec.tracing === true,
  });
}

/** The schema of a side's PostgreSQL store: its prefix, as a schema name. */
function storeSchema(prefix: string): string {
  return prefix.replace(/[^a-z0-9]/gi, '_');
}

const engineErrors: string[] = [];

let prefixes = 0;
/** Deletes each side's keys once it is closed, so a shared REDIS_URL is left as it was found. */
let cleaner: Meter | undefined;
/** Per PostgreSQL server: deletes each side's queue rows and store schema once it is closed. */
const pgAdmins = new Map<PostgresServerKind, PostgresAdmin>();

/** Starts a side on a fresh queue prefix, runs `body` (which warms it first), closes the side. */
async function withSide<T>(
  kind: SideKind,
  servers: Servers,
  workload: string,
  body: (side: Side) => Promise<T>,
): Promise<T> {
  const prefix = `bench-${runId}-${workload}-${kind}-${++prefixes}`;
  const spec = SIDE_SPECS[kind];
  const side = createSide(kind, servers, prefix);
  try {
    await side.start();
    return await body(side);
  } finally {
    await side.close();
    if (spec.queue === 'redis') await cleaner?.deletePrefix(prefix);
    else await pgAdmins.get(spec.queue)?.deleteQueues(prefix);
    const storeServer = storeServerOf(kind);
    if (storeServer !== undefined) await pgAdmins.get(storeServer)?.dropSchema(storeSchema(prefix));
    if (side instanceof SpaneEngineSide)
      for (const error of side.errors) engineErrors.push(`${kind} ${workload}: ${error}`);
  }
}

/** One measured window: samples around `fn`; wall time from the start to `fn`'s end. */
async function measured(meter: Meter, fn: () => Promise<void>): Promise<{ cost: Cost }> {
  const before = await meter.sample();
  const t0 = performance.now();
  await fn();
  const wallMs = performance.now() - t0;
  await sleep(25); // lets the last jobs' moveToFinished land in the window's counts
  const after = await meter.sample();
  return { cost: Meter.cost(before, after, wallMs) };
}

// ------------------------------------------------------------------------------------------------
// workloads

/** What one round of one workload measured on one side. */
interface Round {
  costs: Cost[];
  latencies?: number[];
}

/** Many executions of a shape at once (chain3, diamond). */
function manyRound(meter: Meter, shape: Shape, count: number, warmCount: number) {
  return async (side: Side): Promise<Round> => {
    await side.runMany(shape, warmCount);
    gc();
    await sleep(30);
    return { costs: [(await measured(meter, () => side.runMany(shape, count))).cost] };
  };
}

/** One 1→N→1 execution. */
function wideRound(meter: Meter, shape: Shape) {
  return async (side: Side): Promise<Round> => {
    await side.runMany(CHAIN3, 50);
    await side.runMany(WIDE_SMALL, 1);
    gc();
    await sleep(30);
    return { costs: [(await measured(meter, () => side.runMany(shape, 1))).cost] };
  };
}

/** A block of sequential single chain3 executions. */
function latencyRound(meter: Meter, runs: number) {
  return async (side: Side): Promise<Round> => {
    for (let i = 0; i < 10; i++) await side.runOne(CHAIN3);
    gc();
    await sleep(30);
    const latencies: number[] = [];
    const { cost } = await measured(meter, async () => {
      for (let i = 0; i < runs; i++) latencies.push(await side.runOne(CHAIN3));
    });
    return { costs: [cost], latencies };
  };
}

/** Merges the rounds of one side: wall time is the median round, costs and nodes add up. */
function mergeRounds(
  kind: SideKind,
  rounds: readonly Round[],
  nodesPerRound: number,
  executionsPerRound: number,
): SideRun {
  const costs = rounds.flatMap((r) => r.costs);
  const wallTimes = costs.map((c) => c.wallMs);
  const latencies = rounds.flatMap((r) => r.latencies ?? []);
  return {
    kind,
    executions: executionsPerRound * rounds.length,
    nodes: nodesPerRound * rounds.length,
    wallMs: median(wallTimes),
    wallTimes,
    cost: sumCosts(costs),
    ...(latencies.length > 0 ? { latencies } : {}),
  };
}

/** Warms the JIT, the script cache and the connections of every side before anything counts. */
async function warmUp(group: Group, servers: Servers): Promise<void> {
  const { warmChain } = group.counts;
  for (const kind of group.kinds) {
    await withSide(kind, servers, 'warmup', async (side) => {
      await side.runMany(CHAIN3, warmChain);
      await side.runMany(DIAMOND, Math.max(1, Math.round(warmChain / 10)));
      await side.runMany(WIDE_SMALL, 1);
      for (let i = 0; i < 20; i++) await side.runOne(CHAIN3);
    });
  }
}

/** One workload of a group's plan. */
interface Step {
  id: string;
  title: string;
  shape: Shape;
  rounds: number;
  /** Whether the group's capped sides run fewer rounds of this step. */
  capped: boolean;
  executions: number;
  round: (side: Side) => Promise<Round>;
}

function planOf(group: Group, meter: Meter): Step[] {
  const c = group.counts;
  const tag =
    group.backend === 'postgres'
      ? ' · pg queue'
      : group.backend === 'postgres-durable'
        ? ' · pg queue, durable'
        : '';
  return [
    {
      id: 'chain3',
      title: `chain3 ×${c.chain3}${tag}`,
      shape: CHAIN3,
      rounds: c.rounds,
      capped: true,
      executions: c.chain3,
      round: manyRound(meter, CHAIN3, c.chain3, Math.min(50, c.chain3)),
    },
    {
      id: 'diamond',
      title: `diamond 1→10→1 ×${c.diamond}${tag}`,
      shape: DIAMOND,
      rounds: c.rounds,
      capped: true,
      executions: c.diamond,
      round: manyRound(meter, DIAMOND, c.diamond, Math.min(10, c.diamond)),
    },
    {
      id: WIDE_SMALL.id,
      title: `wide 1→100→1${tag}`,
      shape: WIDE_SMALL,
      rounds: c.wideRounds,
      capped: true,
      executions: 1,
      round: wideRound(meter, WIDE_SMALL),
    },
    {
      id: WIDE_LARGE.id,
      title: `wide 1→1000→1${tag}`,
      shape: WIDE_LARGE,
      rounds: c.wideRounds,
      capped: true,
      executions: 1,
      round: wideRound(meter, WIDE_LARGE),
    },
    {
      id: 'latency',
      title: `chain3 one at a time ×${c.latencyBlocks * c.latencyRuns}${tag}`,
      shape: CHAIN3,
      rounds: c.latencyBlocks,
      capped: false,
      executions: c.latencyRuns,
      round: latencyRound(meter, c.latencyRuns),
    },
  ];
}

/** Runs a group's plan: per workload, rounds that interleave the group's sides. */
async function runGroup(group: Group, servers: Servers, meter: Meter): Promise<WorkloadRun[]> {
  log(`${group.backend} backend: warming up ${group.kinds.map((k) => SIDE_LABELS[k]).join(', ')}`);
  await warmUp(group, servers);
  const runs: WorkloadRun[] = [];
  for (const step of planOf(group, meter)) {
    // Rounds interleave the sides (raw, engine, …, raw, engine, …) so that a change in the
    // machine's background load hits every side alike; each round is a fresh side and prefix.
    // Each round starts one side later (raw, engine, x; engine, x, raw; …), so that no side always
    // runs right after the same one.
    const rounds = new Map<SideKind, Round[]>(group.kinds.map((kind) => [kind, []]));
    const roundsOf = (kind: SideKind) =>
      step.capped && group.capped?.kinds.includes(kind)
        ? Math.min(step.rounds, group.capped.rounds)
        : step.rounds;
    for (let r = 0; r < step.rounds; r++) {
      const shift = r % group.kinds.length;
      for (const kind of [...group.kinds.slice(shift), ...group.kinds.slice(0, shift)]) {
        if (r >= roundsOf(kind)) continue;
        log(`${step.title} round ${r + 1}/${roundsOf(kind)}: ${SIDE_LABELS[kind]}`);
        const round = await withSide(kind, servers, step.id, step.round);
        rounds.get(kind)?.push(round);
      }
    }
    runs.push({
      id: step.id,
      backend: group.backend,
      title: step.title,
      shapeSize: step.shape.size,
      sides: group.kinds.map((kind) =>
        mergeRounds(
          kind,
          rounds.get(kind) ?? [],
          step.executions * step.shape.size,
          step.executions,
        ),
      ),
    });
  }
  return runs;
}

// ------------------------------------------------------------------------------------------------
// main

/** ' (SPANE pg store: 3 rounds of chain3, diamond and wide)' when a group caps some sides. */
function cappedNote(group: Group): string {
  const capped = group.capped?.kinds.filter((k) => group.kinds.includes(k)) ?? [];
  const rounds = group.capped?.rounds ?? 0;
  if (capped.length === 0 || rounds >= Math.max(group.counts.rounds, group.counts.wideRounds))
    return '';
  return ` (${capped.map((k) => SIDE_LABELS[k]).join(', ')}: at most ${rounds} rounds of chain3, diamond and wide)`;
}

function report(options: {
  workloads: readonly WorkloadRun[];
  servers: Servers;
  meter: Meter;
  loadBefore: number;
  started: number;
}): string {
  const { workloads, servers, meter, loadBefore, started } = options;
  const byBackend = (backend: QueueBackendKind, id: string) =>
    workloads.find((w) => w.backend === backend && w.id === id);
  const backends = GROUPS.map((g) => g.backend);
  const out: string[] = [];
  out.push('');
  out.push(
    `SPANE bench — ${QUICK ? 'QUICK (smoke counts)' : 'full'} — concurrency ${CONCURRENCY}, no-op nodes, node ${process.version}`,
  );
  if (servers.redis) out.push(`Redis: ${servers.redis.what}`);
  if (servers.postgres) out.push(`PostgreSQL (fast): ${servers.postgres.what}`);
  const durable = servers['postgres-durable'];
  if (durable) out.push(`PostgreSQL (durable): ${durable.what}`);
  const cpus = os.availableParallelism();
  const loadAfter = os.loadavg()[0] ?? 0;
  out.push(
    `machine: ${cpus} CPUs, 1-min load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after${Math.max(loadBefore, loadAfter) > cpus * 0.75 ? ' — other processes competed for the CPUs: trust the ratios (sides interleaved) and CPU/node more than absolute wall times' : ''}`,
  );
  for (const group of GROUPS) {
    const c = group.counts;
    out.push(
      `${group.backend === 'redis' ? 'Redis backend' : group.backend === 'postgres' ? 'PostgreSQL backend' : 'PostgreSQL backend, durable server'}: ${group.kinds.map((k) => SIDE_LABELS[k]).join(', ')}; rounds chain3/diamond ${c.rounds}, wide ${c.wideRounds}, latency ${c.latencyBlocks}×${c.latencyRuns}${cappedNote(group)}${group.backend !== 'redis' ? ` — counts ×${PG_SCALE} of the Redis ones (chain3 ×${c.chain3}, diamond ×${c.diamond}): compare nodes/s and CPU/node, not totals` : ''}`,
    );
  }
  out.push('sides interleaved per round; wall = median round [min–max]; costs summed over rounds');
  if (NEEDS_POSTGRES && !meter.measuresPostgres) {
    out.push(
      'PostgreSQL server CPU is NOT measured (DATABASE_URL, or /proc unreadable): CPU/node of the pg sides is this process + Redis only ("?" in the pg column)',
    );
  }
  out.push('');
  out.push(
    'Throughput and cost per node (wall time includes enqueueing; CPU = this process + Redis server + PostgreSQL server processes; ×raw = against raw BullMQ on the same backend)',
  );
  out.push(throughputTable(workloads));
  out.push('');
  out.push('Latency of one chain3 execution, enqueue → completion (sequential runs)');
  out.push(
    latencyTable(backends.map((b) => byBackend(b, 'latency')).filter((w): w is WorkloadRun => !!w)),
  );
  out.push('');
  out.push('Fan-out scaling: one 1→N→1 execution, enqueue → completion (median of the rounds)');
  out.push(
    scalingTable(
      backends.flatMap((b) => {
        const small = byBackend(b, WIDE_SMALL.id);
        const large = byBackend(b, WIDE_LARGE.id);
        return small && large ? [{ small, large }] : [];
      }),
    ),
  );
  const redisChain = byBackend('redis', 'chain3');
  const redisDiamond = byBackend('redis', 'diamond');
  if (redisChain && redisDiamond) {
    out.push('');
    out.push(
      'Redis command mix per node, chain3 (commandstats, calls inside Lua scripts included)',
    );
    out.push(commandMixTable(redisChain));
    out.push('');
    out.push('Redis command mix per node, diamond');
    out.push(commandMixTable(redisDiamond, 10));
  }
  const observed = OBSERVABILITY_COMPARISONS.filter(
    (c) => ALL_KINDS.includes(c.a) && ALL_KINDS.includes(c.b),
  );
  if (observed.length > 0) {
    out.push('');
    out.push(
      'Observability cost, side against side (a ÷ b; nodes/s: higher = a faster; CPU, time, latency: lower = a cheaper; metrics rendered every 5 s as a scrape would)',
    );
    out.push(comparisonTable(workloads, observed, { wideLarge: WIDE_LARGE.id }));
    out.push(...observabilityVerdicts(workloads));
  }
  const comparisons = COMPARISONS.filter((c) => ALL_KINDS.includes(c.a) && ALL_KINDS.includes(c.b));
  if (comparisons.length > 0) {
    out.push('');
    out.push(
      `PostgreSQL store and backend, side against side (a ÷ b; nodes/s: higher = a faster; CPU, time, latency: lower = a cheaper${RUN_PG_BACKEND ? `; the pg backend ran ×${PG_SCALE} of the executions` : ''})`,
    );
    out.push(comparisonTable(workloads, comparisons, { wideLarge: WIDE_LARGE.id }));
  }
  out.push('');
  const targets = targetsOf(workloads, ALL_KINDS, { small: WIDE_SMALL.id, large: WIDE_LARGE.id });
  out.push(
    'SUMMARY — engine versus raw BullMQ on the same backend (informative targets; exit code is 0 either way)',
  );
  out.push(summaryTable(targets, ALL_KINDS));
  for (const kind of ENGINE_KINDS) {
    const { pass, miss } = verdicts(targets, kind);
    out.push(`  ${SIDE_LABELS[kind]}: ${pass} PASS, ${miss} MISS`);
  }
  const perNode = (kinds: readonly SideKind[], what: (run: SideRun) => number, digits: number) =>
    kinds
      .map((k) => {
        const run = findSide(workloads, 'chain3', k);
        return run ? `${SIDE_LABELS[k]} ${what(run).toFixed(digits)}` : undefined;
      })
      .filter((x) => x !== undefined)
      .join(', ');
  const redisKinds = ALL_KINDS.filter((k) => SIDE_SPECS[k].queue === 'redis');
  if (redisKinds.length > 0) {
    out.push(
      `  redis cmds/node chain3: ${perNode(redisKinds, (r) => commandsPerNode(r).redis, 1)}`,
    );
  }
  const pgKinds = ALL_KINDS.filter((k) => postgresServersOf(k).length > 0);
  if (pgKinds.length > 0) {
    out.push(`  pg queries/node chain3: ${perNode(pgKinds, (r) => commandsPerNode(r).pg, 1)}`);
  }
  if (engineErrors.length > 0) {
    out.push(`  engine 'error' events: ${engineErrors.length}`);
    for (const error of engineErrors.slice(0, 5)) out.push(`    ${error}`);
  }
  out.push(`  total bench time ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return out.join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = os.loadavg()[0] ?? 0;
  const servers: Servers = { redis: undefined, postgres: undefined, 'postgres-durable': undefined };
  let meter: Meter | undefined;
  try {
    if (NEEDS_REDIS) servers.redis = await startBenchRedis();
    for (const kind of POSTGRES_SERVERS) {
      const server = await startBenchPostgres({
        durable: kind === 'postgres-durable',
        log: (line) => log(line),
      });
      servers[kind] = server;
      pgAdmins.set(kind, new PostgresAdmin(server.url));
      log(`PostgreSQL (${kind === 'postgres' ? 'fast' : 'durable'}): ${server.what}`);
    }
    const pids = POSTGRES_SERVERS.map((kind) => servers[kind]?.pid).map((pid) =>
      pid !== undefined && canMeasureProcessTree(pid) ? pid : undefined,
    );
    meter = new Meter({
      redisUrl: servers.redis?.url,
      postgres: NEEDS_POSTGRES ? { pids } : undefined,
    });
    cleaner = meter;
    if (servers.redis) log(`Redis: ${servers.redis.what}`);
    log(
      `mode: ${QUICK ? 'quick' : 'full'}; sides: ${ALL_KINDS.map((k) => SIDE_LABELS[k]).join(', ')}; raw joins counted ${RAW_JOINS === 'redis' ? 'with Redis INCR (Redis backend)' : 'in process'}, raw entry jobs added with ${RAW_ENTRIES === 'single' ? 'one add() each' : 'addBulk'}`,
    );

    const workloads: WorkloadRun[] = [];
    for (const group of GROUPS) workloads.push(...(await runGroup(group, servers, meter)));

    console.log(report({ workloads, servers, meter, loadBefore, started }));

    if (JSON_FILE) {
      const json = {
        runId,
        quick: QUICK,
        rawJoins: RAW_JOINS,
        rawEntries: RAW_ENTRIES,
        redis: servers.redis?.what,
        postgres: servers.postgres?.what,
        postgresDurable: servers['postgres-durable']?.what,
        postgresCpuMeasured: meter.measuresPostgres,
        groups: GROUPS.map((g) => ({
          backend: g.backend,
          kinds: g.kinds,
          counts: g.counts,
          capped: g.capped,
        })),
        pgScale: RUN_PG_BACKEND ? PG_SCALE : undefined,
        workloads: workloads.map((w) => ({
          ...w,
          sides: w.sides.map((s) => ({
            ...s,
            nodesPerSec: nodesPerSec(s),
            cpuPerNodeUs: cpuPerNode(s),
            commandsPerNode: commandsPerNode(s),
            cost: { ...s.cost, commandStats: Object.fromEntries(s.cost.commandStats) },
          })),
        })),
        targets: targetsOf(workloads, ALL_KINDS, { small: WIDE_SMALL.id, large: WIDE_LARGE.id }),
      };
      fs.writeFileSync(JSON_FILE, `${JSON.stringify(json, null, 2)}\n`);
      log(`wrote ${JSON_FILE}`);
    }
  } finally {
    await meter?.close();
    for (const admin of pgAdmins.values()) await admin.close();
    await servers.postgres?.stop();
    await servers['postgres-durable']?.stop();
    await servers.redis?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  },
);
