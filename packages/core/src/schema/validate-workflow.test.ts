import { propertyBudget } from '@spane/test-support/property';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CycleDetectedError,
  type ValidationIssue,
  WorkflowValidationError,
} from '../errors/error-classes.ts';
import type { NodeDefinition, WorkflowDefinition } from '../model/workflow-definition.ts';
import {
  detectCircularReferences,
  isBuiltInNodeType,
  validateWorkflowDefinition,
  validateWorkflowDefinitionSafe,
} from './validate-workflow.ts';

function workflow(nodes: unknown[], extra: Record<string, unknown> = {}): unknown {
  return { id: 'wf', nodes, ...extra };
}

function issuesOf(definition: unknown, options = {}): ValidationIssue[] {
  const result = validateWorkflowDefinitionSafe(definition, options);
  if (result.success) throw new Error('expected the definition to be rejected');
  return result.errors;
}

function pathsOf(definition: unknown, options = {}): string[] {
  return issuesOf(definition, options).map((issue) => issue.path);
}

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

const task = (id: string, extra: Partial<NodeDefinition> = {}): NodeDefinition => ({
  id,
  type: 'task',
  ...extra,
});

describe('validateWorkflowDefinition: structure', () => {
  it('accepts a small valid workflow and returns it', () => {
    const definition = workflow([
      task('a', { outputs: ['b'] }),
      task('b', { inputs: ['a'], outputs: [] }),
    ]);
    const result = validateWorkflowDefinition(definition);
    expect(result.id).toBe('wf');
    expect(result.nodes.map((node) => node.id)).toEqual(['a', 'b']);
  });

  it('rejects an empty nodes array with an issue at the path "nodes"', () => {
    const issues = issuesOf(workflow([]));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'nodes', kind: 'schema' });
  });

  it.each([
    ['null', null],
    ['a string', 'not a workflow'],
    ['a number', 42],
    ['undefined', undefined],
  ])('rejects %s as input with a root-level schema issue', (_label, input) => {
    const issues = issuesOf(input);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toMatchObject({ path: '', kind: 'schema' });
  });

  it('rejects an array as input', () => {
    expect(validateWorkflowDefinitionSafe([]).success).toBe(false);
  });

  it('names the node and field of a schema problem, e.g. nodes[1].type', () => {
    expect(pathsOf(workflow([task('a'), { id: 'b' }]))).toEqual(['nodes[1].type']);
  });

  it('keeps extra keys of nodes and of the workflow, such as a builder position', () => {
    const definition = workflow([{ id: 'a', type: 'task', position: { x: 10, y: 20 } }], {
      ui: { zoom: 2 },
    });
    const result = validateWorkflowDefinition(definition) as WorkflowDefinition & {
      ui?: unknown;
    };
    expect((result.nodes[0] as NodeDefinition & { position?: unknown }).position).toEqual({
      x: 10,
      y: 20,
    });
    expect(result.ui).toEqual({ zoom: 2 });
  });

  it('throws a non-retryable WorkflowValidationError naming the workflow and the path', () => {
    const error = thrownBy(() => validateWorkflowDefinition(workflow([])));
    expect(error).toBeInstanceOf(WorkflowValidationError);
    const validation = error as WorkflowValidationError;
    expect(validation.code).toBe('VALIDATION_ERROR');
    expect(validation.retryable).toBe(false);
    expect(validation.workflowId).toBe('wf');
    expect(validation.issues.map((issue) => issue.path)).toEqual(['nodes']);
    expect(validation.message).toContain('nodes');
  });
});

describe('validateWorkflowDefinitionSafe', () => {
  it('returns success with the data for a valid definition', () => {
    const result = validateWorkflowDefinitionSafe(workflow([task('a')]));
    expect(result.success).toBe(true);
    expect(result.data?.nodes).toHaveLength(1);
    expect(result.errors).toBeUndefined();
  });

  it('returns { success: false, errors } instead of throwing for an invalid definition', () => {
    const result = validateWorkflowDefinitionSafe(
      workflow([task('a', { inputs: ['a'] }), task('a')]),
    );
    expect(result.success).toBe(false);
    expect(result.data).toBeUndefined();
    expect(result.errors?.map((issue) => issue.kind).sort()).toEqual(['cycle', 'duplicate-id']);
  });

  it('refuses a circular input object without throwing (no store could keep it)', () => {
    const node: Record<string, unknown> = { id: 'a', type: 'task' };
    node.config = { self: node };
    const definition: Record<string, unknown> = { id: 'wf', nodes: [node] };
    definition.metadata = { loop: definition };
    expect(() => validateWorkflowDefinitionSafe(definition)).not.toThrow();
    const result = validateWorkflowDefinitionSafe(definition);
    expect(result.success).toBe(false);
    expect(result.errors?.[0]?.message).toContain('circular');
  });

  const anyValue = propertyBudget<[unknown]>({ quick: 150 });
  it(
    'never throws, whatever value it is given',
    () => {
      const nodeLike = fc.record(
        {
          id: fc.oneof(fc.constantFrom('a', 'b', 'c', ''), fc.anything()),
          type: fc.oneof(fc.constantFrom('task', 'delay', 'sub-workflow', 'map'), fc.anything()),
          inputs: fc.oneof(fc.array(fc.constantFrom('a', 'b', 'c', 'x')), fc.anything()),
          outputs: fc.oneof(fc.array(fc.constantFrom('a', 'b', 'c', 'x')), fc.anything()),
          config: fc.oneof(fc.dictionary(fc.string(), fc.anything()), fc.anything()),
          retryPolicy: fc.anything(),
        },
        { requiredKeys: [] },
      );
      const definitionLike = fc.oneof(
        fc.anything(),
        fc.record(
          {
            id: fc.oneof(fc.constant('wf'), fc.anything()),
            nodes: fc.oneof(fc.array(nodeLike, { maxLength: 5 }), fc.anything()),
            entryNodeId: fc.oneof(fc.constantFrom('a', 'b', 'x'), fc.anything()),
          },
          { requiredKeys: [] },
        ),
      );
      fc.assert(
        fc.property(definitionLike, (input) => {
          const result = validateWorkflowDefinitionSafe(input);
          if (result.success) {
            expect(result.data).toBeDefined();
          } else {
            expect(result.errors.length).toBeGreaterThan(0);
            for (const issue of result.errors) expect(typeof issue.path).toBe('string');
          }
        }),
        anyValue.parameters,
      );
    },
    anyValue.timeoutMs,
  );
});

describe('validateWorkflowDefinition: graph references', () => {
  it('reports a duplicate id at the second occurrence', () => {
    const issues = issuesOf(workflow([task('a'), task('b'), task('a')]));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'nodes[2].id', kind: 'duplicate-id' });
    expect(issues[0]?.message).toContain('nodes[0]');
  });

  it('reports an unknown reference in inputs with a path like nodes[3].inputs[0]', () => {
    const issues = issuesOf(
      workflow([task('a'), task('b'), task('c'), task('d', { inputs: ['ghost', 'a'] })]),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'nodes[3].inputs[0]', kind: 'unknown-reference' });
    expect(issues[0]?.message).toContain('ghost');
  });

  it('reports an unknown reference in outputs with its index', () => {
    const issues = issuesOf(workflow([task('a', { outputs: ['b', 'nowhere'] }), task('b')]));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'nodes[0].outputs[1]', kind: 'unknown-reference' });
  });

  it('reports inputs and outputs that disagree where both sides are declared', () => {
    const issues = issuesOf(
      workflow([
        task('a', { outputs: ['b'] }),
        task('b', { inputs: ['c'] }),
        task('c', { outputs: [] }),
      ]),
    );
    expect(issues.map((issue) => [issue.path, issue.kind]).sort()).toEqual([
      ['nodes[1].inputs', 'edge-mismatch'],
      ['nodes[2].outputs', 'edge-mismatch'],
    ]);
  });

  it('derives an edge declared on one side only instead of reporting a mismatch', () => {
    expect(
      validateWorkflowDefinitionSafe(
        workflow([task('a', { outputs: ['b'] }), task('b'), task('c', { inputs: ['b'] })]),
      ).success,
    ).toBe(true);
  });

  it('accepts an entryNodeId that names an entry node', () => {
    expect(
      validateWorkflowDefinitionSafe(
        workflow([task('a'), task('b', { inputs: ['a'] })], { entryNodeId: 'a' }),
      ).success,
    ).toBe(true);
  });

  it('rejects an entryNodeId that names no node', () => {
    const issues = issuesOf(workflow([task('a')], { entryNodeId: 'zzz' }));
    expect(issues).toEqual([expect.objectContaining({ path: 'entryNodeId', kind: 'entry-node' })]);
  });

  it('rejects an entryNodeId that names a node with inputs', () => {
    const issues = issuesOf(
      workflow([task('a', { outputs: ['b'] }), task('b')], { entryNodeId: 'b' }),
    );
    expect(issues).toEqual([expect.objectContaining({ path: 'entryNodeId', kind: 'entry-node' })]);
  });
});

describe('validateWorkflowDefinition: cycles', () => {
  const threeCycle = workflow([
    task('a', { inputs: ['c'] }),
    task('b', { inputs: ['a'] }),
    task('c', { inputs: ['b'] }),
  ]);

  it('rejects a 3-cycle with a CycleDetectedError listing it in edge order from the first node', () => {
    const error = thrownBy(() => validateWorkflowDefinition(threeCycle));
    expect(error).toBeInstanceOf(CycleDetectedError);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    const cycleError = error as CycleDetectedError;
    expect(cycleError.cycle).toEqual(['a', 'b', 'c', 'a']);
    expect(cycleError.code).toBe('CYCLE_DETECTED');
    expect(cycleError.retryable).toBe(false);
    expect(cycleError.issues).toEqual([
      expect.objectContaining({ kind: 'cycle', path: 'nodes[0]', cycle: ['a', 'b', 'c', 'a'] }),
    ]);
  });

  it('starts the cycle at the node defined first even when the cycle is entered elsewhere', () => {
    const error = thrownBy(() =>
      validateWorkflowDefinition(
        workflow([
          task('start', { outputs: ['y'] }),
          task('x', { outputs: ['y'] }),
          task('y', { outputs: ['z'] }),
          task('z', { outputs: ['x'] }),
        ]),
      ),
    ) as CycleDetectedError;
    expect(error.cycle).toEqual(['x', 'y', 'z', 'x']);
  });

  it('rejects a self-loop as a one-node cycle', () => {
    const error = thrownBy(() =>
      validateWorkflowDefinition(workflow([task('a'), task('b', { inputs: ['a', 'b'] })])),
    ) as CycleDetectedError;
    expect(error).toBeInstanceOf(CycleDetectedError);
    expect(error.cycle).toEqual(['b', 'b']);
  });

  it('reports two independent cycles, both found by detectCircularReferences', () => {
    const nodes = [
      task('a', { outputs: ['b'] }),
      task('b', { outputs: ['a'] }),
      task('c', { outputs: ['d'] }),
      task('d', { outputs: ['e'] }),
      task('e', { outputs: ['c'] }),
    ];
    expect(detectCircularReferences({ nodes })).toEqual([
      ['a', 'b', 'a'],
      ['c', 'd', 'e', 'c'],
    ]);
    const cycles = issuesOf(workflow(nodes))
      .filter((issue) => issue.kind === 'cycle')
      .map((issue) => issue.cycle);
    expect(cycles).toEqual([
      ['a', 'b', 'a'],
      ['c', 'd', 'e', 'c'],
    ]);
  });

  it('finds no cycle in a diamond', () => {
    expect(
      detectCircularReferences({
        nodes: [
          task('a', { outputs: ['b', 'c'] }),
          task('b', { outputs: ['d'] }),
          task('c', { outputs: ['d'] }),
          task('d'),
        ],
      }),
    ).toEqual([]);
  });
});

describe('validateWorkflowDefinition: node settings', () => {
  it('rejects a retryPolicy with maxAttempts 0 at its path', () => {
    expect(pathsOf(workflow([task('a', { retryPolicy: { maxAttempts: 0 } })]))).toEqual([
      'nodes[0].retryPolicy.maxAttempts',
    ]);
  });

  it('rejects a retryPolicy with an unknown backoff type at its path', () => {
    const definition = workflow([
      task('a'),
      { id: 'b', type: 'task', retryPolicy: { backoff: { type: 'linear', delay: 100 } } },
    ]);
    expect(pathsOf(definition)).toEqual(['nodes[1].retryPolicy.backoff.type']);
  });

  it('accepts a complete retryPolicy', () => {
    const definition = workflow([
      task('a', {
        retryPolicy: {
          maxAttempts: 5,
          backoff: { type: 'exponential', delay: 100 },
          continueOnFail: true,
        },
      }),
    ]);
    expect(validateWorkflowDefinitionSafe(definition).success).toBe(true);
  });

  it('rejects a non-positive config.timeout', () => {
    expect(pathsOf(workflow([task('a', { config: { timeout: -5 } })]))).toEqual([
      'nodes[0].config.timeout',
    ]);
  });

  it('rejects an unknown node type when isKnownNodeType is given', () => {
    const issues = issuesOf(workflow([task('a'), { id: 'b', type: 'mystery' }]), {
      isKnownNodeType: (type: string) => type === 'task',
    });
    expect(issues).toEqual([
      expect.objectContaining({ path: 'nodes[1].type', kind: 'unknown-node-type' }),
    ]);
    expect(issues[0]?.message).toContain('mystery');
  });

  it('always knows the built-in types, whatever isKnownNodeType says', () => {
    const definition = workflow([
      { id: 'wait', type: 'delay', config: { duration: 10 } },
      { id: 'child', type: 'sub-workflow', config: { workflowId: 'other' } },
      { id: 'each', type: 'map', config: { workflowId: 'other' } },
    ]);
    expect(
      validateWorkflowDefinitionSafe(definition, { isKnownNodeType: () => false }).success,
    ).toBe(true);
    expect(isBuiltInNodeType('delay')).toBe(true);
    expect(isBuiltInNodeType('task')).toBe(false);
  });

  it('accepts any node type when isKnownNodeType is not given', () => {
    expect(validateWorkflowDefinitionSafe(workflow([{ id: 'a', type: 'anything' }])).success).toBe(
      true,
    );
  });
});

describe('validateWorkflowDefinition: built-in node configs', () => {
  const delay = (config: unknown): unknown => workflow([{ id: 'wait', type: 'delay', config }]);

  it('rejects a delay node without any duration', () => {
    expect(pathsOf(workflow([{ id: 'wait', type: 'delay' }]))).toEqual(['nodes[0].config']);
    expect(pathsOf(delay({}))).toEqual(['nodes[0].config']);
  });

  it('rejects a delay node with two duration fields', () => {
    const issues = issuesOf(delay({ duration: 1000, durationSeconds: 1 }));
    expect(issues).toEqual([
      expect.objectContaining({ path: 'nodes[0].config', kind: 'node-config' }),
    ]);
    expect(issues[0]?.message).toContain('exactly one');
  });

  it('rejects a negative delay duration at config.duration', () => {
    expect(pathsOf(delay({ duration: -1 }))).toEqual(['nodes[0].config.duration']);
    expect(pathsOf(delay({ durationSeconds: -1 }))).toEqual(['nodes[0].config.durationSeconds']);
  });

  it('rejects a duration string that does not parse', () => {
    expect(pathsOf(delay({ duration: 'five seconds' }))).toEqual(['nodes[0].config.duration']);
  });

  it('rejects an "until" that is not an ISO date-time', () => {
    expect(pathsOf(delay({ until: 'tomorrow' }))).toEqual(['nodes[0].config.until']);
  });

  it.each([
    ['a duration string "5s"', { duration: '5s' }],
    ['a number of ms', { duration: 250 }],
    ['durationSeconds', { durationSeconds: 2 }],
    ['durationMinutes', { durationMinutes: 1.5 }],
    ['an ISO "until"', { until: '2030-01-02T03:04:05.000Z' }],
    ['an ISO "until" with an offset', { until: '2030-01-02T03:04:05+02:00' }],
  ])('accepts a delay node with %s', (_label, config) => {
    expect(validateWorkflowDefinitionSafe(delay(config)).success).toBe(true);
  });

  it('rejects a sub-workflow node without workflowId', () => {
    const issues = issuesOf(
      workflow([{ id: 'child', type: 'sub-workflow', config: { inputMapping: { a: 'b' } } }]),
    );
    expect(issues).toEqual([
      expect.objectContaining({ path: 'nodes[0].config.workflowId', kind: 'node-config' }),
    ]);
  });

  it('rejects a sub-workflow node without any config', () => {
    expect(pathsOf(workflow([{ id: 'child', type: 'sub-workflow' }]))).toEqual([
      'nodes[0].config.workflowId',
    ]);
  });

  it('rejects a sub-workflow mapping with an empty path', () => {
    expect(
      pathsOf(
        workflow([
          {
            id: 'child',
            type: 'sub-workflow',
            config: { workflowId: 'w', outputMapping: { a: '' } },
          },
        ]),
      ),
    ).toEqual(['nodes[0].config.outputMapping.a']);
  });

  it('rejects a map node without workflowId or with a zero concurrency', () => {
    expect(pathsOf(workflow([{ id: 'each', type: 'map', config: { itemsPath: 'x' } }]))).toEqual([
      'nodes[0].config.workflowId',
    ]);
    expect(
      pathsOf(workflow([{ id: 'each', type: 'map', config: { workflowId: 'w', concurrency: 0 } }])),
    ).toEqual(['nodes[0].config.concurrency']);
  });

  it('accepts a complete map node', () => {
    const definition = workflow([
      {
        id: 'each',
        type: 'map',
        config: { workflowId: 'w', itemsPath: 'items', concurrency: 4, continueOnFail: true },
      },
    ]);
    expect(validateWorkflowDefinitionSafe(definition).success).toBe(true);
  });

  it('lists every problem of a definition, not only the first', () => {
    const paths = pathsOf(
      workflow([
        { id: 'wait', type: 'delay', config: {} },
        task('b', { inputs: ['ghost'] }),
        task('b'),
      ]),
    );
    expect(paths.sort()).toEqual(['nodes[0].config', 'nodes[1].inputs[0]', 'nodes[2].id']);
  });
});

describe('validateWorkflowDefinition: checkNodeConfig', () => {
  const nodes = [
    { id: 'a', type: 'pick', config: { expression: '1 +' }, outputs: ['b'] },
    { id: 'b', type: 'task', inputs: ['a'] },
    { id: 'c', type: 'delay', config: { duration: 5 } },
  ];

  it('reports the check issues at nodes[i].config.<path>, with the node children as outputs', () => {
    const seen: Array<{ id: string; outputs: readonly string[] }> = [];
    const issues = issuesOf(workflow(nodes), {
      checkNodeConfig: (node: NodeDefinition, target: { outputs: readonly string[] }) => {
        seen.push({ id: node.id, outputs: target.outputs });
        return node.type === 'pick' ? [{ path: 'expression', message: 'does not parse' }] : [];
      },
    });
    expect(issues).toEqual([
      {
        path: 'nodes[0].config.expression',
        message: 'does not parse',
        kind: 'node-config',
        nodeId: 'a',
      },
    ]);
    // Built-in types (delay) are never handed to the check.
    expect(seen).toEqual([
      { id: 'a', outputs: ['b'] },
      { id: 'b', outputs: [] },
    ]);
  });

  it('turns a check that throws into an issue at the node config', () => {
    const issues = issuesOf(workflow(nodes), {
      checkNodeConfig: (node: NodeDefinition) => {
        if (node.id === 'b') throw new Error('boom');
        return undefined;
      },
    });
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      ['nodes[1].config', 'the config check threw: boom'],
    ]);
  });

  it('turns an async check (a Promise, even a rejected one) into an issue, not a TypeError', () => {
    const issues = issuesOf(workflow(nodes), {
      checkNodeConfig: ((node: NodeDefinition) =>
        node.id === 'a' ? Promise.reject(new Error('late')) : Promise.resolve([])) as never,
    });
    expect(issues.map((issue) => [issue.path, issue.kind])).toEqual([
      ['nodes[0].config', 'node-config'],
      ['nodes[1].config', 'node-config'],
    ]);
    expect(issues[0]?.message).toMatch(/synchronously, not a Promise/);
  });

  it('accepts the definition when the check finds nothing', () => {
    expect(() =>
      validateWorkflowDefinition(workflow(nodes), { checkNodeConfig: () => [] }),
    ).not.toThrow();
  });
});
