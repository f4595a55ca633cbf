/**
 * `pnpm bench`: raw BullMQ chains versus the SPANE engine, side by side, in one process on one
 * Redis. See bench/README.md for what is measured and how to read it.
 *
 *   node --conditions=@spane/source bench/run.ts [--quick] [--no-default] [--raw-joins=redis]
 *                                                [--rounds=N] [--json=FILE]
 */
import fs from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { type Cost, Meter, sumCosts } from './meter.ts';
import { type EntryAdds, type JoinCounting, RawBullmqSide } from './raw-bullmq.ts';
import { startBenchRedis } from './redis-server.ts';
import {
  commandMixTable,
  commandsPerNode,
  cpuPerNode,
  latencyTable,
  median,
  nodesPerSec,
  percentile,
  SIDE_LABELS,
  type SideRun,
  scalingTable,
  summaryTable,
  type Target,
  throughputTable,
  verdicts,
  type WorkloadRun,
} from './report.ts';
import { chainShape, fanShape, type Shape } from './shapes.ts';
import type { Side, SideKind } from './side.ts';
import { SpaneEngineSide } from './spane-engine.ts';

// ------------------------------------------------------------------------------------------------
// options

const args = process.argv.slice(2).filter((a) => a !== '--');
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
if (flag('help') || flag('h')) {
  console.log(
    [
      'usage: pnpm bench [-- options]',
      '  --quick             small counts (smoke run, ~5–10 s)',
      '  --no-default        skip the engine with its default config (traces on)',
      '  --raw-joins=redis   raw side counts join arrivals with Redis INCR (default: in process)',
      '  --raw-entries=single  raw side adds entry jobs with one add() each (default: addBulk)',
      '  --rounds=N          rounds of chain3 and diamond per side, interleaved; median wall time (default 5, quick 1)',
      '  --json=FILE         also write every figure as JSON',
      'REDIS_URL=redis://…   use that Redis instead of starting a private redis-server',
    ].join('\n'),
  );
  process.exit(0);
}
const unknown = args.filter(
  (a) =>
    !['--quick', '--no-default', '--help', '-h'].includes(a) &&
    !/^--(raw-joins|raw-entries|rounds|json)=/.test(a),
);
if (unknown.length > 0) {
  console.error(`unknown option(s): ${unknown.join(' ')} (try --help)`);
  process.exit(2);
}

const QUICK = flag('quick');
const CONCURRENCY = 50;
const COUNTS = QUICK
  ? { chain3: 200, diamond: 50, wideRounds: 1, latencyBlocks: 1, latencyRuns: 30, warmChain: 100 }
  : {
      chain3: 2000,
      diamond: 500,
      wideRounds: 5,
      latencyBlocks: 4,
      latencyRuns: 50,
      warmChain: 400,
    };
const ROUNDS = Math.max(1, Number(option('rounds') ?? (QUICK ? 1 : 5)) || 1);
const RAW_JOINS: JoinCounting = option('raw-joins') === 'redis' ? 'redis' : 'memory';
const RAW_ENTRIES: EntryAdds = option('raw-entries') === 'single' ? 'single' : 'bulk';
const JSON_FILE = option('json');
const KINDS: SideKind[] = flag('no-default')
  ? ['raw', 'engine']
  : ['raw', 'engine', 'engine-default'];
const ENGINE_KINDS = KINDS.filter((k) => k !== 'raw');

const CHAIN3 = chainShape(3);
const DIAMOND = fanShape('diamond', 10);
const WIDE_SMALL = fanShape('wide100', 100);
const WIDE_LARGE = fanShape('wide1000', 1000);
const SHAPES: Shape[] = [CHAIN3, DIAMOND, WIDE_SMALL, WIDE_LARGE];

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const runId = Math.random().toString(36).slice(2, 8);
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

// ------------------------------------------------------------------------------------------------
// sides

function createSide(kind: SideKind, url: string, prefix: string): Side {
  if (kind === 'raw') {
    return new RawBullmqSide({
      url,
      prefix,
      shapes: SHAPES,
      concurrency: CONCURRENCY,
      joins: RAW_JOINS,
      entries: RAW_ENTRIES,
    });
  }
  return new SpaneEngineSide({
    url,
    prefix,
    shapes: SHAPES,
    concurrency: CONCURRENCY,
    config: kind === 'engine' ? { traces: false } : {},
  });
}

const engineErrors: string[] = [];

let prefixes = 0;
/** Deletes each side's keys once it is closed, so a shared REDIS_URL is left as it was found. */
let cleaner: Meter | undefined;

/** Starts a side on a fresh queue prefix, runs `body` (which warms it first), closes the side. */
async function withSide<T>(
  kind: SideKind,
  url: string,
  workload: string,
  body: (side: Side) => Promise<T>,
): Promise<T> {
  const prefix = `bench-${runId}-${workload}-${kind}-${++prefixes}`;
  const side = createSide(kind, url, prefix);
  try {
    await side.start();
    return await body(side);
  } finally {
    await side.close();
    await cleaner?.deletePrefix(prefix);
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
async function warmUp(url: string): Promise<void> {
  for (const kind of KINDS) {
    await withSide(kind, url, 'warmup', async (side) => {
      await side.runMany(CHAIN3, COUNTS.warmChain);
      await side.runMany(DIAMOND, COUNTS.warmChain / 10);
      await side.runMany(WIDE_SMALL, 1);
      for (let i = 0; i < 20; i++) await side.runOne(CHAIN3);
    });
  }
}

// ------------------------------------------------------------------------------------------------
// main

function targetsOf(workloads: Map<string, WorkloadRun>): Target[] {
  const side = (id: string, kind: SideKind) =>
    workloads.get(id)?.sides.find((s) => s.kind === kind);
  const per = (fn: (kind: SideKind) => number) =>
    Object.fromEntries(ENGINE_KINDS.map((k) => [k, fn(k)])) as Partial<Record<SideKind, number>>;
  const rate = (id: string, kind: SideKind) => {
    const run = side(id, kind);
    return run ? nodesPerSec(run) : Number.NaN;
  };
  const cpu = (id: string, kind: SideKind) => {
    const run = side(id, kind);
    return run ? cpuPerNode(run).total : Number.NaN;
  };
  const p50 = (kind: SideKind) => percentile(side('latency', kind)?.latencies ?? [], 50);
  const scale = (kind: SideKind) =>
    (side(WIDE_LARGE.id, kind)?.wallMs ?? Number.NaN) /
    (side(WIDE_SMALL.id, kind)?.wallMs ?? Number.NaN);
  return [
    {
      name: 'chain3 nodes/s, engine/raw  ≥ 0.60',
      kind: 'min',
      limit: 0.6,
      rawValue: 1,
      values: per((k) => rate('chain3', k) / rate('chain3', 'raw')),
    },
    {
      name: 'diamond nodes/s, engine/raw ≥ 0.60',
      kind: 'min',
      limit: 0.6,
      rawValue: 1,
      values: per((k) => rate('diamond', k) / rate('diamond', 'raw')),
    },
    {
      name: 'latency p50, engine/raw     ≤ 1.20',
      kind: 'max',
      limit: 1.2,
      rawValue: 1,
      values: per((k) => p50(k) / p50('raw')),
    },
    {
      name: 't(N=1000)/t(N=100)          ≤ 12',
      kind: 'max',
      limit: 12,
      rawValue: scale('raw'),
      values: per(scale),
    },
    {
      name: 'chain3 CPU/node, engine/raw ≤ 1.50',
      kind: 'max',
      limit: 1.5,
      rawValue: 1,
      values: per((k) => cpu('chain3', k) / cpu('chain3', 'raw')),
    },
    {
      name: 'diamond CPU/node, engine/raw ≤ 1.50',
      kind: 'max',
      limit: 1.5,
      rawValue: 1,
      values: per((k) => cpu('diamond', k) / cpu('diamond', 'raw')),
    },
  ];
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = os.loadavg()[0] ?? 0;
  const redis = await startBenchRedis();
  let meter: Meter | undefined;
  try {
    meter = new Meter(redis.url);
    cleaner = meter;
    log(`Redis: ${redis.what}`);
    log(
      `mode: ${QUICK ? 'quick' : 'full'}; sides: ${KINDS.map((k) => SIDE_LABELS[k]).join(', ')}; raw joins counted ${RAW_JOINS === 'redis' ? 'with Redis INCR' : 'in process'}, raw entry jobs added with ${RAW_ENTRIES === 'single' ? 'one add() each' : 'addBulk'}`,
    );
    log('warming up every side');
    await warmUp(redis.url);

    const plan: Array<{
      id: string;
      title: string;
      shape: Shape;
      rounds: number;
      executions: number;
      round: (side: Side) => Promise<Round>;
    }> = [
      {
        id: 'chain3',
        title: `chain3 ×${COUNTS.chain3}`,
        shape: CHAIN3,
        rounds: ROUNDS,
        executions: COUNTS.chain3,
        round: manyRound(meter, CHAIN3, COUNTS.chain3, 50),
      },
      {
        id: 'diamond',
        title: `diamond 1→10→1 ×${COUNTS.diamond}`,
        shape: DIAMOND,
        rounds: ROUNDS,
        executions: COUNTS.diamond,
        round: manyRound(meter, DIAMOND, COUNTS.diamond, 10),
      },
      {
        id: WIDE_SMALL.id,
        title: 'wide 1→100→1',
        shape: WIDE_SMALL,
        rounds: COUNTS.wideRounds,
        executions: 1,
        round: wideRound(meter, WIDE_SMALL),
      },
      {
        id: WIDE_LARGE.id,
        title: 'wide 1→1000→1',
        shape: WIDE_LARGE,
        rounds: COUNTS.wideRounds,
        executions: 1,
        round: wideRound(meter, WIDE_LARGE),
      },
      {
        id: 'latency',
        title: `chain3 one at a time ×${COUNTS.latencyBlocks * COUNTS.latencyRuns}`,
        shape: CHAIN3,
        rounds: COUNTS.latencyBlocks,
        executions: COUNTS.latencyRuns,
        round: latencyRound(meter, COUNTS.latencyRuns),
      },
    ];
    const workloads = new Map<string, WorkloadRun>();
    for (const step of plan) {
      // Rounds interleave the sides (raw, engine, …, raw, engine, …) so that a change in the
      // machine's background load hits every side alike; each round is a fresh side and prefix.
      const rounds = new Map<SideKind, Round[]>(KINDS.map((kind) => [kind, []]));
      for (let r = 0; r < step.rounds; r++) {
        for (const kind of KINDS) {
          log(`${step.id} round ${r + 1}/${step.rounds}: ${SIDE_LABELS[kind]}`);
          const round = await withSide(kind, redis.url, step.id, step.round);
          rounds.get(kind)?.push(round);
        }
      }
      workloads.set(step.id, {
        id: step.id,
        title: step.title,
        shapeSize: step.shape.size,
        sides: KINDS.map((kind) =>
          mergeRounds(
            kind,
            rounds.get(kind) ?? [],
            step.executions * step.shape.size,
            step.executions,
          ),
        ),
      });
    }

    const all = [...workloads.values()];
    const out: string[] = [];
    out.push('');
    out.push(
      `SPANE bench — ${QUICK ? 'QUICK (smoke counts)' : 'full'} — concurrency ${CONCURRENCY}, no-op nodes, one Redis (${redis.what}), node ${process.version}`,
    );
    const cpus = os.availableParallelism();
    const loadAfter = os.loadavg()[0] ?? 0;
    out.push(
      `machine: ${cpus} CPUs, 1-min load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after${Math.max(loadBefore, loadAfter) > cpus * 0.75 ? ' — other processes competed for the CPUs: trust the ratios (sides interleaved) and CPU/node more than absolute wall times' : ''}`,
    );
    out.push(
      `rounds: chain3/diamond ${ROUNDS}, wide ${COUNTS.wideRounds}, latency ${COUNTS.latencyBlocks}×${COUNTS.latencyRuns} — sides interleaved per round; wall = median round [min–max]; costs summed over rounds`,
    );
    out.push('');
    out.push(
      'Throughput and cost per node (wall time includes enqueueing; CPU = this process + Redis)',
    );
    out.push(throughputTable(all));
    out.push('');
    const latencyRun = workloads.get('latency') as WorkloadRun;
    out.push(
      `Latency of one chain3 execution, enqueue → completion (${COUNTS.latencyBlocks * COUNTS.latencyRuns} sequential runs)`,
    );
    out.push(latencyTable(latencyRun));
    out.push('');
    out.push('Fan-out scaling: one 1→N→1 execution, enqueue → completion (median of the rounds)');
    out.push(
      scalingTable(
        workloads.get(WIDE_SMALL.id) as WorkloadRun,
        workloads.get(WIDE_LARGE.id) as WorkloadRun,
      ),
    );
    out.push('');
    out.push(
      'Redis command mix per node, chain3 (commandstats, calls inside Lua scripts included)',
    );
    out.push(commandMixTable(workloads.get('chain3') as WorkloadRun));
    out.push('');
    out.push('Redis command mix per node, diamond');
    out.push(commandMixTable(workloads.get('diamond') as WorkloadRun, 10));
    out.push('');
    const targets = targetsOf(workloads);
    out.push('SUMMARY — engine versus raw BullMQ (informative targets; exit code is 0 either way)');
    out.push(summaryTable(targets, ENGINE_KINDS));
    for (const kind of ENGINE_KINDS) {
      const { pass, miss } = verdicts(targets, kind);
      out.push(`  ${SIDE_LABELS[kind]}: ${pass} PASS, ${miss} MISS`);
    }
    const chain = (kind: SideKind) =>
      workloads.get('chain3')?.sides.find((s) => s.kind === kind) as SideRun;
    out.push(
      `  redis cmds/node chain3: raw ${commandsPerNode(chain('raw')).redis.toFixed(1)}, ${ENGINE_KINDS.map((k) => `${SIDE_LABELS[k]} ${commandsPerNode(chain(k)).redis.toFixed(1)}`).join(', ')}`,
    );
    if (engineErrors.length > 0) {
      out.push(`  engine 'error' events: ${engineErrors.length}`);
      for (const error of engineErrors.slice(0, 5)) out.push(`    ${error}`);
    }
    out.push(`  total bench time ${((performance.now() - started) / 1000).toFixed(1)} s`);
    console.log(out.join('\n'));

    if (JSON_FILE) {
      const json = {
        runId,
        quick: QUICK,
        rawJoins: RAW_JOINS,
        rawEntries: RAW_ENTRIES,
        redis: redis.what,
        workloads: all.map((w) => ({
          ...w,
          sides: w.sides.map((s) => ({
            ...s,
            nodesPerSec: nodesPerSec(s),
            cpuPerNodeUs: cpuPerNode(s),
            commandsPerNode: commandsPerNode(s),
            cost: { ...s.cost, commandStats: Object.fromEntries(s.cost.commandStats) },
          })),
        })),
        targets,
      };
      fs.writeFileSync(JSON_FILE, `${JSON.stringify(json, null, 2)}\n`);
      log(`wrote ${JSON_FILE}`);
    }
  } finally {
    await meter?.close();
    await redis.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  },
);
