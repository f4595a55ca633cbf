import { successResult } from '@spane/core';
import * as v from 'valibot';
import { ExpressionError } from '../errors.ts';
import { type BuiltinNode, type BuiltinNodeDeps, defineBuiltinNode } from './builtin-node.ts';
import { describeValue } from './condition-node.ts';
import { ExpressionSchema } from './transform-node.ts';

/** Config of the `filter` node. */
export const FilterConfigSchema = v.object({
  /**
   * A boolean JSONata expression evaluated per item: the item is `$`, its index `$index`, the
   * node's whole input `$input`. Nothing matched counts as false.
   */
  condition: ExpressionSchema,
  /** A JSONata expression that picks the array from the input. Default: the input itself. */
  items: v.optional(ExpressionSchema),
});

/**
 * `filter`: its output is the items that match. The items are the input (or what `items` picks
 * from it); a single value counts as one item and nothing as none.
 *
 * ```ts
 * { id: 'paid', type: 'filter', config: { items: 'orders', condition: "status = 'paid'" } }
 * ```
 */
export function createFilterNode(deps: BuiltinNodeDeps): BuiltinNode {
  return defineBuiltinNode(
    {
      type: 'filter',
      description: 'Keeps the items of an array that match a JSONata condition.',
      schema: FilterConfigSchema,
      expressions: (config) => [
        { path: 'condition', source: config.condition },
        ...(config.items === undefined ? [] : [{ path: 'items', source: config.items }]),
      ],
      async run({ ctx, config, evaluate }) {
        const picked =
          config.items === undefined
            ? ctx.inputData
            : await evaluate('items', config.items, ctx.inputData);
        const items =
          picked === undefined || picked === null ? [] : Array.isArray(picked) ? picked : [picked];
        const kept: unknown[] = [];
        for (const [index, item] of items.entries()) {
          const value = await evaluate('condition', config.condition, item, {
            index,
            input: ctx.inputData,
          });
          if (value !== undefined && typeof value !== 'boolean') {
            throw new ExpressionError({
              path: 'condition',
              message: `must give a boolean, gave ${describeValue(value)} for item ${index}`,
              nodeId: ctx.nodeId,
              executionId: ctx.executionId,
              workflowId: ctx.workflowId,
            });
          }
          if (value === true) kept.push(item);
        }
        return successResult(kept, { metadata: { total: items.length, kept: kept.length } });
      },
    },
    deps,
  );
}
