/**
 * `@spane/nodes`: built-in SPANE node types. `transform`, `condition`, `switch` and `filter` take
 * JSONata expressions (a real expression language; nothing is run as JavaScript), compiled once
 * and refused at `registerWorkflow` with their path when they do not parse; their evaluation is
 * stopped at the node's deadline. `http` sends requests built from expressions with global
 * `fetch`, retrying 5xx and 429 with `Retry-After`.
 *
 * ```ts
 * import { NodeRegistry } from '@spane/core';
 * import { registerBuiltinNodes } from '@spane/nodes';
 * const registry = new NodeRegistry();
 * registerBuiltinNodes(registry);
 * ```
 * @module
 */
export {
  ExpressionError,
  ExpressionTimeoutError,
  type HttpFailure,
  HttpRequestError,
  type NodeErrorScope,
} from './errors.ts';
export {
  type CompiledExpression,
  type EvaluateOptions,
  ExpressionCompiler,
  type ExpressionLimits,
} from './expressions/expression-compiler.ts';
export { isExpressionMarker, type ValueTemplate } from './expressions/value-template.ts';
export {
  ExpressionMarkerSchema,
  HTTP_METHODS,
  type HttpConfig,
  HttpConfigSchema,
} from './http/http-config.ts';
export { createHttpNode, type HttpOutput } from './http/http-node.ts';
export { parseRetryAfter } from './http/retry-after.ts';
export type { BuiltinNode, BuiltinNodeDeps } from './nodes/builtin-node.ts';
export { ConditionConfigSchema, createConditionNode } from './nodes/condition-node.ts';
export { createFilterNode, FilterConfigSchema } from './nodes/filter-node.ts';
export { createSwitchNode, SwitchConfigSchema } from './nodes/switch-node.ts';
export {
  createTransformNode,
  ExpressionSchema,
  TransformConfigSchema,
} from './nodes/transform-node.ts';
export {
  BUILTIN_NODE_TYPES,
  type BuiltinNodesOptions,
  type BuiltinNodeType,
  createBuiltinNodes,
  registerBuiltinNodes,
} from './register-builtin-nodes.ts';
