import type { ExecutionResult } from '@spane/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresExecutionStore, UnsupportedJsonError } from '../src/index.ts';
import { createTestStore } from './support/test-database.ts';

let store: PostgresExecutionStore;
let cleanup: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ store, cleanup } = await createTestStore());
});
afterAll(() => cleanup?.());

const INJECTION = `x'); DROP TABLE executions; -- "q" \\ $1 %s {a,b} ü`;

function deeplyNested(depth: number): unknown {
  let value: unknown = { leaf: ['end', null, 0] };
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { [`level${i}`]: value } : [i, value];
  return value;
}

const NASTY = {
  unicode: 'héllo wörld ✓ 日本語 🚀 👩‍👩‍👧 עברית e\u0301',
  escapes: 'tab\tnewline\nquote"backslash\\slash/ \u2028 \u001f',
  nothing: null,
  emptyString: '',
  nullString: 'null',
  jsonLooking: '{"a":1}',
  numbers: [0, -0.25, 1.5e10, Number.MAX_SAFE_INTEGER, 1e-7, 123456789.123],
  booleans: [true, false],
  empties: { object: {}, array: [] },
  'key with "quotes" and \'apostrophes\'': 1,
  deep: deeplyNested(120),
};

describe('postgres: JSON and id fidelity', () => {
  it('round-trips SQL-injection-shaped ids and nasty JSON exactly', async () => {
    const executionId = `${INJECTION} ${Math.random()}`;
    const nodeId = `${INJECTION} node`;
    await store.createExecution({
      executionId,
      workflowId: INJECTION,
      workflowVersion: 1,
      initialData: NASTY,
      metadata: { [INJECTION]: NASTY.unicode },
      idempotencyKey: `${INJECTION} key ${Math.random()}`,
    });
    await store.updateNodeResult(executionId, nodeId, { success: true, data: NASTY });
    const read = await store.getExecution(executionId);
    expect(read?.executionId).toBe(executionId);
    expect(read?.workflowId).toBe(INJECTION);
    expect(read?.initialData).toEqual(NASTY);
    expect(read?.metadata).toEqual({ [INJECTION]: NASTY.unicode });
    expect(read?.nodeResults[nodeId]?.data).toEqual(NASTY);
    expect((await store.getNodeResults(executionId, [nodeId]))[nodeId]?.data).toEqual(NASTY);
    const listed = await store.listExecutions({ workflowId: INJECTION });
    expect(listed.items.map((e) => e.executionId)).toContain(executionId);
  });

  it('reads top-level initial data back as given, undefined included', async () => {
    for (const initialData of [undefined, null, 'text', '', 0, false, [], {}, [null]]) {
      const { execution } = await store.createExecution({
        workflowId: 'wf-json',
        workflowVersion: 1,
        initialData,
      });
      expect(execution.initialData).toStrictEqual(initialData);
      const read = await store.getExecution(execution.executionId);
      expect(read?.initialData).toStrictEqual(initialData);
    }
  });

  it('leaves undefined result fields absent, not null', async () => {
    const { execution } = await store.createExecution({
      workflowId: 'wf-json',
      workflowVersion: 1,
    });
    const result: ExecutionResult = {
      success: true,
      data: undefined,
      error: undefined,
      skipped: undefined,
      nextNodes: undefined,
      metadata: { kept: 1, dropped: undefined },
    };
    await store.commitNodeOutcome({
      executionId: execution.executionId,
      nodeId: 'a',
      result,
      resolution: 'resolved',
      edges: [],
      totalNodes: 2,
    });
    const stored = (await store.getNodeResults(execution.executionId, ['a'])).a;
    expect(stored).toStrictEqual({ success: true, metadata: { kept: 1 } });
  });

  it('keeps Dates inside data as ISO strings (what JSON holds)', async () => {
    const at = new Date('2026-05-01T12:00:00.123Z');
    const { execution } = await store.createExecution({
      workflowId: 'wf-json',
      workflowVersion: 1,
      initialData: { at },
    });
    expect((await store.getExecution(execution.executionId))?.initialData).toEqual({
      at: '2026-05-01T12:00:00.123Z',
    });
  });

  it('keeps U+0000 and lone surrogates in data exactly, and refuses them in metadata', async () => {
    const odd = { nul: 'nul\u0000byte', lone: '\ud800', pair: '\ud83d\ude80', low: 'x\udfff' };
    const { execution } = await store.createExecution({
      workflowId: 'wf-json',
      workflowVersion: 1,
      initialData: odd,
    });
    await store.commitNodeOutcome({
      executionId: execution.executionId,
      nodeId: 'a',
      result: { success: true, data: odd },
      resolution: 'resolved',
      edges: [{ child: 'b', active: true, parentCount: 1 }],
      totalNodes: 2,
    });
    const read = await store.getExecution(execution.executionId);
    expect(read?.initialData).toStrictEqual(odd);
    expect(read?.nodeResults.a?.data).toStrictEqual(odd);
    const reference = await store.putPayload(execution.executionId, odd);
    expect(await store.getPayload(reference)).toStrictEqual(odd);

    // Metadata is merged inside PostgreSQL as jsonb, which cannot hold them: refused, unchanged.
    const refused = store.updateExecutionMetadata(execution.executionId, { k: '\u0000' });
    await expect(refused).rejects.toBeInstanceOf(UnsupportedJsonError);
    await expect(refused).rejects.toMatchObject({ code: 'VALIDATION_ERROR', retryable: false });
    expect((await store.getExecution(execution.executionId))?.metadata).toEqual({});
  });

  it('returns object keys in the order they were written, as the memory store does', async () => {
    const ordered = {
      zeta: 1,
      alpha: { z: [3, { b: 1, a: 2 }], a: null },
      mid: 'x',
      '10': 0,
      '2': 0,
    };
    const { execution } = await store.createExecution({
      workflowId: 'wf-json',
      workflowVersion: 1,
      initialData: ordered,
    });
    await store.updateNodeResult(execution.executionId, 'a', { success: true, data: ordered });
    const read = await store.getExecution(execution.executionId);
    expect(JSON.stringify(read?.initialData)).toBe(JSON.stringify(ordered));
    expect(JSON.stringify(read?.nodeResults.a?.data)).toBe(JSON.stringify(ordered));
    const results = await store.getNodeResults(execution.executionId, ['a']);
    expect(JSON.stringify(results.a?.data)).toBe(JSON.stringify(ordered));
    const reference = await store.putPayload(execution.executionId, ordered);
    expect(JSON.stringify(await store.getPayload(reference))).toBe(JSON.stringify(ordered));
  });

  it('refuses values JSON cannot hold with UnsupportedJsonError and writes nothing', async () => {
    const { execution } = await store.createExecution({
      workflowId: 'wf-json',
      workflowVersion: 1,
    });
    const commit = store.commitNodeOutcome({
      executionId: execution.executionId,
      nodeId: 'a',
      result: { success: true, data: { n: 1n } },
      resolution: 'resolved',
      edges: [{ child: 'b', active: true, parentCount: 1 }],
      totalNodes: 2,
    });
    await expect(commit).rejects.toBeInstanceOf(UnsupportedJsonError);
    await expect(commit).rejects.toMatchObject({ code: 'VALIDATION_ERROR', retryable: false });
    const read = await store.getExecution(execution.executionId);
    expect(read?.nodeResults).toEqual({});
    expect(read?.version).toBe(execution.version);
    await expect(store.putPayload(execution.executionId, { n: 1n })).rejects.toBeInstanceOf(
      UnsupportedJsonError,
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(
      store.updateExecutionMetadata(execution.executionId, cyclic),
    ).rejects.toBeInstanceOf(UnsupportedJsonError);
  });

  it('round-trips payloads, undefined and null included', async () => {
    const { execution } = await store.createExecution({
      workflowId: 'wf-json',
      workflowVersion: 1,
    });
    for (const value of [NASTY, undefined, null, 'x']) {
      const reference = await store.putPayload(execution.executionId, value);
      expect(await store.getPayload(reference)).toStrictEqual(value);
    }
  });

  it('removes metadata keys set to undefined, as a spread would', async () => {
    const { execution } = await store.createExecution({
      workflowId: 'wf-json',
      workflowVersion: 1,
      metadata: { a: 1, b: 2 },
    });
    const updated = await store.updateExecutionMetadata(execution.executionId, {
      a: undefined,
      c: 3,
    });
    expect(updated.metadata).toStrictEqual({ b: 2, c: 3 });
  });

  it('treats the same definition with another key order as the same version', async () => {
    const id = `wf-order-${Math.random()}`;
    const first = await store.saveWorkflow({ id, name: 'n', nodes: [{ id: 'a', type: 't' }] });
    const again = await store.saveWorkflow({ nodes: [{ type: 't', id: 'a' }], name: 'n', id });
    expect(again).toEqual({ version: first.version, created: false });
    const stored = await store.getWorkflow(id);
    expect(stored?.createdAt).toBeInstanceOf(Date);
    expect(stored?.definition).toEqual({ id, name: 'n', nodes: [{ id: 'a', type: 't' }] });
  });
});
