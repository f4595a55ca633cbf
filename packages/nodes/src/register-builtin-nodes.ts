import type { NodeRegistry } from '@spane/core';
import { ExpressionCompiler, type ExpressionLimits } from './expressions/expression-compiler.ts';
import { createHttpNode } from './http/http-node.ts';
import type { BuiltinNode, BuiltinNodeDeps } from './nodes/builtin-node.ts';
import { createConditionNode } from './nodes/condition-node.ts';
import { createFilterNode } from './nodes/filter-node.ts';
import { createSwitchNode } from './nodes/switch-node.ts';
import { createTransformNode } from './nodes/transform-node.ts';

/** The names of the built-in node types. */
export type BuiltinNodeType = 'transform' | 'condition' | 'switch' | 'filter' | 'http';

/** Options of {@link createBuiltinNodes} and {@link registerBuiltinNodes}. */
export interface BuiltinNodesOptions extends ExpressionLimits {
  /**
   * The longest one attempt's expressions may run, in ms, even when the node's timeout is longer
   * (an evaluation holds the event loop while it runs). Default is `5_000`.
   */
  expressionTimeoutMs?: number | undefined;
  /** Which types to make. Default: all of them. */
  types?: readonly BuiltinNodeType[] | undefined;
  /** Registered as `<prefix><type>` (e.g. `core.http`), beside node types of the same name. Default is none. */
  prefix?: string | undefined;
}

const FACTORIES: Record<BuiltinNodeType, (deps: BuiltinNodeDeps) => BuiltinNode> = {
  transform: createTransformNode,
  condition: createConditionNode,
  switch: createSwitchNode,
  filter: createFilterNode,
  http: createHttpNode,
};

/** Every built-in node type, in a stable order. */
export const BUILTIN_NODE_TYPES: readonly BuiltinNodeType[] = Object.freeze([
  'transform',
  'condition',
  'switch',
  'filter',
  'http',
]);

/**
 * The built-in node executors, sharing one expression compiler (expressions are compiled once and
 * cached by their source). Each has `type`, `description` and `configSchema`.
 */
export function createBuiltinNodes(options: BuiltinNodesOptions = {}): BuiltinNode[] {
  const deps: BuiltinNodeDeps = {
    compiler: new ExpressionCompiler(options),
    expressionTimeoutMs: options.expressionTimeoutMs ?? 5_000,
  };
  return (options.types ?? BUILTIN_NODE_TYPES).map((type) => FACTORIES[type](deps));
}

/**
 * Registers the built-in node types (`transform`, `condition`, `switch`, `filter`, `http`) on a
 * registry, and returns the executors so callers can list their descriptions and schemas.
 *
 * ```ts
 * const registry = new NodeRegistry();
 * registerBuiltinNodes(registry);
 * // { id: 'total', type: 'transform', config: { expression: '$sum(items.price)' } }
 * ```
 */
export function registerBuiltinNodes(
  registry: NodeRegistry,
  options: BuiltinNodesOptions = {},
): BuiltinNode[] {
  const nodes = createBuiltinNodes(options);
  for (const node of nodes) registry.register(`${options.prefix ?? ''}${node.type}`, node);
  return nodes;
}
