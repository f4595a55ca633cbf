import { describe, expect, it } from 'vitest';
import { contextFor } from '../../test/support/context.ts';
import { ExpressionError } from '../errors.ts';
import { createBuiltinNodes } from '../register-builtin-nodes.ts';

const [filter] = createBuiltinNodes({ types: ['filter'] });
if (!filter) throw new Error('no filter node');
const target = { nodeId: 'n1', outputs: [] };
const orders = [
  { id: 1, status: 'paid', total: 10 },
  { id: 2, status: 'open', total: 99 },
  { id: 3, status: 'paid', total: 50 },
];

describe('filter node', () => {
  it('keeps the items of its input that match', async () => {
    const result = await filter.execute(contextFor(orders, { condition: "status = 'paid'" }));
    expect(result.data).toEqual([orders[0], orders[2]]);
    expect(result.metadata).toEqual({ total: 3, kept: 2 });
  });

  it('picks the array with items, and binds $index and $input', async () => {
    const input = { orders, min: 20 };
    const result = await filter.execute(
      contextFor(input, { items: 'orders', condition: 'total >= $input.min and $index > 0' }),
    );
    expect(result.data).toEqual([orders[1], orders[2]]);
  });

  it('treats one value as one item and nothing as none', async () => {
    const one = await filter.execute(contextFor({ a: 1 }, { condition: 'a = 1' }));
    expect(one.data).toEqual([{ a: 1 }]);
    const none = await filter.execute(contextFor({}, { items: 'missing', condition: 'true' }));
    expect(none.data).toEqual([]);
  });

  it('fails on a condition that is not a boolean, and refuses bad expressions at registration', async () => {
    const error = await filter.execute(contextFor(orders, { condition: 'total' })).catch((e) => e);
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error.message).toContain('item 0');
    const issues = filter.validateConfig({ condition: 'status = ', items: '[' }, target);
    expect(issues.map((issue) => issue.path)).toEqual(['condition', 'items']);
  });
});
