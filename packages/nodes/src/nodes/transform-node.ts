import { successResult } from '@spane/core';
import * as v from 'valibot';
import { type BuiltinNode, type BuiltinNodeDeps, defineBuiltinNode } from './builtin-node.ts';

/** An expression: a non-empty JSONata source string. */
export const ExpressionSchema = v.pipe(v.string(), v.minLength(1, 'must be a JSONata expression'));

/** Config of the `transform` node. */
export const TransformConfigSchema = v.object({
  /** JSONata over the node's input (`$`); its value is the node's output. */
  expression: ExpressionSchema,
});

/**
 * `transform`: the output is a JSONata expression's value over the input. An expression that
 * matches nothing gives `null`.
 *
 * ```ts
 * { id: 'total', type: 'transform', config: { expression: '{ "total": $sum(items.price) }' } }
 * ```
 */
export function createTransformNode(deps: BuiltinNodeDeps): BuiltinNode {
  return defineBuiltinNode(
    {
      type: 'transform',
      description: 'Its output is a JSONata expression over its input.',
      schema: TransformConfigSchema,
      expressions: (config) => [{ path: 'expression', source: config.expression }],
      async run({ ctx, config, evaluate }) {
        const value = await evaluate('expression', config.expression, ctx.inputData);
        return successResult(value === undefined ? null : value);
      },
    },
    deps,
  );
}
