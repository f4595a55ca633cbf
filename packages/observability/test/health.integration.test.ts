/**
 * Health against a private redis-server that the test stops and starts again: readiness is 503
 * while it is down and 200 once it is back.
 */
import { NodeRegistry } from '@spane/core';
import { WorkflowEngine } from '@spane/engine';
import { type LocalRedisServer, startRedisServer } from '@spane/local-services';
import { InMemoryExecutionStore } from '@spane/store-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealthMonitor, type HealthMonitor, type HealthReport } from '../src/index.ts';
import { eventually, freshPrefix, requireEnv } from './support/servers.ts';

describe('health monitor', () => {
  let server: LocalRedisServer;
  let engine: WorkflowEngine;
  let store: InMemoryExecutionStore;
  let health: HealthMonitor;

  beforeAll(async () => {
    server = await startRedisServer();
    store = new InMemoryExecutionStore();
    engine = new WorkflowEngine({
      registry: new NodeRegistry(),
      store,
      connection: server.url,
      config: { prefix: freshPrefix('health'), events: false },
    });
    // No workers on the server the test stops: BullMQ's blocking connections back off for up to
    // 20 s between reconnections, which would only slow the close down.
    health = createHealthMonitor({ engine, store, timeoutMs: 500 });
  });

  afterAll(async () => {
    health.close();
    await engine.close();
    await store.close();
    await server.stop();
  }, 60_000);

  it('reports healthy with every check and its latency, live and ready with 200', async () => {
    const report = await health.getHealth();
    expect(report.checks.queue.status).toBe('pass');
    expect(report.checks.store.status).toBe('pass');
    expect(typeof report.checks.queue.latencyMs).toBe('number');
    expect(report.checks.workers).toMatchObject({
      status: 'pass',
      details: { started: 0, running: 0 },
    });
    expect(report.checks.backlog.status).toBe('pass');
    expect(['healthy', 'degraded']).toContain(report.status); // a loaded machine may lag
    const response = await health.handler(new Request('http://localhost/health'));
    expect(response.status).toBe(200);
    expect(((await response.json()) as HealthReport).checks.store.status).toBe('pass');
    expect((await health.livenessHandler(new Request('http://localhost/health/live'))).status).toBe(
      200,
    );
    expect(health.getLiveness().alive).toBe(true);
    expect(
      (await health.readinessHandler(new Request('http://localhost/health/ready'))).status,
    ).toBe(200);
  });

  it('is not ready (503) while redis-server is stopped, and ready (200) after it restarts', async () => {
    const port = server.port;
    await server.stop();
    const ready = () => health.readinessHandler(new Request('http://localhost/health/ready'));
    const down = await ready();
    expect(down.status).toBe(503);
    expect(((await down.json()) as { reasons: string[] }).reasons[0]).toMatch(/queue server/);
    const report = await health.getHealth();
    expect(report.status).toBe('unhealthy');
    expect(report.checks.queue.status).toBe('fail');
    expect((await health.handler(new Request('http://localhost/health'))).status).toBe(503);

    server = await startRedisServer({ port });
    expect(server.port).toBe(port);
    let status = 0;
    await eventually(
      async () => {
        status = (await ready()).status;
        return status === 200;
      },
      { what: 'readiness after the restart', timeoutMs: 30_000 },
    );
    expect(status).toBe(200);
  });

  it('counts the workers a process started and whether they run', async () => {
    const withWorkers = new WorkflowEngine({
      registry: new NodeRegistry(),
      store,
      connection: requireEnv('REDIS_URL'),
      config: { prefix: freshPrefix('health-workers'), events: false },
    });
    await withWorkers.startWorkers(1);
    const monitor = createHealthMonitor({ engine: withWorkers, store });
    try {
      expect(withWorkers.getWorkerStatus()).toEqual({ started: 2, running: 2 });
      expect((await monitor.getHealth()).checks.workers).toMatchObject({
        status: 'pass',
        message: 'All workers running',
      });
    } finally {
      monitor.close();
      await withWorkers.close();
    }
  });

  it('is not ready once shutting down, whatever the servers say', async () => {
    const other = createHealthMonitor({ engine, store });
    other.markShuttingDown();
    const response = await other.readinessHandler(new Request('http://localhost/health/ready'));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ready: false, reasons: ['shutting down'] });
    expect((await other.getHealth()).checks.shutdown.status).toBe('warn');
    other.close();
  });
});
