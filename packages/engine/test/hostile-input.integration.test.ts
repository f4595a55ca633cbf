/**
 * Hostile names and data get the same typed error on every store, and the enqueue path never throws
 * an untyped error whatever it is given (fuzzed, seeded, bounded).
 */
import {
  type ExecutionResult,
  NodeRegistry,
  successResult,
  type WorkflowDefinition,
  WorkflowError,
} from '@spane/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EngineTarget,
  engineFixture,
  memoryStore,
  postgresStore,
  redisQueue,
} from './harness.ts';

const targets: EngineTarget[] = [
  { name: 'Redis queue, memory store', queue: redisQueue, store: memoryStore },
  { name: 'Redis queue, Postgres store', queue: redisQueue, store: postgresStore },
];

const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const;

/** The own result of a node, never one inherited from a prototype. */
function own(results: Record<string, ExecutionResult>, id: string): ExecutionResult | undefined {
  return Object.hasOwn(results, id)
    ? Object.getOwnPropertyDescriptor(results, id)?.value
    : undefined;
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  const outcome = await work.then(
    () => 'resolved',
    (error: unknown) => (WorkflowError.isInstance(error) ? error.code : `untyped ${String(error)}`),
  );
  return outcome;
}

function deep(levels: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < levels; i++) value = { value };
  return value;
}

for (const target of targets) {
  describe(`hostile input (${target.name})`, () => {
    const { setup } = engineFixture(target);

    it(`${target.name}: node ids and types named like Object.prototype members work as ordinary names`, async () => {
      const registry = new NodeRegistry();
      for (const name of PROTO_NAMES) {
        registry.register(name, async (context) =>
          successResult({ node: context.nodeId, input: context.inputData }),
        );
      }
      // A chain through every name, then a join of two of them.
      const definition = JSON.parse(
        JSON.stringify({
          id: 'proto-chain',
          nodes: [
            { id: '__proto__', type: '__proto__', outputs: ['constructor', 'toString'] },
            { id: 'constructor', type: 'constructor', outputs: ['hasOwnProperty'] },
            { id: 'toString', type: 'toString', outputs: ['hasOwnProperty'] },
            { id: 'hasOwnProperty', type: 'hasOwnProperty' },
          ],
        }),
      ) as WorkflowDefinition;
      const { engine } = await setup(registry, [definition]);
      const done = await engine.waitForExecution(
        await engine.enqueueWorkflow('proto-chain', { x: 1 }),
      );
      expect(done.status).toBe('completed');
      for (const name of PROTO_NAMES) expect(own(done.nodeResults, name)?.success).toBe(true);
      expect(own(done.nodeResults, 'constructor')?.data).toEqual({
        node: 'constructor',
        input: { node: '__proto__', input: { x: 1 } },
      });
      const join = own(done.nodeResults, 'hasOwnProperty')?.data as { input: object };
      expect(Object.keys(join.input).sort()).toEqual(['constructor', 'toString']);
    });

    it(`${target.name}: definitions no store can keep are refused with a WorkflowValidationError`, async () => {
      const registry = new NodeRegistry().register('t', async () => successResult({}));
      const { engine } = await setup(registry, []);
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      const configs: unknown[] = [
        { n: 10n },
        circular,
        {
          toJSON() {
            throw new Error('no JSON for you');
          },
        },
        { deep: deep(100_000) },
      ];
      for (const config of configs) {
        const definition = { id: 'bad', nodes: [{ id: 'a', type: 't', config }] };
        expect(await codeOf(engine.registerWorkflow(definition as never))).toBe('VALIDATION_ERROR');
      }
      expect(
        await codeOf(
          engine.registerWorkflow({ id: 'x'.repeat(1_000_000), nodes: [{ id: 'a', type: 't' }] }),
        ),
      ).toBe('VALIDATION_ERROR');
    });

    it(`${target.name}: initial data, options and dates out of policy get UNSUPPORTED_INPUT, and nothing is created`, async () => {
      const registry = new NodeRegistry().register('t', async () => successResult({}));
      const { engine, store } = await setup(registry, [
        { id: 'ok', nodes: [{ id: 'a', type: 't' }] },
      ]);
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      const data: unknown[] = [
        { f: () => 1 },
        { s: Symbol('s') },
        { n: 1n },
        circular,
        { text: 'nul\u0000' },
        { text: '\uDC00lone' },
        deep(500),
      ];
      for (const initialData of data) {
        expect(await codeOf(engine.enqueueWorkflow('ok', initialData))).toBe('UNSUPPORTED_INPUT');
      }
      const options: unknown[] = [
        { priority: 'high' },
        { priority: Number.NaN },
        { priority: 99 },
        { delay: Number.POSITIVE_INFINITY },
        { delay: -5 },
        { jobId: 'k'.repeat(10_000) },
      ];
      for (const option of options) {
        expect(await codeOf(engine.enqueueWorkflow('ok', {}, option as never))).toBe(
          'UNSUPPORTED_INPUT',
        );
      }
      expect(await codeOf(engine.enqueueWorkflow('x'.repeat(1_000_000), {}))).toBe(
        'UNSUPPORTED_INPUT',
      );
      expect(await codeOf(engine.scheduleWorkflow('ok', {}, new Date(Number.NaN)))).toBe(
        'UNSUPPORTED_INPUT',
      );
      expect((await store.listExecutions({ workflowId: 'ok' })).items).toHaveLength(0);
    });

    it(`${target.name}: a result no store can keep fails its node with INVALID_RESULT`, async () => {
      const registry = new NodeRegistry().register('bad', async () => successResult({ n: 5n }));
      const { engine } = await setup(registry, [
        { id: 'bad-result', nodes: [{ id: 'a', type: 'bad' }] },
      ]);
      const done = await engine.waitForExecution(await engine.enqueueWorkflow('bad-result', {}));
      expect(done.status).toBe('failed');
      expect(own(done.nodeResults, 'a')?.metadata?.code).toBe('INVALID_RESULT');
    });

    it(`${target.name}: the enqueue path answers any input with an id or a typed error (fuzzed, seeded)`, async () => {
      const registry = new NodeRegistry().register('t', async () => successResult({}));
      const { engine, store } = await setup(
        registry,
        [{ id: 'ok', nodes: [{ id: 'a', type: 't' }] }],
        {
          workers: false,
        },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.constant('ok'), fc.string(), fc.anything()),
          fc.anything({ withBigInt: true, withMap: true, withSet: true, withNullPrototype: true }),
          fc.oneof(
            fc.constant(undefined),
            fc.anything({ withBigInt: true }),
            fc.record(
              {
                priority: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.double(), fc.anything()),
                delay: fc.oneof(fc.integer({ min: -10, max: 10_000 }), fc.double(), fc.anything()),
                jobId: fc.oneof(fc.string({ maxLength: 300 }), fc.anything()),
                metadata: fc.anything({ withBigInt: true }),
              },
              { requiredKeys: [] },
            ),
          ),
          async (workflowId, initialData, options) => {
            try {
              const id = await engine.enqueueWorkflow(
                workflowId as string,
                initialData,
                options as never,
              );
              expect(typeof id).toBe('string');
              // What was accepted, the store holds.
              expect(await store.getExecution(id, { nodeIds: [] })).not.toBeNull();
            } catch (error) {
              expect(WorkflowError.isInstance(error), String(error)).toBe(true);
            }
          },
        ),
        { seed: 1313, numRuns: 60, interruptAfterTimeLimit: 20_000 },
      );
    });
  });
}
