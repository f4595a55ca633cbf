import { NodeRegistry, successResult, type WorkflowDefinition } from '@spane/core';
import { describe, expect, it } from 'vitest';
import { type EngineTarget, engineFixture } from './harness.ts';

const echo = () =>
  new NodeRegistry().register('echo', async (ctx) => successResult({ input: ctx.inputData }));

const hooked = (id: string, triggers: WorkflowDefinition['triggers']): WorkflowDefinition => ({
  id,
  nodes: [{ id: 'a', type: 'echo' }],
  triggers,
});

/** The engine's webhook API, run once per queue backend. */
export function defineWebhookSuite(target: EngineTarget): void {
  describe(`webhooks: ${target.name}`, () => {
    const { setup } = engineFixture(target);

    it(`${target.name}: triggerWebhook starts every workflow on the path and method, with metadata`, async () => {
      const { engine } = await setup(echo(), [
        hooked('orders-a', [{ type: 'webhook', config: { path: '/orders' } }]),
        hooked('orders-b', [{ type: 'webhook', config: { path: 'orders', method: 'POST' } }]),
        hooked('orders-put', [{ type: 'webhook', config: { path: 'orders', method: 'PUT' } }]),
      ]);
      expect(engine.getWebhookTriggers('orders').map((r) => [r.workflowId, r.method])).toEqual([
        ['orders-a', 'POST'],
        ['orders-b', 'POST'],
        ['orders-put', 'PUT'],
      ]);
      expect(engine.getWebhookTriggers()).toHaveLength(3);
      const ids = await engine.triggerWebhook(
        'orders/',
        'post',
        { id: 1 },
        {
          headers: {
            'Content-Type': 'application/json',
            Authorization: 'Bearer secret',
            'x-spane-signature': 't=1,v1=00',
          },
          query: { source: 'shop' },
        },
      );
      expect(ids).toHaveLength(2);
      for (const id of ids) {
        const done = await engine.waitForExecution(id);
        expect(done.status).toBe('completed');
        expect(done.initialData).toEqual({ id: 1 });
        expect(done.metadata).toMatchObject({
          trigger: 'webhook',
          path: 'orders',
          method: 'POST',
          query: { source: 'shop' },
          headers: { 'content-type': 'application/json' },
        });
        expect(JSON.stringify(done.metadata)).not.toMatch(/Bearer|v1=/);
      }
      expect(
        new Set(
          (await Promise.all(ids.map((id) => engine.waitForExecution(id)))).map(
            (e) => e.workflowId,
          ),
        ),
      ).toEqual(new Set(['orders-a', 'orders-b']));
      expect(await engine.triggerWebhook('nowhere', 'POST', {})).toEqual([]);
    });

    it(`${target.name}: the same idempotency key gives back the same executions and never a second run`, async () => {
      let runs = 0;
      const registry = new NodeRegistry().register('echo', async (ctx) => {
        runs += 1;
        return successResult({ input: ctx.inputData });
      });
      const { engine, store } = await setup(registry, [
        hooked('once', [{ type: 'webhook', config: { path: 'once' } }]),
      ]);
      const first = await engine.triggerWebhook(
        'once',
        'POST',
        { n: 1 },
        { idempotencyKey: 'delivery-1' },
      );
      const again = await engine.triggerWebhook(
        'once',
        'POST',
        { n: 2 },
        { idempotencyKey: 'delivery-1' },
      );
      expect(again).toEqual(first);
      await engine.waitForExecution(first[0] as string);
      const third = await engine.triggerWebhook(
        'once',
        'POST',
        { n: 3 },
        { idempotencyKey: 'delivery-1' },
      );
      expect(third).toEqual(first);
      const other = await engine.triggerWebhook(
        'once',
        'POST',
        { n: 4 },
        { idempotencyKey: 'delivery-2' },
      );
      expect(other).not.toEqual(first);
      await engine.waitForExecution(other[0] as string);
      expect((await store.getExecutionsByWorkflow('once')).items).toHaveLength(2);
      expect(runs).toBe(2);
    });

    it(`${target.name}: a new version replaces the webhook triggers of the old one`, async () => {
      const { engine } = await setup(echo(), [
        hooked('moving', [{ type: 'webhook', config: { path: 'old' } }]),
      ]);
      await engine.registerWorkflow(
        hooked('moving', [{ type: 'webhook', config: { path: 'new' } }]),
      );
      expect(engine.getWebhookTriggers('old')).toEqual([]);
      expect(engine.getWebhookTriggers('new').map((r) => r.workflowId)).toEqual(['moving']);
    });
  });
}
