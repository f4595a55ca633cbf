/**
 * How topics become transport channel names: readable `prefix + topic` on Redis, and a short hash
 * on PostgreSQL, whose LISTEN channels are identifiers of at most 63 bytes.
 * @module
 */
import { createHash } from 'node:crypto';
import { ConfigurationError } from '@spane/core';

/** The topic namespace unless told otherwise. */
export const DEFAULT_SIGNAL_PREFIX = 'spane:signal:';

/** Checks a topic: a non-empty string. Returns it. */
export function validateTopic(topic: string): string {
  if (typeof topic !== 'string' || topic.length === 0) {
    throw new ConfigurationError(
      `A signal topic is a non-empty string, got ${JSON.stringify(topic)}`,
    );
  }
  return topic;
}

/** Checks a prefix: a string (empty allowed). Returns it. */
export function validatePrefix(prefix: string): string {
  if (typeof prefix !== 'string') {
    throw new ConfigurationError(`A signal prefix is a string, got ${typeof prefix}`);
  }
  return prefix;
}

/** The Redis channel of a topic: the prefix followed by the topic. */
export function redisChannelName(prefix: string, topic: string): string {
  return prefix + topic;
}

/**
 * The PostgreSQL channel of a topic: `spane_` and 32 hex digits of SHA-256 over prefix and topic.
 * Deterministic (every process derives the same name), a safe identifier whatever the topic, and
 * distinct for distinct (prefix, topic) pairs. Receivers also compare the topic in the message.
 */
export function postgresChannelName(prefix: string, topic: string): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([prefix, topic]))
    .digest('hex');
  return `spane_${digest.slice(0, 32)}`;
}
