import { describe, expect, it } from 'vitest';
import { contextFor } from '../../test/support/context.ts';
import { ExpressionError } from '../errors.ts';
import { createBuiltinNodes } from '../register-builtin-nodes.ts';

const [condition] = createBuiltinNodes({ types: ['condition'] });
if (!condition) throw new Error('no condition node');
const config = { expression: 'amount > 100', branches: { true: ['big'], false: ['small'] } };
const target = { nodeId: 'n1', outputs: ['big', 'small'] };

describe('condition node', () => {
  it('passes its input on and follows the branch the expression chooses', async () => {
    const high = await condition.execute(contextFor({ amount: 150 }, config));
    expect(high).toMatchObject({ data: { amount: 150 }, nextNodes: ['big'] });
    const low = await condition.execute(contextFor({ amount: 5 }, config));
    expect(low.nextNodes).toEqual(['small']);
    // A missing field matches nothing: false.
    const none = await condition.execute(contextFor({}, { ...config, expression: 'flag' }));
    expect(none.nextNodes).toEqual(['small']);
  });

  it('fails on a value that is not a boolean', async () => {
    const error = await condition
      .execute(contextFor({ amount: 1 }, { ...config, expression: 'amount' }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error.message).toMatch(/must give a boolean, gave number 1/);
  });

  it('refuses at registration a bad expression and branches that are not outputs', () => {
    expect(condition.validateConfig(config, target)).toEqual([]);
    const issues = condition.validateConfig(
      { expression: 'amount >', branches: { true: ['big'], false: ['nowhere'] } },
      target,
    );
    expect(issues.map((issue) => issue.path)).toEqual(['expression', 'branches.false[0]']);
    expect(issues[1]?.message).toContain('"nowhere" is not an output');
    expect(condition.validateConfig({ expression: 'x' }, target).map((i) => i.path)).toEqual([
      'branches',
    ]);
  });
});
