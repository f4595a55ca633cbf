import type { ExecutionStore } from '@spane/core';
import type { WorkflowEngine } from '@spane/engine';
import type { NodeActivity } from './node-activity.ts';
import type { NodeTypeInfo } from './node-type-catalog.ts';

/** What the API's routes work with. */
export interface ApiDeps {
  engine: WorkflowEngine;
  store: ExecutionStore;
  activity: NodeActivity;
  nodeTypes: readonly NodeTypeInfo[];
}
