import { createHash } from 'node:crypto';

/** Where a child execution reports back: the parent execution's node that started it. */
export interface ParentLink {
  executionId: string;
  workflowId: string;
  workflowVersion: number;
  nodeId: string;
  priority?: number | undefined;
  /** Which run of the parent node started the child (a DLQ retry starts fresh children). */
  generation: string;
  /** The item of a `map` node the child runs. */
  index?: number | undefined;
  /** The parent execution's trace context: the child's node spans join the parent's trace. */
  trace?: Record<string, string> | undefined;
}

/** The metadata key under which a child execution keeps its {@link ParentLink}. */
export const PARENT_LINK_KEY = 'spaneParent';

/**
 * The id of a child execution: derived from its parent, node, generation and item, so a redelivered
 * parent job finds the child it already started instead of starting a second one.
 */
export function childExecutionId(
  link: Pick<ParentLink, 'executionId' | 'nodeId' | 'generation' | 'index'>,
): string {
  const hex = createHash('sha256')
    .update(JSON.stringify([link.executionId, link.nodeId, link.generation, link.index ?? -1]))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The {@link ParentLink} in an execution's metadata, if it is a child. */
export function readParentLink(
  metadata: Record<string, unknown> | undefined,
): ParentLink | undefined {
  const link = metadata?.[PARENT_LINK_KEY];
  if (typeof link !== 'object' || link === null) return undefined;
  const candidate = link as ParentLink;
  return typeof candidate.executionId === 'string' && typeof candidate.nodeId === 'string'
    ? candidate
    : undefined;
}
