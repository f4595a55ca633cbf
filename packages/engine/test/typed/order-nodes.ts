/** Typed node types of an order workflow, shared by the engine's typed-workflow tests. */
import { defineNode, errorResult, successResult, workflow } from '@spane/core';
import * as v from 'valibot';

export const fetchOrder = defineNode({
  type: 'typed-fetch-order',
  config: v.object({ currency: v.picklist(['EUR', 'USD']), discount: v.optional(v.number(), 0) }),
  input: v.object({ orderId: v.string(), quantity: v.number() }),
  execute: async (ctx) =>
    successResult({
      id: ctx.inputData.orderId,
      total: ctx.inputData.quantity * 10 - ctx.nodeConfig.discount,
      currency: ctx.nodeConfig.currency,
    }),
});

export const chargeCard = defineNode({
  type: 'typed-charge-card',
  parents: { fetch: fetchOrder },
  execute: async (ctx) => {
    const order = ctx.parentOutput('fetch');
    if (order.total <= 0) return errorResult('nothing to charge');
    return successResult({ chargeId: `ch_${order.id}`, amount: order.total });
  },
});

export const sendReceipt = defineNode({
  type: 'typed-send-receipt',
  parents: { fetch: fetchOrder, charge: chargeCard },
  execute: async (ctx) =>
    successResult({
      to: ctx.inputData.fetch?.id ?? 'nobody',
      line: `${ctx.parentOutput('charge').amount} ${ctx.parentOutput('fetch').currency}`,
    }),
});

/** fetch → charge → receipt, and fetch → receipt: a join of two parents. */
export function orderWorkflow(id: string) {
  return workflow(id, { name: 'Typed orders' })
    .node('fetch', fetchOrder, { config: { currency: 'EUR', discount: 5 } })
    .node('charge', chargeCard, { parents: ['fetch'] })
    .node('receipt', sendReceipt, { parents: ['fetch', 'charge'] });
}
