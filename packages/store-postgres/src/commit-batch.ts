/**
 * One statement that applies many node commits at once (each of its own execution), each guarded
 * by the version it was decided on, and reads a fresh snapshot for those whose guard failed.
 * @module
 */
import type { NodeOutcomeCommit, OutcomeDecision } from '@spane/core';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { KnownState } from './known-states.ts';
import type { SnapshotNode } from './outcome-snapshot.ts';

/** One commit of a batch: decided at `version`, or a probe (`decision` absent) that only reads. */
export interface BatchItem {
  commit: NodeOutcomeCommit;
  /** The rows the commit decides from: the node and its children. */
  nodeIds: readonly string[];
  resultJson: string;
  decision?: OutcomeDecision | undefined;
  /** The version the decision was made at (ignored for a probe). */
  version: number;
  /** Rows the decision took to be absent (not known): the guard checks that they are. */
  absent: readonly string[];
}

/** What the statement did for one item. */
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
 * fed arrays (one element per commit, or per written row), so its shape does not depend on the
 * batch. Each data-modifying step joins `guard`, so a commit whose guard failed writes nothing,
 * and the commits that pass are applied together (one statement is one transaction).
 */
export function commitBatchText(schema: string): string {
  const s = `"${schema}"`;
  return `with c as (
  select * from unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::bool[], $6::text[])
    as c(id, expected, resolved, status, ended, error)
), guard as (
  update ${s}.executions e set
    version = e.version + 1,
    resolved_count = c.resolved,
    status = c.status,
    updated_at = now(),
    completed_at = case when c.ended then now() else e.completed_at end,
    error = coalesce(c.error, e.error)
  from c
  where e.id = c.id and e.version = c.expected
    and not exists (
      select 1 from unnest($19::text[], $20::text[]) as a(id, node_id)
      join ${s}.node_results n on n.execution_id = a.id and n.node_id = a.node_id
      where a.id = c.id)
  returning e.id
), write_result as (
  insert into ${s}.node_results as n (execution_id, node_id, result, failed)
  select r.id, r.node_id, r.result::json, r.failed
  from unnest($7::text[], $8::text[], $9::text[], $10::bool[]) as r(id, node_id, result, failed)
  join guard g on g.id = r.id
  on conflict (execution_id, node_id) do update
    set result = excluded.result, failed = excluded.failed, updated_at = now()
    where n.result is null
), write_progress as (
  insert into ${s}.node_results as n (execution_id, node_id, resolved_parents, active_parents)
  select p.id, p.node_id, p.resolved, p.active
  from unnest($11::text[], $12::text[], $13::int[], $14::int[]) as p(id, node_id, resolved, active)
  join guard g on g.id = p.id
  on conflict (execution_id, node_id) do update
    set resolved_parents = excluded.resolved_parents,
        active_parents = excluded.active_parents,
        updated_at = now()
), write_hold as (
  insert into ${s}.held_nodes (execution_id, node_id)
  select h.id, h.node_id
  from unnest($15::text[], $16::text[]) as h(id, node_id)
  join guard g on g.id = h.id
  on conflict do nothing
), wanted as (
  select * from unnest($17::text[], $18::text[]) as w(id, node_id)
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

/**
 * Runs one batch (at most one item per execution). Throws what the driver throws: the whole batch
 * failed and nothing of it was written.
 */
export async function runCommitBatch(
  db: Kysely<Database>,
  text: string,
  items: readonly BatchItem[],
): Promise<BatchOutcome[]> {
  const ids: string[] = [];
  const expected: number[] = [];
  const resolved: number[] = [];
  const statuses: string[] = [];
  const ended: boolean[] = [];
  const errors: (string | null)[] = [];
  const result = {
    ids: [] as string[],
    nodes: [] as string[],
    json: [] as string[],
    failed: [] as boolean[],
  };
  const progress = {
    ids: [] as string[],
    nodes: [] as string[],
    resolved: [] as number[],
    active: [] as number[],
  };
  const hold = { ids: [] as string[], nodes: [] as string[] };
  const wanted = { ids: [] as string[], nodes: [] as string[] };
  const absent = { ids: [] as string[], nodes: [] as string[] };
  for (const item of items) {
    const { commit, decision, version, nodeIds, resultJson } = item;
    const id = commit.executionId;
    ids.push(id);
    for (const nodeId of nodeIds) {
      wanted.ids.push(id);
      wanted.nodes.push(nodeId);
    }
    if (decision === undefined) {
      // A probe: a version no execution has, so the guard fails and the statement reads.
      expected.push(-1);
      resolved.push(0);
      statuses.push('running');
      ended.push(false);
      errors.push(null);
      continue;
    }
    expected.push(version);
    for (const nodeId of item.absent) {
      absent.ids.push(id);
      absent.nodes.push(nodeId);
    }
    resolved.push(decision.resolvedCount);
    statuses.push(decision.status);
    ended.push(decision.transitioned !== undefined);
    errors.push(
      decision.transitioned === 'failed' && commit.error !== undefined ? commit.error : null,
    );
    if (decision.writeResult) {
      result.ids.push(id);
      result.nodes.push(commit.nodeId);
      result.json.push(resultJson);
      result.failed.push(commit.resolution === 'failed');
    }
    for (const [child, counters] of decision.progress) {
      progress.ids.push(id);
      progress.nodes.push(child);
      progress.resolved.push(counters.resolvedParents);
      progress.active.push(counters.activeParents);
    }
    for (const nodeId of decision.hold) {
      hold.ids.push(id);
      hold.nodes.push(nodeId);
    }
  }
  const query = CompiledQuery.raw(text, [
    ids,
    expected,
    resolved,
    statuses,
    ended,
    errors,
    result.ids,
    result.nodes,
    result.json,
    result.failed,
    progress.ids,
    progress.nodes,
    progress.resolved,
    progress.active,
    hold.ids,
    hold.nodes,
    wanted.ids,
    wanted.nodes,
    absent.ids,
    absent.nodes,
  ]);
  const { rows } = await db.executeQuery<OutcomeRow>(query);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return items.map((item) => {
    const row = byId.get(item.commit.executionId);
    if (row?.applied === true) return { applied: true };
    return {
      applied: false,
      fresh: row?.fresh ? toKnownState(row.fresh, item.nodeIds) : undefined,
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
