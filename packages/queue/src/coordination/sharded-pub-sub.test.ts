import { describe, expect, it } from 'vitest';
import { supportsShardedPubSub } from './redis-signal-channel.ts';

describe('supportsShardedPubSub', () => {
  it('is true from Redis 7 on (SPUBLISH / SSUBSCRIBE came with 7.0), false before or when unknown', () => {
    const info = (version: string) =>
      `# Server\r\nredis_version:${version}\r\nredis_mode:cluster\r\n`;
    expect(supportsShardedPubSub(info('7.0.15'))).toBe(true);
    expect(supportsShardedPubSub(info('7.2.4'))).toBe(true);
    expect(supportsShardedPubSub(info('8.0.0'))).toBe(true);
    expect(supportsShardedPubSub(info('6.2.14'))).toBe(false);
    expect(supportsShardedPubSub('# Server\r\n')).toBe(false);
  });
});
