import { describe, expect, it } from 'vitest';
import { EngineEvents } from './engine-events.ts';
import { type EngineLogger, redactSecrets } from './engine-logger.ts';
import { attachLifecycleLog } from './lifecycle-log.ts';

type Line = [level: string, message: string, fields: Record<string, unknown>];

function logger(lines: Line[]): EngineLogger {
  const at = (level: string) => (fields: Record<string, unknown>, message: string) =>
    void lines.push([level, message, fields]);
  const self: EngineLogger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => self,
  };
  return self;
}

describe('redactSecrets', () => {
  it('replaces secret-looking keys at any depth, reduces errors and cuts cycles', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    const error = Object.assign(new Error('down'), { code: 'E_DOWN', password: 'pw' });
    expect(
      redactSecrets({
        headers: { Authorization: 'Bearer abc', accept: 'json' },
        list: [{ clientSecret: 's' }, { api_key: 'k' }],
        accessToken: 't',
        error,
        cyclic,
      }),
    ).toEqual({
      headers: { Authorization: '[redacted]', accept: 'json' },
      list: [{ clientSecret: '[redacted]' }, { api_key: '[redacted]' }],
      accessToken: '[redacted]',
      error: { name: 'Error', message: 'down', code: 'E_DOWN' },
      cyclic: { name: 'x', self: '[circular]' },
    });
  });
  it('keeps a __proto__ key (as JSON.parse makes it) as a key, redacting inside it', () => {
    const input = JSON.parse('{"__proto__": {"password": "p", "user": "u"}, "ok": 1}');
    const out = redactSecrets(input) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'ok']);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"password":"[redacted]","user":"u"},"ok":1}');
  });
});

describe('attachLifecycleLog', () => {
  it('writes lifecycle lines at their levels, and an engine error without its secret fields', () => {
    const lines: Line[] = [];
    const events = new EngineEvents();
    const stop = attachLifecycleLog(events, logger(lines));
    const ids = { executionId: 'e1', workflowId: 'w' };
    events.emit('execution:started', ids);
    events.emit('node:failed', {
      ...ids,
      nodeId: 'n',
      nodeType: 't',
      error: 'boom',
      final: true,
      attempt: 3,
      durationMs: 5,
      deadLettered: true,
    });
    const leaky = Object.assign(new Error('store down'), { password: 'pw-1' });
    events.emit('error', { error: leaky, context: 'store' });
    stop();
    events.emit('execution:completed', ids);
    expect(lines.map(([level, message]) => `${level} ${message}`)).toEqual([
      'info execution started',
      'warn node failed',
      'error node moved to the dead-letter queue',
      'error engine error (store)',
    ]);
    expect(lines[1]?.[2]).toMatchObject({ nodeId: 'n', attempt: 3 });
    expect(lines[3]?.[2]).toEqual({
      context: 'store',
      error: { name: 'Error', message: 'store down' },
    });
    expect(JSON.stringify(lines)).not.toContain('pw-1');
  });

  it('never lets a throwing logger break the engine', () => {
    const events = new EngineEvents();
    const throwing = logger([]);
    throwing.info = () => {
      throw new Error('logger down');
    };
    attachLifecycleLog(events, throwing);
    expect(() =>
      events.emit('execution:started', { executionId: 'e', workflowId: 'w' }),
    ).not.toThrow();
  });
});

/** pino's logger type, in outline: overloaded log methods and a `child` with options. */
interface PinoLogFn {
  <T extends object>(obj: T, msg?: string, ...args: unknown[]): void;
  (obj: unknown, msg?: string, ...args: unknown[]): void;
  (msg: string, ...args: unknown[]): void;
}
interface PinoShaped {
  level: string;
  fatal: PinoLogFn;
  error: PinoLogFn;
  warn: PinoLogFn;
  info: PinoLogFn;
  debug: PinoLogFn;
  trace: PinoLogFn;
  child(bindings: Record<string, unknown>, options?: { level?: string }): PinoShaped;
  isLevelEnabled(level: string): boolean;
}

describe('EngineLogger', () => {
  it("accepts pino's shape as it is", () => {
    const lines: unknown[][] = [];
    const method: PinoLogFn = (...args: unknown[]) => void lines.push(args);
    const pinoLike: PinoShaped = {
      level: 'info',
      fatal: method,
      error: method,
      warn: method,
      info: method,
      debug: method,
      trace: method,
      child: () => pinoLike,
      isLevelEnabled: () => true,
    };
    const port: EngineLogger = pinoLike; // a type error here would mean pino no longer fits
    const events = new EngineEvents();
    attachLifecycleLog(events, port);
    events.emit('execution:completed', { executionId: 'e', workflowId: 'w' });
    expect(lines).toEqual([[{ executionId: 'e', workflowId: 'w' }, 'execution completed']]);
  });
});
