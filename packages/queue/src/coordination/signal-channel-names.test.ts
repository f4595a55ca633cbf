import { ConfigurationError } from '@spane/core';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIGNAL_PREFIX,
  postgresChannelName,
  redisChannelName,
  validatePrefix,
  validateTopic,
} from './signal-channel-names.ts';

describe('postgresChannelName', () => {
  it('is a short safe identifier, the same in every process', () => {
    const name = postgresChannelName(DEFAULT_SIGNAL_PREFIX, 'execution-cancelled');
    expect(name).toMatch(/^spane_[0-9a-f]{32}$/);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(postgresChannelName(DEFAULT_SIGNAL_PREFIX, 'execution-cancelled')).toBe(name);
  });

  it('stays safe for any topic, including quotes, spaces and very long ones', () => {
    for (const topic of ['"; DROP TABLE x; --', 'with space', 'ü'.repeat(500), 'UPPER']) {
      expect(postgresChannelName('p', topic)).toMatch(/^spane_[0-9a-f]{32}$/);
    }
  });

  it('differs by topic and by prefix, even where plain concatenation would collide', () => {
    const names = new Set([
      postgresChannelName('a', 'b'),
      postgresChannelName('b', 'a'),
      postgresChannelName('a:', 'b'),
      postgresChannelName('a', ':b'),
      postgresChannelName('', 'a:b'),
    ]);
    expect(names.size).toBe(5);
  });
});

describe('redisChannelName', () => {
  it('is the prefix followed by the topic', () => {
    expect(redisChannelName('spane:signal:', 'cancel')).toBe('spane:signal:cancel');
  });
});

describe('validation', () => {
  it('refuses an empty or non-string topic', () => {
    expect(() => validateTopic('')).toThrow(ConfigurationError);
    expect(() => validateTopic(42 as unknown as string)).toThrow(ConfigurationError);
    expect(validateTopic('ok')).toBe('ok');
  });

  it('refuses a non-string prefix and accepts an empty one', () => {
    expect(() => validatePrefix(undefined as unknown as string)).toThrow(ConfigurationError);
    expect(validatePrefix('')).toBe('');
  });
});
