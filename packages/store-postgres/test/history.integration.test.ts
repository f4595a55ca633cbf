import type { ExecutionSummary } from '@spane/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresExecutionStore } from '../src/index.ts';
import { createTestStore } from './support/test-database.ts';

const TOTAL = 10_000;
const BATCH = 2_000;
const STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const;
/** Few distinct start times, so most of the order comes from the `seq` tie-breaker. */
const BASE_TIME = Date.UTC(2026, 0, 1);

let store: PostgresExecutionStore;
let cleanup: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ store, cleanup } = await createTestStore());
  // Bulk insert through kysely: 10,000 executions in 5 statements.
  for (let offset = 0; offset < TOTAL; offset += BATCH) {
    const rows = Array.from({ length: BATCH }, (_, j) => {
      const i = offset + j;
      return {
        id: `bulk-${String(i).padStart(5, '0')}`,
        workflow_id: i % 2 === 0 ? 'wf-even' : 'wf-odd',
        workflow_version: 1,
        status: STATUSES[i % STATUSES.length] as string,
        metadata: '{}',
        started_at: new Date(BASE_TIME + Math.floor(i / 37) * 1000),
      };
    });
    await store.db.insertInto('executions').values(rows).execute();
  }
  await sql`analyze ${sql.table(`${store.schema}.executions`)}`.execute(store.db);
});
afterAll(() => cleanup?.());

async function collect(
  query: Parameters<PostgresExecutionStore['listExecutions']>[0],
): Promise<{ items: ExecutionSummary[]; pages: number }> {
  const items: ExecutionSummary[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.listExecutions({ ...query, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== undefined && pages < 100);
  return { items, pages };
}

function expectNewestFirst(items: ExecutionSummary[]): void {
  for (let i = 1; i < items.length; i++) {
    const prev = items[i - 1] as ExecutionSummary;
    const item = items[i] as ExecutionSummary;
    expect(prev.startedAt.getTime()).toBeGreaterThanOrEqual(item.startedAt.getTime());
  }
}

describe('postgres: history of 10,000 executions', () => {
  it('pages through all of them without gaps or repeats (limit 500)', async () => {
    const { items, pages } = await collect({ limit: 500 });
    expect(pages).toBe(20);
    expect(items).toHaveLength(TOTAL);
    expect(new Set(items.map((e) => e.executionId)).size).toBe(TOTAL);
    expectNewestFirst(items);
    // Equal start times come newest-inserted first.
    expect(items[0]?.executionId).toBe('bulk-09999');
    expect(items.at(-1)?.executionId).toBe('bulk-00000');
    expect(items[0]?.startedAt).toBeInstanceOf(Date);
  });

  it('pages a filtered listing (workflow and statuses) without gaps or repeats', async () => {
    const { items } = await collect({
      workflowId: 'wf-even',
      status: ['running', 'failed'],
      limit: 500,
    });
    // Even indexes have status running (i % 4 == 0) or failed (i % 4 == 2): all 5,000 of them.
    expect(items).toHaveLength(TOTAL / 2);
    expect(new Set(items.map((e) => e.executionId)).size).toBe(TOTAL / 2);
    expect(items.every((e) => e.workflowId === 'wf-even')).toBe(true);
    expectNewestFirst(items);
  });

  it('pages a time window: startedAfter inclusive, startedBefore exclusive', async () => {
    const from = new Date(BASE_TIME + 10 * 1000);
    const to = new Date(BASE_TIME + 20 * 1000);
    const { items } = await collect({ startedAfter: from, startedBefore: to, limit: 100 });
    expect(items).toHaveLength(10 * 37);
    expect(items.every((e) => e.startedAt >= from && e.startedAt < to)).toBe(true);
  });

  it('clamps the page size to 1000 and defaults it to 50', async () => {
    expect((await store.listExecutions({ limit: 5000 })).items).toHaveLength(1000);
    expect((await store.listExecutions()).items).toHaveLength(50);
  });

  it('serves the filtered, ordered page from an index, without sorting', async () => {
    const query = store.db
      .selectFrom('executions')
      .select(['id'])
      .where('workflow_id', '=', 'wf-odd')
      .where((eb) =>
        eb(eb.refTuple('started_at', 'seq'), '<', eb.tuple(new Date(BASE_TIME + 100_000), '5000')),
      )
      .orderBy('started_at', 'desc')
      .orderBy('seq', 'desc')
      .limit(501);
    const plan = (await query.explain('json')) as unknown as [{ 'QUERY PLAN': unknown }];
    const text = JSON.stringify(plan[0]['QUERY PLAN']);
    expect(text).toMatch(/"Index Name":"executions_(workflow_)?started_idx"/);
    expect(text).toContain('ROW(started_at, seq) < ROW(');
    expect(text).not.toContain('"Node Type":"Sort"');
    expect(text).not.toContain('"Node Type":"Seq Scan"');
  });

  it('refuses a malformed cursor with a VALIDATION_ERROR', async () => {
    await expect(store.listExecutions({ cursor: 'not-a-cursor' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });
});
