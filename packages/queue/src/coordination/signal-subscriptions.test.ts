import { ConfigurationError } from '@spane/core';
import { describe, expect, it } from 'vitest';
import { MalformedSignalError, SignalChannelClosedError } from './coordination-errors.ts';
import { encodeSignal } from './signal-envelope.ts';
import { SignalSubscriptions } from './signal-subscriptions.ts';

/** Records what the registry asks of its transport (our own port, no server involved). */
function recordingTransport() {
  const calls: string[] = [];
  const errors: unknown[] = [];
  return {
    calls,
    errors,
    transport: {
      channelName: (topic: string) => `chan:${topic}`,
      listen: async (channel: string) => {
        calls.push(`listen ${channel}`);
      },
      unlisten: async (channel: string) => {
        calls.push(`unlisten ${channel}`);
      },
      onError: (error: unknown) => errors.push(error),
    },
  };
}

describe('SignalSubscriptions', () => {
  it('listens on the first subscription of a channel and unlistens after the last', async () => {
    const { calls, transport } = recordingTransport();
    const subscriptions = new SignalSubscriptions(transport);
    const listener = () => undefined;
    const first = await subscriptions.add('c', 't', listener);
    const second = await subscriptions.add('c', 't', listener);
    expect(calls).toEqual(['listen c']);
    await first();
    await first();
    expect(calls).toEqual(['listen c']);
    await second();
    expect(calls).toEqual(['listen c', 'unlisten c']);
    expect(subscriptions.channels()).toEqual([]);
  });

  it('delivers to every listener of the channel; failures go to onError only', async () => {
    const { errors, transport } = recordingTransport();
    const subscriptions = new SignalSubscriptions(transport);
    const received: unknown[] = [];
    await subscriptions.add('c', 't', () => {
      throw new Error('sync');
    });
    await subscriptions.add('c', 't', (message, topic) => {
      received.push([message, topic]);
    });
    subscriptions.dispatch('c', encodeSignal('t', { id: 1 }));
    subscriptions.dispatch('other', encodeSignal('t', 'ignored'));
    expect(received).toEqual([[{ id: 1 }, 't']]);
    expect(errors).toHaveLength(1);
  });

  it('drops malformed payloads and payloads for another topic, reporting them', async () => {
    const { errors, transport } = recordingTransport();
    const subscriptions = new SignalSubscriptions(transport);
    const received: unknown[] = [];
    await subscriptions.add('c', 't', (message) => {
      received.push(message);
    });
    subscriptions.dispatch('c', '{oops');
    subscriptions.dispatch('c', undefined);
    subscriptions.dispatch('c', encodeSignal('not-t', 1));
    expect(received).toEqual([]);
    expect(errors).toHaveLength(3);
    expect(errors.every((e) => e instanceof MalformedSignalError)).toBe(true);
  });

  it('survives an onError that throws', async () => {
    const subscriptions = new SignalSubscriptions({
      channelName: (topic) => topic,
      listen: async () => undefined,
      unlisten: async () => undefined,
      onError: () => {
        throw new Error('bad handler');
      },
    });
    await subscriptions.add('c', 't', () => undefined);
    expect(() => subscriptions.dispatch('c', 'garbage')).not.toThrow();
  });

  it('forgets a channel whose listen failed, so a later subscription listens again', async () => {
    let fail = true;
    const subscriptions = new SignalSubscriptions({
      channelName: (topic) => topic,
      listen: async () => {
        if (fail) throw new Error('down');
      },
      unlisten: async () => undefined,
      onError: () => undefined,
    });
    await expect(subscriptions.add('c', 't', () => undefined)).rejects.toThrow('down');
    expect(subscriptions.channels()).toEqual([]);
    fail = false;
    await subscriptions.add('c', 't', () => undefined);
    expect(subscriptions.channels()).toEqual(['c']);
  });

  it('subscribes a topic on its transport channel, validating the topic', async () => {
    const { calls, transport } = recordingTransport();
    const subscriptions = new SignalSubscriptions(transport);
    const received: unknown[] = [];
    const unsubscribe = await subscriptions.subscribe('t', (message) => {
      received.push(message);
    });
    expect(calls).toEqual(['listen chan:t']);
    expect(subscriptions.channelOf('t', 'publish')).toBe('chan:t');
    subscriptions.dispatch('chan:t', encodeSignal('t', 42));
    expect(received).toEqual([42]);
    await unsubscribe();
    expect(calls).toEqual(['listen chan:t', 'unlisten chan:t']);
    expect(() => subscriptions.channelOf('', 'publish')).toThrow(ConfigurationError);
    await expect(subscriptions.subscribe('', () => undefined)).rejects.toThrow(ConfigurationError);
  });

  it('refuses to publish or subscribe once closed, and closes only once', async () => {
    const { calls, transport } = recordingTransport();
    const subscriptions = new SignalSubscriptions(transport);
    await subscriptions.subscribe('t', () => undefined);
    expect(subscriptions.closed).toBe(false);
    expect(subscriptions.close()).toBe(true);
    expect(subscriptions.closed).toBe(true);
    expect(subscriptions.channels()).toEqual([]);
    expect(subscriptions.close()).toBe(false);
    expect(() => subscriptions.channelOf('t', 'publish')).toThrow(SignalChannelClosedError);
    await expect(subscriptions.subscribe('t', () => undefined)).rejects.toThrow(
      SignalChannelClosedError,
    );
    expect(calls).toEqual(['listen chan:t']);
  });
});
