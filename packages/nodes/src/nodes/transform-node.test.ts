import { describe, expect, it } from 'vitest';
import { contextFor } from '../../test/support/context.ts';
import { ExpressionError, ExpressionTimeoutError } from '../errors.ts';
import { createBuiltinNodes } from '../register-builtin-nodes.ts';

const [transform] = createBuiltinNodes({ types: ['transform'] });
if (!transform) throw new Error('no transform node');
const target = { nodeId: 'n1', outputs: [] };

describe('transform node', () => {
  it('outputs the expression value over its input; nothing matched gives null', async () => {
    const ctx = contextFor(
      {
        order: {
          items: [
            { price: 2, qty: 3 },
            { price: 5, qty: 1 },
          ],
        },
      },
      { expression: '{ "total": $sum(order.items.(price * qty)) }' },
    );
    expect((await transform.execute(ctx)).data).toEqual({ total: 11 });
    const none = await transform.execute(contextFor({}, { expression: 'missing.field' }));
    expect(none).toMatchObject({ success: true, data: null });
  });

  it('refuses a missing or unparsable expression at registration, with its path', () => {
    expect(transform.validateConfig({}, target).map((issue) => issue.path)).toEqual(['expression']);
    const issues = transform.validateConfig({ expression: '{ "a": ' }, target);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('expression');
    expect(issues[0]?.message).toMatch(/position/);
    expect(transform.validateConfig({ expression: '$.a' }, target)).toEqual([]);
  });

  it('reshapes its input by a mapping of dotted paths (missing sources give undefined)', async () => {
    const ctx = contextFor(
      { order: { total: 9.5, id: 'o-1' }, user: 7 },
      { mapping: { amount: 'order.total', 'customer.id': 'user', note: 'order.none' } },
    );
    expect((await transform.execute(ctx)).data).toEqual({
      amount: 9.5,
      customer: { id: 7 },
      note: undefined,
    });
  });

  it('takes exactly one of expression and mapping, and no prototype-named target', () => {
    const paths = (config: Record<string, unknown>) =>
      transform.validateConfig(config, target).map((issue) => issue.path);
    expect(paths({ mapping: { a: 'b' } })).toEqual([]);
    expect(paths({ expression: '$', mapping: { a: 'b' } })).toEqual(['expression']);
    expect(paths({ mapping: { '__proto__.x': 'a', 'ok.constructor': 'b', fine: 'c' } })).toEqual([
      'mapping.__proto__.x',
      'mapping.ok.constructor',
    ]);
    expect(paths({ mapping: { a: 1 } })).toEqual(['mapping.a']);
  });

  it('fails with an ExpressionError when evaluation fails', async () => {
    const error = await transform
      .execute(contextFor({ a: 'x' }, { expression: 'a * 2' }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(ExpressionError);
  });

  it('is stopped at the attempt deadline', async () => {
    const ctx = contextFor(
      {},
      { expression: '($f := function($x) { $f($x) }; $f(1))' },
      { deadline: Date.now() + 200 },
    );
    await expect(transform.execute(ctx)).rejects.toBeInstanceOf(ExpressionTimeoutError);
  });

  it('has a description and a config schema for editors', () => {
    expect(transform.type).toBe('transform');
    expect(transform.description).not.toBe('');
    expect(transform.configSchema).toBeDefined();
  });
});
