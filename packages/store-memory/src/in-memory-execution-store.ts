import { randomUUID } from 'node:crypto';
import {
  DEFAULT_MAX_LOGS_PER_EXECUTION,
  DEFAULT_MAX_SPANS_PER_EXECUTION,
  type ExecutionLogEntry,
  ExecutionNotFoundError,
  type ExecutionPage,
  type ExecutionQuery,
  type ExecutionResult,
  type ExecutionSpan,
  type ExecutionState,
  type ExecutionStatus,
  type ExecutionStore,
  type ExecutionSummary,
  isTerminalStatus,
  PayloadNotFoundError,
  type StoredWorkflow,
  setOwn,
  VersionConflictError,
  type WorkflowDefinition,
} from '@spane/core';
import {
  type CreateExecutionInput,
  ExecutionLedger,
  type NodeOutcomeCommit,
  type NodeOutcomeCommitResult,
  type SetStatusOptions,
  type StatusChange,
} from '@spane/core/store';
import { LRUCache } from 'lru-cache';
import type { InMemoryStoreOptions } from './memory-store-options.ts';
import { assertStorableMetadata } from './metadata-text.ts';
import { decodeCursor, encodeCursor } from './page-cursor.ts';

interface Entry {
  seq: number;
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  initialData: unknown;
  parentExecutionId: string | undefined;
  parentNodeId: string | undefined;
  depth: number;
  metadata: Record<string, unknown>;
  idempotencyKey: string | undefined;
  version: number;
  startedAt: Date;
  updatedAt: Date;
  completedAt: Date | undefined;
  ledger: ExecutionLedger;
  logs: ExecutionLogEntry[];
  spans: Map<string, ExecutionSpan>;
  payloads: Map<string, unknown>;
}

const clone = <T>(value: T): T => (value === undefined ? value : structuredClone(value));

/**
 * An {@link ExecutionStore} in process memory: fast, and gone when the process exits. Use it for
 * development, tests and single-process deployments; every worker that shares executions must
 * share the store, so multi-process setups need `@spane/store-postgres`.
 *
 * Finished executions expire after `ttl` and the least recently used go beyond `maxSize`; an
 * execution still running, paused or pending is never evicted, so no work is lost to a full cache.
 *
 * ```ts
 * const store = new InMemoryExecutionStore({ ttl: 3_600_000, maxSize: 1000 });
 * ```
 */
export class InMemoryExecutionStore implements ExecutionStore {
  readonly #live = new Map<string, Entry>();
  readonly #finished: LRUCache<string, Entry>;
  readonly #byKey = new Map<string, string>();
  readonly #workflows = new Map<string, StoredWorkflow[]>();
  readonly #payloadOwner = new Map<string, string>();
  readonly #maxLogs: number;
  readonly #maxSpans: number;
  readonly #timer: ReturnType<typeof setInterval>;
  #seq = 0;

  constructor(options: InMemoryStoreOptions = {}) {
    this.#maxLogs = options.maxLogsPerExecution ?? DEFAULT_MAX_LOGS_PER_EXECUTION;
    this.#maxSpans = options.maxSpansPerExecution ?? DEFAULT_MAX_SPANS_PER_EXECUTION;
    this.#finished = new LRUCache<string, Entry>({
      max: options.maxSize ?? 1000,
      ttl: options.ttl ?? 3_600_000,
      dispose: (entry, _key, reason) => {
        if (reason !== 'set') this.#forget(entry);
      },
    });
    this.#timer = setInterval(
      () => this.#finished.purgeStale(),
      options.cleanupInterval ?? 300_000,
    );
    this.#timer.unref();
  }

  /** How many executions are held: `live` ones are never evicted. */
  stats(): { live: number; finished: number } {
    return { live: this.#live.size, finished: this.#finished.size };
  }

  /** Sweeps expired finished executions now (the timer does it every `cleanupInterval`). */
  purgeExpired(): void {
    this.#finished.purgeStale();
  }

  async saveWorkflow(
    definition: WorkflowDefinition,
  ): Promise<{ version: number; created: boolean }> {
    const versions = this.#workflows.get(definition.id) ?? [];
    const latest = versions[versions.length - 1];
    if (latest && JSON.stringify(latest.definition) === JSON.stringify(definition)) {
      return { version: latest.version, created: false };
    }
    const version = (latest?.version ?? 0) + 1;
    versions.push({
      workflowId: definition.id,
      version,
      definition: clone(definition),
      createdAt: new Date(),
    });
    this.#workflows.set(definition.id, versions);
    return { version, created: true };
  }

  async getWorkflow(workflowId: string, version?: number): Promise<StoredWorkflow | null> {
    const versions = this.#workflows.get(workflowId) ?? [];
    const found =
      version === undefined
        ? versions[versions.length - 1]
        : versions.find((w) => w.version === version);
    return found ? clone(found) : null;
  }

  async listWorkflows(): Promise<StoredWorkflow[]> {
    return [...this.#workflows.values()].map((versions) =>
      clone(versions[versions.length - 1] as StoredWorkflow),
    );
  }

  async createExecution(
    input: CreateExecutionInput,
  ): Promise<{ execution: ExecutionState; created: boolean }> {
    assertStorableMetadata(input.metadata);
    if (input.idempotencyKey !== undefined) {
      const existingId = this.#byKey.get(input.idempotencyKey);
      const existing = existingId === undefined ? undefined : this.#peek(existingId);
      if (existing) return { execution: this.#state(existing), created: false };
    }
    const executionId = input.executionId ?? randomUUID();
    const found = this.#peek(executionId);
    if (found) return { execution: this.#state(found), created: false };
    const now = new Date();
    const entry: Entry = {
      seq: ++this.#seq,
      executionId,
      workflowId: input.workflowId,
      workflowVersion: input.workflowVersion,
      initialData: clone(input.initialData),
      parentExecutionId: input.parentExecutionId,
      parentNodeId: input.parentNodeId,
      depth: input.depth ?? 0,
      metadata: clone(input.metadata ?? {}),
      idempotencyKey: input.idempotencyKey,
      version: 1,
      startedAt: now,
      updatedAt: now,
      completedAt: undefined,
      ledger: new ExecutionLedger(input.status ?? 'running'),
      logs: [],
      spans: new Map(),
      payloads: new Map(),
    };
    this.#live.set(executionId, entry);
    if (input.idempotencyKey !== undefined) this.#byKey.set(input.idempotencyKey, executionId);
    return { execution: this.#state(entry), created: true };
  }

  async getExecution(
    executionId: string,
    options: { nodeIds?: readonly string[] | undefined } = {},
  ): Promise<ExecutionState | null> {
    const entry = this.#get(executionId);
    return entry ? this.#state(entry, options.nodeIds) : null;
  }

  async setExecutionStatus(
    executionId: string,
    status: ExecutionStatus,
    options: SetStatusOptions = {},
  ): Promise<StatusChange> {
    const entry = this.#require(executionId);
    this.#checkVersion(entry, options.expectedVersion);
    const change = entry.ledger.setStatus(status, options.from);
    if (change.changed) {
      if (status === 'failed' && options.error !== undefined) entry.ledger.error = options.error;
      this.#touch(entry);
    }
    return change;
  }

  async updateExecutionMetadata(
    executionId: string,
    patch: Record<string, unknown>,
    options: { expectedVersion?: number | undefined } = {},
  ): Promise<ExecutionSummary> {
    const entry = this.#require(executionId);
    this.#checkVersion(entry, options.expectedVersion);
    assertStorableMetadata(patch);
    entry.metadata = { ...entry.metadata, ...clone(patch) };
    this.#touch(entry);
    return this.#summary(entry);
  }

  async updateNodeResult(
    executionId: string,
    nodeId: string,
    result: ExecutionResult,
  ): Promise<boolean> {
    const entry = this.#require(executionId);
    if (entry.ledger.results.has(nodeId)) return false;
    entry.ledger.results.set(nodeId, clone(result));
    this.#touch(entry);
    return true;
  }

  async getNodeResults(
    executionId: string,
    nodeIds: readonly string[],
  ): Promise<Record<string, ExecutionResult>> {
    const entry = this.#require(executionId);
    return this.#results(entry, nodeIds);
  }

  async commitNodeOutcome(commit: NodeOutcomeCommit): Promise<NodeOutcomeCommitResult> {
    const entry = this.#require(commit.executionId);
    const outcome = entry.ledger.commit({ ...commit, result: clone(commit.result) });
    if (outcome.firstWrite || outcome.transitioned) this.#touch(entry);
    return outcome;
  }

  async holdNodes(executionId: string, nodeIds: readonly string[]): Promise<boolean> {
    return this.#require(executionId).ledger.hold(nodeIds);
  }

  async resumeExecution(
    executionId: string,
  ): Promise<{ changed: boolean; status: ExecutionStatus; held: string[] }> {
    const entry = this.#require(executionId);
    const outcome = entry.ledger.resume();
    if (outcome.changed) this.#touch(entry);
    return outcome;
  }

  async reopenNode(executionId: string, nodeId: string): Promise<boolean> {
    const entry = this.#get(executionId);
    if (!entry?.ledger.reopen(nodeId)) return false;
    entry.completedAt = undefined;
    this.#finished.delete(executionId);
    this.#live.set(executionId, entry);
    this.#touch(entry);
    return true;
  }

  async listExecutions(query: ExecutionQuery = {}): Promise<ExecutionPage> {
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 1000);
    const statuses =
      query.status === undefined ? undefined : ([] as ExecutionStatus[]).concat(query.status);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const matches = [...this.#live.values(), ...this.#finished.values()]
      .filter(
        (e) =>
          (query.workflowId === undefined || e.workflowId === query.workflowId) &&
          (statuses === undefined || statuses.includes(e.ledger.status)) &&
          (query.parentExecutionId === undefined ||
            e.parentExecutionId === query.parentExecutionId) &&
          (query.startedAfter === undefined || e.startedAt >= query.startedAfter) &&
          (query.startedBefore === undefined || e.startedAt < query.startedBefore) &&
          (query.updatedBefore === undefined || e.updatedAt < query.updatedBefore) &&
          (after === undefined ||
            e.startedAt.getTime() < after.time ||
            (e.startedAt.getTime() === after.time && e.seq < after.seq)),
      )
      .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || b.seq - a.seq);
    const items = matches.slice(0, limit);
    const last = items[items.length - 1];
    const page: ExecutionPage = { items: items.map((e) => this.#summary(e)) };
    if (matches.length > limit && last)
      page.nextCursor = encodeCursor({ time: last.startedAt.getTime(), seq: last.seq });
    return page;
  }

  async getExecutionsByWorkflow(
    workflowId: string,
    options: Omit<ExecutionQuery, 'workflowId'> = {},
  ): Promise<ExecutionPage> {
    return this.listExecutions({ ...options, workflowId });
  }

  async addLog(entry: ExecutionLogEntry): Promise<void> {
    const execution = this.#get(entry.executionId);
    if (!execution) return;
    execution.logs.push({ ...clone(entry), id: entry.id ?? randomUUID() });
    if (execution.logs.length > this.#maxLogs)
      execution.logs.splice(0, execution.logs.length - this.#maxLogs);
  }

  async getLogs(executionId: string): Promise<ExecutionLogEntry[]> {
    return clone(this.#get(executionId)?.logs ?? []);
  }

  async addSpan(span: ExecutionSpan): Promise<void> {
    const execution = this.#get(span.executionId);
    if (!execution) return;
    execution.spans.set(span.spanId, clone(span));
    if (execution.spans.size > this.#maxSpans) {
      const oldest = execution.spans.keys().next().value;
      if (oldest !== undefined) execution.spans.delete(oldest);
    }
  }

  async getTrace(executionId: string): Promise<ExecutionSpan[]> {
    const spans = [...(this.#get(executionId)?.spans.values() ?? [])];
    return clone(spans.sort((a, b) => a.startTime.getTime() - b.startTime.getTime()));
  }

  async putPayload(executionId: string, value: unknown): Promise<string> {
    const execution = this.#require(executionId);
    const reference = `${executionId}:${randomUUID()}`;
    execution.payloads.set(reference, clone(value));
    this.#payloadOwner.set(reference, executionId);
    return reference;
  }

  async getPayload(reference: string): Promise<unknown> {
    const owner = this.#payloadOwner.get(reference);
    const execution = owner === undefined ? undefined : this.#get(owner);
    if (!execution?.payloads.has(reference)) throw new PayloadNotFoundError(reference);
    return clone(execution.payloads.get(reference));
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.#timer);
  }

  #peek(executionId: string): Entry | undefined {
    return this.#live.get(executionId) ?? this.#finished.peek(executionId);
  }

  #get(executionId: string): Entry | undefined {
    return this.#live.get(executionId) ?? this.#finished.get(executionId);
  }

  #require(executionId: string): Entry {
    const entry = this.#get(executionId);
    if (!entry) throw new ExecutionNotFoundError(executionId);
    return entry;
  }

  #checkVersion(entry: Entry, expected: number | undefined): void {
    if (expected !== undefined && expected !== entry.version) {
      throw new VersionConflictError(entry.executionId, expected, entry.version);
    }
  }

  /** Records a change: bumps the version, and moves a newly finished execution to the evictable cache. */
  #touch(entry: Entry): void {
    entry.version += 1;
    entry.updatedAt = new Date();
    if (isTerminalStatus(entry.ledger.status) && this.#live.has(entry.executionId)) {
      entry.completedAt = entry.updatedAt;
      this.#live.delete(entry.executionId);
      this.#finished.set(entry.executionId, entry);
    }
  }

  #forget(entry: Entry): void {
    if (
      entry.idempotencyKey !== undefined &&
      this.#byKey.get(entry.idempotencyKey) === entry.executionId
    ) {
      this.#byKey.delete(entry.idempotencyKey);
    }
    for (const reference of entry.payloads.keys()) this.#payloadOwner.delete(reference);
  }

  #results(entry: Entry, nodeIds?: readonly string[]): Record<string, ExecutionResult> {
    const out: Record<string, ExecutionResult> = {};
    const ids = nodeIds ?? [...entry.ledger.results.keys()];
    for (const id of ids) {
      const result = entry.ledger.results.get(id);
      if (result !== undefined) setOwn(out, id, clone(result));
    }
    return out;
  }

  #summary(entry: Entry): ExecutionSummary {
    const summary: ExecutionSummary = {
      executionId: entry.executionId,
      workflowId: entry.workflowId,
      workflowVersion: entry.workflowVersion,
      status: entry.ledger.status,
      depth: entry.depth,
      metadata: clone(entry.metadata),
      resolvedCount: entry.ledger.resolvedCount,
      version: entry.version,
      startedAt: new Date(entry.startedAt),
      updatedAt: new Date(entry.updatedAt),
    };
    if (entry.parentExecutionId !== undefined) summary.parentExecutionId = entry.parentExecutionId;
    if (entry.parentNodeId !== undefined) summary.parentNodeId = entry.parentNodeId;
    if (entry.ledger.error !== undefined) summary.error = entry.ledger.error;
    if (entry.completedAt !== undefined) summary.completedAt = new Date(entry.completedAt);
    return summary;
  }

  #state(entry: Entry, nodeIds?: readonly string[]): ExecutionState {
    return {
      ...this.#summary(entry),
      initialData: clone(entry.initialData),
      nodeResults: this.#results(entry, nodeIds),
    };
  }
}
