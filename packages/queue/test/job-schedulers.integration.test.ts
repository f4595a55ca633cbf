import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type QueueConnection, WorkflowQueues } from '../src/index.ts';
import { requireEnv } from './support/servers.ts';

const backends: Array<[string, () => QueueConnection]> = [
  ['Redis', () => requireEnv('REDIS_URL')],
  ['Postgres', () => ({ postgres: requireEnv('DATABASE_URL'), poolSize: 4 })],
];

for (const [name, connection] of backends) {
  describe(`job schedulers of the workflow queue on ${name}`, () => {
    it('creates, leaves an identical scheduler untouched, updates a changed one, lists and removes', async () => {
      const queues = new WorkflowQueues({
        connection: connection(),
        prefix: `sched-${randomBytes(4).toString('hex')}`,
      });
      try {
        const id = 'schedule:w:0 9 * * *';
        const repeat = {
          pattern: '0 9 * * *',
          tz: 'America/New_York',
          startDate: Date.parse('2032-07-01T00:00:00Z'),
        };
        const data = { workflowId: 'w', source: 'api', initialData: { a: 1 } };
        expect(await queues.schedulers.upsert(id, repeat, data)).toBe('created');
        const first = await queues.schedulers.get(id);
        expect(first).toMatchObject({
          id,
          pattern: '0 9 * * *',
          tz: 'America/New_York',
          next: Date.parse('2032-07-01T13:00:00Z'),
          data,
        });
        expect(await queues.schedulers.upsert(id, repeat, structuredClone(data))).toBe('unchanged');
        expect(await queues.schedulers.get(id)).toEqual(first);
        expect(await queues.schedulers.upsert(id, repeat, { ...data, initialData: { a: 2 } })).toBe(
          'updated',
        );
        expect((await queues.schedulers.get(id))?.data?.initialData).toEqual({ a: 2 });
        await queues.schedulers.upsert('schedule:w:every:60000', { every: 60_000 }, data);
        expect((await queues.schedulers.list()).map((s) => s.id).sort()).toEqual([
          id,
          'schedule:w:every:60000',
        ]);
        expect(await queues.schedulers.remove(id)).toBe(true);
        expect(await queues.schedulers.remove(id)).toBe(false);
        expect(await queues.schedulers.get(id)).toBeUndefined();
      } finally {
        await queues.close();
      }
    });
  });
}
