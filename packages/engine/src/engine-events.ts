import { EventEmitter } from 'node:events';

/** Every local event a {@link WorkflowEngine} emits, with its payload. */
export interface EngineEventMap {
  /** A new execution was created (a de-duplicated repeat of an earlier call is not). */
  'execution:enqueued': { executionId: string; workflowId: string };
  'execution:started': { executionId: string; workflowId: string };
  'execution:completed': { executionId: string; workflowId: string };
  'execution:failed': { executionId: string; workflowId: string; error: string };
  'execution:paused': { executionId: string; workflowId: string };
  'execution:resumed': { executionId: string; workflowId: string };
  'execution:cancelled': { executionId: string; workflowId: string };
  /**
   * An execution made no progress for longer than its workflow allows (or a node ran far past its
   * timeout); raised once per episode (per process) by `findStuckExecutions` and the periodic check.
   */
  'execution:stuck': {
    executionId: string;
    workflowId: string;
    reason: 'no-progress' | 'node-overdue';
    /** Since when (ms since the epoch) nothing moved. */
    since: number;
    nodeId?: string | undefined;
  };
  /**
   * The recovery sweep found an execution running or pending with no work in the queues and
   * enqueued its ready nodes again.
   */
  'execution:recovered': { executionId: string; workflowId: string; nodeIds: string[] };
  'node:started': {
    executionId: string;
    workflowId: string;
    nodeId: string;
    nodeType: string;
    attempt: number;
    /** How long the node's job waited in the queue before this first attempt, in ms (queued first attempts only). */
    waitMs?: number | undefined;
  };
  'node:completed': {
    executionId: string;
    workflowId: string;
    nodeId: string;
    nodeType: string;
    /** The attempt that succeeded, 1 for the first. */
    attempt: number;
    durationMs: number;
  };
  'node:failed': {
    executionId: string;
    workflowId: string;
    nodeId: string;
    nodeType: string;
    error: string;
    final: boolean;
    /** The last attempt made. */
    attempt: number;
    durationMs: number;
    /** Whether the failure went to the dead-letter queue (false with `continueOnFail`). */
    deadLettered: boolean;
  };
  'node:retrying': {
    executionId: string;
    workflowId: string;
    nodeId: string;
    nodeType: string;
    attempt: number;
    error: string;
  };
  'node:skipped': { executionId: string; workflowId: string; nodeId: string; nodeType: string };
  /** A graceful shutdown began: no new jobs are taken; `activeNodes` run on for up to `timeoutMs`. */
  'shutdown:started': { timeoutMs: number; activeNodes: number };
  /** The shutdown ended: `abandonedNodes` were aborted at the deadline and handed back to the queue. */
  'shutdown:completed': { durationMs: number; abandonedNodes: number };
  /** An error the engine caught outside any node (a lost connection, a store failure). */
  error: { error: Error; context: string };
}

export type EngineEventName = keyof EngineEventMap;

/** The events about one execution (`execution:*` and `node:*`): what the event stream carries. */
export type ExecutionEventName = Extract<EngineEventName, `execution:${string}` | `node:${string}`>;

/** Receives every execution event with its name: what the event stream taps. */
export type EngineEventTap = <E extends ExecutionEventName>(
  event: E,
  payload: EngineEventMap[E],
) => void;

/**
 * A typed event emitter. Events are local to the process that did the work: with several worker
 * processes, each sees its own nodes' events.
 */
export class EngineEvents {
  readonly #emitter = new EventEmitter();
  readonly #taps = new Set<EngineEventTap>();

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

  /** Calls `tap` for every execution event; returns the function that removes it. */
  tap(tap: EngineEventTap): () => void {
    this.#taps.add(tap);
    return () => this.#taps.delete(tap);
  }

  emit<E extends EngineEventName>(event: E, payload: EngineEventMap[E]): void {
    if (event === 'error') {
      if (this.#emitter.listenerCount('error') === 0) return;
    } else if (event.startsWith('execution:') || event.startsWith('node:')) {
      for (const tap of this.#taps) {
        try {
          tap(event as ExecutionEventName, payload as never);
        } catch {
          // a tap's exception must never break the engine
        }
      }
    }
    try {
      this.#emitter.emit(event, payload);
    } catch {
      // a listener's exception must never break the engine
    }
  }

  removeAllListeners(): void {
    this.#emitter.removeAllListeners();
    this.#taps.clear();
  }
}
