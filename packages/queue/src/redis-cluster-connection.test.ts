import { describe, expect, it } from 'vitest';
import {
  ClusterPrefixError,
  createClusterClient,
  isHashTagPrefix,
  isRedisClusterConnection,
} from './redis-cluster-connection.ts';

describe('isHashTagPrefix', () => {
  it('accepts a prefix with a non-empty {tag}, as Redis picks the slot from it', () => {
    for (const prefix of ['{spane}', 'app{x}', '{a}b', '{{a}', 'x{y}z{w}']) {
      expect(isHashTagPrefix(prefix), prefix).toBe(true);
    }
  });

  it('refuses a prefix without braces, with empty braces, or braces the wrong way round', () => {
    for (const prefix of ['spane', '', '{}', '}{', 'a}b{', '{open', 'close}', '{}{a}']) {
      expect(isHashTagPrefix(prefix), prefix).toBe(false);
    }
  });
});

describe('ClusterPrefixError', () => {
  it('has a code, is not retryable, and shows the prefix written as a hash tag', () => {
    const error = new ClusterPrefixError('myapp');
    expect(error).toMatchObject({
      code: 'CLUSTER_PREFIX_NOT_HASH_TAG',
      retryable: false,
      prefix: 'myapp',
    });
    expect(error.message).toContain(`prefix: '{myapp}'`);
    expect(new ClusterPrefixError('{}').message).toContain(`prefix: '{spane}'`);
  });
});

describe('isRedisClusterConnection', () => {
  it('tells { cluster: nodes } from other connections', () => {
    expect(isRedisClusterConnection({ cluster: [{ host: '127.0.0.1', port: 7000 }] })).toBe(true);
    expect(isRedisClusterConnection({ postgres: 'postgres://x' })).toBe(false);
    expect(isRedisClusterConnection('redis://x')).toBe(false);
    expect(isRedisClusterConnection({ cluster: 'x' })).toBe(false);
  });
});

describe('createClusterClient', () => {
  it('keeps the caller’s options but sets maxRetriesPerRequest, and listens for errors', () => {
    const client = createClusterClient(
      {
        cluster: [{ host: '127.0.0.1', port: 1 }],
        clusterOptions: {
          lazyConnect: true,
          redisOptions: { maxRetriesPerRequest: 5, connectionName: 'mine' },
        },
      },
      { maxRetriesPerRequest: null, onError: () => undefined },
    );
    try {
      expect(client.options.redisOptions).toMatchObject({
        maxRetriesPerRequest: null,
        connectionName: 'mine',
      });
      expect(client.options.lazyConnect).toBe(true);
      expect(client.listenerCount('error')).toBe(1);
    } finally {
      client.disconnect();
    }
  });
});
