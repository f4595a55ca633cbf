/**
 * What stuck-run detection and the recovery sweep read: executions that have not changed for a
 * while, and which executions still have work in the queues.
 * @module
 */
import type { ExecutionStore, ExecutionSummary } from '@spane/core';
import type { LiveJob, NodeJobData, WorkflowJobData, WorkflowQueues } from '@spane/queue';

/** Executions read per page, and at most per check. */
const PAGE = 1000;
export const MAX_QUIET_EXECUTIONS = 10_000;
/** Unfinished jobs read at most per check; past this a sweep does nothing (it could not be sure). */
export const MAX_LIVE_JOBS = 100_000;

/** Running or pending executions whose record last changed before `updatedBefore`, oldest last. */
export async function listQuietExecutions(
  store: ExecutionStore,
  updatedBefore: Date,
): Promise<ExecutionSummary[]> {
  const found: ExecutionSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listExecutions({
      status: ['running', 'pending'],
      updatedBefore,
      limit: PAGE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    found.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined && found.length < MAX_QUIET_EXECUTIONS);
  return found.slice(0, MAX_QUIET_EXECUTIONS);
}

/** The unfinished jobs of the node and workflow queues, by execution id. */
export interface LiveWork {
  byExecution: Map<string, Array<LiveJob<NodeJobData> | LiveJob<WorkflowJobData>>>;
  /** False when there were more jobs than could be read: the picture is partial. */
  complete: boolean;
}

/** Reads every unfinished node and workflow job, grouped by the execution they belong to. */
export async function readLiveWork(queues: WorkflowQueues): Promise<LiveWork> {
  const [nodeJobs, workflowJobs] = await Promise.all([
    queues.liveJobs('node', { limit: MAX_LIVE_JOBS }),
    queues.liveJobs('workflow', { limit: MAX_LIVE_JOBS }),
  ]);
  const byExecution: LiveWork['byExecution'] = new Map();
  for (const job of [...nodeJobs, ...workflowJobs]) {
    const executionId = job.data?.executionId;
    if (typeof executionId !== 'string') continue;
    const list = byExecution.get(executionId);
    if (list) list.push(job);
    else byExecution.set(executionId, [job]);
  }
  return {
    byExecution,
    complete: nodeJobs.length < MAX_LIVE_JOBS && workflowJobs.length < MAX_LIVE_JOBS,
  };
}

/** Whether the execution ever started a child (sub-workflow or map item), in any status. */
export async function hasChild(store: ExecutionStore, executionId: string): Promise<boolean> {
  const page = await store.listExecutions({ parentExecutionId: executionId, limit: 1 });
  return page.items.length > 0;
}

/** True when the execution has a sub-workflow (or map item) that has not ended: it is waiting on it. */
export async function hasLiveChild(store: ExecutionStore, executionId: string): Promise<boolean> {
  const page = await store.listExecutions({
    parentExecutionId: executionId,
    status: ['running', 'pending', 'paused'],
    limit: 1,
  });
  return page.items.length > 0;
}
