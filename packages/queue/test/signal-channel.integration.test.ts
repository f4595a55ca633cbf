/**
 * SignalChannel against real servers: one suite, run on Redis pub/sub and PostgreSQL
 * LISTEN/NOTIFY. Publisher and subscriber are separately created channels with their own
 * connections, as two engine processes would have.
 */
import { randomBytes } from 'node:crypto';
import { waitFor } from '@spane/test-support';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createSignalChannel,
  MalformedSignalError,
  PG_NOTIFY_MAX_PAYLOAD_BYTES,
  postgresChannelName,
  redisChannelName,
  type SignalChannel,
  SignalChannelClosedError,
  SignalPayloadTooLargeError,
} from '../src/index.ts';
import { postgresTestServer, redisTestServer, requireEnv } from './support/servers.ts';

interface ChannelOptions {
  prefix: string;
  onError?: (error: unknown) => void;
  /** Names the channel's connections on the server, so a test can kill them. */
  tag?: string;
}

/** What the suite needs from a backend kind. */
interface SignalHarness {
  createChannel(options: ChannelOptions): SignalChannel;
  /** Sends a raw payload on a topic's transport channel, bypassing the envelope. */
  sendRaw(prefix: string, topic: string, payload: string): Promise<void>;
  /** Kills, on the server, every connection of the channels created with `tag`. */
  killConnections(tag: string): Promise<number>;
  /** The largest serialized signal the transport takes, if it has a limit. */
  maxPayloadBytes: number | undefined;
  teardown(): Promise<void>;
}

function redisHarness(): SignalHarness {
  const { url, admin, cleanup } = redisTestServer('signal');
  const clients: Redis[] = [];
  return {
    createChannel({ prefix, onError, tag }) {
      if (tag === undefined) return createSignalChannel(url, { prefix, onError });
      const client = new Redis(url, { connectionName: tag });
      clients.push(client);
      return createSignalChannel(client, { prefix, onError });
    },
    async sendRaw(prefix, topic, payload) {
      await admin.publish(redisChannelName(prefix, topic), payload);
    },
    async killConnections(tag) {
      const list = (await admin.client('LIST')) as string;
      const ids = list
        .split('\n')
        .filter((line) => line.includes(` name=${tag} `))
        .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
        .filter((id): id is string => id !== undefined);
      for (const id of ids) await admin.client('KILL', 'ID', id);
      return ids.length;
    },
    maxPayloadBytes: undefined,
    async teardown() {
      await Promise.all(clients.map((client) => client.quit()));
      await cleanup();
    },
  };
}

function postgresHarness(): SignalHarness {
  const { url, admin, cleanup } = postgresTestServer('signal');
  const pools: pg.Pool[] = [];
  return {
    createChannel({ prefix, onError, tag }) {
      if (tag === undefined) return createSignalChannel({ postgres: url }, { prefix, onError });
      const tagged = new URL(url);
      tagged.searchParams.set('application_name', tag);
      const pool = new pg.Pool({ connectionString: tagged.toString(), max: 2 });
      pool.on('error', () => undefined); // its idle clients are killed on purpose
      pools.push(pool);
      return createSignalChannel({ postgres: pool }, { prefix, onError });
    },
    async sendRaw(prefix, topic, payload) {
      await admin.query('SELECT pg_notify($1, $2)', [postgresChannelName(prefix, topic), payload]);
    },
    async killConnections(tag) {
      const result = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [tag],
      );
      return result.rowCount ?? 0;
    },
    maxPayloadBytes: PG_NOTIFY_MAX_PAYLOAD_BYTES,
    async teardown() {
      await Promise.all(pools.map((pool) => pool.end()));
      await cleanup();
    },
  };
}

/** Collects what a listener receives, and waits for it. */
class Inbox {
  readonly messages: Array<{ message: unknown; topic: string }> = [];
  readonly listener = (message: unknown, topic: string): void => {
    this.messages.push({ message, topic });
  };

  async waitFor(count: number, timeoutMs = 5_000): Promise<void> {
    await waitFor(() => this.messages.length >= count, {
      what: () => `${count} message(s) (got ${this.messages.length})`,
      timeoutMs,
    });
  }

  bodies(): unknown[] {
    return this.messages.map((m) => m.message);
  }
}

function signalSuite(name: string, makeHarness: () => SignalHarness): void {
  describe(`SignalChannel on ${name}`, () => {
    let harness: SignalHarness;
    let open: SignalChannel[] = [];
    /** Each test gets its own prefix, so tests never hear each other. */
    let prefix: string;

    function channel(options: Partial<ChannelOptions> = {}): SignalChannel {
      const created = harness.createChannel({ prefix, ...options });
      open.push(created);
      return created;
    }

    beforeAll(() => {
      harness = makeHarness();
    });
    afterEach(async () => {
      await Promise.all(open.map((c) => c.close()));
      open = [];
    });
    afterAll(() => harness?.teardown());

    it('delivers a message to a subscriber of another channel instance', async () => {
      prefix = `spane-test:${randomBytes(6).toString('hex')}:`;
      const publisher = channel();
      const subscriber = channel();
      const inbox = new Inbox();
      await subscriber.subscribe('execution-cancelled', inbox.listener);

      await publisher.publish('execution-cancelled', { executionId: 'exec-1', reason: 'user' });
      await inbox.waitFor(1);
      expect(inbox.messages).toEqual([
        { topic: 'execution-cancelled', message: { executionId: 'exec-1', reason: 'user' } },
      ]);
    });

    it('stops delivering after unsubscribe, per subscription', async () => {
      prefix = `spane-test:${randomBytes(6).toString('hex')}:`;
      const publisher = channel();
      const subscriber = channel();
      const kept = new Inbox();
      const dropped = new Inbox();
      const barrier = new Inbox();
      await subscriber.subscribe('topic', kept.listener);
      const unsubscribe = await subscriber.subscribe('topic', dropped.listener);
      await subscriber.subscribe('barrier', barrier.listener);

      await publisher.publish('topic', 1);
      await kept.waitFor(1);
      await dropped.waitFor(1);

      await unsubscribe();
      await unsubscribe(); // idempotent
      await publisher.publish('topic', 2);
      await publisher.publish('barrier', 'after-2');
      await barrier.waitFor(1);
      await kept.waitFor(2);
      expect(kept.bodies()).toEqual([1, 2]);
      expect(dropped.bodies()).toEqual([1]);
    });

    it('unsubscribing the last listener of a topic stops it, and it can be subscribed again', async () => {
      prefix = `spane-test:${randomBytes(6).toString('hex')}:`;
      const publisher = channel();
      const subscriber = channel();
      const first = new Inbox();
      const barrier = new Inbox();
      await subscriber.subscribe('barrier', barrier.listener);
      const unsubscribe = await subscriber.subscribe('topic', first.listener);
      await unsubscribe();
      await publisher.publish('topic', 'unheard');
      await publisher.publish('barrier', 1);
      await barrier.waitFor(1);
      expect(first.messages).toEqual([]);

      const second = new Inbox();
      await subscriber.subscribe('topic', second.listener);
      await publisher.publish('topic', 'heard');
      await second.waitFor(1);
      expect(second.bodies()).toEqual(['heard']);
      expect(first.messages).toEqual([]);
    });

    it('keeps topics apart', async () => {
      prefix = `spane-test:${randomBytes(6).toString('hex')}:`;
      const publisher = channel();
      const subscriber = channel();
      const a = new Inbox();
      const b = new Inbox();
      await subscriber.subscribe('topic-a', a.listener);
      await subscriber.subscribe('topic-b', b.listener);

      await publisher.publish('topic-a', 'for-a');
      await publisher.publish('topic-b', 'for-b');
      // Published after, so delivered after: once both arrive, a stray copy would have too.
      await publisher.publish('topic-a', 'last-a');
      await publisher.publish('topic-b', 'last-b');
      await a.waitFor(2);
      await b.waitFor(2);
      expect(a.messages).toEqual([
        { topic: 'topic-a', message: 'for-a' },
        { topic: 'topic-a', message: 'last-a' },
      ]);
      expect(b.messages).toEqual([
        { topic: 'topic-b', message: 'for-b' },
        { topic: 'topic-b', message: 'last-b' },
      ]);
    });

    it('keeps prefixes apart', async () => {
      const base = `spane-test:${randomBytes(6).toString('hex')}:`;
      prefix = `${base}one:`;
      const onePublisher = channel();
      const oneSubscriber = channel();
      const twoPublisher = channel({ prefix: `${base}two:` });
      const twoSubscriber = channel({ prefix: `${base}two:` });
      const one = new Inbox();
      const two = new Inbox();
      await oneSubscriber.subscribe('topic', one.listener);
      await twoSubscriber.subscribe('topic', two.listener);

      await onePublisher.publish('topic', 'from-one');
      await one.waitFor(1);
      await twoPublisher.publish('topic', 'from-two');
      await two.waitFor(1);
      // A last message on each prefix, from each publisher: a stray copy arrives before it.
      await onePublisher.publish('topic', 'last-one');
      await twoPublisher.publish('topic', 'last-two');
      await one.waitFor(2);
      await two.waitFor(2);
      expect(one.bodies()).toEqual(['from-one', 'last-one']);
      expect(two.bodies()).toEqual(['from-two', 'last-two']);
    });

    it('ignores malformed messages, reports them to onError, and keeps delivering', async () => {
      prefix = `spane-test:${randomBytes(6).toString('hex')}:`;
      const errors: unknown[] = [];
      const publisher = channel();
      const subscriber = channel({ onError: (error) => errors.push(error) });
      const inbox = new Inbox();
      await subscriber.subscribe('topic', inbox.listener);

      await harness.sendRaw(prefix, 'topic', 'not json {');
      await harness.sendRaw(prefix, 'topic', '[1,2,3]');
      await harness.sendRaw(prefix, 'topic', JSON.stringify({ topic: 'other', message: 1 }));
      await harness.sendRaw(prefix, 'topic', JSON.stringify({ topic: 'topic' }));
      await publisher.publish('topic', { ok: true });
      await inbox.waitFor(1);
      expect(inbox.bodies()).toEqual([{ ok: true }]);
      expect(errors).toHaveLength(4);
      for (const error of errors) {
        expect(error).toBeInstanceOf(MalformedSignalError);
        expect(error).toMatchObject({ code: 'SIGNAL_MALFORMED' });
      }
    });

    it('isolates a failing listener from the others and reports its error', async () => {
      prefix = `spane-test:${randomBytes(6).toString('hex')}:`;
      const errors: unknown[] = [];
      const publisher = channel();
      const subscriber = channel({ onError: (error) => errors.push(error) });
      const inbox = new Inbox();
      await subscriber.subscribe('topic', () => {
        throw new Error('sync failure');
      });
      await subscriber.subscribe('topic', async () => {
        throw new Error('async failure');
      });
      await subscriber.subscribe('topic', inbox.listener);
      await publisher.publish('topic', 'x');
      await inbox.waitFor(1);
      await waitFor(() => errors.length >= 2, { what: 'both listener failures to be reported' });
      expect(errors.map((e) => (e as Error).message).sort()).toEqual([
        'async failure',
        'sync failure',
      ]);
    });

    it('handles payloads up to the transport limit and refuses larger ones with a typed error', async () => {
      prefix = `spane-test:${randomBytes(6).toString('hex')}:`;
      const publisher = channel();
      const subscriber = channel();
      const inbox = new Inbox();
      await subscriber.subscribe('big', inbox.listener);

      const fits = 'x'.repeat(7_000);
      await publisher.publish('big', fits);
      await inbox.waitFor(1);
      expect(inbox.bodies()).toEqual([fits]);

      const tooLarge = 'é'.repeat(4_500); // 9000 bytes in UTF-8
      if (harness.maxPayloadBytes === undefined) {
        await publisher.publish('big', tooLarge);
        await inbox.waitFor(2);
        expect(inbox.bodies()[1]).toBe(tooLarge);
      } else {
        const error = await publisher.publish('big', tooLarge).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SignalPayloadTooLargeError);
        expect(error).toMatchObject({
          code: 'SIGNAL_PAYLOAD_TOO_LARGE',
          topic: 'big',
          maxBytes: harness.maxPayloadBytes,
        });
        expect((error as SignalPayloadTooLargeError).sizeBytes).toBeGreaterThan(9_000);
      }
    });

    it('rejects messages JSON cannot carry', async () => {
      prefix = `spane-test:${randomBytes(6).toString('hex')}:`;
      const publisher = channel();
      await expect(publisher.publish('topic', undefined)).rejects.toThrow(TypeError);
      await expect(publisher.publish('topic', { n: 1n })).rejects.toThrow(TypeError);
    });

    it('refuses publish and subscribe after close', async () => {
      prefix = `spane-test:${randomBytes(6).toString('hex')}:`;
      const closed = channel();
      await closed.subscribe('topic', () => undefined);
      await closed.close();
      await closed.close(); // idempotent
      await expect(closed.publish('topic', 1)).rejects.toBeInstanceOf(SignalChannelClosedError);
      await expect(closed.subscribe('topic', () => undefined)).rejects.toMatchObject({
        code: 'SIGNAL_CHANNEL_CLOSED',
      });
    });

    it('resubscribes after its connection is killed on the server', async () => {
      prefix = `spane-test:${randomBytes(6).toString('hex')}:`;
      const tag = `spane_test_${randomBytes(6).toString('hex')}`;
      const publisher = channel();
      const subscriber = channel({ tag, onError: () => undefined });
      const inbox = new Inbox();
      await subscriber.subscribe('topic', inbox.listener);
      await publisher.publish('topic', 'before');
      await inbox.waitFor(1);

      expect(await harness.killConnections(tag)).toBeGreaterThan(0);
      // Messages sent while the connection is down are lost (at most once): keep sending.
      let sent = 0;
      await waitFor(
        async () => {
          if (inbox.bodies().includes('after')) return true;
          await publisher.publish('topic', 'after');
          sent += 1;
          return false;
        },
        { what: 'a message to arrive after the resubscribe', timeoutMs: 15_000, intervalMs: 100 },
      );
      expect(sent).toBeGreaterThan(0);
      expect(inbox.bodies()).toContain('after');
    }, 20_000);
  });
}

signalSuite('Redis', redisHarness);
signalSuite('PostgreSQL', postgresHarness);

describe('SignalChannel on PostgreSQL, unreachable', () => {
  it('rejects the first subscription instead of retrying forever', async () => {
    const unreachable = new URL(requireEnv('DATABASE_URL'));
    unreachable.port = '1';
    const channel = createSignalChannel({ postgres: unreachable.toString() }, { prefix: 'x:' });
    try {
      await expect(channel.subscribe('topic', () => undefined)).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
    } finally {
      await channel.close();
    }
  });
});
