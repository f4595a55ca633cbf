import { describe, expect, it } from 'vitest';
import { createJsonLogger } from './json-logger.ts';

describe('createJsonLogger', () => {
  it('writes one JSON object per line with bindings, and drops lines below the level', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({
      level: 'info',
      bindings: { service: 'spane' },
      write: (l) => lines.push(l),
    });
    logger.debug('hidden');
    logger.child({ executionId: 'e1' }).warn({ nodeId: 'a' }, 'slow node');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'warn',
      msg: 'slow node',
      service: 'spane',
      executionId: 'e1',
      nodeId: 'a',
    });
  });

  it('redacts secret-looking fields at any depth and survives cycles', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ write: (l) => lines.push(l) });
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    logger.info(
      {
        headers: { Authorization: 'Bearer abc' },
        db: { password: 'pw' },
        apiKey: 'k',
        cyclic,
      },
      'request',
    );
    const line = lines[0] as string;
    expect(line).not.toContain('Bearer abc');
    expect(line).not.toContain('"pw"');
    expect(JSON.parse(line)).toMatchObject({
      headers: { Authorization: '[redacted]' },
      apiKey: '[redacted]',
      cyclic: { self: '[circular]' },
    });
  });
});
