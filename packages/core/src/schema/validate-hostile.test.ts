/**
 * The validator that promises not to throw keeps its promise for anything (fuzzed, seeded), and
 * node ids and types named like `Object.prototype` members are ordinary names.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkflowValidationError } from '../errors/error-classes.ts';
import { MAX_ID_LENGTH } from '../policy/input-policy.ts';
import { validateWorkflowDefinition, validateWorkflowDefinitionSafe } from './validate-workflow.ts';

const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

describe('validateWorkflowDefinitionSafe on hostile input', () => {
  it.each(PROTO_NAMES)('treats %s as an ordinary node id and node type', (name) => {
    const definition = JSON.parse(
      JSON.stringify({
        id: name,
        nodes: [
          { id: name, type: name, outputs: ['next'] },
          { id: 'next', type: 'echo' },
        ],
      }),
    );
    const known = validateWorkflowDefinitionSafe(definition, {
      isKnownNodeType: (type) => type === name || type === 'echo',
    });
    expect(known.success).toBe(true);
    expect(known.data?.nodes[0]?.type).toBe(name);
    const unknown = validateWorkflowDefinitionSafe(definition, {
      isKnownNodeType: (type) => type === 'echo',
    });
    expect(unknown.success).toBe(false);
    expect(unknown.errors?.[0]).toMatchObject({ path: 'nodes[0].type', kind: 'unknown-node-type' });
  });

  it('refuses what no store can keep, naming where, and ids beyond the length limit', () => {
    const bigint = validateWorkflowDefinitionSafe({
      id: 'wf',
      nodes: [{ id: 'a', type: 't', config: { n: 1n } }],
    });
    expect(bigint.errors?.[0]).toMatchObject({ path: 'nodes[0].config.n', kind: 'schema' });
    const loop: Record<string, unknown> = {};
    loop.loop = loop;
    const circular = validateWorkflowDefinitionSafe({
      id: 'wf',
      nodes: [{ id: 'a', type: 't', config: loop }],
    });
    expect(circular.errors?.[0]?.message).toContain('circular');
    const long = validateWorkflowDefinitionSafe({
      id: 'w'.repeat(MAX_ID_LENGTH + 1),
      nodes: [{ id: 'a', type: 't' }],
    });
    expect(long.errors?.[0]).toMatchObject({ path: 'id' });
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { deep };
    const nested = validateWorkflowDefinitionSafe({
      id: 'wf',
      nodes: [{ id: 'a', type: 't', config: { deep } }],
    });
    expect(nested.errors?.[0]?.message).toContain('deeper');
    expect(() =>
      validateWorkflowDefinition({ id: 'wf', nodes: [{ id: 'a', type: 't', config: { f: 1n } }] }),
    ).toThrow(WorkflowValidationError);
  });

  it('answers for hostile getters, proxies and a throwing isKnownNodeType instead of throwing', () => {
    const getter = Object.defineProperty({ id: 'wf' }, 'nodes', {
      enumerable: true,
      get() {
        throw new Error('hostile getter');
      },
    });
    expect(validateWorkflowDefinitionSafe(getter).errors?.[0]?.message).toContain('hostile getter');
    const proxy = new Proxy(
      { id: 'wf', nodes: [] },
      {
        get() {
          throw new TypeError('hostile proxy');
        },
        ownKeys() {
          throw new TypeError('hostile proxy');
        },
      },
    );
    expect(validateWorkflowDefinitionSafe(proxy).success).toBe(false);
    const throwing = validateWorkflowDefinitionSafe(
      { id: 'wf', nodes: [{ id: 'a', type: 't' }] },
      {
        isKnownNodeType: () => {
          throw new RangeError('registry down');
        },
      },
    );
    expect(throwing.errors?.[0]?.message).toContain('registry down');
  });

  it('never throws for anything (fuzzed, seeded)', () => {
    const node = fc.record(
      {
        id: fc.oneof(fc.constantFrom(...PROTO_NAMES), fc.string(), fc.anything()),
        type: fc.oneof(
          fc.constantFrom(...PROTO_NAMES, 'delay', 'map', 'sub-workflow'),
          fc.anything(),
        ),
        inputs: fc.oneof(fc.array(fc.constantFrom(...PROTO_NAMES, 'a')), fc.anything()),
        outputs: fc.oneof(fc.array(fc.constantFrom(...PROTO_NAMES, 'a')), fc.anything()),
        config: fc.anything({ withBigInt: true, withMap: true, withSet: true }),
      },
      { requiredKeys: [] },
    );
    const definition = fc.oneof(
      fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true }),
      fc.record(
        { id: fc.oneof(fc.string(), fc.anything()), nodes: fc.array(node, { maxLength: 6 }) },
        { requiredKeys: ['nodes'] },
      ),
    );
    fc.assert(
      fc.property(definition, (value) => {
        const result = validateWorkflowDefinitionSafe(value, {
          isKnownNodeType: (type) => PROTO_NAMES.includes(type),
        });
        expect(typeof result.success).toBe('boolean');
        if (!result.success) expect(result.errors.length).toBeGreaterThan(0);
      }),
      { seed: 1313, numRuns: 500 },
    );
  });
});
