import type { ShutdownStatus } from '@spane/engine';
import { describe, expect, it } from 'vitest';
import { createShutdownStatusHandler } from './create-shutdown-status-handler.ts';

describe('createShutdownStatusHandler', () => {
  it("answers 200 with the engine's shutdown state and whether it is shutting down", async () => {
    let status: ShutdownStatus = { state: 'running', activeNodes: 2 };
    const handler = createShutdownStatusHandler({ engine: { getShutdownStatus: () => status } });
    const running = await handler(new Request('http://localhost/shutdown/status'));
    expect(running.status).toBe(200);
    expect(running.headers.get('content-type')).toContain('application/json');
    expect(await running.json()).toEqual({ state: 'running', activeNodes: 2, shuttingDown: false });
    status = { state: 'draining', since: 1_700_000_000_000, activeNodes: 1 };
    const draining = await handler(new Request('http://localhost/shutdown/status'));
    expect(await draining.json()).toEqual({
      state: 'draining',
      since: 1_700_000_000_000,
      activeNodes: 1,
      shuttingDown: true,
    });
  });
});
