/**
 * What the summary holds the sides to: the informative targets (each side against raw BullMQ on
 * its own backend), and the side-against-side pairs of the PostgreSQL comparison.
 */
import {
  type Comparison,
  cpuPerNode,
  findSide,
  nodesPerSec,
  percentile,
  type Target,
  type WorkloadRun,
} from './report.ts';
import { SIDE_SPECS, type SideKind } from './side.ts';

/** The raw side each side's ratios are taken against: raw BullMQ on the same backend. */
export function rawOf(kind: SideKind): SideKind {
  const queue = SIDE_SPECS[kind].queue;
  return queue === 'redis' ? 'raw' : queue === 'postgres' ? 'raw-pg' : 'raw-pg-durable';
}

export function targetsOf(
  workloads: readonly WorkloadRun[],
  kinds: readonly SideKind[],
  wide: { small: string; large: string },
): Target[] {
  const side = (id: string, kind: SideKind) => findSide(workloads, id, kind);
  const per = (fn: (kind: SideKind) => number) =>
    Object.fromEntries(kinds.map((k) => [k, fn(k)])) as Partial<Record<SideKind, number>>;
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
    (side(wide.large, kind)?.wallMs ?? Number.NaN) / (side(wide.small, kind)?.wallMs ?? Number.NaN);
  return [
    {
      name: 'chain3 nodes/s, engine/raw  ≥ 0.60',
      kind: 'min',
      limit: 0.6,
      values: per((k) => rate('chain3', k) / rate('chain3', rawOf(k))),
    },
    {
      name: 'diamond nodes/s, engine/raw ≥ 0.60',
      kind: 'min',
      limit: 0.6,
      values: per((k) => rate('diamond', k) / rate('diamond', rawOf(k))),
    },
    {
      name: 'latency p50, engine/raw     ≤ 1.20',
      kind: 'max',
      limit: 1.2,
      values: per((k) => p50(k) / p50(rawOf(k))),
    },
    {
      name: 't(N=1000)/t(N=100)          ≤ 12',
      kind: 'max',
      limit: 12,
      values: per(scale),
    },
    {
      name: 'chain3 CPU/node, engine/raw ≤ 1.50',
      kind: 'max',
      limit: 1.5,
      values: per((k) => cpu('chain3', k) / cpu('chain3', rawOf(k))),
    },
    {
      name: 'diamond CPU/node, engine/raw ≤ 1.50',
      kind: 'max',
      limit: 1.5,
      values: per((k) => cpu('diamond', k) / cpu('diamond', rawOf(k))),
    },
  ];
}

/** What metrics and the event stream cost, each against the engine with both off (`--observability`). */
export const OBSERVABILITY_COMPARISONS: readonly Comparison[] = [
  { name: 'metrics: +metrics ÷ events=off', a: 'engine-metrics', b: 'engine-bare' },
  { name: 'events: events on ÷ events=off', a: 'engine', b: 'engine-bare' },
  { name: 'both: +metrics+events ÷ events=off', a: 'engine-observed', b: 'engine-bare' },
  { name: 'tracing: +tracing, no SDK ÷ events=off', a: 'engine-traced', b: 'engine-bare' },
];

/** The budgets: the throughput an observability feature may cost (a fraction). */
export const OBSERVABILITY_BUDGETS: ReadonlyArray<{ name: string; a: SideKind; budget: number }> = [
  { name: 'metrics', a: 'engine-metrics', budget: 0.05 },
  { name: 'events', a: 'engine', budget: 0.1 },
];

/**
 * One line per budget: the throughput lost on chain3 and diamond against the engine with events
 * off (1 − a/b), PASS when both are within it.
 */
export function observabilityVerdicts(workloads: readonly WorkloadRun[]): string[] {
  const rate = (id: string, kind: SideKind) => {
    const run = findSide(workloads, id, kind);
    return run ? nodesPerSec(run) : Number.NaN;
  };
  return OBSERVABILITY_BUDGETS.map(({ name, a, budget }) => {
    const costs = ['chain3', 'diamond'].map((id) => 1 - rate(id, a) / rate(id, 'engine-bare'));
    const shown = costs.map((c) => `${(c * 100).toFixed(1)} %`).join(', diamond ');
    const pass = costs.every((c) => c <= budget);
    return `  ${name} cost: chain3 ${shown} of throughput (budget ≤ ${budget * 100} %): ${pass ? 'PASS' : 'MISS'}`;
  });
}

/** Side-against-side lines of the PostgreSQL comparison, for the sides this run has. */
export const COMPARISONS: readonly Comparison[] = [
  { name: 'pg store ÷ memory store (engine on Redis)', a: 'engine-pgstore', b: 'engine' },
  { name: 'raw BullMQ: pg backend ÷ Redis backend', a: 'raw-pg', b: 'raw' },
  { name: 'SPANE all-pg ÷ SPANE pg store on Redis', a: 'engine-pg', b: 'engine-pgstore' },
  { name: 'SPANE all-pg ÷ SPANE traces=off on Redis', a: 'engine-pg', b: 'engine' },
  {
    name: 'durable ÷ fast server: SPANE pg store on Redis',
    a: 'engine-pgstore-durable',
    b: 'engine-pgstore',
  },
  { name: 'durable ÷ fast server: raw BullMQ on pg', a: 'raw-pg-durable', b: 'raw-pg' },
  { name: 'durable ÷ fast server: SPANE all-pg', a: 'engine-pg-durable', b: 'engine-pg' },
];
