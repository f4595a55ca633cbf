import { describe, expect, it } from 'vitest';
import { isLoopbackHost, readListenOptions, ServerConfigError } from './listen-options.ts';

describe('readListenOptions', () => {
  it('defaults to 127.0.0.1:4000 without a token', () => {
    expect(readListenOptions({})).toEqual({ port: 4000, host: '127.0.0.1', token: undefined });
  });

  it('reads PORT, HOST and SPANE_API_TOKEN', () => {
    expect(readListenOptions({ PORT: '0', HOST: '::1' })).toEqual({
      port: 0,
      host: '::1',
      token: undefined,
    });
    expect(readListenOptions({ PORT: '8080', HOST: '0.0.0.0', SPANE_API_TOKEN: 't' })).toEqual({
      port: 8080,
      host: '0.0.0.0',
      token: 't',
    });
  });

  it('refuses a host other than loopback without a token', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
      expect(() => readListenOptions({ HOST: host })).toThrow(ServerConfigError);
    }
  });

  it('refuses a port that is not a whole number from 0 to 65535', () => {
    for (const port of ['-1', '65536', 'http', '80.5', '1e3']) {
      expect(() => readListenOptions({ PORT: port })).toThrow(/PORT must be a whole number/);
    }
  });

  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopbackHost)).toBe(
      true,
    );
    expect(['0.0.0.0', '10.0.0.1', '::', 'local'].some(isLoopbackHost)).toBe(false);
  });
});
