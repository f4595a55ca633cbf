import { WorkflowNotFoundError, WorkflowValidationError } from '@spane/core';
import { describe, expect, it } from 'vitest';
import { backends, startEngine as startOn } from './support/engine.ts';

const orders = {
  id: 'orders',
  nodes: [
    {
      id: 'paid',
      type: 'filter',
      outputs: ['size'],
      config: { items: 'orders', condition: "status = 'paid'" },
    },
    {
      id: 'size',
      type: 'condition',
      outputs: ['route', 'few'],
      config: { expression: '$count($) >= 2', branches: { true: ['route'], false: ['few'] } },
    },
    {
      id: 'route',
      type: 'switch',
      outputs: ['big', 'small'],
      config: { cases: [{ when: '$sum(total) > 100', next: ['big'] }], default: ['small'] },
    },
    {
      id: 'big',
      type: 'transform',
      config: { expression: '{ "lane": "big", "sum": $sum(total) }' },
    },
    {
      id: 'small',
      type: 'transform',
      config: { expression: '{ "lane": "small", "sum": $sum(total), "ids": id }' },
    },
    { id: 'few', type: 'transform', config: { expression: '{ "lane": "few" }' } },
  ],
};

describe.each(backends)('built-in expression nodes through the engine ($name queue)', (backend) => {
  const startEngine = (
    workflows: Parameters<typeof startOn>[0],
    options: Parameters<typeof startOn>[1] = {},
  ) => startOn(workflows, { ...options, connection: backend.connection() });

  it('runs filter, condition, switch and transform in one workflow, following the branches', async () => {
    const engine = await startEngine([orders]);
    const data = {
      orders: [
        { id: 1, status: 'paid', total: 40 },
        { id: 2, status: 'open', total: 500 },
        { id: 3, status: 'paid', total: 20 },
      ],
    };
    const small = await engine.waitForExecution(await engine.enqueueWorkflow('orders', data));
    expect(small.status).toBe('completed');
    expect(small.nodeResults.paid?.data).toEqual([data.orders[0], data.orders[2]]);
    expect(small.nodeResults.size?.nextNodes).toEqual(['route']);
    expect(small.nodeResults.route?.nextNodes).toEqual(['small']);
    expect(small.nodeResults.small?.data).toEqual({ lane: 'small', sum: 60, ids: [1, 3] });
    expect(small.nodeResults.big?.skipped).toBe(true);
    expect(small.nodeResults.few?.skipped).toBe(true);

    const bigOrders = {
      orders: [
        { id: 4, status: 'paid', total: 90 },
        { id: 5, status: 'paid', total: 30 },
      ],
    };
    const big = await engine.waitForExecution(await engine.enqueueWorkflow('orders', bigOrders));
    expect(big.nodeResults.big?.data).toEqual({ lane: 'big', sum: 120 });
    expect(big.nodeResults.small?.skipped).toBe(true);

    const few = await engine.waitForExecution(
      await engine.enqueueWorkflow('orders', { orders: [{ id: 6, status: 'paid', total: 1 }] }),
    );
    expect(few.nodeResults.few?.data).toEqual({ lane: 'few' });
    expect(few.nodeResults.route?.skipped).toBe(true);
  });

  it('refuses bad expressions and branch targets at registerWorkflow, naming each path', async () => {
    const engine = await startEngine([]);
    const error = await engine
      .registerWorkflow({
        id: 'bad',
        nodes: [
          {
            id: 'check',
            type: 'condition',
            outputs: ['shape'],
            config: { expression: 'amount >', branches: { true: ['shape'], false: ['gone'] } },
          },
          {
            id: 'shape',
            type: 'switch',
            outputs: ['pick'],
            config: { cases: [{ when: 'kind = ', next: ['pick'] }] },
          },
          { id: 'pick', type: 'filter', outputs: ['out'], config: { condition: 'a in [1, 2' } },
          { id: 'out', type: 'transform', config: {} },
        ],
      })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    const issues = (error as WorkflowValidationError).issues;
    expect(issues.map((issue) => issue.path)).toEqual([
      'nodes[0].config.expression',
      'nodes[0].config.branches.false[0]',
      'nodes[1].config.cases[0].when',
      'nodes[2].config.condition',
      'nodes[3].config.expression',
    ]);
    expect(issues.every((issue) => issue.kind === 'node-config')).toBe(true);
    expect(issues[0]?.message).toMatch(/position \d+/);
    // Nothing was registered.
    await expect(engine.enqueueWorkflow('bad', {})).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it('stops an expression that never ends at the node timeout, and the engine runs on', async () => {
    const engine = await startEngine([
      {
        id: 'endless',
        nodes: [
          {
            id: 'loop',
            type: 'transform',
            timeout: 500,
            config: { expression: '($f := function($x) { $f($x + 1) }; $f(0))' },
          },
        ],
      },
      { id: 'quick', nodes: [{ id: 'one', type: 'transform', config: { expression: '$ + 1' } }] },
    ]);
    const started = Date.now();
    const stuck = await engine.waitForExecution(await engine.enqueueWorkflow('endless', {}), {
      timeoutMs: 15_000,
    });
    const took = Date.now() - started;
    expect(stuck.status).toBe('failed');
    expect(stuck.nodeResults.loop?.error).toMatch(/stopped after \d+ ms/);
    expect(stuck.nodeResults.loop?.metadata?.code).toBe('NODE_TIMEOUT');
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(10_000);
    const quick = await engine.waitForExecution(await engine.enqueueWorkflow('quick', 41));
    expect(quick.nodeResults.one?.data).toBe(42);
  });

  it('bounds an expression of a node without a timeout by expressionTimeoutMs', async () => {
    const engine = await startEngine(
      [
        {
          id: 'endless',
          nodes: [
            {
              id: 'loop',
              type: 'transform',
              config: { expression: '($f := function($x) { $f($x + 1) }; $f(0))' },
            },
          ],
        },
      ],
      { expressionTimeoutMs: 300 },
    );
    const stuck = await engine.waitForExecution(await engine.enqueueWorkflow('endless', {}), {
      timeoutMs: 15_000,
    });
    expect(stuck.status).toBe('failed');
    // The budget is counted from the node's start, so the expression itself got at most 300 ms.
    const allowed = Number(/stopped after (\d+) ms/.exec(stuck.nodeResults.loop?.error ?? '')?.[1]);
    expect(allowed).toBeGreaterThanOrEqual(0);
    expect(allowed).toBeLessThanOrEqual(300);
    expect(stuck.nodeResults.loop?.metadata?.code).toBe('NODE_TIMEOUT');
  });
});
