/**
 * The chaos suite's invariants, as a pure function of what a scenario recorded: every execution
 * terminal and completed, each node result stored once, every re-run of a node explained by a kill
 * or a server restart, nothing left in the queue, no worker process dead by itself.
 * @module
 */

/** One invocation of an executor, from the effects table. */
export interface Effect {
  executionId: string;
  nodeId: string;
  phase: 'start' | 'end';
  pid: number;
  at: number;
}

/** What a scenario observed, for {@link checkInvariants}. */
export interface ScenarioRecord {
  executions: number;
  nodesPerExecution: number;
  /** Status of every execution at the end. */
  statuses: readonly string[];
  /** Rows of node results in the store, and distinct (execution, node) pairs among them. */
  storedResults: { rows: number; distinct: number };
  effects: readonly Effect[];
  /** Worker processes killed on purpose, and when. */
  kills: ReadonlyArray<{ pid: number; at: number }>;
  /** Server restarts: when the server went down and when it accepted connections again. */
  restarts: ReadonlyArray<{ server: string; from: number; to: number }>;
  /** Jobs still in the node queue (waiting, active, delayed…) at the end. */
  queuedJobs: number;
  /** Worker processes that exited without being killed by the suite. */
  crashedWorkers: number;
  /** A re-run this long after a restart ended is still blamed on it (lock expiry plus a check). */
  restartSlackMs: number;
}

/** The figures of a scenario, and what broke. */
export interface ScenarioFigures {
  executions: number;
  completed: number;
  kills: number;
  restarts: number;
  /** Node invocations beyond the first. */
  duplicates: number;
  explainedByKill: number;
  explainedByRestart: number;
  unexplained: number;
  /**
   * From a kill to the re-run of a node the killed worker held, in ms: p50 and max. A re-run waits
   * for the lock to expire and the stalled check, then behind every job queued before it.
   */
  recoverAfterKillMs: { p50: number; max: number } | undefined;
  /**
   * From a kill to the first re-run of any node the killed worker held, per kill, in ms: p50 and
   * max. How soon the dead worker's work is picked up again (lock expiry plus the stalled check).
   */
  firstRerunAfterKillMs: { p50: number; max: number } | undefined;
  /** From a server's return to the next node that ended, in ms: max over restarts. */
  recoverAfterRestartMs: number | undefined;
  violations: string[];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] as number;
}

/** Checks a scenario's invariants and computes its figures. Pure: no I/O, no clock. */
export function checkInvariants(record: ScenarioRecord): ScenarioFigures {
  const violations: string[] = [];
  const completed = record.statuses.filter((status) => status === 'completed').length;
  if (record.statuses.length !== record.executions) {
    violations.push(`${record.executions - record.statuses.length} executions are missing`);
  }
  const notCompleted = record.statuses.length - completed;
  if (notCompleted > 0) violations.push(`${notCompleted} executions did not complete`);
  const expected = record.executions * record.nodesPerExecution;
  if (record.storedResults.rows !== expected || record.storedResults.distinct !== expected) {
    violations.push(
      `node results: ${record.storedResults.rows} rows, ${record.storedResults.distinct} distinct, expected ${expected} once each`,
    );
  }
  if (record.queuedJobs > 0) violations.push(`${record.queuedJobs} jobs left in the node queue`);
  if (record.crashedWorkers > 0)
    violations.push(`${record.crashedWorkers} worker processes died by themselves`);

  const starts = new Map<string, Effect[]>();
  for (const effect of record.effects) {
    if (effect.phase !== 'start') continue;
    const key = `${effect.executionId}\u0000${effect.nodeId}`;
    const list = starts.get(key) ?? [];
    list.push(effect);
    starts.set(key, list);
  }
  let duplicates = 0;
  let explainedByKill = 0;
  let explainedByRestart = 0;
  let unexplained = 0;
  const killRecovery: number[] = [];
  const firstRerun = new Map<number, number>();
  for (const list of starts.values()) {
    list.sort((x, y) => x.at - y.at);
    for (let i = 1; i < list.length; i++) {
      duplicates++;
      const rerun = list[i] as Effect;
      const earlier = list.slice(0, i);
      const kill = record.kills.find(
        (k) => earlier.some((e) => e.pid === k.pid && e.at <= k.at) && k.at <= rerun.at,
      );
      if (kill) {
        explainedByKill++;
        killRecovery.push(rerun.at - kill.at);
        firstRerun.set(kill.at, Math.min(firstRerun.get(kill.at) ?? Infinity, rerun.at - kill.at));
        continue;
      }
      const restart = record.restarts.find((r) =>
        earlier.some((e) => e.at <= r.to + record.restartSlackMs && rerun.at >= r.from),
      );
      if (restart) explainedByRestart++;
      else unexplained++;
    }
  }
  if (unexplained > 0) violations.push(`${unexplained} re-runs explained by no kill nor restart`);
  killRecovery.sort((x, y) => x - y);
  const firstRerunSorted = [...firstRerun.values()].sort((x, y) => x - y);

  let recoverAfterRestartMs: number | undefined;
  for (const restart of record.restarts) {
    const next = record.effects
      .filter((effect) => effect.phase === 'end' && effect.at >= restart.to)
      .reduce((min, effect) => Math.min(min, effect.at), Number.POSITIVE_INFINITY);
    if (Number.isFinite(next)) {
      recoverAfterRestartMs = Math.max(recoverAfterRestartMs ?? 0, next - restart.to);
    }
  }
  return {
    executions: record.executions,
    completed,
    kills: record.kills.length,
    restarts: record.restarts.length,
    duplicates,
    explainedByKill,
    explainedByRestart,
    unexplained,
    recoverAfterKillMs:
      killRecovery.length === 0
        ? undefined
        : { p50: percentile(killRecovery, 0.5), max: killRecovery.at(-1) as number },
    firstRerunAfterKillMs:
      firstRerunSorted.length === 0
        ? undefined
        : {
            p50: percentile(firstRerunSorted, 0.5),
            max: firstRerunSorted.at(-1) as number,
          },
    recoverAfterRestartMs,
    violations,
  };
}
