import { STORE_CONFORMANCE_CASES, storeConformanceCases } from '@spane/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresExecutionStore } from '../src/index.ts';
import { createTestStore } from './support/test-database.ts';

let store: PostgresExecutionStore;
let cleanup: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ store, cleanup } = await createTestStore());
});
afterAll(() => cleanup?.());

describe('PostgresExecutionStore conformance', () => {
  const cases = storeConformanceCases({ name: 'postgres', create: () => store });
  it('runs every case of the suite (none skipped)', () => {
    expect(cases).toHaveLength(STORE_CONFORMANCE_CASES.length);
  });
  for (const c of cases) it(c.name, c.run);
});
