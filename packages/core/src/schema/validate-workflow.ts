import * as v from 'valibot';
import { findCycles } from '../dag/find-cycles.ts';
import { collectGraphEdges } from '../dag/graph-edges.ts';
import {
  CycleDetectedError,
  InvalidTriggerError,
  type ValidationIssue,
  WorkflowValidationError,
} from '../errors/error-classes.ts';
import type { INodeExecutor, NodeConfigIssue, NodeConfigTarget } from '../model/execution.ts';
import {
  BUILT_IN_NODE_TYPES,
  type NodeDefinition,
  type WorkflowDefinition,
} from '../model/workflow-definition.ts';
import { describeThrown, findUnsupportedInput } from '../policy/input-policy.ts';
import { type CronChecker, checkDeclaredSchedules } from '../triggers/schedule-spec.ts';
import { checkDeclaredWebhooks } from '../triggers/webhook-routes.ts';
import {
  DelayConfigSchema,
  formatIssuePath,
  MapConfigSchema,
  SubWorkflowConfigSchema,
  WorkflowDefinitionSchema,
} from './workflow-schema.ts';

/** Options of {@link validateWorkflowDefinition}. */
export interface ValidateWorkflowOptions {
  /**
   * Says whether a node type has an executor. When given, nodes of other types are rejected.
   * Built-in types (`delay`, `sub-workflow`, `map`) are always known.
   */
  isKnownNodeType?: ((type: string) => boolean) | undefined;
  /** Checks the cron patterns of schedule triggers; without it, only their other fields are checked. */
  checkCron?: CronChecker | undefined;
  /**
   * Checks the config of a node whose type is not built in (the engine asks the type's executor,
   * {@link INodeExecutor.validateConfig}). Its issues' paths are inside the config; they are
   * reported at `nodes[i].config.<path>`. A check that throws is an issue too.
   */
  checkNodeConfig?:
    | ((
        node: Readonly<NodeDefinition>,
        target: NodeConfigTarget,
      ) => readonly NodeConfigIssue[] | undefined)
    | undefined;
}

/** The outcome of {@link validateWorkflowDefinitionSafe}. */
export type WorkflowValidationResult =
  | { success: true; data: WorkflowDefinition; errors?: undefined }
  | { success: false; data?: undefined; errors: ValidationIssue[] };

/** A Map, so node types such as `constructor` or `__proto__` find no schema by inheritance. */
const BUILT_IN_CONFIG_SCHEMAS: ReadonlyMap<string, v.GenericSchema> = new Map<
  string,
  v.GenericSchema
>([
  ['delay', DelayConfigSchema],
  ['sub-workflow', SubWorkflowConfigSchema],
  ['map', MapConfigSchema],
]);

/**
 * Checks a workflow definition without throwing: its structure, unique ids, known references,
 * edges that agree on both sides, no cycles, a valid `entryNodeId`, built-in node configs and,
 * when asked, known node types. Every issue carries a path such as `nodes[3].inputs[0]`.
 *
 * ```ts
 * const result = validateWorkflowDefinitionSafe(definition);
 * if (!result.success) console.error(result.errors);
 * ```
 */
export function validateWorkflowDefinitionSafe(
  definition: unknown,
  options: ValidateWorkflowOptions = {},
): WorkflowValidationResult {
  try {
    return validate(definition, options);
  } catch (error) {
    // A hostile getter, a proxy, or an `isKnownNodeType` that throws: still an answer, not a throw.
    return {
      success: false,
      errors: [
        {
          path: '',
          message: `the definition could not be validated: ${describeThrown(error)}`,
          kind: 'schema',
        },
      ],
    };
  }
}

function validate(definition: unknown, options: ValidateWorkflowOptions): WorkflowValidationResult {
  // What no store can keep faithfully (a BigInt or a function in a config, a cycle, a NUL, nesting
  // too deep) is refused here, the same for every store.
  const unsupported = findUnsupportedInput(definition);
  if (unsupported) {
    return {
      success: false,
      errors: [{ path: unsupported.path, message: unsupported.message, kind: 'schema' }],
    };
  }
  // Validated from a plain JSON copy: getters are read once, and what is stored is what was checked.
  const parsed = v.safeParse(
    WorkflowDefinitionSchema,
    JSON.parse(JSON.stringify(definition) ?? 'null'),
  );
  if (!parsed.success) {
    return {
      success: false,
      errors: parsed.issues.map((issue) => ({
        path: formatIssuePath(issue.path),
        message: issue.message,
        kind: 'schema' as const,
      })),
    };
  }
  const workflow = parsed.output as WorkflowDefinition;
  const errors = [
    ...checkNodes(workflow.nodes, options),
    ...checkGraph(workflow),
    ...checkCustomConfigs(workflow, options),
    ...checkDeclaredSchedules(workflow, { checkCron: options.checkCron }),
    ...checkDeclaredWebhooks(workflow),
  ];
  return errors.length === 0 ? { success: true, data: workflow } : { success: false, errors };
}

/**
 * Checks a workflow definition and returns it, or throws a {@link WorkflowValidationError} listing
 * every issue (a {@link CycleDetectedError} when the graph has a cycle, an
 * {@link InvalidTriggerError} when only triggers are wrong).
 */
export function validateWorkflowDefinition(
  definition: unknown,
  options: ValidateWorkflowOptions = {},
): WorkflowDefinition {
  const result = validateWorkflowDefinitionSafe(definition, options);
  if (result.success) return result.data;
  const workflowId =
    typeof definition === 'object' &&
    definition !== null &&
    typeof (definition as { id?: unknown }).id === 'string'
      ? (definition as { id: string }).id
      : undefined;
  const cycle = result.errors.find((issue) => issue.kind === 'cycle')?.cycle;
  if (cycle) throw new CycleDetectedError(cycle, { workflowId, issues: result.errors });
  if (result.errors.every((issue) => issue.kind === 'trigger')) {
    throw new InvalidTriggerError(result.errors, { workflowId });
  }
  throw new WorkflowValidationError(result.errors, { workflowId });
}

/**
 * Every cycle of the workflow graph, one per strongly connected component, each listed as node ids
 * in edge order with the first repeated at the end. Empty when the graph is a DAG.
 */
export function detectCircularReferences(
  definition: Pick<WorkflowDefinition, 'nodes'>,
): string[][] {
  const edges = collectGraphEdges(definition.nodes);
  return findCycles(edges.ids, edges.children);
}

function checkNodes(
  nodes: readonly NodeDefinition[],
  options: ValidateWorkflowOptions,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  nodes.forEach((node, i) => {
    const schema = BUILT_IN_CONFIG_SCHEMAS.get(node.type);
    if (schema) {
      const parsed = v.safeParse(schema, node.config ?? {});
      if (!parsed.success) {
        for (const issue of parsed.issues) {
          const inner = formatIssuePath(issue.path);
          issues.push({
            path: `nodes[${i}].config${inner ? `.${inner}` : ''}`,
            message: issue.message,
            kind: 'node-config',
          });
        }
      }
    } else if (options.isKnownNodeType && !options.isKnownNodeType(node.type)) {
      issues.push({
        path: `nodes[${i}].type`,
        message: `no executor is registered for node type "${node.type}"`,
        kind: 'unknown-node-type',
      });
    }
    const configTimeout = node.config?.timeout;
    if (
      configTimeout !== undefined &&
      (typeof configTimeout !== 'number' || !(configTimeout > 0))
    ) {
      issues.push({
        path: `nodes[${i}].config.timeout`,
        message: 'must be a positive number of ms',
        kind: 'node-config',
      });
    }
  });
  return issues;
}

/**
 * The issues a config check returned, or one issue saying what it returned instead (a Promise from
 * an async `validateConfig`, whose rejection is then swallowed: registration does not wait for it).
 */
function asIssueList(found: unknown): readonly NodeConfigIssue[] {
  if (found === undefined || found === null) return [];
  if (Array.isArray(found)) return found as NodeConfigIssue[];
  if (typeof (found as { then?: unknown }).then === 'function') {
    (found as Promise<unknown>).then(undefined, () => undefined);
    return [
      { path: '', message: 'the config check must return its issues synchronously, not a Promise' },
    ];
  }
  return [{ path: '', message: 'the config check must return an array of issues' }];
}

/** Asks `checkNodeConfig` about each node of a type that is not built in. */
function checkCustomConfigs(
  workflow: WorkflowDefinition,
  options: ValidateWorkflowOptions,
): ValidationIssue[] {
  const check = options.checkNodeConfig;
  if (!check) return [];
  const edges = collectGraphEdges(workflow.nodes);
  const issues: ValidationIssue[] = [];
  workflow.nodes.forEach((node, i) => {
    if (BUILT_IN_NODE_TYPES.includes(node.type)) return;
    const at = (inner: string) =>
      `nodes[${i}].config${inner ? `.${inner.replace(/^\./, '')}` : ''}`;
    let found: readonly NodeConfigIssue[] | undefined;
    try {
      found = check(node, { nodeId: node.id, outputs: edges.children.get(node.id) ?? [] });
    } catch (error) {
      found = [{ path: '', message: `the config check threw: ${describeThrown(error)}` }];
    }
    found = asIssueList(found);
    for (const issue of found) {
      issues.push({
        path: at(issue.path),
        message: issue.message,
        kind: 'node-config',
        nodeId: node.id,
      });
    }
  });
  return issues;
}

function checkGraph(workflow: WorkflowDefinition): ValidationIssue[] {
  const edges = collectGraphEdges(workflow.nodes);
  const issues = [...edges.issues];
  for (const cycle of findCycles(edges.ids, edges.children)) {
    issues.push({
      path: `nodes[${edges.indexOf.get(cycle[0] as string)}]`,
      message: `cycle: ${cycle.join(' -> ')}`,
      kind: 'cycle',
      cycle,
    });
  }
  if (workflow.entryNodeId !== undefined) {
    if (!edges.indexOf.has(workflow.entryNodeId)) {
      issues.push({
        path: 'entryNodeId',
        message: `unknown node "${workflow.entryNodeId}"`,
        kind: 'entry-node',
      });
    } else if ((edges.parents.get(workflow.entryNodeId)?.length ?? 0) > 0) {
      issues.push({
        path: 'entryNodeId',
        message: `"${workflow.entryNodeId}" has inputs, so it is not an entry node`,
        kind: 'entry-node',
      });
    }
  }
  return issues;
}

/** Whether a node type is run by the engine itself. */
export function isBuiltInNodeType(type: string): boolean {
  return BUILT_IN_NODE_TYPES.includes(type);
}
