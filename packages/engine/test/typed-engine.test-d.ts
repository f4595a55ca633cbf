/**
 * Type tests of the engine's typed-workflow overloads (`vitest --typecheck`, on in this project):
 * the initial data is typed from the entry nodes and waited results from every node.
 */
import type { ExecutionState } from '@spane/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { WorkflowEngine } from '../src/index.ts';
import { orderWorkflow } from './typed/order-nodes.ts';

declare const engine: WorkflowEngine;
const orders = orderWorkflow('orders');

describe('WorkflowEngine typed overloads', () => {
  it('types the initial data and the waited node results', async () => {
    const id = await engine.enqueueWorkflow(orders, { orderId: 'o1', quantity: 2 });
    const done = await engine.waitForExecution(id);
    expectTypeOf(done.nodeResults.fetch?.data).toEqualTypeOf<
      { id: string; total: number; currency: 'EUR' | 'USD' } | undefined
    >();
    expectTypeOf(done.nodeResults.receipt?.data).toEqualTypeOf<
      { to: string; line: string } | undefined
    >();
    // @ts-expect-error no such node
    done.nodeResults.refund;
  });

  it('rejects initial data the entry nodes do not take', async () => {
    // @ts-expect-error quantity is missing
    await engine.enqueueWorkflow(orders, { orderId: 'o1' });
    // @ts-expect-error the initial data is required
    await engine.enqueueWorkflow(orders);
  });

  it('keeps the untyped forms as they were', async () => {
    const id = await engine.enqueueWorkflow('orders', { anything: true });
    expectTypeOf(id).toEqualTypeOf<string>();
    expectTypeOf(await engine.waitForExecution(id)).toEqualTypeOf<ExecutionState>();
    expectTypeOf(engine.registerWorkflow).parameter(0).toExtend<object>();
    await engine.registerWorkflow(orders);
    await engine.registerWorkflow(orders.toJSON());
  });
});
