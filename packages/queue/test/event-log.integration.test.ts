/**
 * EventLog against real servers: one suite, run on a Redis stream and a PostgreSQL table. Writer
 * and reader are separately created logs with their own connections, as two processes would have.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  createEventLog,
  type EventLog,
  EventLogClosedError,
  InvalidEventIdError,
  type LogEvent,
} from '../src/index.ts';
import { postgresTestServer, redisTestServer } from './support/servers.ts';

interface Harness {
  create(prefix: string, options?: { maxLength?: number }): EventLog;
  badId: string;
  teardown(): Promise<void>;
}

function redisHarness(): Harness {
  const server = redisTestServer('events');
  return {
    create: (prefix, options) =>
      createEventLog(server.url, { prefix: `${server.prefix}${prefix}:`, ...options }),
    badId: 'not-an-id',
    teardown: () => server.cleanup(),
  };
}

function postgresHarness(): Harness {
  const server = postgresTestServer('events');
  return {
    create: (prefix, options) =>
      createEventLog(
        { postgres: server.url, schema: server.schema },
        { prefix: `${prefix}:`, ...options },
      ),
    badId: '1733130000000-0',
    teardown: () => server.cleanup(),
  };
}

function event(type: string, executionId: string, n: number) {
  return { type, executionId, timestamp: 1_700_000_000_000 + n, data: { n } };
}

/** Takes `count` events from a follower, failing after `ms`. */
async function take(
  iterable: AsyncIterable<LogEvent>,
  count: number,
  controller: AbortController,
  ms = 10_000,
): Promise<LogEvent[]> {
  const taken: LogEvent[] = [];
  const timer = setTimeout(() => controller.abort(), ms);
  for await (const item of iterable) {
    taken.push(item);
    if (taken.length >= count) break;
  }
  clearTimeout(timer);
  return taken;
}

for (const [name, makeHarness] of [
  ['redis', redisHarness],
  ['postgres', postgresHarness],
] as const) {
  describe(`${name}: event log`, () => {
    const harness = makeHarness();
    const logs: EventLog[] = [];
    const open = (prefix: string, options?: { maxLength?: number }): EventLog => {
      const log = harness.create(prefix, options);
      logs.push(log);
      return log;
    };
    afterAll(async () => {
      await Promise.all(logs.map((log) => log.close()));
      await harness.teardown();
    });

    it(`${name}: appends in order with increasing ids and reads them back`, async () => {
      const writer = open('order');
      const reader = open('order');
      const ids = await writer.append([
        event('a', 'x1', 1),
        event('b', 'x2', 2),
        event('c', 'x1', 3),
      ]);
      expect(ids).toHaveLength(3);
      const all = await reader.read({ after: '0' });
      expect(all.map((e) => e.type)).toEqual(['a', 'b', 'c']);
      expect(all.map((e) => e.id)).toEqual(ids);
      expect(all[0]).toMatchObject({
        executionId: 'x1',
        timestamp: 1_700_000_000_001,
        data: { n: 1 },
      });
      expect((await reader.read({ executionId: 'x1' })).map((e) => e.type)).toEqual(['a', 'c']);
      expect((await reader.read({ after: ids[0] })).map((e) => e.type)).toEqual(['b', 'c']);
      expect((await reader.read({ after: ids[0], executionId: 'x1' })).map((e) => e.type)).toEqual([
        'c',
      ]);
      const controller = new AbortController();
      const followed = await take(
        reader.follow({ after: ids[0], executionId: 'x1', signal: controller.signal }),
        1,
        controller,
      );
      expect(followed.map((e) => e.type)).toEqual(['c']);
      expect(await reader.latestId()).toBe(ids[2]);
    });

    it(`${name}: a follower gets what another log appends, and resuming after the last id repeats nothing`, async () => {
      const writer = open('follow');
      const reader = open('follow');
      const first = new AbortController();
      const following = take(reader.follow({ after: '0', signal: first.signal }), 4, first);
      await writer.append([event('one', 'e', 1), event('two', 'e', 2)]);
      await writer.append([event('three', 'e', 3), event('four', 'e', 4)]);
      const got = await following;
      expect(got.map((e) => e.type)).toEqual(['one', 'two', 'three', 'four']);
      await writer.append([event('five', 'e', 5)]);
      const again = new AbortController();
      const resumed = await take(
        reader.follow({ after: got[1]?.id, signal: again.signal }),
        3,
        again,
      );
      expect(resumed.map((e) => e.type)).toEqual(['three', 'four', 'five']);
    });

    it(`${name}: a follower filtered by execution sees only that execution`, async () => {
      const writer = open('filter');
      const reader = open('filter');
      const [before] = await writer.append([event('before', 'mine', 0)]);
      const controller = new AbortController();
      const following = take(
        reader.follow({ after: before, executionId: 'mine', signal: controller.signal }),
        2,
        controller,
      );
      await writer.append([event('other', 'theirs', 1), event('after', 'mine', 2)]);
      await writer.append([event('other', 'theirs', 3), event('last', 'mine', 4)]);
      expect((await following).map((e) => e.type)).toEqual(['after', 'last']);
    });

    it(`${name}: an aborted follower ends its loop`, async () => {
      const reader = open('abort');
      const controller = new AbortController();
      const done = (async () => {
        const seen: LogEvent[] = [];
        for await (const item of reader.follow({ signal: controller.signal })) seen.push(item);
        return seen;
      })();
      controller.abort();
      expect(await done).toEqual([]);
    });

    it(`${name}: orders ids numerically past ten`, async () => {
      const writer = open('numeric');
      const ids = await writer.append(Array.from({ length: 12 }, (_, n) => event('n', 'e', n)));
      const read = await writer.read({ after: ids[3] });
      expect(read.map((e) => e.data)).toEqual(Array.from({ length: 8 }, (_, n) => ({ n: n + 4 })));
      expect(await writer.latestId()).toBe(ids[11]);
    });

    it(`${name}: trims to about maxLength`, async () => {
      const writer = open('trim', { maxLength: 10 });
      for (let batch = 0; batch < 101; batch++) {
        await writer.append(Array.from({ length: 5 }, (_, n) => event('t', 'e', batch * 5 + n)));
      }
      const kept = await writer.read({ after: '0', limit: 1000 });
      expect(kept.length).toBeLessThan(505);
      expect(kept.at(-1)?.data).toEqual({ n: 504 });
    });

    it(`${name}: rejects a malformed id with InvalidEventIdError and use after close with EventLogClosedError`, async () => {
      const log = open('errors');
      await expect(log.read({ after: harness.badId })).rejects.toBeInstanceOf(InvalidEventIdError);
      expect(() => log.follow({ after: harness.badId })).toThrow(InvalidEventIdError);
      await log.close();
      await expect(log.append([event('x', 'e', 1)])).rejects.toBeInstanceOf(EventLogClosedError);
    });
  });
}
