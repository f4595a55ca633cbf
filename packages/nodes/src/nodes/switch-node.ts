import { successResult } from '@spane/core';
import * as v from 'valibot';
import { joinPath } from '../config/config-issues.ts';
import { ExpressionError } from '../errors.ts';
import { type BuiltinNode, type BuiltinNodeDeps, defineBuiltinNode } from './builtin-node.ts';
import { describeValue } from './condition-node.ts';
import { ExpressionSchema } from './transform-node.ts';

const NodeIds = v.array(v.pipe(v.string(), v.minLength(1)));

/** Config of the `switch` node. */
export const SwitchConfigSchema = v.object({
  /** Tried in order: the first whose `when` gives `true` chooses the outputs to follow. */
  cases: v.pipe(
    v.array(
      v.object({
        /** A boolean JSONata expression over the input (nothing matched counts as false). */
        when: ExpressionSchema,
        next: NodeIds,
      }),
    ),
    v.minLength(1, 'needs at least one case'),
  ),
  /** The outputs to follow when no case matches. Default is none. */
  default: v.optional(NodeIds, []),
});

/**
 * `switch`: passes its input on and follows the outputs of the first case whose `when` is true,
 * else `default`. Every id must be one of the node's outputs (checked at registration).
 *
 * ```ts
 * { id: 'route', type: 'switch', outputs: ['eu', 'us', 'other'], config: {
 *   cases: [{ when: "region = 'EU'", next: ['eu'] }, { when: "region = 'US'", next: ['us'] }],
 *   default: ['other'] } }
 * ```
 */
export function createSwitchNode(deps: BuiltinNodeDeps): BuiltinNode {
  return defineBuiltinNode(
    {
      type: 'switch',
      description: 'Follows the outputs of the first case whose JSONata condition is true.',
      schema: SwitchConfigSchema,
      expressions: (config) =>
        config.cases.map((item, i) => ({ path: `cases[${i}].when`, source: item.when })),
      targets: (config) => [
        ...config.cases.map((item, i) => ({ path: `cases[${i}].next`, ids: item.next })),
        { path: 'default', ids: config.default },
      ],
      async run({ ctx, config, evaluate }) {
        for (const [i, item] of config.cases.entries()) {
          const path = joinPath(joinPath('cases', i), 'when');
          const value = await evaluate(path, item.when, ctx.inputData);
          if (value !== undefined && typeof value !== 'boolean') {
            throw new ExpressionError({
              path,
              message: `must give a boolean, gave ${describeValue(value)}`,
              nodeId: ctx.nodeId,
              executionId: ctx.executionId,
              workflowId: ctx.workflowId,
            });
          }
          if (value === true) {
            return successResult(ctx.inputData, { nextNodes: item.next, metadata: { case: i } });
          }
        }
        return successResult(ctx.inputData, {
          nextNodes: config.default,
          metadata: { case: 'default' },
        });
      },
    },
    deps,
  );
}
