import { applyMapping, ConfigurationError, type NodeConfigIssue, successResult } from '@spane/core';
import * as v from 'valibot';
import { type BuiltinNode, type BuiltinNodeDeps, defineBuiltinNode } from './builtin-node.ts';

/** An expression: a non-empty JSONata source string. */
export const ExpressionSchema = v.pipe(v.string(), v.minLength(1, 'must be a JSONata expression'));

/** Keys a mapping may not write (they would reach an object's prototype). */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/** Config of the `transform` node: an `expression`, or a `mapping` of paths. */
export const TransformConfigSchema = v.object({
  /** JSONata over the node's input (`$`); its value is the node's output. */
  expression: v.optional(ExpressionSchema),
  /**
   * `{ targetPath: sourcePath }` with dotted paths, as in sub-workflow mappings: the output is a new
   * object holding, at each target path, the input's value at the source path.
   */
  mapping: v.optional(v.record(v.string(), v.string())),
});

function checkTransformConfig(
  config: v.InferOutput<typeof TransformConfigSchema>,
): NodeConfigIssue[] {
  const given = (config.expression === undefined ? 0 : 1) + (config.mapping === undefined ? 0 : 1);
  if (given !== 1) {
    return [
      { path: 'expression', message: 'give either an expression or a mapping (exactly one)' },
    ];
  }
  const issues: NodeConfigIssue[] = [];
  for (const target of Object.keys(config.mapping ?? {})) {
    if (target === '' || target.split('.').some((segment) => FORBIDDEN_SEGMENTS.has(segment)))
      issues.push({
        path: `mapping.${target}`,
        message:
          'a target path must be non-empty and may not name __proto__, prototype or constructor',
      });
  }
  return issues;
}

/**
 * `transform`: the output is a JSONata expression's value over the input (an expression that
 * matches nothing gives `null`), or the input reshaped by a `mapping` of dotted paths.
 *
 * ```ts
 * { id: 'total', type: 'transform', config: { expression: '{ "total": $sum(items.price) }' } }
 * { id: 'pick', type: 'transform', config: { mapping: { amount: 'order.total', 'customer.id': 'user' } } }
 * ```
 */
export function createTransformNode(deps: BuiltinNodeDeps): BuiltinNode {
  return defineBuiltinNode(
    {
      type: 'transform',
      description:
        'Its output is a JSONata expression over its input, or its input reshaped by a mapping.',
      schema: TransformConfigSchema,
      expressions: (config) =>
        config.expression === undefined ? [] : [{ path: 'expression', source: config.expression }],
      check: checkTransformConfig,
      async run({ ctx, config, evaluate }) {
        if (config.mapping !== undefined) {
          const issues = checkTransformConfig(config);
          if (issues.length > 0)
            throw new ConfigurationError(`transform: ${issues[0]?.path} ${issues[0]?.message}`, {
              nodeId: ctx.nodeId,
            });
          return successResult(applyMapping(ctx.inputData, config.mapping) ?? null);
        }
        if (config.expression === undefined)
          throw new ConfigurationError('transform: give either an expression or a mapping', {
            nodeId: ctx.nodeId,
          });
        const value = await evaluate('expression', config.expression, ctx.inputData);
        return successResult(value === undefined ? null : value);
      },
    },
    deps,
  );
}
