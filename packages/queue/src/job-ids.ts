/**
 * Every id SPANE gives a queue job, made here and nowhere else. Ids are stable so that BullMQ
 * de-duplicates a job added twice (a redelivered parent, two sweeps racing); a deliberate re-run
 * gets a tag that makes its id new. BullMQ forbids `:` in ids and integers as ids, so the parts that
 * come from users (node ids, callers' keys) are URI-encoded.
 *
 * @module
 */

/**
 * The job id of a node of an execution: `<executionId>.<nodeId>`, plus `.<tag>` for a tagged
 * re-run (see {@link nodeJobTags}). Stable, so a node enqueued twice is one job while the first
 * still waits.
 */
export function nodeJobId(executionId: string, nodeId: string, tag?: string): string {
  const base = `${executionId}.${encodeURIComponent(nodeId)}`;
  return tag === undefined ? base : `${base}.${tag}`;
}

/** The tags of a node job's id, one per reason to run a node again under a new id. */
export const nodeJobTags = Object.freeze({
  /** The continuation of a delay node, once its wait is over. */
  delayWait: 'wait',
  /** The job of a node first run inline in its parent's job, after `attemptsMade` attempts. */
  inlineRetry: (attemptsMade: number): string => `inline${attemptsMade}`,
  /** The report of a child execution (sub-workflow or map item) to its parent node. */
  childDone: (childExecutionId: string): string => `done.${childExecutionId}`,
  /** A dead-letter item put back at `now` (ms since the epoch). */
  deadLetterRetry: (now: number): string => `retry${now}`,
  /** The nodes held by a pause, enqueued at resume time `now` (ms since the epoch). */
  resume: (now: number): string => `resume${now}`,
  /** A recovery sweep's re-enqueue, from the execution's version (racing sweeps add one job). */
  recovery: (executionVersion: number): string => `recover${executionVersion}`,
  /** A replay's nodes (a new execution, so the tag only keeps the ids apart from the original's). */
  replay: 'replay',
});

/** The id an execution's own start job would have, before {@link keyedJobId} (see `startJobId`). */
export function startJobId(executionId: string): string {
  return `start.${executionId}`;
}

/**
 * The job id of a workflow-queue job from a key: a caller's `jobId` given to `enqueueWorkflow`, or
 * {@link startJobId} of an execution. Encoded to fit BullMQ's rules.
 */
export function keyedJobId(key: string): string {
  return `key.${encodeURIComponent(key)}`;
}

/** The workflow-queue job that starts an execution that was not given a caller's key. */
export function executionStartJobId(executionId: string): string {
  return keyedJobId(startJobId(executionId));
}

/** The dead-letter item of a failed node job: one per job id, so a repeat is one item. */
export function deadLetterJobId(nodeJobId: string): string {
  return `dlq.${nodeJobId}`;
}

/** The de-duplication key of a schedule's run due at `scheduledFor` (ms since the epoch). */
export function scheduledRunKey(schedulerId: string, scheduledFor: number): string {
  return `schedule.${schedulerId}.${scheduledFor}`;
}

/** What an execution's node jobs can be, for {@link executionNodeJobIds}. */
export interface ExecutionJobsTarget {
  executionId: string;
  /** Every node of the execution's workflow, with the attempts its retry policy allows. */
  nodes: ReadonlyArray<{ nodeId: string; maxAttempts: number }>;
  /** The execution's children that report to one of its nodes. */
  children?: ReadonlyArray<{ executionId: string; parentNodeId?: string | undefined }> | undefined;
}

/**
 * Every node job id an execution can have that can be known without reading the queue: each node's
 * own, a delay's wait, the retries of a node first run inline, and its children's reports. Tagged
 * re-runs with a time in their tag (resume, DLQ retry) are not listed.
 */
export function executionNodeJobIds(target: ExecutionJobsTarget): string[] {
  const { executionId } = target;
  const ids = target.nodes.flatMap(({ nodeId, maxAttempts }) => [
    nodeJobId(executionId, nodeId),
    nodeJobId(executionId, nodeId, nodeJobTags.delayWait),
    ...Array.from({ length: maxAttempts }, (_, i) =>
      nodeJobId(executionId, nodeId, nodeJobTags.inlineRetry(i)),
    ),
  ]);
  for (const child of target.children ?? []) {
    if (child.parentNodeId === undefined) continue;
    ids.push(nodeJobId(executionId, child.parentNodeId, nodeJobTags.childDone(child.executionId)));
  }
  return ids;
}
