/**
 * Typed node types: {@link defineNode} ties a node type's name, its config schema (valibot), the
 * outputs of the parents it reads and its executor together, so the executor needs no casts and a
 * workflow that uses the type is checked at compile time ({@link workflow}) and at registration.
 * @module
 */
import * as v from 'valibot';
import { ConfigurationError, NodeExecutionError } from '../errors/error-classes.ts';
import type {
  ExecutionContext,
  ExecutionResult,
  INodeExecutor,
  NodeConfigIssue,
  NodeConfigTarget,
} from '../model/execution.ts';
import { extendContext } from '../model/extend-context.ts';
import { validateNodeConfig } from '../schema/node-config.ts';
import { formatIssuePath } from '../schema/workflow-schema.ts';

/** The config a node of a type without a `config` schema gets. */
export type UntypedConfig = Record<string, unknown>;

/** The compile-time facts of a defined node; never present at run time. */
export interface DefinedNodeTypes<Output, ConfigInput, Input, Parents> {
  output: Output;
  /** What a workflow's node must give as `config` (the schema's input). */
  configInput: ConfigInput;
  /** What the node expects as `inputData` when it is an entry node (the `input` schema's input). */
  input: Input;
  /** The declared parents: `{ [parentId]: output }`. */
  parents: Parents;
}

/**
 * A node type made by {@link defineNode}: an executor to register (`registry.register(node)`),
 * with its type name and schemas. The type parameters carry what the builder checks.
 */
export interface DefinedNode<
  Type extends string = string,
  Output = unknown,
  ConfigInput = unknown,
  Input = unknown,
  Parents = unknown,
> extends INodeExecutor {
  /** The node type the registry and the JSON definition use. */
  readonly type: Type;
  /** Validates (and fills defaults of) the config of every node of this type. */
  readonly configSchema: v.GenericSchema | undefined;
  /** Validates the initial data an entry node of this type receives. */
  readonly inputSchema: v.GenericSchema | undefined;
  /** The ids of the parents declared with `parents`. */
  readonly parentIds: readonly string[];
  /** Types only: `undefined` at run time. */
  readonly '~types'?: DefinedNodeTypes<Output, ConfigInput, Input, Parents> | undefined;
  execute(context: ExecutionContext): Promise<ExecutionResult<Output>>;
  /** Checks a node's config against `configSchema` (none without one); the engine calls it at registration. */
  validateConfig(
    config: Readonly<Record<string, unknown>>,
    target: NodeConfigTarget,
  ): readonly NodeConfigIssue[];
}

/** Any {@link DefinedNode}, whatever its types. */
// biome-ignore lint/suspicious/noExplicitAny: the widest defined node, for constraints.
export type AnyDefinedNode = DefinedNode<string, any, any, any, any>;

/** The `data` type of a defined node's successful results. */
export type NodeOutput<N extends AnyDefinedNode> = NonNullable<N['~types']>['output'];

/** What a workflow's node of this type must give as `config`. */
export type NodeConfigInput<N extends AnyDefinedNode> = NonNullable<N['~types']>['configInput'];

/** The initial data an entry node of this type expects. */
export type NodeEntryInput<N extends AnyDefinedNode> = NonNullable<N['~types']>['input'];

/** The parents a defined node declares: `{ [parentId]: output }`. */
export type NodeParents<N extends AnyDefinedNode> = NonNullable<N['~types']>['parents'];

type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/**
 * The `inputData` of a node with these declared parents: `unknown` with none, the parent's output
 * with one, `{ [parentId]?: output }` with several (a skipped or inactive parent is absent).
 */
export type JoinInput<Parents> = [keyof Parents] extends [never]
  ? unknown
  : true extends IsUnion<keyof Parents>
    ? { [K in keyof Parents]?: Parents[K] }
    : Parents[keyof Parents];

/** What a {@link defineNode} executor gets: a typed context, and its parents' outputs by id. */
export interface NodeContext<Input, Config, Parents> extends ExecutionContext<Input, Config> {
  /**
   * The data of a declared parent's successful result, typed from that parent's node.
   *
   * @throws NodeExecutionError (not retryable) when the parent has no successful result here
   * (it was skipped, failed with `continueOnFail`, or left this node out of its `nextNodes`).
   */
  parentOutput<K extends keyof Parents & string>(parentId: K): Parents[K];
}

type ParentOutputs<P> = { [K in keyof P]: P[K] extends AnyDefinedNode ? NodeOutput<P[K]> : never };
type SchemaOutput<S, Fallback> = S extends v.GenericSchema ? v.InferOutput<S> : Fallback;
type SchemaInput<S, Fallback> = S extends v.GenericSchema ? v.InferInput<S> : Fallback;

/** What {@link defineNode} takes. */
export interface NodeSpec<
  Type extends string,
  ConfigSchema extends v.GenericSchema | undefined,
  InputSchema extends v.GenericSchema | undefined,
  Parents extends Record<string, AnyDefinedNode>,
  Output,
> {
  /** The node type: the `type` of the workflow nodes that run this executor. */
  type: Type;
  /** A valibot schema of the node's config: checked when a workflow using it is registered. */
  config?: ConfigSchema;
  /** A valibot schema of the initial data, for a node that starts workflows: checked at run time. */
  input?: InputSchema;
  /**
   * The parents this node reads, by the id they have in workflows, with their node types:
   * `{ fetch: fetchNode }` types `ctx.parentOutput('fetch')`. The builder requires them.
   */
  parents?: Parents;
  /** Runs one attempt. Return `successResult(data)`, `errorResult(…)` or `skippedResult()`. */
  execute(
    context: NodeContext<
      InputSchema extends v.GenericSchema
        ? v.InferOutput<InputSchema>
        : JoinInput<ParentOutputs<Parents>>,
      SchemaOutput<ConfigSchema, UntypedConfig>,
      ParentOutputs<Parents>
    >,
  ): Promise<ExecutionResult<Output>>;
}

/**
 * Defines a typed node type. Register the result (`registry.register(node)`) and use it in
 * {@link workflow} builders; its config is validated when a workflow using it is registered, and
 * parsed (defaults filled) before each run.
 *
 * ```ts
 * const fetchOrder = defineNode({
 *   type: 'fetch-order',
 *   config: v.object({ baseUrl: v.string() }),
 *   input: v.object({ orderId: v.string() }),
 *   execute: async (ctx) => successResult({ id: ctx.inputData.orderId, total: 42 }),
 * });
 * const charge = defineNode({
 *   type: 'charge',
 *   parents: { fetch: fetchOrder },
 *   execute: async (ctx) => successResult({ charged: ctx.parentOutput('fetch').total }),
 * });
 * ```
 *
 * @throws ConfigurationError for an empty type or a parent that is not a defined node.
 */
export function defineNode<
  const Type extends string,
  Output,
  ConfigSchema extends v.GenericSchema | undefined = undefined,
  InputSchema extends v.GenericSchema | undefined = undefined,
  Parents extends Record<string, AnyDefinedNode> = Record<never, AnyDefinedNode>,
>(
  spec: NodeSpec<Type, ConfigSchema, InputSchema, Parents, Output>,
): DefinedNode<
  Type,
  Output,
  SchemaInput<ConfigSchema, UntypedConfig | undefined>,
  SchemaInput<InputSchema, unknown>,
  ParentOutputs<Parents>
> {
  if (typeof spec.type !== 'string' || spec.type === '') {
    throw new ConfigurationError('defineNode needs a non-empty type');
  }
  const parentIds = Object.keys(spec.parents ?? {});
  for (const id of parentIds) {
    const parent = (spec.parents as Record<string, unknown>)[id] as { type?: unknown } | undefined;
    if (typeof parent?.type !== 'string') {
      throw new ConfigurationError(
        `Parent "${id}" of node type "${spec.type}" is not a defined node`,
      );
    }
  }
  const { config: configSchema, input: inputSchema } = spec;
  const userExecute = spec.execute as (context: unknown) => Promise<ExecutionResult<Output>>;
  return Object.freeze({
    type: spec.type,
    configSchema,
    inputSchema,
    parentIds: Object.freeze(parentIds),
    async execute(context: ExecutionContext): Promise<ExecutionResult<Output>> {
      const nodeConfig = configSchema
        ? validateNodeConfig(configSchema, context.nodeConfig)
        : context.nodeConfig;
      const inputData = inputSchema ? parseInput(inputSchema, context) : context.inputData;
      return userExecute(
        extendContext(context, {
          nodeConfig,
          inputData,
          parentOutput: (parentId: string) => readParentOutput(context, parentId),
        }),
      );
    },
    validateConfig(config: Readonly<Record<string, unknown>>, target: NodeConfigTarget) {
      if (!configSchema) return [];
      const parsed = v.safeParse(configSchema, config ?? {});
      if (parsed.success) return [];
      return parsed.issues.map((issue) => ({
        path: formatIssuePath(issue.path),
        message: `node "${target.nodeId}" (type "${spec.type}"): ${issue.message}`,
      }));
    },
  });
}

function parseInput(schema: v.GenericSchema, context: ExecutionContext): unknown {
  const parsed = v.safeParse(schema, context.inputData);
  if (parsed.success) return parsed.output;
  const detail = parsed.issues
    .slice(0, 5)
    .map((issue) => {
      const path = formatIssuePath(issue.path);
      return `input${path ? `.${path}` : ''}: ${issue.message}`;
    })
    .join('; ');
  throw new NodeExecutionError(context.nodeId, context.executionId, `invalid input: ${detail}`, {
    retryable: false,
  });
}

function readParentOutput(context: ExecutionContext, parentId: string): unknown {
  const result = Object.hasOwn(context.previousResults, parentId)
    ? context.previousResults[parentId]
    : undefined;
  if (result?.success && !result.skipped) return result.data;
  const why = result === undefined ? 'has no result' : result.skipped ? 'was skipped' : 'failed';
  throw new NodeExecutionError(
    context.nodeId,
    context.executionId,
    `parent "${parentId}" ${why}, so it has no output to read`,
    { retryable: false },
  );
}
