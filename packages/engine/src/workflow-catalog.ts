import {
  BUILT_IN_NODE_TYPES,
  type CompiledWorkflow,
  compileWorkflow,
  type ExecutionStore,
  type NodeRegistry,
  type WorkflowDefinition,
  WorkflowNotFoundError,
} from '@spane/core';
import { checkCronPattern } from '@spane/queue';
import { LRUCache } from 'lru-cache';

/** A compiled workflow pinned to its stored version. */
export interface VersionedWorkflow {
  version: number;
  graph: CompiledWorkflow;
}

/**
 * Registered workflows: validates and stores definitions (a changed definition makes a new
 * version), and keeps compiled graphs cached per version so each is compiled once per process.
 */
export class WorkflowCatalog {
  readonly #store: ExecutionStore;
  readonly #registry: NodeRegistry;
  readonly #compiled: LRUCache<string, VersionedWorkflow>;
  readonly #latest = new Map<string, VersionedWorkflow>();

  constructor(options: { store: ExecutionStore; registry: NodeRegistry; cacheSize: number }) {
    this.#store = options.store;
    this.#registry = options.registry;
    this.#compiled = new LRUCache({ max: options.cacheSize });
  }

  /** Validates, stores and compiles a definition; returns its version. */
  async register(definition: WorkflowDefinition): Promise<VersionedWorkflow> {
    const graph = this.#compile(definition);
    const { version } = await this.#store.saveWorkflow(graph.definition as WorkflowDefinition);
    const entry = { version, graph };
    // The validated copy's id: the definition given may be anything (even a proxy).
    this.#compiled.set(`${graph.workflowId}@${version}`, entry);
    this.#latest.set(graph.workflowId, entry);
    return entry;
  }

  /** The latest definition registered in this process, if any. */
  latestLocal(workflowId: string): VersionedWorkflow | undefined {
    return this.#latest.get(workflowId);
  }

  /** The latest version: registered here, or else the store's. */
  async latest(workflowId: string): Promise<VersionedWorkflow> {
    const local = this.#latest.get(workflowId);
    if (local) return local;
    const stored = await this.#store.getWorkflow(workflowId);
    if (!stored) throw new WorkflowNotFoundError(workflowId);
    // A stored version never changes: compile it once.
    const key = `${workflowId}@${stored.version}`;
    const cached = this.#compiled.get(key);
    if (cached) return cached;
    const entry = { version: stored.version, graph: this.#compile(stored.definition) };
    this.#compiled.set(key, entry);
    return entry;
  }

  /** A given version, compiled once and cached. */
  async version(workflowId: string, version: number): Promise<VersionedWorkflow> {
    const key = `${workflowId}@${version}`;
    const cached = this.#compiled.get(key);
    if (cached) return cached;
    const stored = await this.#store.getWorkflow(workflowId, version);
    if (!stored) throw new WorkflowNotFoundError(workflowId, version);
    const entry = { version, graph: this.#compile(stored.definition) };
    this.#compiled.set(key, entry);
    return entry;
  }

  #compile(definition: unknown): CompiledWorkflow {
    return compileWorkflow(definition, {
      isKnownNodeType: (type) => this.#registry.has(type) || BUILT_IN_NODE_TYPES.includes(type),
      checkCron: checkCronPattern,
      // The executor's own config check (compiled expressions, branch targets), once per version.
      checkNodeConfig: (node, target) =>
        this.#registry.get(node.type)?.validateConfig?.(node.config ?? {}, target),
    });
  }
}
