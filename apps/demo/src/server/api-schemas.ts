import * as v from 'valibot';

/** The lifecycle statuses an execution filter accepts. */
export const EXECUTION_STATUSES = [
  'pending',
  'running',
  'paused',
  'completed',
  'failed',
  'cancelled',
] as const;

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(200));

/** Body of `POST /api/workflows`: a workflow definition (the engine validates it fully). */
export const RegisterWorkflowBody = v.looseObject({
  id,
  name: v.optional(v.string()),
  nodes: v.array(v.looseObject({ id, type: id })),
});

/** Body of `POST /api/workflows/:id/execute`. */
export const ExecuteWorkflowBody = v.strictObject({
  initialData: v.optional(v.unknown()),
  /** 1–10, higher is more urgent. */
  priority: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10))),
  /** Start after this many ms (at most a year). */
  delay: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(31_536_000_000))),
  /** De-duplication key: the same key gives back the same execution. */
  jobId: v.optional(id),
});

/** Body of `POST /api/workflows/:id/nodes/:nodeId/execute`. */
export const ExecuteNodeBody = v.strictObject({
  /** The execution the node runs in (with its parents' results). */
  executionId: id,
});

/** Body of `POST /api/executions/:id/replay`. */
export const ReplayBody = v.strictObject({
  /** Re-run this node and what follows it, reusing every other result. */
  fromNodeId: v.optional(id),
});

const isoTime = v.pipe(
  v.string(),
  v.isoTimestamp('must be an ISO 8601 date-time with a time zone'),
);
const wholeNumber = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,10}$/, 'must be a whole number'),
    v.transform(Number),
    v.minValue(min),
    v.maxValue(max),
  );

/** Query of `GET /api/executions`. */
export const ListExecutionsQuery = v.strictObject({
  workflowId: v.optional(id),
  /** One status or several, comma-separated. */
  status: v.optional(
    v.pipe(
      v.string(),
      v.transform((text) => text.split(',').map((part) => part.trim())),
      v.array(v.picklist(EXECUTION_STATUSES, `must be one of ${EXECUTION_STATUSES.join(', ')}`)),
    ),
  ),
  startedAfter: v.optional(isoTime),
  startedBefore: v.optional(isoTime),
  /** Page size, 1–1000. Default is 50. */
  limit: v.optional(wholeNumber(1, 1000)),
  /** The `nextCursor` of the previous page. */
  cursor: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(500))),
});

/** Query of `GET /api/dlq`. */
export const ListDlqQuery = v.strictObject({
  start: v.optional(wholeNumber(0, 1_000_000)),
  /** Page size, 1–1000. Default is 100. */
  limit: v.optional(wholeNumber(1, 1000)),
});

/** Query of routes that take none. */
export const NoQuery = v.strictObject({});
