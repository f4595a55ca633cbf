import { describe, expect, it } from 'vitest';
import {
  firstTypeScriptBlock,
  readmeExample,
  runnableExample,
  thirdPartyImports,
  withPostgresStore,
} from './readme-example.ts';

describe("the README's first example", () => {
  it('is found, and uses the memory store the swap replaces', () => {
    const example = readmeExample();
    expect(example).toContain("from '@spane/store-memory'");
    expect(() => withPostgresStore(example)).not.toThrow();
  });

  it('swaps exactly the store lines', () => {
    const example = readmeExample();
    const swapped = withPostgresStore(example);
    const before = example.split('\n');
    const after = swapped.split('\n');
    expect(after).toHaveLength(before.length);
    const changed = before.flatMap((line, i) => (line === after[i] ? [] : [[line, after[i]]]));
    expect(changed).toEqual([
      [
        "import { InMemoryExecutionStore } from '@spane/store-memory';",
        "import { PostgresExecutionStore } from '@spane/store-postgres';",
      ],
      [
        '  store: new InMemoryExecutionStore(),',
        "  store: await PostgresExecutionStore.create({ connectionString: process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432/app' }),",
      ],
    ]);
  });

  it('fails loudly when the lines to swap are gone', () => {
    expect(() => withPostgresStore("import { x } from '@spane/store-postgres';")).toThrow(
      /no longer has/,
    );
    expect(() => firstTypeScriptBlock('# no code')).toThrow(/no ```ts block/);
  });

  it('is pointed at the given servers and ends with the execution', () => {
    const text = runnableExample(
      "connection: 'redis://127.0.0.1:6379',\nfetch('http://127.0.0.1:8080/data')\n",
      { redisUrl: 'redis://127.0.0.1:4000', dataOrigin: 'http://127.0.0.1:4001' },
    );
    expect(text).toContain('connection: "redis://127.0.0.1:4000"');
    expect(text).toContain("fetch('http://127.0.0.1:4001/data')");
    expect(text).toContain("process.exit(execution.status === 'completed' ? 0 : 1);");
    expect(text).toContain('await engine.close();');
    const closing = runnableExample('await engine.close();\n', {
      redisUrl: 'redis://127.0.0.1:4000',
      dataOrigin: 'http://127.0.0.1:4001',
    });
    expect(closing.match(/engine\.close/g)).toHaveLength(1);
  });

  it('names the packages it imports besides SPANE', () => {
    expect(
      thirdPartyImports(
        "import * as v from 'valibot';\nimport { a } from '@spane/engine';\nimport b from '@scope/pkg/sub';\nimport fs from 'node:fs';\nimport c from './c.ts';",
      ),
    ).toEqual(['@scope/pkg', 'valibot']);
  });
});
