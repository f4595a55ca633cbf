import type { ExecutionResult } from '../model/execution.ts';
import type { WorkflowDefinition } from '../model/workflow-definition.ts';
import type { EdgeCommit, ExecutionStore, NodeOutcomeCommit } from '../ports/execution-store.ts';
import { assertEqual, assertRejectsWithCode, assertSameMembers, assertTrue } from './assertions.ts';

/** How a store joins the conformance suite. */
export interface StoreConformanceOptions {
  /** Shown in case names: `"<name>: <behaviour>"`. */
  name: string;
  /** A ready store. Called once per case; returning one shared store is fine (cases use unique ids). */
  create(): Promise<ExecutionStore> | ExecutionStore;
  /** Cleans up after a case. Default is nothing (a shared store is closed by the caller). */
  release?: ((store: ExecutionStore) => Promise<void> | void) | undefined;
  /** Cases this store does not support, each with the reason. */
  skip?: ReadonlyArray<{ test: string; reason: string }> | undefined;
}

/** One case of the suite. */
export interface ConformanceCase {
  name: string;
  run(): Promise<void>;
}

type CaseBody = (store: ExecutionStore, ids: UniqueIds) => Promise<void>;

interface UniqueIds {
  /** A fresh id with a readable prefix, unique across cases and runs. */
  next(prefix: string): string;
}

function uniqueIds(): UniqueIds {
  const run = Math.random().toString(36).slice(2, 10);
  let counter = 0;
  return { next: (prefix) => `${prefix}-${run}-${++counter}` };
}

const ok = (data?: unknown, nextNodes?: string[]): ExecutionResult =>
  nextNodes === undefined ? { success: true, data } : { success: true, data, nextNodes };

/** Lets `ms` of wall-clock time pass (core has no timers: it yields until the clock moved on). */
async function clockPast(ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() <= until) await Promise.resolve();
}

function diamond(id: string): WorkflowDefinition {
  return {
    id,
    nodes: [
      { id: 'a', type: 't', outputs: ['b', 'c'] },
      { id: 'b', type: 't', outputs: ['d'] },
      { id: 'c', type: 't', outputs: ['d'] },
      { id: 'd', type: 't' },
    ],
  };
}

async function newExecution(
  store: ExecutionStore,
  ids: UniqueIds,
  extra: { workflowId?: string } = {},
) {
  const workflowId = extra.workflowId ?? ids.next('wf');
  const { execution } = await store.createExecution({
    workflowId,
    workflowVersion: 1,
    initialData: { n: 1 },
  });
  return execution;
}

function commitOf(
  executionId: string,
  nodeId: string,
  edges: EdgeCommit[],
  totalNodes: number,
  result: ExecutionResult = ok(nodeId),
): NodeOutcomeCommit {
  return { executionId, nodeId, result, resolution: 'resolved', edges, totalNodes };
}

const CASES: Record<string, CaseBody> = {
  'saves workflow versions: same content keeps the version, changed content makes a new one':
    async (store, ids) => {
      const id = ids.next('wf');
      const first = await store.saveWorkflow(diamond(id));
      assertEqual(first, { version: 1, created: true }, 'first save');
      const again = await store.saveWorkflow(diamond(id));
      assertEqual(again, { version: 1, created: false }, 'identical save');
      const changed = { ...diamond(id), name: 'changed' };
      assertEqual(await store.saveWorkflow(changed), { version: 2, created: true }, 'changed save');
      assertEqual((await store.getWorkflow(id))?.version, 2, 'latest version');
      assertEqual((await store.getWorkflow(id, 1))?.definition, diamond(id), 'version 1 content');
      assertEqual(
        (await store.getWorkflow(id, 2))?.definition.name,
        'changed',
        'version 2 content',
      );
      assertEqual(await store.getWorkflow(id, 3), null, 'missing version');
      assertEqual(await store.getWorkflow(ids.next('nope')), null, 'missing workflow');
      const listed = (await store.listWorkflows()).filter((w) => w.workflowId === id);
      assertEqual(
        listed.map((w) => w.version),
        [2],
        'listWorkflows holds the latest version only',
      );
    },

  'creates an execution with defaults and reads it back': async (store, ids) => {
    const workflowId = ids.next('wf');
    const { execution, created } = await store.createExecution({
      workflowId,
      workflowVersion: 3,
      initialData: { x: 1 },
    });
    assertTrue(created, 'created');
    assertTrue(
      typeof execution.executionId === 'string' && execution.executionId.length > 0,
      'generated id',
    );
    const read = await store.getExecution(execution.executionId);
    assertTrue(read, 'read back');
    assertEqual(read.workflowId, workflowId, 'workflowId');
    assertEqual(read.workflowVersion, 3, 'workflowVersion');
    assertEqual(read.status, 'running', 'default status');
    assertEqual(read.initialData, { x: 1 }, 'initialData');
    assertEqual(read.nodeResults, {}, 'no node results');
    assertEqual(read.depth, 0, 'depth');
    assertEqual(read.metadata, {}, 'metadata');
    assertEqual(read.resolvedCount, 0, 'resolvedCount');
    assertTrue(read.startedAt instanceof Date, 'startedAt is a Date');
    assertTrue(read.completedAt === undefined, 'no completedAt');
    const other = await store.createExecution({ workflowId, workflowVersion: 3 });
    assertTrue(other.execution.executionId !== execution.executionId, 'ids are unique');
  },

  'keeps a caller-chosen id, parent links and pending status': async (store, ids) => {
    const parent = await newExecution(store, ids);
    const executionId = ids.next('exec');
    const { execution } = await store.createExecution({
      executionId,
      workflowId: ids.next('wf'),
      workflowVersion: 1,
      status: 'pending',
      parentExecutionId: parent.executionId,
      parentNodeId: 'call-child',
      depth: 1,
      metadata: { replayOf: 'x' },
    });
    assertEqual(execution.executionId, executionId, 'chosen id');
    const read = await store.getExecution(executionId);
    assertEqual(read?.status, 'pending', 'pending');
    assertEqual(read?.parentExecutionId, parent.executionId, 'parentExecutionId');
    assertEqual(read?.parentNodeId, 'call-child', 'parentNodeId');
    assertEqual(read?.depth, 1, 'depth');
    assertEqual(read?.metadata, { replayOf: 'x' }, 'metadata');
  },

  'returns the same execution for the same idempotency key': async (store, ids) => {
    const workflowId = ids.next('wf');
    const key = ids.next('key');
    const first = await store.createExecution({
      workflowId,
      workflowVersion: 1,
      idempotencyKey: key,
      initialData: 1,
    });
    const [second, third] = await Promise.all([
      store.createExecution({
        workflowId,
        workflowVersion: 1,
        idempotencyKey: key,
        initialData: 2,
      }),
      store.createExecution({
        workflowId,
        workflowVersion: 1,
        idempotencyKey: key,
        initialData: 3,
      }),
    ]);
    assertTrue(first.created, 'first is created');
    assertTrue(!second.created && !third.created, 'later ones are not');
    assertEqual(second.execution.executionId, first.execution.executionId, 'same id');
    assertEqual(
      third.execution.executionId,
      first.execution.executionId,
      'same id under concurrency',
    );
    assertEqual(second.execution.initialData, 1, 'first data kept');
    const page = await store.listExecutions({ workflowId });
    assertEqual(page.items.length, 1, 'one execution only');
  },

  'returns null for an unknown execution': async (store, ids) => {
    assertEqual(await store.getExecution(ids.next('missing')), null, 'unknown execution');
  },

  'round-trips nasty ids and JSON exactly': async (store, ids) => {
    const executionId = `x'; DROP TABLE executions; -- ${ids.next('e')} "quoted" \\ back`;
    const data = {
      unicode: 'héllo wörld ✓ 日本語 🚀',
      nothing: null,
      nested: { a: [1, { b: [true, false, null, { c: 'deep' }] }], empty: {}, list: [] },
      number: 1.5e10,
      negative: -0.25,
      quote: 'it\'s "quoted"',
    };
    await store.createExecution({
      executionId,
      workflowId: ids.next("wf'--"),
      workflowVersion: 1,
      initialData: data,
    });
    const nodeId = `node'); DELETE FROM node_results; --`;
    await store.updateNodeResult(executionId, nodeId, ok(data));
    const read = await store.getExecution(executionId);
    assertEqual(read?.executionId, executionId, 'id');
    assertEqual(read?.initialData, data, 'initial data');
    assertEqual(read?.nodeResults[nodeId]?.data, data, 'node result data');
  },

  'returns data as written: key order, U+0000 and lone surrogates kept': async (store, ids) => {
    // A node that signs or hashes its input must see the same bytes on every store.
    const written = {
      zeta: 1,
      alpha: { z: [3, { b: 1, a: 2 }], a: null },
      '10': 'integer-like keys',
      '2': 'go first in every JavaScript object, on every store alike',
      nul: 'nul\u0000byte',
      lone: ['\ud800', 'x\udfff', '\udbff\u0000'],
      pair: '\ud83d\ude80',
      'key\u0000with nul': 'in a key too',
      mid: 'x',
    };
    const bytes = JSON.stringify(written);
    const same = (value: unknown, what: string) =>
      assertEqual(JSON.stringify(value), bytes, `${what}, byte for byte`);
    const { execution } = await store.createExecution({
      workflowId: ids.next('wf-bytes'),
      workflowVersion: 1,
      initialData: written,
    });
    const executionId = execution.executionId;
    same(execution.initialData, 'initial data as created');
    await store.commitNodeOutcome({
      executionId,
      nodeId: 'a',
      result: ok(written, ['b']),
      resolution: 'resolved',
      edges: [{ child: 'b', active: true, parentCount: 1 }],
      totalNodes: 3,
    });
    assertTrue(await store.updateNodeResult(executionId, 'c', ok(written)), 'result written');
    const read = await store.getExecution(executionId);
    same(read?.initialData, 'initial data');
    same(read?.nodeResults.a?.data, 'a committed result');
    same(read?.nodeResults.c?.data, 'a recorded result');
    const some = await store.getExecution(executionId, { nodeIds: ['a'] });
    same(some?.nodeResults.a?.data, 'a result read with nodeIds');
    same((await store.getNodeResults(executionId, ['c'])).c?.data, 'getNodeResults');
    same(await store.getPayload(await store.putPayload(executionId, written)), 'a payload');
    await store.addLog({
      executionId,
      level: 'info',
      message: 'm',
      data: written,
      timestamp: new Date(),
    });
    same((await store.getLogs(executionId))[0]?.data, 'log data');
  },

  'refuses U+0000 and lone surrogates in metadata with VALIDATION_ERROR, writing nothing': async (
    store,
    ids,
  ) => {
    // Metadata is merged inside the store (PostgreSQL: jsonb), where these cannot be held.
    const { executionId, version } = await newExecution(store, ids);
    await store.updateExecutionMetadata(executionId, { kept: 'yes' });
    for (const patch of [
      { k: 'nul\u0000byte' },
      { k: ['fine', { deep: '\ud800' }] },
      { k: 'x\udfff' },
      { 'key\u0000': 1 },
    ]) {
      await assertRejectsWithCode(
        store.updateExecutionMetadata(executionId, patch),
        'VALIDATION_ERROR',
        `metadata patch ${JSON.stringify(patch)}`,
      );
    }
    const read = await store.getExecution(executionId);
    assertEqual(read?.metadata, { kept: 'yes' }, 'metadata unchanged');
    assertEqual(read?.version, version + 1, 'only the good patch bumped the version');
    const workflowId = ids.next('wf-bad-metadata');
    await assertRejectsWithCode(
      store.createExecution({ workflowId, workflowVersion: 1, metadata: { k: '\u0000' } }),
      'VALIDATION_ERROR',
      'create with U+0000 in metadata',
    );
    assertEqual((await store.listExecutions({ workflowId })).items.length, 0, 'nothing created');
    const paired = await store.updateExecutionMetadata(executionId, { emoji: '\ud83d\ude80' });
    assertEqual(paired.metadata.emoji, '\ud83d\ude80', 'a surrogate pair is fine');
  },

  'guards status changes: lifecycle, from, and terminal states': async (store, ids) => {
    const { executionId } = await newExecution(store, ids);
    assertEqual(
      (await store.setExecutionStatus(executionId, 'paused')).changed,
      true,
      'running -> paused',
    );
    assertEqual(
      (await store.setExecutionStatus(executionId, 'running')).changed,
      true,
      'paused -> running',
    );
    const guarded = await store.setExecutionStatus(executionId, 'failed', { from: ['paused'] });
    assertEqual(
      guarded,
      { changed: false, status: 'running', previous: 'running' },
      'from not matched',
    );
    const done = await store.setExecutionStatus(executionId, 'completed');
    assertEqual(
      done,
      { changed: true, status: 'completed', previous: 'running' },
      'running -> completed',
    );
    for (const to of ['running', 'failed', 'cancelled', 'paused'] as const) {
      const change = await store.setExecutionStatus(executionId, to);
      assertEqual(change.changed, false, `completed -> ${to} is refused`);
      assertEqual(change.status, 'completed', 'still completed');
    }
    const read = await store.getExecution(executionId);
    assertEqual(read?.status, 'completed', 'terminal status kept');
    assertTrue(read?.completedAt instanceof Date, 'completedAt set');
  },

  'keeps the failure reason and never revives a cancelled execution': async (store, ids) => {
    const failed = await newExecution(store, ids);
    await store.setExecutionStatus(failed.executionId, 'failed', { error: 'boom' });
    assertEqual((await store.getExecution(failed.executionId))?.error, 'boom', 'error kept');
    const cancelled = await newExecution(store, ids);
    await store.setExecutionStatus(cancelled.executionId, 'cancelled');
    assertEqual(
      (await store.setExecutionStatus(cancelled.executionId, 'running')).changed,
      false,
      'no revival',
    );
    const commit = await store.commitNodeOutcome(commitOf(cancelled.executionId, 'a', [], 1));
    assertEqual(commit.status, 'cancelled', 'commit after cancel leaves the status');
    assertEqual(commit.transitioned, undefined, 'no transition after cancel');
  },

  'reports an unknown execution on status change': async (store, ids) => {
    await assertRejectsWithCode(
      store.setExecutionStatus(ids.next('missing'), 'paused'),
      'EXECUTION_NOT_FOUND',
      'unknown execution',
    );
  },

  'detects stale optimistic writes': async (store, ids) => {
    const created = await newExecution(store, ids);
    const v0 = created.version;
    const updated = await store.updateExecutionMetadata(
      created.executionId,
      { a: 1 },
      { expectedVersion: v0 },
    );
    assertTrue(updated.version > v0, 'version bumped');
    assertEqual(updated.metadata, { a: 1 }, 'metadata merged');
    await assertRejectsWithCode(
      store.updateExecutionMetadata(created.executionId, { b: 2 }, { expectedVersion: v0 }),
      'VERSION_CONFLICT',
      'stale metadata write',
    );
    await assertRejectsWithCode(
      store.setExecutionStatus(created.executionId, 'paused', { expectedVersion: v0 }),
      'VERSION_CONFLICT',
      'stale status write',
    );
    const merged = await store.updateExecutionMetadata(created.executionId, { b: 2 });
    assertEqual(merged.metadata, { a: 1, b: 2 }, 'unversioned merge');
  },

  'loses no metadata under 20 concurrent writers': async (store, ids) => {
    const { executionId } = await newExecution(store, ids);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.updateExecutionMetadata(executionId, { [`k${i}`]: i }),
      ),
    );
    const read = await store.getExecution(executionId);
    assertEqual(Object.keys(read?.metadata ?? {}).length, 20, 'all 20 keys kept');
  },

  'keeps the first node result and loads only the results asked for': async (store, ids) => {
    const { executionId } = await newExecution(store, ids);
    assertEqual(await store.updateNodeResult(executionId, 'a', ok('first')), true, 'first write');
    assertEqual(
      await store.updateNodeResult(executionId, 'a', ok('second')),
      false,
      'second write refused',
    );
    await store.updateNodeResult(executionId, 'b', { success: false, error: 'bad' });
    const results = await store.getNodeResults(executionId, ['a', 'b', 'zzz']);
    assertEqual(results, { a: ok('first'), b: { success: false, error: 'bad' } }, 'results');
    const slice = await store.getExecution(executionId, { nodeIds: ['b'] });
    assertEqual(Object.keys(slice?.nodeResults ?? {}), ['b'], 'sliced results');
  },

  'commits a diamond: children ready once, completion once': async (store, ids) => {
    const { executionId } = await newExecution(store, ids);
    const a = await store.commitNodeOutcome(
      commitOf(
        executionId,
        'a',
        [
          { child: 'b', active: true, parentCount: 1 },
          { child: 'c', active: true, parentCount: 1 },
        ],
        4,
      ),
    );
    assertEqual(a.firstWrite, true, 'a first write');
    assertSameMembers(a.ready, ['b', 'c'], 'a readies b and c');
    const b = await store.commitNodeOutcome(
      commitOf(executionId, 'b', [{ child: 'd', active: true, parentCount: 2 }], 4),
    );
    assertEqual(b.ready, [], 'd waits for c');
    const c = await store.commitNodeOutcome(
      commitOf(executionId, 'c', [{ child: 'd', active: true, parentCount: 2 }], 4),
    );
    assertEqual(c.ready, ['d'], 'c readies d');
    const again = await store.commitNodeOutcome(
      commitOf(
        executionId,
        'a',
        [
          { child: 'b', active: true, parentCount: 1 },
          { child: 'c', active: true, parentCount: 1 },
        ],
        4,
      ),
    );
    assertEqual(again.firstWrite, false, 'repeat is not a first write');
    assertEqual(again.ready, [], 'children with results are not ready again');
    const d = await store.commitNodeOutcome(commitOf(executionId, 'd', [], 4));
    assertEqual(d.transitioned, 'completed', 'd completes the execution');
    assertEqual(d.status, 'completed', 'status completed');
    const dAgain = await store.commitNodeOutcome(commitOf(executionId, 'd', [], 4));
    assertEqual(dAgain.transitioned, undefined, 'completion reported once');
    const read = await store.getExecution(executionId);
    assertEqual(read?.status, 'completed', 'stored status');
    assertEqual(read?.resolvedCount, 4, 'resolvedCount');
    assertEqual(Object.keys(read?.nodeResults ?? {}).sort(), ['a', 'b', 'c', 'd'], 'all results');
  },

  'reports unresolved ready children again on a repeated commit': async (store, ids) => {
    const { executionId } = await newExecution(store, ids);
    const edges = [{ child: 'b', active: true, parentCount: 1 }];
    await store.commitNodeOutcome(commitOf(executionId, 'a', edges, 2));
    const redelivered = await store.commitNodeOutcome(commitOf(executionId, 'a', edges, 2));
    assertEqual(redelivered.firstWrite, false, 'not a first write');
    assertEqual(redelivered.ready, ['b'], 'b still has to be ensured');
  },

  'skips a child whose incoming edges are all inactive, and joins on the active branch': async (
    store,
    ids,
  ) => {
    const { executionId } = await newExecution(store, ids);
    const a = await store.commitNodeOutcome(
      commitOf(
        executionId,
        'a',
        [
          { child: 'b', active: true, parentCount: 1 },
          { child: 'c', active: false, parentCount: 1 },
        ],
        4,
        ok('x', ['b']),
      ),
    );
    assertEqual(a.ready, ['b'], 'b ready');
    assertEqual(a.skipped, ['c'], 'c skipped');
    const c = await store.commitNodeOutcome(
      commitOf(executionId, 'c', [{ child: 'd', active: false, parentCount: 2 }], 4, {
        success: true,
        skipped: true,
      }),
    );
    assertEqual([c.ready, c.skipped], [[], []], 'd still waits for b');
    const b = await store.commitNodeOutcome(
      commitOf(executionId, 'b', [{ child: 'd', active: true, parentCount: 2 }], 4),
    );
    assertEqual(b.ready, ['d'], 'the join runs once, after the active branch');
  },

  'enqueues a shared child once when 20 parents commit at the same instant': async (store, ids) => {
    const { executionId } = await newExecution(store, ids);
    const parents = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const results = await Promise.all(
      parents.map((p) =>
        store.commitNodeOutcome(
          commitOf(executionId, p, [{ child: 'join', active: true, parentCount: 20 }], 21),
        ),
      ),
    );
    const readied = results.filter((r) => r.ready.includes('join'));
    assertEqual(readied.length, 1, 'exactly one commit readies the join');
    assertEqual((await store.getExecution(executionId))?.resolvedCount, 20, 'all 20 resolved');
  },

  'lets exactly one of several concurrent commits of the same node win': async (store, ids) => {
    const { executionId } = await newExecution(store, ids);
    const commits = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.commitNodeOutcome(
          commitOf(executionId, 'a', [{ child: 'b', active: true, parentCount: 1 }], 2, ok(i)),
        ),
      ),
    );
    assertEqual(commits.filter((c) => c.firstWrite).length, 1, 'one first write');
    const winner = commits.findIndex((c) => c.firstWrite);
    assertEqual((await store.getNodeResults(executionId, ['a'])).a?.data, winner, 'winner stored');
    assertEqual((await store.getExecution(executionId))?.resolvedCount, 1, 'counted once');
  },

  'fails the execution on a hard node failure and starts nothing after': async (store, ids) => {
    const { executionId } = await newExecution(store, ids);
    const failed = await store.commitNodeOutcome({
      executionId,
      nodeId: 'a',
      result: { success: false, error: 'boom' },
      resolution: 'failed',
      edges: [],
      totalNodes: 3,
      error: 'Node "a" failed: boom',
    });
    assertEqual(failed.transitioned, 'failed', 'failure transition');
    const read = await store.getExecution(executionId);
    assertEqual(read?.status, 'failed', 'status failed');
    assertEqual(read?.error, 'Node "a" failed: boom', 'error kept');
    const late = await store.commitNodeOutcome(
      commitOf(executionId, 'b', [{ child: 'c', active: true, parentCount: 1 }], 3),
    );
    assertEqual([late.ready, late.status], [[], 'failed'], 'nothing new starts');
  },

  'reopens a hard-failed node for a DLQ retry only': async (store, ids) => {
    const { executionId } = await newExecution(store, ids);
    await store.commitNodeOutcome(commitOf(executionId, 'ok', [], 3));
    await store.commitNodeOutcome({
      executionId,
      nodeId: 'x',
      result: { success: false, error: 'boom' },
      resolution: 'failed',
      edges: [],
      totalNodes: 3,
    });
    assertEqual(
      await store.reopenNode(executionId, 'ok'),
      false,
      'a resolved node is not reopened',
    );
    assertEqual(await store.reopenNode(executionId, 'x'), true, 'the failed node is reopened');
    const read = await store.getExecution(executionId);
    assertEqual(read?.status, 'running', 'running again');
    assertEqual(Object.keys(read?.nodeResults ?? {}), ['ok'], 'failed result removed, others kept');
    assertEqual(await store.reopenNode(executionId, 'x'), false, 'not twice');
  },

  'reopens a second failed node after the first was retried': async (store, ids) => {
    const { executionId } = await newExecution(store, ids);
    for (const nodeId of ['x', 'y']) {
      await store.commitNodeOutcome({
        executionId,
        nodeId,
        result: { success: false, error: `${nodeId} broke` },
        resolution: 'failed',
        edges: [],
        totalNodes: 3,
      });
    }
    assertEqual(await store.reopenNode(executionId, 'x'), true, 'first failed node reopened');
    assertEqual(await store.reopenNode(executionId, 'y'), true, 'second, while running');
    const read = await store.getExecution(executionId);
    assertEqual(read?.status, 'running', 'running');
    assertEqual(Object.keys(read?.nodeResults ?? {}), [], 'both failed results removed');
    await store.setExecutionStatus(executionId, 'paused');
    assertEqual(await store.reopenNode(executionId, 'x'), false, 'not while paused');
  },

  'holds ready nodes while paused and hands them over once on resume': async (store, ids) => {
    const { executionId } = await newExecution(store, ids);
    assertEqual(await store.holdNodes(executionId, ['z']), false, 'no hold while running');
    await store.setExecutionStatus(executionId, 'paused');
    const a = await store.commitNodeOutcome(
      commitOf(
        executionId,
        'a',
        [
          { child: 'b', active: true, parentCount: 1 },
          { child: 'c', active: true, parentCount: 1 },
        ],
        4,
      ),
    );
    assertEqual(a.ready, [], 'nothing starts while paused');
    assertSameMembers(a.held, ['b', 'c'], 'b and c held');
    assertEqual(await store.holdNodes(executionId, ['e']), true, 'hold while paused');
    const resumed = await store.resumeExecution(executionId);
    assertEqual(resumed.changed, true, 'resumed');
    assertEqual(resumed.status, 'running', 'running');
    assertSameMembers(resumed.held, ['b', 'c', 'e'], 'held nodes handed over');
    const twice = await store.resumeExecution(executionId);
    assertEqual([twice.changed, twice.held], [false, []], 'second resume hands over nothing');
  },

  'lists executions newest first, filtered, with gapless cursor pagination': async (store, ids) => {
    const workflowId = ids.next('wf');
    const other = ids.next('wf');
    const created: string[] = [];
    for (let i = 0; i < 25; i++) {
      const { execution } = await store.createExecution({
        workflowId: i % 5 === 0 ? other : workflowId,
        workflowVersion: 1,
      });
      created.push(execution.executionId);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.listExecutions({ workflowId, limit: 7, cursor });
      seen.push(...page.items.map((e) => e.executionId));
      for (const item of page.items)
        assertEqual(item.workflowId, workflowId, 'filtered by workflow');
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    assertEqual(seen.length, 20, '20 executions of the workflow');
    assertEqual(new Set(seen).size, 20, 'no repeats');
    const expected = created.filter((_, i) => i % 5 !== 0);
    assertSameMembers(seen, expected, 'no gaps');
    const byWorkflow = await store.getExecutionsByWorkflow(other);
    assertEqual(byWorkflow.items.length, 5, 'getExecutionsByWorkflow');
    const newestFirst = await store.listExecutions({ workflowId, limit: 20 });
    const times = newestFirst.items.map((e) => e.startedAt.getTime());
    assertTrue(
      times.every((t, i) => i === 0 || (times[i - 1] as number) >= t),
      'newest first',
    );
  },

  'filters the listing by status, parent and time range': async (store, ids) => {
    const workflowId = ids.next('wf');
    const before = new Date(Date.now() - 1000);
    const a = (await store.createExecution({ workflowId, workflowVersion: 1 })).execution;
    const b = (
      await store.createExecution({
        workflowId,
        workflowVersion: 1,
        parentExecutionId: a.executionId,
        depth: 1,
      })
    ).execution;
    await store.setExecutionStatus(a.executionId, 'completed');
    const completed = await store.listExecutions({ workflowId, status: 'completed' });
    assertEqual(
      completed.items.map((e) => e.executionId),
      [a.executionId],
      'by status',
    );
    const either = await store.listExecutions({ workflowId, status: ['completed', 'running'] });
    assertEqual(either.items.length, 2, 'by several statuses');
    const children = await store.listExecutions({ parentExecutionId: a.executionId });
    assertEqual(
      children.items.map((e) => e.executionId),
      [b.executionId],
      'by parent',
    );
    const inRange = await store.listExecutions({
      workflowId,
      startedAfter: before,
      startedBefore: new Date(Date.now() + 60_000),
    });
    assertEqual(inRange.items.length, 2, 'in range');
    const future = await store.listExecutions({
      workflowId,
      startedAfter: new Date(Date.now() + 60_000),
    });
    assertEqual(future.items.length, 0, 'none in the future');
  },

  'lists executions by when their record last changed (updatedBefore)': async (store, ids) => {
    const workflowId = ids.next('wf');
    const quiet = (await store.createExecution({ workflowId, workflowVersion: 1 })).execution;
    const moving = (await store.createExecution({ workflowId, workflowVersion: 1 })).execution;
    await clockPast(20);
    const between = new Date();
    await clockPast(20);
    await store.updateNodeResult(moving.executionId, 'a', { success: true, data: 1 });
    await store.setExecutionStatus(moving.executionId, 'paused');
    const page = await store.listExecutions({ workflowId, updatedBefore: between });
    assertEqual(
      page.items.map((e) => e.executionId),
      [quiet.executionId],
      'only the execution unchanged since',
    );
    const later = await store.listExecutions({
      workflowId,
      status: ['running', 'paused'],
      updatedBefore: new Date(Date.now() + 60_000),
    });
    assertEqual(later.items.length, 2, 'both before a later instant');
  },

  'keeps logs in order and updates spans by id': async (store, ids) => {
    const { executionId } = await newExecution(store, ids);
    for (const [i, level] of (['info', 'warn', 'error'] as const).entries()) {
      await store.addLog({
        executionId,
        nodeId: 'a',
        level,
        message: `m${i}`,
        data: { i },
        timestamp: new Date(Date.now() + i),
      });
    }
    const logs = await store.getLogs(executionId);
    assertEqual(
      logs.map((l) => [l.level, l.message, l.data]),
      [
        ['info', 'm0', { i: 0 }],
        ['warn', 'm1', { i: 1 }],
        ['error', 'm2', { i: 2 }],
      ],
      'logs',
    );
    assertTrue(
      logs.every((l) => l.timestamp instanceof Date),
      'log timestamps are Dates',
    );
    const start = new Date();
    await store.addSpan({
      spanId: 's1',
      executionId,
      nodeId: 'a',
      name: 'node a',
      status: 'unset',
      startTime: start,
    });
    await store.addSpan({
      spanId: 's2',
      executionId,
      parentSpanId: 's1',
      name: 'child',
      status: 'ok',
      startTime: new Date(start.getTime() + 5),
    });
    await store.addSpan({
      spanId: 's1',
      executionId,
      nodeId: 'a',
      name: 'node a',
      status: 'ok',
      startTime: start,
      endTime: new Date(start.getTime() + 10),
      attributes: { attempt: 1 },
    });
    const trace = await store.getTrace(executionId);
    assertEqual(
      trace.map((s) => [s.spanId, s.status]),
      [
        ['s1', 'ok'],
        ['s2', 'ok'],
      ],
      'spans by start time, updated in place',
    );
    assertEqual(trace[0]?.attributes, { attempt: 1 }, 'span attributes');
    assertTrue(trace[0]?.endTime instanceof Date, 'span endTime');
    assertEqual(await store.getLogs(ids.next('none')), [], 'no logs for unknown execution');
  },

  'keeps large payloads by reference': async (store, ids) => {
    const { executionId } = await newExecution(store, ids);
    const big = { rows: Array.from({ length: 2000 }, (_, i) => ({ i, text: 'x'.repeat(50) })) };
    const reference = await store.putPayload(executionId, big);
    assertTrue(typeof reference === 'string' && reference.length > 0, 'reference');
    assertEqual(await store.getPayload(reference), big, 'payload round trip');
    await assertRejectsWithCode(
      store.getPayload(`${reference}-missing`),
      'PAYLOAD_NOT_FOUND',
      'missing payload',
    );
  },

  'answers ping': async (store) => {
    await store.ping();
  },
};

/** The names of every case, for `skip` lists. */
export const STORE_CONFORMANCE_CASES: readonly string[] = Object.freeze(Object.keys(CASES));

/**
 * The store conformance suite as plain cases, so it runs under any test runner:
 *
 * ```ts
 * import { storeConformanceCases } from '@spane/core/testing';
 * for (const c of storeConformanceCases({ name: 'memory', create: () => new InMemoryExecutionStore() })) {
 *   it(c.name, c.run);
 * }
 * ```
 */
export function storeConformanceCases(options: StoreConformanceOptions): ConformanceCase[] {
  const skipped = new Map((options.skip ?? []).map((s) => [s.test, s.reason]));
  return Object.entries(CASES)
    .filter(([name]) => !skipped.has(name))
    .map(([name, body]) => ({
      name: `${options.name}: ${name}`,
      async run() {
        const store = await options.create();
        try {
          await body(store, uniqueIds());
        } finally {
          await options.release?.(store);
        }
      },
    }));
}
