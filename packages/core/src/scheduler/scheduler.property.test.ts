/**
 * Property tests of the scheduling rules on random DAGs: a compiled graph driven through an
 * `ExecutionLedger` in a random completion order, with random branching, skips, continueOnFail
 * failures, redeliveries and pauses, checked against rules computed independently from the stored
 * results.
 */
import { propertyBudget } from '@spane/test-support/property';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompiledWorkflow, compileWorkflow } from '../dag/compile-workflow.ts';
import type { ExecutionResult } from '../model/execution.ts';
import { errorResult, skippedResult, successResult } from '../model/results.ts';
import type { NodeDefinition } from '../model/workflow-definition.ts';
import type { NodeOutcomeCommitResult } from '../ports/execution-store.ts';
import { isEdgeActive, resolveNodeEdges } from './edge-activation.ts';
import { ExecutionLedger } from './execution-ledger.ts';
import { assembleNodeInput } from './node-input.ts';
import { findRunnableNodes } from './runnable-nodes.ts';

type Side = 'inputs' | 'outputs' | 'both';

interface NodeSpec {
  /** Raw picks; parent k of node j is `j - 1 - (pick % min(j, window))`. */
  picks: number[];
  sides: Side[];
  emptyInputs: boolean;
  emptyOutputs: boolean;
}

interface DagSpec {
  window: number;
  nodes: NodeSpec[];
  shuffle: boolean;
  seed: number;
}

interface Dag {
  ids: string[];
  /** Expected parents per id (a set: declaration order does not matter). */
  parents: Map<string, Set<string>>;
  children: Map<string, Set<string>>;
  definition: { id: string; nodes: NodeDefinition[] };
}

const dagSpec: fc.Arbitrary<DagSpec> = fc
  .record({
    size: fc.integer({ min: 1, max: 200 }),
    maxParents: fc.integer({ min: 0, max: 8 }),
    window: fc.integer({ min: 1, max: 200 }),
    shuffle: fc.boolean(),
    seed: fc.integer(),
  })
  .chain(({ size, maxParents, window, shuffle, seed }) =>
    fc.record({
      window: fc.constant(window),
      shuffle: fc.constant(shuffle),
      seed: fc.constant(seed),
      nodes: fc.array(
        fc.record({
          picks: fc.array(fc.nat(), { maxLength: maxParents }),
          sides: fc.array(fc.constantFrom<Side>('inputs', 'outputs', 'both'), {
            minLength: maxParents,
            maxLength: maxParents,
          }),
          emptyInputs: fc.boolean(),
          emptyOutputs: fc.boolean(),
        }),
        { minLength: size, maxLength: size },
      ),
    }),
  );

/** A small deterministic PRNG (mulberry32), so a failing seed replays the same simulation. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds the definition: edges only from lower to higher index, each declared on the child's
 * `inputs`, the parent's `outputs`, or both; where both ends declare a list, the edge is in both.
 */
function buildDag(spec: DagSpec): Dag {
  const size = spec.nodes.length;
  const ids = spec.nodes.map((_, i) => `n${i}`);
  const edges: Array<{ parent: number; child: number; side: Side }> = [];
  const parents = new Map(ids.map((id) => [id, new Set<string>()]));
  const children = new Map(ids.map((id) => [id, new Set<string>()]));
  spec.nodes.forEach((node, j) => {
    if (j === 0) return;
    const seen = new Set<number>();
    node.picks.forEach((pick, k) => {
      const parent = j - 1 - (pick % Math.min(j, spec.window));
      if (seen.has(parent)) return;
      seen.add(parent);
      edges.push({ parent, child: j, side: node.sides[k] as Side });
      parents.get(ids[j] as string)?.add(ids[parent] as string);
      children.get(ids[parent] as string)?.add(ids[j] as string);
    });
  });
  const declaresInputs = new Array<boolean>(size).fill(false);
  const declaresOutputs = new Array<boolean>(size).fill(false);
  for (const edge of edges) {
    if (edge.side !== 'outputs') declaresInputs[edge.child] = true;
    if (edge.side !== 'inputs') declaresOutputs[edge.parent] = true;
  }
  const inputs: Array<string[] | undefined> = ids.map((_, i) =>
    declaresInputs[i] ||
    (spec.nodes[i]?.emptyInputs && (parents.get(ids[i] as string)?.size ?? 0) === 0)
      ? []
      : undefined,
  );
  const outputs: Array<string[] | undefined> = ids.map((_, i) =>
    declaresOutputs[i] ||
    (spec.nodes[i]?.emptyOutputs && (children.get(ids[i] as string)?.size ?? 0) === 0)
      ? []
      : undefined,
  );
  for (const edge of edges) {
    inputs[edge.child]?.push(ids[edge.parent] as string);
    outputs[edge.parent]?.push(ids[edge.child] as string);
  }
  const nodes: NodeDefinition[] = ids.map((id, i) => {
    const node: NodeDefinition = { id, type: 'task' };
    const nodeInputs = inputs[i];
    const nodeOutputs = outputs[i];
    // Declare in reverse order now and then: the compiled lists follow definition order anyway.
    if (nodeInputs !== undefined) node.inputs = i % 2 === 0 ? nodeInputs.reverse() : nodeInputs;
    if (nodeOutputs !== undefined) node.outputs = nodeOutputs;
    return node;
  });
  if (spec.shuffle) {
    const random = createRandom(spec.seed ^ 0x5f3759df);
    for (let i = nodes.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [nodes[i], nodes[j]] = [nodes[j] as NodeDefinition, nodes[i] as NodeDefinition];
    }
  }
  return { ids, parents, children, definition: { id: 'random-dag', nodes } };
}

function edgeIsActiveIndependently(result: ExecutionResult, child: string): boolean {
  if (!result.success) return true;
  if (result.skipped) return false;
  return result.nextNodes === undefined || result.nextNodes.includes(child);
}

/** The data-passing rule of the design, computed from the stored results without the scheduler. */
function expectedInput(
  graph: CompiledWorkflow,
  results: ReadonlyMap<string, ExecutionResult>,
  nodeId: string,
  initialData: unknown,
): unknown {
  const parents = graph.parents.get(nodeId) ?? [];
  if (parents.length === 0) return initialData;
  // The shape follows the definition: one parent gives its data, several give an object keyed by
  // the parents that completed with an active edge, whichever branches ran.
  if (parents.length === 1) return results.get(parents[0] as string)?.data;
  const merged: Record<string, unknown> = {};
  for (const parent of parents) {
    const result = results.get(parent) as ExecutionResult;
    if (!edgeIsActiveIndependently(result, nodeId)) continue;
    if (result.success && !result.skipped) merged[parent] = result.data;
  }
  return merged;
}

function randomSubset<T>(items: readonly T[], random: () => number): T[] {
  return items.filter(() => random() < 0.5);
}

interface SimulationOptions {
  /** Fail, without continueOnFail, the node run at this step (0-based). */
  failAtStep?: number | undefined;
}

interface SimulationReport {
  steps: number;
  completions: number;
  failures: number;
  failedNode: string | undefined;
  ledger: ExecutionLedger;
  propagatedSkips: Set<string>;
  firstWrites: Map<string, number>;
}

/**
 * Drives one execution through the ledger in a random order and checks every commit as it goes.
 * Throws (through `expect`) on the first broken rule.
 */
function simulate(
  graph: CompiledWorkflow,
  seed: number,
  options: SimulationOptions = {},
): SimulationReport {
  const random = createRandom(seed);
  const pick = (n: number): number => Math.floor(random() * n);
  const initialData = { initial: seed };
  const ledger = new ExecutionLedger();
  const pool: string[] = [];
  const inPool = new Set<string>();
  const everReady = new Set<string>();
  const heldFirst = new Set<string>();
  const propagatedSkips = new Set<string>();
  const firstWrites = new Map<string, number>();
  const committed: string[] = [];
  const pauseRate = random() * 0.1;
  const redeliveryRate = random() * 0.3;
  const skipRate = random() * 0.3;
  const softFailRate = random() * 0.3;
  const branchRate = random();
  let completions = 0;
  let failures = 0;
  let failedNode: string | undefined;
  let steps = 0;

  const commitWith = (
    nodeId: string,
    result: ExecutionResult,
    continueOnFail: boolean,
  ): NodeOutcomeCommitResult => {
    const resolution = resolveNodeEdges(graph, nodeId, result, { continueOnFail });
    if (resolution.kind === 'failed') {
      return ledger.commit({
        executionId: 'exec',
        nodeId,
        result,
        resolution: 'failed',
        edges: [],
        totalNodes: graph.size,
        error: result.error,
      });
    }
    const active = new Set(resolution.active);
    expect(new Set([...resolution.active, ...resolution.inactive])).toEqual(
      new Set(graph.children.get(nodeId)),
    );
    return ledger.commit({
      executionId: 'exec',
      nodeId,
      result,
      resolution: 'resolved',
      edges: (graph.children.get(nodeId) ?? []).map((child) => ({
        child,
        active: active.has(child),
        parentCount: graph.parents.get(child)?.length ?? 0,
      })),
      totalNodes: graph.size,
    });
  };

  const allParentsResolved = (nodeId: string): boolean =>
    (graph.parents.get(nodeId) ?? []).every((parent) => ledger.results.has(parent));
  const anyParentActive = (nodeId: string): boolean =>
    (graph.parents.get(nodeId) ?? []).some((parent) =>
      isEdgeActive(ledger.results.get(parent) as ExecutionResult, nodeId),
    );

  const checkInput = (nodeId: string): void => {
    const parentResults = Object.fromEntries(
      (graph.parents.get(nodeId) ?? []).map((parent) => [parent, ledger.results.get(parent)]),
    ) as Record<string, ExecutionResult>;
    const input = assembleNodeInput(graph, nodeId, { initialData, parentResults });
    expect(input).toStrictEqual(expectedInput(graph, ledger.results, nodeId, initialData));
    // A join's input has one shape whichever branches ran: an object keyed by parent ids.
    const parents = graph.parents.get(nodeId) ?? [];
    if (parents.length > 1) {
      expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
      for (const key of Object.keys(input as object)) expect(parents).toContain(key);
    }
  };

  const addToPool = (nodeId: string): void => {
    checkInput(nodeId);
    pool.push(nodeId);
    inPool.add(nodeId);
  };

  /** A node newly reported ready (or held): it must be due, and reported only once. */
  const becameDue = (nodeId: string): void => {
    expect(ledger.results.has(nodeId)).toBe(false);
    expect(allParentsResolved(nodeId)).toBe(true);
    expect(anyParentActive(nodeId)).toBe(true);
    expect(everReady.has(nodeId)).toBe(false);
    everReady.add(nodeId);
  };

  const recordFirstWrite = (nodeId: string, outcome: NodeOutcomeCommitResult): void => {
    expect(outcome.firstWrite).toBe(true);
    firstWrites.set(nodeId, (firstWrites.get(nodeId) ?? 0) + 1);
    committed.push(nodeId);
    if (outcome.transitioned === 'completed') {
      completions += 1;
      expect(ledger.results.size).toBe(graph.size);
      expect(ledger.resolvedCount).toBe(graph.size);
      expect(pool).toEqual([]);
    } else if (outcome.transitioned === 'failed') {
      failures += 1;
    } else if (outcome.status === 'running' || outcome.status === 'paused') {
      expect(ledger.resolvedCount).toBeLessThan(graph.size);
    }
  };

  /** Applies what a first-write commit reported: ready, held, and skips (iteratively). */
  const handleOutcome = (outcome: NodeOutcomeCommitResult): void => {
    const skipQueue: string[] = [];
    let current: NodeOutcomeCommitResult | undefined = outcome;
    while (current !== undefined) {
      if (failedNode !== undefined) {
        expect(current.ready).toEqual([]);
        expect(current.skipped).toEqual([]);
        expect(current.held).toEqual([]);
      }
      if (current.status === 'paused') expect(current.ready).toEqual([]);
      for (const id of current.ready) {
        becameDue(id);
        addToPool(id);
      }
      for (const id of current.held) {
        becameDue(id);
        heldFirst.add(id);
      }
      for (const id of current.held) expect(ledger.held.has(id)).toBe(true);
      for (const id of current.skipped) {
        expect(ledger.results.has(id)).toBe(false);
        expect(allParentsResolved(id)).toBe(true);
        expect(anyParentActive(id)).toBe(false);
        expect(propagatedSkips.has(id)).toBe(false);
        propagatedSkips.add(id);
        skipQueue.push(id);
      }
      const next = skipQueue.shift();
      if (next === undefined) {
        current = undefined;
      } else {
        current = commitWith(next, skippedResult('no active incoming edge'), false);
        recordFirstWrite(next, current);
      }
    }
  };

  const randomResult = (
    nodeId: string,
  ): { result: ExecutionResult; continueOnFail: boolean; kind: string } => {
    const children = graph.children.get(nodeId) ?? [];
    const data = random() < 0.1 ? undefined : { from: nodeId, n: pick(1000) };
    const roll = random();
    if (roll < skipRate) return { result: skippedResult(), continueOnFail: false, kind: 'skip' };
    if (roll < skipRate + softFailRate)
      return { result: errorResult('flaky', data), continueOnFail: true, kind: 'soft-fail' };
    if (children.length > 0 && random() < branchRate) {
      return {
        result: successResult(data, { nextNodes: randomSubset(children, random) }),
        continueOnFail: false,
        kind: 'branch',
      };
    }
    return { result: successResult(data), continueOnFail: false, kind: 'success' };
  };

  /** Re-commits a node that already has a result, as a redelivered job would. */
  const redeliver = (): void => {
    const nodeId = committed[pick(committed.length)] as string;
    const before = {
      status: ledger.status,
      resolvedCount: ledger.resolvedCount,
      results: new Map(ledger.results),
      progress: new Map([...ledger.progress].map(([id, counters]) => [id, { ...counters }])),
      held: new Set(ledger.held),
      failedNodes: new Set(ledger.failedNodes),
    };
    const live = ledger.status === 'running' || ledger.status === 'paused';
    const dueChildren = (graph.children.get(nodeId) ?? []).filter(
      (child) => !ledger.results.has(child) && allParentsResolved(child),
    );
    const expectedReady = ledger.failedNodes.has(nodeId)
      ? []
      : dueChildren.filter((child) => anyParentActive(child));
    const { result, continueOnFail } = randomResult(nodeId);
    const outcome = commitWith(nodeId, result, continueOnFail);
    expect(outcome.firstWrite).toBe(false);
    expect(outcome.transitioned).toBeUndefined();
    expect(outcome.status).toBe(before.status);
    expect(outcome.skipped).toEqual([]);
    if (!live) {
      expect(outcome.ready).toEqual([]);
      expect(outcome.held).toEqual([]);
    } else if (before.status === 'paused') {
      expect(outcome.ready).toEqual([]);
      expect(outcome.held).toEqual(expectedReady);
    } else {
      expect(outcome.ready).toEqual(expectedReady);
      expect(outcome.held).toEqual([]);
      for (const id of outcome.ready) expect(inPool.has(id) || heldFirst.has(id)).toBe(true);
    }
    expect(ledger.status).toBe(before.status);
    expect(ledger.resolvedCount).toBe(before.resolvedCount);
    expect(ledger.results.size).toBe(before.results.size);
    for (const [id, stored] of before.results) expect(ledger.results.get(id)).toBe(stored);
    expect(new Map(ledger.progress)).toEqual(before.progress);
    expect(new Set(ledger.failedNodes)).toEqual(before.failedNodes);
    expect(new Set(ledger.held)).toEqual(new Set([...before.held, ...outcome.held]));
  };

  const resume = (): void => {
    const heldBefore = new Set(ledger.held);
    const resumed = ledger.resume();
    expect(resumed.changed).toBe(true);
    expect(new Set(resumed.held)).toEqual(heldBefore);
    for (const id of heldFirst) expect(heldBefore.has(id)).toBe(true);
    expect(ledger.held.size).toBe(0);
    for (const id of resumed.held) {
      // A redelivery while paused can hold a node that was already enqueued: the engine's
      // deterministic job id dedupes it; here the pool does.
      if (inPool.has(id) || ledger.results.has(id)) continue;
      expect(heldFirst.has(id)).toBe(true);
      addToPool(id);
    }
    heldFirst.clear();
    expect(ledger.resume().changed).toBe(false);
  };

  // Start: the entry nodes get the initial data.
  for (const id of graph.entryNodes) {
    expect(graph.parents.get(id)).toEqual([]);
    everReady.add(id);
    addToPool(id);
  }

  while (pool.length > 0 || ledger.status === 'paused') {
    if (ledger.status === 'running' && random() < pauseRate) {
      expect(ledger.setStatus('paused').changed).toBe(true);
    } else if (ledger.status === 'paused' && (pool.length === 0 || random() < 0.25)) {
      resume();
      continue;
    }
    if (pool.length === 0) continue;
    const index = pick(pool.length);
    const nodeId = pool[index] as string;
    pool[index] = pool[pool.length - 1] as string;
    pool.pop();
    inPool.delete(nodeId);
    expect(allParentsResolved(nodeId)).toBe(true);

    const failHere = options.failAtStep === steps;
    steps += 1;
    const { result, continueOnFail } = failHere
      ? { result: errorResult('fatal'), continueOnFail: false }
      : randomResult(nodeId);
    const outcome = commitWith(nodeId, result, continueOnFail);
    recordFirstWrite(nodeId, outcome);
    if (failHere) {
      expect(outcome.transitioned).toBe('failed');
      expect(ledger.status).toBe('failed');
      expect(ledger.failedNodes.has(nodeId)).toBe(true);
      failedNode = nodeId;
    }
    handleOutcome(outcome);
    if (committed.length > 0 && random() < redeliveryRate) redeliver();
  }

  return {
    steps,
    completions,
    failures,
    failedNode,
    ledger,
    propagatedSkips,
    firstWrites,
  };
}

function descendantsOf(graph: CompiledWorkflow, nodeId: string): Set<string> {
  const found = new Set<string>();
  const stack = [...(graph.children.get(nodeId) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (found.has(id)) continue;
    found.add(id);
    stack.push(...(graph.children.get(id) ?? []));
  }
  return found;
}

describe('scheduler properties on random DAGs', () => {
  const compiling = propertyBudget<[DagSpec]>({ quick: 40 });
  it(
    'compiles edges declared via inputs, outputs or both into the same parents and children',
    () => {
      fc.assert(
        fc.property(dagSpec, (spec) => {
          const dag = buildDag(spec);
          const graph = compileWorkflow(dag.definition);
          expect(graph.size).toBe(dag.ids.length);
          const position = new Map(graph.topologicalOrder.map((id, i) => [id, i]));
          const definitionOrder = new Map(graph.nodeIds.map((id, i) => [id, i]));
          for (const id of dag.ids) {
            const parents = graph.parents.get(id) ?? [];
            expect(new Set(parents)).toEqual(dag.parents.get(id));
            expect(new Set(graph.children.get(id))).toEqual(dag.children.get(id));
            const orders = parents.map((parent) => definitionOrder.get(parent) as number);
            expect(orders).toEqual([...orders].sort((a, b) => a - b));
            for (const parent of parents) {
              expect(position.get(parent)).toBeLessThan(position.get(id) as number);
            }
          }
          expect(new Set(graph.entryNodes)).toEqual(
            new Set(dag.ids.filter((id) => dag.parents.get(id)?.size === 0)),
          );
          expect(new Set(graph.terminalNodes)).toEqual(
            new Set(dag.ids.filter((id) => dag.children.get(id)?.size === 0)),
          );
        }),
        compiling.parameters,
      );
    },
    compiling.timeoutMs,
  );

  const resolving = propertyBudget<[DagSpec]>({ quick: 50 });
  it(
    'resolves every node exactly once, readies and skips by the rules, passes data by the rules and completes once',
    () => {
      fc.assert(
        fc.property(dagSpec, (spec) => {
          const graph = compileWorkflow(buildDag(spec).definition);
          const report = simulate(graph, spec.seed);
          const { ledger } = report;

          expect(report.completions).toBe(1);
          expect(report.failures).toBe(0);
          expect(ledger.status).toBe('completed');
          expect(ledger.resolvedCount).toBe(graph.size);
          expect(ledger.results.size).toBe(graph.size);
          expect(ledger.held.size).toBe(0);
          for (const id of graph.nodeIds) expect(report.firstWrites.get(id)).toBe(1);

          // A node is skipped by propagation iff it has parents and none left an active edge.
          for (const id of graph.nodeIds) {
            const parents = graph.parents.get(id) ?? [];
            const anyActive = parents.some((parent) =>
              isEdgeActive(ledger.results.get(parent) as ExecutionResult, id),
            );
            expect(report.propagatedSkips.has(id)).toBe(parents.length > 0 && !anyActive);
            if (report.propagatedSkips.has(id)) expect(ledger.results.get(id)?.skipped).toBe(true);
          }
          expect(findRunnableNodes(graph, Object.fromEntries(ledger.results))).toEqual([]);

          // Nothing changes after completion, not even through a redelivered commit.
          const last = graph.nodeIds[graph.size - 1] as string;
          const after = ledger.commit({
            executionId: 'exec',
            nodeId: last,
            result: successResult('late'),
            resolution: 'resolved',
            edges: (graph.children.get(last) ?? []).map((child) => ({
              child,
              active: true,
              parentCount: graph.parents.get(child)?.length ?? 0,
            })),
            totalNodes: graph.size,
          });
          expect(after).toMatchObject({
            firstWrite: false,
            ready: [],
            skipped: [],
            status: 'completed',
          });
          expect(after.transitioned).toBeUndefined();
        }),
        resolving.parameters,
      );
    },
    resolving.timeoutMs,
  );

  const failing = propertyBudget<[DagSpec, number]>({ quick: 40 });
  it(
    'after a hard failure, nothing new becomes ready and completion never fires',
    () => {
      fc.assert(
        fc.property(
          dagSpec,
          fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
          (spec, at) => {
            const graph = compileWorkflow(buildDag(spec).definition);
            // A dry run with the same seed counts the steps, so the failing step surely happens: the
            // simulation draws the same numbers up to that step.
            const dry = simulate(graph, spec.seed);
            const failAtStep = Math.floor(at * dry.steps);
            const report = simulate(graph, spec.seed, { failAtStep });
            const { ledger } = report;

            expect(report.failedNode).toBeDefined();
            const failedNode = report.failedNode as string;
            expect(report.failures).toBe(1);
            expect(report.completions).toBe(0);
            expect(ledger.status).toBe('failed');
            expect(ledger.error).toBe('fatal');
            expect([...ledger.failedNodes]).toEqual([failedNode]);
            expect(ledger.resolvedCount).toBeLessThan(graph.size);
            // Nothing downstream of the failed node ever ran.
            for (const id of descendantsOf(graph, failedNode))
              expect(ledger.results.has(id)).toBe(false);
            // The recovery scan does not offer the failed node's subtree either.
            const runnable = findRunnableNodes(graph, Object.fromEntries(ledger.results), {
              failedNodes: ledger.failedNodes,
            });
            for (const id of runnable) expect(descendantsOf(graph, failedNode).has(id)).toBe(false);
            expect(ledger.resume().changed).toBe(false);
            expect(ledger.setStatus('running').changed).toBe(false);
          },
        ),
        failing.parameters,
      );
    },
    failing.timeoutMs,
  );
});
