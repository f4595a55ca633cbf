/**
 * A workflow made with defineNode and the builder, run on real Redis through the engine's public
 * API: registered as a builder or as its JSON (the same version), typed end to end, its node
 * configs checked at registration and its input at run time.
 */
import { NodeRegistry, WorkflowValidationError, workflow } from '@spane/core';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { WorkflowEngine } from '../src/index.ts';
import { startEngine } from './harness.ts';
import { chargeCard, fetchOrder, orderWorkflow, sendReceipt } from './typed/order-nodes.ts';

describe('typed workflows on Redis', () => {
  let engine: WorkflowEngine;
  let store: InMemoryExecutionStore;
  beforeAll(async () => {
    store = new InMemoryExecutionStore();
    engine = await startEngine({
      registry: new NodeRegistry().register(fetchOrder).register(chargeCard).register(sendReceipt),
      store,
    });
  });
  afterAll(async () => {
    await engine.close();
    await store.close();
  });

  it('registers a builder and its JSON as the same version', async () => {
    const orders = orderWorkflow('typed-orders');
    const first = await engine.registerWorkflow(orders);
    expect(first).toEqual({ workflowId: 'typed-orders', version: 1 });
    expect(await engine.registerWorkflow(orders.toJSON())).toEqual(first);
    expect(await engine.registerWorkflow(JSON.parse(JSON.stringify(orders)))).toEqual(first);
    expect(await engine.getWorkflow('typed-orders')).toEqual(orders.toJSON());
  });

  it('runs it to completion with typed node results (enqueueWorkflow, waitForExecution)', async () => {
    const orders = orderWorkflow('typed-run');
    await engine.registerWorkflow(orders);
    const executionId = await engine.enqueueWorkflow(orders, { orderId: 'o1', quantity: 3 });
    const done = await engine.waitForExecution(executionId);
    expect(done.status).toBe('completed');
    const charge = done.nodeResults.charge?.data;
    expectTypeOf(charge).toEqualTypeOf<{ chargeId: string; amount: number } | undefined>();
    expect(charge).toEqual({ chargeId: 'ch_o1', amount: 25 });
    expect(done.nodeResults.fetch?.data).toEqual({ id: 'o1', total: 25, currency: 'EUR' });
    expect(done.nodeResults.receipt?.data).toEqual({ to: 'o1', line: '25 EUR' });
  });

  it('refuses at registration a config its node type rejects, naming the node and the path', async () => {
    const bad = workflow('typed-bad')
      .node('fetch', fetchOrder, { config: { currency: 'EUR' } })
      .toJSON();
    (bad.nodes[0] as { config: Record<string, unknown> }).config = { currency: 'GBP' };
    const error = await engine.registerWorkflow(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    const issues = (error as WorkflowValidationError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      path: 'nodes[0].config.currency',
      nodeId: 'fetch',
      kind: 'node-config',
    });
    expect((error as Error).message).toContain('node "fetch" (type "typed-fetch-order")');
    expect(await engine.getWorkflow('typed-bad')).toBeUndefined();
  });

  it('fails an execution whose initial data the entry node rejects, without retrying', async () => {
    const strict = workflow('typed-bad-input').node('fetch', fetchOrder, {
      config: { currency: 'USD' },
      retryPolicy: { maxAttempts: 3, backoff: { type: 'fixed', delay: 10 } },
    });
    await engine.registerWorkflow(strict);
    const starts: string[] = [];
    const off = engine.on('node:started', (event) => starts.push(event.executionId));
    const executionId = await engine.enqueueWorkflow(strict, { orderId: 7 } as never);
    const done = await engine.waitForExecution(executionId);
    off();
    expect(done.status).toBe('failed');
    expect(done.nodeResults.fetch?.error).toContain('input.orderId');
    expect(starts.filter((id) => id === executionId)).toHaveLength(1);
  });
});
