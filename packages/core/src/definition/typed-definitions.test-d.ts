/**
 * Type tests of defineNode and the workflow builder, run by `vitest --typecheck` (the core
 * project has typecheck on, so `npm test` runs them). An unused `@ts-expect-error` fails too.
 */
import * as v from 'valibot';
import { describe, expectTypeOf, it } from 'vitest';
import type { ExecutionContext, ExecutionResult } from '../model/execution.ts';
import { errorResult, skippedResult, successResult } from '../model/results.ts';
import { defineNode, type NodeOutput } from './define-node.ts';
import { chargeCard, fetchOrder, notify } from './fixtures.ts';
import type { ExecutionId, TypedExecutionState } from './typed-execution.ts';
import { type WorkflowInput, type WorkflowOutputs, workflow } from './workflow-builder.ts';

type Order = { id: string; total: number; currency: 'EUR' };

describe('defineNode types', () => {
  it('infers the output from what execute returns', () => {
    expectTypeOf<NodeOutput<typeof fetchOrder>>().toEqualTypeOf<Order>();
    expectTypeOf<NodeOutput<typeof chargeCard>>().toEqualTypeOf<{
      chargeId: string;
      amount: number;
    }>();
  });

  it('types the config from its schema (output: defaults filled) and the input', () => {
    defineNode({
      type: 't',
      config: v.object({ url: v.string(), retries: v.optional(v.number(), 3) }),
      input: v.object({ orderId: v.string() }),
      execute: async (ctx) => {
        expectTypeOf(ctx.nodeConfig).toEqualTypeOf<{ url: string; retries: number }>();
        expectTypeOf(ctx.inputData).toEqualTypeOf<{ orderId: string }>();
        // @ts-expect-error not in the config schema
        ctx.nodeConfig.missing;
        return successResult(null);
      },
    });
  });

  it('types parentOutput and inputData from the declared parents', () => {
    defineNode({
      type: 'one-parent',
      parents: { fetch: fetchOrder },
      execute: async (ctx) => {
        expectTypeOf(ctx.parentOutput('fetch')).toEqualTypeOf<Order>();
        expectTypeOf(ctx.inputData).toEqualTypeOf<Order>();
        // @ts-expect-error misspelt parent
        ctx.parentOutput('fecth');
        return successResult(null);
      },
    });
    defineNode({
      type: 'two-parents',
      parents: { fetch: fetchOrder, charge: chargeCard },
      execute: async (ctx) => {
        expectTypeOf(ctx.inputData).toEqualTypeOf<{
          fetch?: Order;
          charge?: { chargeId: string; amount: number };
        }>();
        return successResult(null);
      },
    });
    defineNode({
      type: 'no-parents',
      execute: async (ctx) => {
        expectTypeOf(ctx.inputData).toBeUnknown();
        expectTypeOf(ctx.nodeConfig).toEqualTypeOf<Record<string, unknown>>();
        // @ts-expect-error no parents declared
        ctx.parentOutput('fetch');
        return successResult(null);
      },
    });
  });

  it('lets error and skipped results add nothing to the output type', () => {
    const node = defineNode({
      type: 'mixed',
      execute: async (ctx) => {
        if (ctx.attempt > 3) return errorResult('no');
        if (ctx.attempt > 2) return skippedResult();
        return successResult({ ok: true });
      },
    });
    expectTypeOf<NodeOutput<typeof node>>().toEqualTypeOf<{ ok: boolean }>();
  });

  it('keeps the untyped context and result compiling as before', () => {
    expectTypeOf<ExecutionContext['inputData']>().toBeUnknown();
    expectTypeOf<ExecutionContext['nodeConfig']>().toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf<ExecutionResult['data']>().toEqualTypeOf<unknown>();
    expectTypeOf(successResult({ a: 1 })).toExtend<ExecutionResult>();
  });
});

const orders = workflow('orders')
  .node('fetch', fetchOrder, { config: { baseUrl: 'https://shop.example' } })
  .node('charge', chargeCard, { parents: ['fetch'] })
  .node('notify', notify, { parents: ['fetch', 'charge'] });

describe('workflow builder types', () => {
  it('knows every node output and the initial data', () => {
    expectTypeOf<WorkflowOutputs<typeof orders>>().toEqualTypeOf<{
      fetch: Order;
      charge: { chargeId: string; amount: number };
      notify: { sent: string };
    }>();
    expectTypeOf<WorkflowInput<typeof orders>>().toEqualTypeOf<{ orderId: string }>();
  });

  it('types the results of a waited execution', () => {
    type Done = TypedExecutionState<WorkflowOutputs<typeof orders>>;
    expectTypeOf<NonNullable<Done['nodeResults']['charge']>['data']>().toEqualTypeOf<
      { chargeId: string; amount: number } | undefined
    >();
    expectTypeOf<ExecutionId<{ a: 1 }>>().toExtend<string>();
    // @ts-expect-error a plain string is not a typed execution id
    const id: ExecutionId<{ a: 1 }> = 'e1';
    void id;
  });

  it('rejects a misspelt parent, a missing declared parent and a duplicate id', () => {
    const base = workflow('w').node('fetch', fetchOrder, {
      config: { baseUrl: 'https://shop.example' },
    });
    // @ts-expect-error misspelt parent
    base.node('charge', chargeCard, { parents: ['fecth'] });
    // @ts-expect-error a parent added later is not a parent yet
    workflow('w').node('charge', chargeCard, { parents: ['fetch'] });
    // @ts-expect-error charge reads "fetch": its parents must include it
    base.node('charge', chargeCard);
    const withX = base.node('x', fetchOrder, { config: { baseUrl: 'https://a.example' } });
    const onlyX = { parents: ['x'] } as const;
    // @ts-expect-error charge reads "fetch": its parents must include it
    withX.node('c', chargeCard, onlyX);
    // @ts-expect-error charge declares only "fetch": an extra parent would change its input shape
    withX.node('c', chargeCard, { parents: ['fetch', 'x'] });
    // @ts-expect-error duplicate id
    base.node('fetch', fetchOrder, { config: { baseUrl: 'https://shop.example' } });
  });

  it('rejects a parent whose output is not what the node reads', () => {
    const fake = defineNode({ type: 'fake', execute: async () => successResult({ id: 1 }) });
    const faked = workflow('w').node('fetch', fake);
    // @ts-expect-error "fetch" gives { id: number }, charge reads an Order
    faked.node('charge', chargeCard, { parents: ['fetch'] });
  });

  it('types the config each node gives', () => {
    // @ts-expect-error the config is required (baseUrl)
    workflow('w').node('fetch', fetchOrder);
    // @ts-expect-error baseUrl is a string
    workflow('w').node('fetch', fetchOrder, { config: { baseUrl: 1 } });
    // Optional config may be left out.
    workflow('w').node('n', defineNode({ type: 'n', execute: async () => successResult(1) }));
  });
});
