import { describe, expect, it } from 'vitest';
import { contextFor } from '../../test/support/context.ts';
import { ExpressionError } from '../errors.ts';
import { createBuiltinNodes } from '../register-builtin-nodes.ts';

const [node] = createBuiltinNodes({ types: ['switch'] });
if (!node) throw new Error('no switch node');
const config = {
  cases: [
    { when: "region = 'EU'", next: ['eu'] },
    { when: "region in ['US', 'CA']", next: ['us'] },
  ],
  default: ['other'],
};
const target = { nodeId: 'n1', outputs: ['eu', 'us', 'other'] };

describe('switch node', () => {
  it('follows the first case that matches, else the default', async () => {
    expect((await node.execute(contextFor({ region: 'EU' }, config))).nextNodes).toEqual(['eu']);
    const ca = await node.execute(contextFor({ region: 'CA' }, config));
    expect(ca).toMatchObject({ nextNodes: ['us'], data: { region: 'CA' }, metadata: { case: 1 } });
    const other = await node.execute(contextFor({ region: 'JP' }, config));
    expect(other).toMatchObject({ nextNodes: ['other'], metadata: { case: 'default' } });
    const noDefault = await node.execute(contextFor({}, { cases: config.cases }));
    expect(noDefault.nextNodes).toEqual([]);
  });

  it('names the case whose condition gives something other than a boolean', async () => {
    const error = await node
      .execute(
        contextFor({ region: 'JP' }, { cases: [...config.cases, { when: 'region', next: [] }] }),
      )
      .catch((e) => e);
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error.path).toBe('cases[2].when');
  });

  it('refuses at registration bad cases with their paths', () => {
    expect(node.validateConfig(config, target)).toEqual([]);
    expect(node.validateConfig({ cases: [] }, target).map((i) => i.path)).toEqual(['cases']);
    const issues = node.validateConfig(
      {
        cases: [
          { when: 'a =', next: ['eu'] },
          { when: 'true', next: ['mars'] },
        ],
        default: ['x'],
      },
      target,
    );
    expect(issues.map((i) => i.path)).toEqual(['cases[0].when', 'cases[1].next[0]', 'default[0]']);
  });
});
