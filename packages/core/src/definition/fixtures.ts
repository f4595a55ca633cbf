/** Node types shared by the definition tests (not exported from the package). */
import * as v from 'valibot';
import { errorResult, successResult } from '../model/results.ts';
import { defineNode } from './define-node.ts';

export const fetchOrder = defineNode({
  type: 'fetch-order',
  config: v.object({ baseUrl: v.pipe(v.string(), v.url()), retries: v.optional(v.number(), 3) }),
  input: v.object({ orderId: v.string() }),
  execute: async (ctx) => {
    if (ctx.nodeConfig.retries > 10) return errorResult('too many retries');
    return successResult({ id: ctx.inputData.orderId, total: 42, currency: 'EUR' as const });
  },
});

export const chargeCard = defineNode({
  type: 'charge-card',
  config: v.object({ amountCap: v.optional(v.number()) }),
  parents: { fetch: fetchOrder },
  execute: async (ctx) => {
    const order = ctx.parentOutput('fetch');
    return successResult({ chargeId: `ch_${order.id}`, amount: order.total });
  },
});

export const notify = defineNode({
  type: 'notify',
  parents: { fetch: fetchOrder, charge: chargeCard },
  execute: async (ctx) =>
    successResult({ sent: ctx.inputData.charge?.chargeId ?? ctx.inputData.fetch?.id ?? 'none' }),
});
