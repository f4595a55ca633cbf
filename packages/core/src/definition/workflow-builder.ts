/**
 * The typed workflow builder: {@link workflow} chains `.node(id, definedNode, options)` calls,
 * checks at compile time that parents exist and give what each node reads, and yields the plain
 * JSON definition with `.toJSON()`.
 * @module
 */
import { ConfigurationError } from '../errors/error-classes.ts';
import type {
  CircuitBreakerConfig,
  NodeDefinition,
  RetryPolicy,
  WorkflowDefinition,
  WorkflowTrigger,
} from '../model/workflow-definition.ts';
import type {
  AnyDefinedNode,
  NodeConfigInput,
  NodeEntryInput,
  NodeOutput,
  NodeParents,
} from './define-node.ts';

/** The workflow-level fields of a definition, besides its id and nodes. */
export interface WorkflowOptions {
  name?: string | undefined;
  description?: string | undefined;
  /** When given, must be one of the entry nodes. */
  entryNodeId?: string | undefined;
  triggers?: WorkflowTrigger[] | undefined;
  metadata?: Record<string, unknown> | undefined;
}

/** The per-node fields of a definition the builder passes through. */
export interface BuilderNodeOptions {
  name?: string | undefined;
  retryPolicy?: RetryPolicy | undefined;
  circuitBreaker?: CircuitBreakerConfig | undefined;
  /** Per-attempt timeout in ms. */
  timeout?: number | undefined;
}

/** Anything that gives a workflow definition: a {@link WorkflowBuilder}, or your own. */
export interface WorkflowSource {
  toJSON(): WorkflowDefinition;
}

/**
 * A workflow whose node outputs and initial data are known to the compiler: what
 * {@link workflow} builds. `Outputs` is `{ [nodeId]: output }`.
 */
export interface TypedWorkflow<Outputs = Record<string, unknown>, Input = unknown>
  extends WorkflowSource {
  readonly id: string;
  /** Types only: `undefined` at run time. */
  readonly '~types'?: { outputs: Outputs; input: Input } | undefined;
}

/** The `{ [nodeId]: output }` of a typed workflow. */
export type WorkflowOutputs<W> = W extends TypedWorkflow<infer O, unknown> ? O : never;

/** The initial data a typed workflow's entry nodes expect. */
export type WorkflowInput<W> = W extends TypedWorkflow<unknown, infer I> ? I : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ConfigOption<C> = undefined extends C
  ? { config?: C }
  : Record<never, never> extends C
    ? { config?: C }
    : { config: C };

/**
 * Why a node's parents are wrong, as a type the compiler prints. A node type that declares
 * parents takes exactly those (its `inputData` is typed from them).
 */
type ParentsProblem<Declared, Outputs, Given extends string> = [keyof Declared] extends [never]
  ? unknown
  : [Exclude<Given, keyof Declared>] extends [never]
    ? DeclaredParentsProblem<Declared, Outputs, Given>
    : { parents: `parent "${Exclude<Given, keyof Declared>}" is not declared by this node type` };

type DeclaredParentsProblem<Declared, Outputs, Given extends string> =
  Exclude<keyof Declared & string, Given> extends infer Missing extends string
    ? [Missing] extends [never]
      ? {
          [K in keyof Declared & string]: K extends keyof Outputs
            ? Outputs[K] extends Declared[K]
              ? never
              : K
            : never;
        }[keyof Declared & string] extends infer Bad extends string
        ? [Bad] extends [never]
          ? unknown
          : { parents: `the output of parent "${Bad}" is not what this node reads` }
        : unknown
      : { parents: `missing declared parent "${Missing}"` }
    : unknown;

/** The options of `.node()`: its parents (ids of earlier nodes), its config, and the rest. */
export type NodeOptions<N extends AnyDefinedNode, Given extends string> = {
  /** Ids of nodes added before this one. A misspelt id does not compile. */
  parents?: readonly Given[];
} & ConfigOption<NodeConfigInput<N>> &
  BuilderNodeOptions;

/** Whether `.node()` needs its options: a required config, or declared parents. */
type NeedsOptions<N extends AnyDefinedNode> = [keyof NodeParents<N>] extends [never]
  ? Record<never, never> extends ConfigOption<NodeConfigInput<N>>
    ? false
    : true
  : true;

type OptionsArgs<N extends AnyDefinedNode, Outputs, Given extends string> =
  NeedsOptions<N> extends true
    ? [options: NodeOptions<N, Given> & ParentsProblem<NodeParents<N>, Outputs, Given>]
    : [options?: NodeOptions<N, Given>];

/**
 * An immutable workflow under construction: each `.node()` returns a new builder that knows one
 * more node's output type.
 */
export class WorkflowBuilder<Outputs = Record<never, never>, Input = unknown>
  implements TypedWorkflow<Outputs, Input>
{
  readonly id: string;
  declare readonly '~types'?: { outputs: Outputs; input: Input } | undefined;
  readonly #options: WorkflowOptions;
  readonly #nodes: readonly BuiltNode[];

  constructor(id: string, options: WorkflowOptions = {}, nodes: readonly BuiltNode[] = []) {
    if (typeof id !== 'string' || id === '') {
      throw new ConfigurationError('A workflow id must be a non-empty string');
    }
    this.id = id;
    this.#options = options;
    this.#nodes = nodes;
  }

  /**
   * Adds a node of a defined type. `parents` name nodes added before; a node type that declares
   * parents takes exactly those, each with the output it reads.
   *
   * @throws ConfigurationError for a duplicate id, an unknown parent, or a missing or undeclared
   * parent of a node type that declares its parents (the compiler already rejects them).
   */
  node<
    const Id extends string,
    N extends AnyDefinedNode,
    const Given extends keyof Outputs & string = never,
  >(
    id: Id extends keyof Outputs ? `duplicate node id "${Id}"` : Id,
    node: N,
    ...options: OptionsArgs<N, Outputs, Given>
  ): WorkflowBuilder<
    Simplify<Outputs & { [K in Id]: NodeOutput<N> }>,
    [Given] extends [never] ? Input & NodeEntryInput<N> : Input
  > {
    const opts = (options[0] ?? {}) as NodeOptions<N, string>;
    const parents = [...(opts.parents ?? [])] as string[];
    const known = new Set(this.#nodes.map((built) => built.id));
    if (known.has(id)) throw new ConfigurationError(`Workflow "${this.id}" has two nodes "${id}"`);
    for (const parent of parents) {
      if (!known.has(parent)) {
        throw new ConfigurationError(
          `Node "${id}" of workflow "${this.id}" names parent "${parent}", which is not added before it`,
        );
      }
    }
    for (const declared of node.parentIds) {
      if (!parents.includes(declared)) {
        throw new ConfigurationError(
          `Node "${id}" (type "${node.type}") reads parent "${declared}", missing from its parents`,
        );
      }
    }
    const extra =
      node.parentIds.length > 0 ? parents.find((p) => !node.parentIds.includes(p)) : undefined;
    if (extra !== undefined) {
      throw new ConfigurationError(
        `Node "${id}" (type "${node.type}") declares its parents; "${extra}" is not one of them`,
      );
    }
    const built: BuiltNode = { id, type: node.type, parents, options: opts };
    return new WorkflowBuilder(this.id, this.#options, [...this.#nodes, built]);
  }

  /**
   * The plain JSON definition, as the HTTP API and the editor store it: nodes in the order added,
   * edges as each node's `outputs`, `config` only when not empty.
   */
  toJSON(): WorkflowDefinition {
    const o = this.#options;
    const nodes = this.#nodes.map((built) => toNodeDefinition(built, this.#nodes));
    return {
      id: this.id,
      ...(o.name !== undefined ? { name: o.name } : {}),
      ...(o.description !== undefined ? { description: o.description } : {}),
      ...(o.entryNodeId !== undefined ? { entryNodeId: o.entryNodeId } : {}),
      nodes,
      ...(o.triggers !== undefined ? { triggers: cloneJson(o.triggers) } : {}),
      ...(o.metadata !== undefined ? { metadata: cloneJson(o.metadata) } : {}),
    };
  }
}

interface BuiltNode {
  id: string;
  type: string;
  parents: readonly string[];
  options: BuilderNodeOptions & { config?: unknown };
}

function toNodeDefinition(built: BuiltNode, all: readonly BuiltNode[]): NodeDefinition {
  const { name, retryPolicy, circuitBreaker, timeout, config } = built.options;
  const hasConfig =
    config !== undefined && (typeof config !== 'object' || Object.keys(config ?? {}).length > 0);
  return {
    id: built.id,
    type: built.type,
    ...(name !== undefined ? { name } : {}),
    ...(hasConfig ? { config: cloneJson(config) as Record<string, unknown> } : {}),
    outputs: all.filter((other) => other.parents.includes(built.id)).map((other) => other.id),
    ...(retryPolicy !== undefined ? { retryPolicy: cloneJson(retryPolicy) } : {}),
    ...(circuitBreaker !== undefined ? { circuitBreaker: { ...circuitBreaker } } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
  };
}

/** A deep copy of JSON data, so a built definition shares nothing with the options given. */
function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Starts a typed workflow definition.
 *
 * ```ts
 * const orders = workflow('orders')
 *   .node('fetch', fetchOrder, { config: { baseUrl: 'https://shop.example' } })
 *   .node('charge', charge, { parents: ['fetch'] });
 * await engine.registerWorkflow(orders); // or orders.toJSON(), the same definition
 * ```
 */
export function workflow(id: string, options: WorkflowOptions = {}): WorkflowBuilder {
  return new WorkflowBuilder(id, options);
}
