/**
 * One statement that applies the node commits of many executions at once, each execution's
 * commits guarded by the version they were decided on, and reads a fresh snapshot of the
 * executions whose guard failed.
 * @module
 */
import type { NodeProgress } from '@spane/core/store';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { KnownState } from './known-states.ts';
import type { SnapshotNode } from './outcome-snapshot.ts';

/** What a unit writes: the decisions of its commits, folded together. */
export interface UnitWrites {
  /** Commits that change something: the version moves by this much. */
  bumps: number;
  resolvedCount: number;
  status: string;
  /** A commit of the unit ended the execution (`completed_at` is set). */
  ended: boolean;
  /** The error kept on the execution when a commit of the unit failed it. */
  error: string | null;
  results: Array<{ nodeId: string; json: string; failed: boolean }>;
  /** Children's new counters (the last commit's, when two commits touch one child). */
  progress: Map<string, NodeProgress>;
  hold: string[];
}

/**
 * The commits of one execution in a statement: written only if the execution is still at
 * `version` and the rows in `absent` still do not exist; or a probe (`writes` absent), which only
 * reads.
 */
export interface BatchUnit {
  executionId: string;
  /** Rows the commits decide from (their nodes and children), read back when the guard fails. */
  nodeIds: readonly string[];
  version: number;
  absent: readonly string[];
  writes?: UnitWrites | undefined;
}

/** What the statement did for one unit. */
export type BatchOutcome =
  | { applied: true }
  /** The guard failed (or a probe): the state as the statement read it; `undefined` when no such execution. */
  | { applied: false; fresh: KnownState | undefined };

/** A row of the statement's result. */
interface OutcomeRow {
  id: string;
  applied: boolean;
  fresh: {
    status: string;
    resolved: number;
    version: number;
    nodes: Array<[string, number, number, boolean]>;
  } | null;
}

/**
 * The statement's text for a schema: fixed, so it is built once per store (not per commit), and
 * fed arrays (one element per execution, or per written row), so its shape does not depend on the
 * batch. Each data-modifying step joins `guard`, so the commits of an execution whose guard failed
 * write nothing, and those that pass are applied together (one statement is one transaction).
 */
export function commitBatchText(schema: string): string {
  const s = `"${schema}"`;
  return `with c as (
  select * from unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::text[], $6::bool[], $7::text[])
    as c(id, expected, bumps, resolved, status, ended, error)
), guard as (
  update ${s}.executions e set
    version = e.version + c.bumps,
    resolved_count = c.resolved,
    status = c.status,
    updated_at = now(),
    completed_at = case when c.ended then now() else e.completed_at end,
    error = coalesce(c.error, e.error)
  from c
  where e.id = c.id and e.version = c.expected
    and not exists (
      select 1 from unnest($20::text[], $21::text[]) as a(id, node_id)
      join ${s}.node_results n on n.execution_id = a.id and n.node_id = a.node_id
      where a.id = c.id)
  returning e.id
), write_result as (
  insert into ${s}.node_results as n (execution_id, node_id, result, failed)
  select r.id, r.node_id, r.result::json, r.failed
  from unnest($8::text[], $9::text[], $10::text[], $11::bool[]) as r(id, node_id, result, failed)
  join guard g on g.id = r.id
  on conflict (execution_id, node_id) do update
    set result = excluded.result, failed = excluded.failed, updated_at = now()
    where n.result is null
), write_progress as (
  insert into ${s}.node_results as n (execution_id, node_id, resolved_parents, active_parents)
  select p.id, p.node_id, p.resolved, p.active
  from unnest($12::text[], $13::text[], $14::int[], $15::int[]) as p(id, node_id, resolved, active)
  join guard g on g.id = p.id
  on conflict (execution_id, node_id) do update
    set resolved_parents = excluded.resolved_parents,
        active_parents = excluded.active_parents,
        updated_at = now()
), write_hold as (
  insert into ${s}.held_nodes (execution_id, node_id)
  select h.id, h.node_id
  from unnest($16::text[], $17::text[]) as h(id, node_id)
  join guard g on g.id = h.id
  on conflict do nothing
), wanted as (
  select * from unnest($18::text[], $19::text[]) as w(id, node_id)
)
select c.id, g.id is not null as applied,
  case when g.id is null then (
    select json_build_object(
      'status', x.status, 'resolved', x.resolved_count, 'version', x.version,
      'nodes', coalesce((
        select json_agg(json_build_array(n.node_id, n.resolved_parents, n.active_parents, n.result is not null))
        from ${s}.node_results n
        where n.execution_id = x.id
          and n.node_id in (select w.node_id from wanted w where w.id = x.id)
      ), '[]'::json))
    from ${s}.executions x where x.id = c.id)
  end as fresh
from c left join guard g on g.id = c.id`;
}

/** Pairs of (execution id, value) as two parallel arrays. */
class Pairs<T> {
  readonly ids: string[] = [];
  readonly values: T[] = [];
  push(id: string, value: T): void {
    this.ids.push(id);
    this.values.push(value);
  }
}

/**
 * Runs one batch (one unit per execution). Throws what the driver throws: the whole batch failed
 * and nothing of it was written.
 */
export async function runCommitBatch(
  db: Kysely<Database>,
  text: string,
  units: readonly BatchUnit[],
): Promise<BatchOutcome[]> {
  const ids: string[] = [];
  const expected: number[] = [];
  const bumps: number[] = [];
  const resolved: number[] = [];
  const statuses: string[] = [];
  const ended: boolean[] = [];
  const errors: (string | null)[] = [];
  const resultNodes = new Pairs<string>();
  const resultJson: string[] = [];
  const resultFailed: boolean[] = [];
  const progressNodes = new Pairs<string>();
  const progressResolved: number[] = [];
  const progressActive: number[] = [];
  const hold = new Pairs<string>();
  const wanted = new Pairs<string>();
  const absent = new Pairs<string>();
  for (const unit of units) {
    const id = unit.executionId;
    ids.push(id);
    for (const nodeId of unit.nodeIds) wanted.push(id, nodeId);
    const writes = unit.writes;
    if (writes === undefined) {
      // A probe: a version no execution has, so the guard fails and the statement reads.
      expected.push(-1);
      bumps.push(0);
      resolved.push(0);
      statuses.push('running');
      ended.push(false);
      errors.push(null);
      continue;
    }
    expected.push(unit.version);
    for (const nodeId of unit.absent) absent.push(id, nodeId);
    bumps.push(writes.bumps);
    resolved.push(writes.resolvedCount);
    statuses.push(writes.status);
    ended.push(writes.ended);
    errors.push(writes.error);
    for (const result of writes.results) {
      resultNodes.push(id, result.nodeId);
      resultJson.push(result.json);
      resultFailed.push(result.failed);
    }
    for (const [child, counters] of writes.progress) {
      progressNodes.push(id, child);
      progressResolved.push(counters.resolvedParents);
      progressActive.push(counters.activeParents);
    }
    for (const nodeId of writes.hold) hold.push(id, nodeId);
  }
  const query = CompiledQuery.raw(text, [
    ids,
    expected,
    bumps,
    resolved,
    statuses,
    ended,
    errors,
    resultNodes.ids,
    resultNodes.values,
    resultJson,
    resultFailed,
    progressNodes.ids,
    progressNodes.values,
    progressResolved,
    progressActive,
    hold.ids,
    hold.values,
    wanted.ids,
    wanted.values,
    absent.ids,
    absent.values,
  ]);
  const { rows } = await db.executeQuery<OutcomeRow>(query);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return units.map((unit) => {
    const row = byId.get(unit.executionId);
    if (row?.applied === true) return { applied: true };
    return {
      applied: false,
      fresh: row?.fresh ? toKnownState(row.fresh, unit.nodeIds) : undefined,
    };
  });
}

/** A fresh snapshot as known state: the rows asked for, those absent as empty rows. */
function toKnownState(
  fresh: NonNullable<OutcomeRow['fresh']>,
  nodeIds: readonly string[],
): KnownState {
  const nodes = new Map<string, SnapshotNode>(
    nodeIds.map((id) => [id, { resolvedParents: 0, activeParents: 0, hasResult: false }]),
  );
  for (const [id, resolvedParents, activeParents, hasResult] of fresh.nodes) {
    nodes.set(id, { resolvedParents, activeParents, hasResult });
  }
  return {
    version: fresh.version,
    status: fresh.status as KnownState['status'],
    resolvedCount: fresh.resolved,
    nodes,
    complete: false,
  };
}
