/** Turns the measurements into the tables and the summary block the benchmark prints. */
import type { Cost } from './meter.ts';
import { isRaw, type QueueBackendKind, SIDE_SPECS, type SideKind } from './side.ts';

export const SIDE_LABELS: Record<SideKind, string> = {
  raw: 'raw BullMQ',
  engine: 'SPANE traces=off',
  'engine-default': 'SPANE default cfg',
  'engine-bare': 'SPANE events=off',
  'engine-metrics': 'SPANE +metrics',
  'engine-observed': 'SPANE +metrics+events',
  'engine-traced': 'SPANE +tracing, no SDK',
  'engine-pgstore': 'SPANE pg store',
  'engine-pgstore-durable': 'SPANE pg store (durable)',
  'raw-pg': 'raw BullMQ on pg',
  'engine-pg': 'SPANE all-pg',
  'raw-pg-durable': 'raw BullMQ on pg (durable)',
  'engine-pg-durable': 'SPANE all-pg (durable)',
};

/** One side's run of one workload. */
export interface SideRun {
  kind: SideKind;
  executions: number;
  /** Nodes (= jobs) run in the measured window(s). */
  nodes: number;
  /** Wall time the throughput figure is taken from (median of the repeats for `wide`). */
  wallMs: number;
  /** Every wall time measured (one per repeat). */
  wallTimes: number[];
  cost: Cost;
  /** Latencies of single executions, in ms (latency workload only). */
  latencies?: number[];
}

export interface WorkloadRun {
  id: string;
  /** The queue backend of every side of this run. */
  backend: QueueBackendKind;
  title: string;
  /** Nodes of one execution. */
  shapeSize: number;
  sides: SideRun[];
}

export interface Target {
  name: string;
  /** How the ratio is read: `max` means the value must not exceed the limit. */
  kind: 'min' | 'max';
  limit: number;
  /**
   * Per side: its value (a ratio to its backend's raw side, or a plain number). Raw sides are
   * shown without a verdict.
   */
  values: Partial<Record<SideKind, number>>;
  note?: string | undefined;
}

// ------------------------------------------------------------------------------------------------
// numbers

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function nodesPerSec(run: SideRun): number {
  const perRun = run.nodes / Math.max(1, run.wallTimes.length);
  return (perRun / run.wallMs) * 1000;
}

/**
 * CPU of this process, Redis and the PostgreSQL server, per node, in µs. `pg` is NaN when the
 * server's CPU was not measured; `total` then leaves it out.
 */
export function cpuPerNode(run: SideRun): {
  total: number;
  proc: number;
  redis: number;
  pg: number;
} {
  const proc = (run.cost.processCpuMs * 1000) / run.nodes;
  const redis = (run.cost.redisCpuMs * 1000) / run.nodes;
  const pg = (run.cost.postgresCpuMs * 1000) / run.nodes;
  return { total: proc + redis + (Number.isFinite(pg) ? pg : 0), proc, redis, pg };
}

export function commandsPerNode(run: SideRun): { sent: number; redis: number; pg: number } {
  return {
    sent: run.cost.clientCommands / run.nodes,
    redis: run.cost.redisCommands / run.nodes,
    pg: run.cost.pgQueries / run.nodes,
  };
}

/** The raw BullMQ side of a workload run (the baseline of its ratios). */
export function baselineOf(workload: WorkloadRun): SideRun | undefined {
  return workload.sides.find((s) => isRaw(s.kind));
}

/** One side's run of a workload, on the backend that side runs on. */
export function findSide(
  workloads: readonly WorkloadRun[],
  id: string,
  kind: SideKind,
): SideRun | undefined {
  return workloads
    .find((w) => w.id === id && w.backend === SIDE_SPECS[kind].queue)
    ?.sides.find((s) => s.kind === kind);
}

// ------------------------------------------------------------------------------------------------
// formatting

function fmt(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';
}

/** A plain-text table: first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i <= 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row) => line(row)),
  ].join('\n');
}

/** The main table: one row per workload and side; ×raw is against the raw side of the same backend. */
export function throughputTable(workloads: readonly WorkloadRun[]): string {
  const rows: string[][] = [];
  for (const workload of workloads) {
    const raw = baselineOf(workload);
    workload.sides.forEach((run, index) => {
      const cpu = cpuPerNode(run);
      const cmds = commandsPerNode(run);
      const rawCpu = raw ? cpuPerNode(raw).total : Number.NaN;
      const rawCmds = raw ? commandsPerNode(raw).redis : Number.NaN;
      const rawRate = raw ? nodesPerSec(raw) : Number.NaN;
      rows.push([
        index === 0 ? workload.title : '',
        SIDE_LABELS[run.kind],
        fmt(run.nodes),
        run.wallTimes.length > 1
          ? `${fmt(run.wallMs, run.wallMs < 100 ? 1 : 0)} [${fmt(Math.min(...run.wallTimes))}–${fmt(Math.max(...run.wallTimes))}]`
          : fmt(run.wallMs, run.wallMs < 100 ? 1 : 0),
        fmt(nodesPerSec(run)),
        ratio(nodesPerSec(run) / rawRate),
        `${fmt(cpu.total)} (${fmt(cpu.proc)}+${fmt(cpu.redis)}+${Number.isFinite(cpu.pg) ? fmt(cpu.pg) : '?'})`,
        ratio(cpu.total / rawCpu),
        fmt(cmds.sent, 2),
        fmt(cmds.redis, 1),
        rawCmds > 0 ? ratio(cmds.redis / rawCmds) : '',
        fmt(cmds.pg, 2),
      ]);
    });
  }
  return table(
    [
      'workload',
      'side',
      'nodes Σ',
      'wall ms',
      'nodes/s',
      '×raw',
      'CPU µs/node (proc+redis+pg)',
      '×raw',
      'cmds sent/node',
      'redis cmds/node',
      '×raw',
      'pg queries/node',
    ],
    rows,
  );
}

/** Latency of single executions, every side of every backend; ×raw against the same backend's raw side. */
export function latencyTable(workloads: readonly WorkloadRun[]): string {
  const rows: string[][] = [];
  for (const workload of workloads) {
    const raw = baselineOf(workload);
    const rawP50 = raw?.latencies ? percentile(raw.latencies, 50) : Number.NaN;
    const rawP95 = raw?.latencies ? percentile(raw.latencies, 95) : Number.NaN;
    for (const run of workload.sides) {
      const l = run.latencies ?? [];
      rows.push([
        SIDE_LABELS[run.kind],
        fmt(l.length),
        fmt(percentile(l, 50), 2),
        fmt(percentile(l, 95), 2),
        fmt(mean(l), 2),
        fmt(percentile(l, 0), 2),
        fmt(percentile(l, 100), 2),
        ratio(percentile(l, 50) / rawP50),
        ratio(percentile(l, 95) / rawP95),
      ]);
    }
  }
  return table(
    ['side', 'runs', 'p50 ms', 'p95 ms', 'mean ms', 'min ms', 'max ms', 'p50 ×raw', 'p95 ×raw'],
    rows,
  );
}

/** Fan-out scaling, one row per side: t(large)/t(small) of a 1→N→1 execution. */
export function scalingTable(
  pairs: ReadonlyArray<{ small: WorkloadRun; large: WorkloadRun }>,
): string {
  const first = pairs[0];
  const rows: string[][] = [];
  for (const { small, large } of pairs) {
    for (const run of small.sides) {
      const other = large.sides.find((s) => s.kind === run.kind);
      const tSmall = run.wallMs;
      const tLarge = other?.wallMs ?? Number.NaN;
      rows.push([
        SIDE_LABELS[run.kind],
        fmt(tSmall, 1),
        `[${run.wallTimes.map((t) => fmt(t, 0)).join(' ')}]`,
        fmt(tLarge, 1),
        `[${(other?.wallTimes ?? []).map((t) => fmt(t, 0)).join(' ')}]`,
        fmt(tLarge / tSmall, 2),
      ]);
    }
  }
  return table(
    [
      'side',
      `t(N=${(first?.small.shapeSize ?? 2) - 2}) ms`,
      'runs',
      `t(N=${(first?.large.shapeSize ?? 2) - 2}) ms`,
      'runs',
      't(large)/t(small)',
    ],
    rows,
  );
}

/** One line of {@link comparisonTable}: side `a` against side `b`. */
export interface Comparison {
  name: string;
  a: SideKind;
  b: SideKind;
}

/**
 * Side against side across the workloads (each on its own backend's counts): nodes/s and CPU per
 * node of chain3 and diamond, t(N=1000) and the latency p50, each as a ÷ b.
 */
export function comparisonTable(
  workloads: readonly WorkloadRun[],
  comparisons: readonly Comparison[],
  ids: { wideLarge: string },
): string {
  const side = (id: string, kind: SideKind) => findSide(workloads, id, kind);
  const rate = (id: string, kind: SideKind) => {
    const run = side(id, kind);
    return run ? nodesPerSec(run) : Number.NaN;
  };
  const cpu = (id: string, kind: SideKind) => {
    const run = side(id, kind);
    return run ? cpuPerNode(run).total : Number.NaN;
  };
  const wall = (id: string, kind: SideKind) => side(id, kind)?.wallMs ?? Number.NaN;
  const p50 = (kind: SideKind) => percentile(side('latency', kind)?.latencies ?? [], 50);
  const rows = comparisons.map(({ name, a, b }) => [
    name,
    ratio(rate('chain3', a) / rate('chain3', b)),
    ratio(cpu('chain3', a) / cpu('chain3', b)),
    ratio(rate('diamond', a) / rate('diamond', b)),
    ratio(cpu('diamond', a) / cpu('diamond', b)),
    ratio(wall(ids.wideLarge, a) / wall(ids.wideLarge, b)),
    ratio(p50(a) / p50(b)),
  ]);
  return table(
    [
      'a ÷ b',
      'chain3 nodes/s',
      'chain3 CPU/node',
      'diamond nodes/s',
      'diamond CPU/node',
      't(1→1000→1)',
      'latency p50',
    ],
    rows,
  );
}

/** Per-node calls of the busiest Redis commands (Lua-internal calls included), side by side. */
export function commandMixTable(workload: WorkloadRun, top = 14): string {
  const names = new Map<string, number>();
  for (const run of workload.sides) {
    for (const [name, calls] of run.cost.commandStats)
      names.set(name, Math.max(names.get(name) ?? 0, calls / run.nodes));
  }
  const chosen = [...names.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name]) => name);
  const rows = chosen.map((name) => [
    name,
    ...workload.sides.map((run) => fmt((run.cost.commandStats.get(name) ?? 0) / run.nodes, 2)),
  ]);
  rows.push(['total', ...workload.sides.map((run) => fmt(run.cost.redisCommands / run.nodes, 2))]);
  return table(['command /node', ...workload.sides.map((run) => SIDE_LABELS[run.kind])], rows);
}

/** Targets by side: raw sides show their value, engine sides their value and PASS / MISS. */
export function summaryTable(targets: readonly Target[], kinds: readonly SideKind[]): string {
  const rows = targets.map((target) => {
    const cells = [target.name];
    for (const kind of kinds) {
      const value = target.values[kind];
      if (value === undefined || !Number.isFinite(value)) {
        cells.push('–');
        continue;
      }
      if (isRaw(kind)) {
        cells.push(value.toFixed(2));
        continue;
      }
      const pass = target.kind === 'min' ? value >= target.limit : value <= target.limit;
      cells.push(`${value.toFixed(2)} ${pass ? 'PASS' : 'MISS'}`);
    }
    return cells;
  });
  return table(['target', ...kinds.map((k) => SIDE_LABELS[k])], rows);
}

export function verdicts(
  targets: readonly Target[],
  kind: SideKind,
): { pass: number; miss: number } {
  let pass = 0;
  let miss = 0;
  for (const target of targets) {
    const value = target.values[kind];
    if (value === undefined || !Number.isFinite(value)) continue;
    if (target.kind === 'min' ? value >= target.limit : value <= target.limit) pass += 1;
    else miss += 1;
  }
  return { pass, miss };
}
