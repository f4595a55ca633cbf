import { EventEmitter } from 'node:events';

/** Every local event a {@link WorkflowEngine} emits, with its payload. */
export interface EngineEventMap {
  'execution:started': { executionId: string; workflowId: string };
  'execution:completed': { executionId: string; workflowId: string };
  'execution:failed': { executionId: string; workflowId: string; error: string };
  'execution:paused': { executionId: string; workflowId: string };
  'execution:resumed': { executionId: string; workflowId: string };
  'execution:cancelled': { executionId: string; workflowId: string };
  'node:started': { executionId: string; workflowId: string; nodeId: string; attempt: number };
  'node:completed': { executionId: string; workflowId: string; nodeId: string; durationMs: number };
  'node:failed': {
    executionId: string;
    workflowId: string;
    nodeId: string;
    error: string;
    final: boolean;
  };
  'node:retrying': {
    executionId: string;
    workflowId: string;
    nodeId: string;
    attempt: number;
    error: string;
  };
  'node:skipped': { executionId: string; workflowId: string; nodeId: string };
  /** A graceful shutdown began: no new jobs are taken; `activeNodes` run on for up to `timeoutMs`. */
  'shutdown:started': { timeoutMs: number; activeNodes: number };
  /** The shutdown ended: `abandonedNodes` were aborted at the deadline and handed back to the queue. */
  'shutdown:completed': { durationMs: number; abandonedNodes: number };
  /** An error the engine caught outside any node (a lost connection, a store failure). */
  error: { error: Error; context: string };
}

export type EngineEventName = keyof EngineEventMap;

/**
 * A typed event emitter. Events are local to the process that did the work: with several worker
 * processes, each sees its own nodes' events.
 */
export class EngineEvents {
  readonly #emitter = new EventEmitter();

  constructor() {
    this.#emitter.setMaxListeners(0);
  }

  on<E extends EngineEventName>(
    event: E,
    listener: (payload: EngineEventMap[E]) => void,
  ): () => void {
    this.#emitter.on(event, listener);
    return () => this.#emitter.off(event, listener);
  }

  once<E extends EngineEventName>(
    event: E,
    listener: (payload: EngineEventMap[E]) => void,
  ): () => void {
    this.#emitter.once(event, listener);
    return () => this.#emitter.off(event, listener);
  }

  emit<E extends EngineEventName>(event: E, payload: EngineEventMap[E]): void {
    if (event === 'error' && this.#emitter.listenerCount('error') === 0) return;
    try {
      this.#emitter.emit(event, payload);
    } catch {
      // a listener's exception must never break the engine
    }
  }

  removeAllListeners(): void {
    this.#emitter.removeAllListeners();
  }
}
