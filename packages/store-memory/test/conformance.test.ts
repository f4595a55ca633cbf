import { storeConformanceCases } from '@spane/core/testing';
import { afterAll, describe, it } from 'vitest';
import { InMemoryExecutionStore } from '../src/index.ts';

const store = new InMemoryExecutionStore();
afterAll(() => store.close());

describe('InMemoryExecutionStore conformance', () => {
  for (const c of storeConformanceCases({ name: 'memory', create: () => store })) it(c.name, c.run);
});
