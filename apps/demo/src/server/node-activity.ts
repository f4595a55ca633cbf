import type { WorkflowEngine } from '@spane/engine';

/** A node an executor is working on in this process right now. */
export interface ActiveNode {
  attempt: number;
  startedAt: number;
}

/**
 * Which nodes this process's workers are running, from the engine's local events. The store keeps
 * results, not "started", so the run view asks here to show a node as running with its attempt.
 */
export class NodeActivity {
  readonly #active = new Map<string, Map<string, ActiveNode>>();
  readonly #unsubscribe: Array<() => void> = [];

  constructor(engine: WorkflowEngine) {
    const end = ({ executionId, nodeId }: { executionId: string; nodeId: string }) =>
      this.#end(executionId, nodeId);
    const drop = ({ executionId }: { executionId: string }) => this.#active.delete(executionId);
    this.#unsubscribe.push(
      engine.on('node:started', ({ executionId, nodeId, attempt }) => {
        let nodes = this.#active.get(executionId);
        if (!nodes) {
          nodes = new Map();
          this.#active.set(executionId, nodes);
        }
        nodes.set(nodeId, { attempt, startedAt: Date.now() });
      }),
      engine.on('node:completed', end),
      engine.on('node:skipped', end),
      engine.on('node:failed', (event) => {
        if (event.final) end(event);
      }),
      engine.on('execution:completed', drop),
      engine.on('execution:failed', drop),
      engine.on('execution:cancelled', drop),
    );
  }

  /** The nodes of an execution running here now, by id. */
  of(executionId: string): ReadonlyMap<string, ActiveNode> {
    return this.#active.get(executionId) ?? new Map();
  }

  /** Stops listening. */
  close(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#active.clear();
  }

  #end(executionId: string, nodeId: string): void {
    const nodes = this.#active.get(executionId);
    nodes?.delete(nodeId);
    if (nodes?.size === 0) this.#active.delete(executionId);
  }
}
