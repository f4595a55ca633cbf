import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors/error-classes.ts';
import { NodeRegistry } from '../registry/node-registry.ts';
import { validateWorkflowDefinition } from '../schema/validate-workflow.ts';
import { chargeCard, fetchOrder, notify } from './fixtures.ts';
import { workflow } from './workflow-builder.ts';

const orders = workflow('orders', { name: 'Orders' })
  .node('fetch', fetchOrder, { config: { baseUrl: 'https://shop.example' } })
  .node('charge', chargeCard, {
    parents: ['fetch'],
    retryPolicy: { maxAttempts: 3, backoff: { type: 'fixed', delay: 10 } },
  })
  .node('notify', notify, { parents: ['fetch', 'charge'], name: 'Tell the customer' });

describe('workflow builder', () => {
  it('toJSON gives the plain definition the editor stores: edges as outputs, config when set', () => {
    expect(orders.toJSON()).toEqual({
      id: 'orders',
      name: 'Orders',
      nodes: [
        {
          id: 'fetch',
          type: 'fetch-order',
          config: { baseUrl: 'https://shop.example' },
          outputs: ['charge', 'notify'],
        },
        {
          id: 'charge',
          type: 'charge-card',
          outputs: ['notify'],
          retryPolicy: { maxAttempts: 3, backoff: { type: 'fixed', delay: 10 } },
        },
        { id: 'notify', type: 'notify', name: 'Tell the customer', outputs: [] },
      ],
    });
  });

  it('round-trips as JSON: the stored copy validates to the same definition', () => {
    const json = JSON.parse(JSON.stringify(orders));
    expect(json).toEqual(orders.toJSON());
    const registry = new NodeRegistry().register(fetchOrder).register(chargeCard).register(notify);
    expect(
      validateWorkflowDefinition(json, {
        isKnownNodeType: (type) => registry.has(type),
        checkNodeConfig: (node, target) =>
          registry.get(node.type)?.validateConfig?.(node.config ?? {}, target),
      }),
    ).toEqual(orders.toJSON());
  });

  it('is immutable: each node() makes a new builder, and toJSON shares nothing', () => {
    const base = workflow('w').node('fetch', fetchOrder, {
      config: { baseUrl: 'https://a.example' },
    });
    const more = base.node('charge', chargeCard, { parents: ['fetch'] });
    expect(base.toJSON().nodes).toHaveLength(1);
    expect(more.toJSON().nodes).toHaveLength(2);
    const json = base.toJSON();
    (json.nodes[0]?.config as { baseUrl: string }).baseUrl = 'changed';
    expect(base.toJSON().nodes[0]?.config).toEqual({ baseUrl: 'https://a.example' });
  });

  it('refuses at run time what the compiler refuses (for JavaScript callers)', () => {
    const base = workflow('w').node('fetch', fetchOrder, {
      config: { baseUrl: 'https://a.example' },
    });
    const loose = base as unknown as {
      node(id: string, node: unknown, options?: unknown): unknown;
    };
    expect(() => loose.node('fetch', fetchOrder, { config: {} })).toThrow(/two nodes "fetch"/);
    expect(() => loose.node('charge', chargeCard, { parents: ['fecth'] })).toThrow(
      /parent "fecth", which is not added before it/,
    );
    expect(() => loose.node('charge', chargeCard)).toThrow(
      /reads parent "fetch", missing from its parents/,
    );
    const withX = loose.node('x', fetchOrder, { config: { baseUrl: 'https://b.example' } }) as {
      node(id: string, node: unknown, options?: unknown): unknown;
    };
    expect(() => withX.node('c', chargeCard, { parents: ['fetch', 'x'] })).toThrow(
      /declares its parents; "x" is not one of them/,
    );
    expect(() => workflow('')).toThrow(ConfigurationError);
  });

  it('keeps workflow options and copies triggers and metadata', () => {
    const triggers = [{ type: 'webhook' as const, config: { path: 'orders' } }];
    const built = workflow('w', {
      description: 'd',
      entryNodeId: 'fetch',
      triggers,
      metadata: { a: 1 },
    })
      .node('fetch', fetchOrder, { config: { baseUrl: 'https://a.example' }, timeout: 500 })
      .toJSON();
    triggers[0]!.config.path = 'changed';
    expect(built).toEqual({
      id: 'w',
      description: 'd',
      entryNodeId: 'fetch',
      nodes: [
        {
          id: 'fetch',
          type: 'fetch-order',
          config: { baseUrl: 'https://a.example' },
          outputs: [],
          timeout: 500,
        },
      ],
      triggers: [{ type: 'webhook', config: { path: 'orders' } }],
      metadata: { a: 1 },
    });
  });
});
