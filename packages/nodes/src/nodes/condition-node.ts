import { successResult } from '@spane/core';
import * as v from 'valibot';
import { ExpressionError } from '../errors.ts';
import { type BuiltinNode, type BuiltinNodeDeps, defineBuiltinNode } from './builtin-node.ts';
import { ExpressionSchema } from './transform-node.ts';

const NodeIds = v.array(v.pipe(v.string(), v.minLength(1)));

/** Config of the `condition` node. */
export const ConditionConfigSchema = v.object({
  /** A JSONata expression over the input that gives a boolean (nothing matched counts as false). */
  expression: ExpressionSchema,
  /** The outputs to follow for each answer; the node's other outputs become inactive. */
  branches: v.object({
    true: v.optional(NodeIds, []),
    false: v.optional(NodeIds, []),
  }),
});

/**
 * `condition`: an if/else. It passes its input on and follows `branches.true` or `branches.false`
 * by a boolean JSONata expression; every id must be one of the node's outputs (checked at
 * registration). A value other than a boolean is an `ExpressionError`; an expression that matches
 * nothing (a missing field) counts as `false`.
 *
 * ```ts
 * { id: 'big', type: 'condition', outputs: ['review', 'ship'],
 *   config: { expression: 'amount > 100', branches: { true: ['review'], false: ['ship'] } } }
 * ```
 */
export function createConditionNode(deps: BuiltinNodeDeps): BuiltinNode {
  return defineBuiltinNode(
    {
      type: 'condition',
      description: 'Follows branches.true or branches.false by a boolean JSONata expression.',
      schema: ConditionConfigSchema,
      expressions: (config) => [{ path: 'expression', source: config.expression }],
      targets: (config) => [
        { path: 'branches.true', ids: config.branches.true },
        { path: 'branches.false', ids: config.branches.false },
      ],
      async run({ ctx, config, evaluate }) {
        const value = await evaluate('expression', config.expression, ctx.inputData);
        if (value !== undefined && typeof value !== 'boolean') {
          throw new ExpressionError({
            path: 'expression',
            message: `must give a boolean, gave ${describeValue(value)}`,
            nodeId: ctx.nodeId,
            executionId: ctx.executionId,
            workflowId: ctx.workflowId,
          });
        }
        const answer = value === true;
        return successResult(ctx.inputData, {
          nextNodes: answer ? config.branches.true : config.branches.false,
          metadata: { condition: answer },
        });
      },
    },
    deps,
  );
}

/** A short description of a value for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}
