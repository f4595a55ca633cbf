import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { compileWorkflow } from '../dag/compile-workflow.ts';
import { ConfigurationError, WorkflowValidationError } from '../errors/error-classes.ts';
import { WorkflowError } from '../errors/workflow-error.ts';
import type { ExecutionContext, ExecutionResult } from '../model/execution.ts';
import { successResult } from '../model/results.ts';
import { NodeRegistry } from '../registry/node-registry.ts';
import { defineNode } from './define-node.ts';
import { chargeCard, fetchOrder } from './fixtures.ts';

function context(overrides: Partial<ExecutionContext> = {}): ExecutionContext {
  return {
    workflowId: 'orders',
    executionId: 'e1',
    nodeId: 'n1',
    inputData: undefined,
    nodeConfig: {},
    previousResults: {},
    depth: 0,
    attempt: 1,
    idempotencyKey: 'e1:n1',
    signal: { aborted: false, reason: undefined, throwIfAborted() {} },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    ...overrides,
  };
}

const fetched: ExecutionResult = { success: true, data: { id: 'o1', total: 42 } };

describe('defineNode', () => {
  it('parses the config (defaults filled) and the input before running', async () => {
    const result = await fetchOrder.execute(
      context({ nodeConfig: { baseUrl: 'https://shop.example' }, inputData: { orderId: 'o7' } }),
    );
    expect(result).toEqual({ success: true, data: { id: 'o7', total: 42, currency: 'EUR' } });
    const capped = await fetchOrder.execute(
      context({
        nodeConfig: { baseUrl: 'https://shop.example', retries: 11 },
        inputData: { orderId: 'o7' },
      }),
    );
    expect(capped).toEqual({ success: false, error: 'too many retries' });
  });

  it('fails a run with bad input for good, naming the path', async () => {
    const run = fetchOrder.execute(
      context({ nodeConfig: { baseUrl: 'https://shop.example' }, inputData: { orderId: 7 } }),
    );
    await expect(run).rejects.toSatisfy(
      (error) =>
        WorkflowError.isInstance(error) &&
        error.code === 'NODE_EXECUTION_FAILED' &&
        !error.retryable &&
        error.message.includes('input.orderId'),
    );
  });

  it('reads a parent output from previousResults, and refuses a missing or skipped one', async () => {
    const ok = await chargeCard.execute(context({ previousResults: { fetch: fetched } }));
    expect(ok).toEqual({ success: true, data: { chargeId: 'ch_o1', amount: 42 } });
    await expect(chargeCard.execute(context())).rejects.toThrow(/parent "fetch" has no result/);
    await expect(
      chargeCard.execute(context({ previousResults: { fetch: { success: true, skipped: true } } })),
    ).rejects.toThrow(/parent "fetch" was skipped/);
    // An inherited name is not a parent.
    const proto = defineNode({
      type: 'proto-reader',
      parents: { toString: fetchOrder },
      execute: async (ctx) => successResult(ctx.parentOutput('toString')),
    });
    await expect(proto.execute(context())).rejects.toThrow(/has no result/);
  });

  it('keeps the type, the schemas and the declared parent ids', () => {
    expect(chargeCard.type).toBe('charge-card');
    expect(chargeCard.parentIds).toEqual(['fetch']);
    expect(fetchOrder.configSchema).toBeDefined();
    expect(Object.isFrozen(fetchOrder)).toBe(true);
  });

  it('refuses an empty type and a parent that is not a defined node', () => {
    expect(() => defineNode({ type: '', execute: async () => successResult() })).toThrow(
      ConfigurationError,
    );
    expect(() =>
      defineNode({
        type: 'x',
        parents: { a: {} as never },
        execute: async () => successResult(),
      }),
    ).toThrow(/Parent "a" of node type "x"/);
  });
});

describe('NodeRegistry with defined nodes', () => {
  const registry = new NodeRegistry().register(fetchOrder).register(chargeCard);
  const compile = (config: unknown) =>
    compileWorkflow(
      {
        id: 'orders',
        nodes: [
          { id: 'fetch', type: 'fetch-order', config, outputs: ['charge'] },
          { id: 'charge', type: 'charge-card' },
        ],
      },
      {
        isKnownNodeType: (type) => registry.has(type),
        checkNodeConfig: (node, target) =>
          registry.get(node.type)?.validateConfig?.(node.config ?? {}, target),
      },
    );

  it('registers a defined node under its type', () => {
    expect(registry.types()).toEqual(['fetch-order', 'charge-card']);
    expect(registry.get('fetch-order')).toBe(fetchOrder);
    expect(() => new NodeRegistry().register({ type: 'delay' } as never)).toThrow(/built-in/);
    expect(() => new NodeRegistry().register('x', undefined as never)).toThrow(/No executor/);
  });

  it('checks the config of every node of a defined type, naming the node and the path', () => {
    expect(compile({ baseUrl: 'https://shop.example' }).workflowId).toBe('orders');
    let caught: unknown;
    try {
      compile({ baseUrl: 'not a url', retries: 'x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WorkflowValidationError);
    const issues = (caught as WorkflowValidationError).issues;
    expect(issues.map((issue) => [issue.path, issue.nodeId, issue.kind])).toEqual([
      ['nodes[0].config.baseUrl', 'fetch', 'node-config'],
      ['nodes[0].config.retries', 'fetch', 'node-config'],
    ]);
    expect(issues[0]?.message).toMatch(/^node "fetch" \(type "fetch-order"\): /);
    expect((caught as Error).message).toContain('nodes[0].config.baseUrl');
  });

  it('checks a missing config against the schema too', () => {
    expect(() => compile(undefined)).toThrow(/nodes\[0\]\.config\.baseUrl/);
  });

  it('leaves configs unchecked without checkNodeConfig', () => {
    const schema = v.object({ a: v.number() });
    const loose = defineNode({
      type: 'loose',
      config: schema,
      execute: async () => successResult(),
    });
    const graph = compileWorkflow(
      { id: 'w', nodes: [{ id: 'n', type: 'loose', config: { a: 'no' } }] },
      { isKnownNodeType: () => true },
    );
    expect(graph.workflowId).toBe('w');
    expect(loose.configSchema).toBe(schema);
  });
});
