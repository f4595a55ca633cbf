import { signWebhook } from '@spane/triggers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXECUTION_STATUSES } from '../src/server/api-schemas.ts';
import { eventually, flaky, startTestApi, type TestApi } from './support/test-api.ts';

const chain = {
  id: 't-chain',
  name: 'Chain',
  nodes: [
    { id: 'a', type: 'transform', outputs: ['b'], config: { expression: '$' } },
    { id: 'b', type: 'notify' },
  ],
};
const slow = {
  id: 't-slow',
  nodes: [
    { id: 's1', type: 'sleep', config: { ms: 1500 }, outputs: ['s2'] },
    { id: 's2', type: 'sleep', config: { ms: 1500 }, outputs: ['s3'] },
    { id: 's3', type: 'notify' },
  ],
};
const dlq = { id: 't-dlq', nodes: [{ id: 'x', type: 'flaky' }] };
const hooked = {
  id: 't-hooked',
  nodes: [{ id: 'n', type: 'notify' }],
  triggers: [
    { type: 'webhook', config: { path: 't-open', method: 'POST' } },
    { type: 'webhook', config: { path: 't-signed', method: 'POST', secret: 'webhook-secret' } },
    { type: 'schedule', config: { cron: '0 0 1 1 *', timezone: 'Europe/Paris' } },
  ],
};
const parent = {
  id: 't-parent',
  nodes: [{ id: 'child', type: 'sub-workflow', config: { workflowId: 't-chain' } }],
};

/** An error answer: the status and the `{ error: { code, message, path? } }` body. */
function expectError(
  answer: { status: number; body: { error?: { code?: string; message?: string; path?: string } } },
  status: number,
  code: string,
  path?: string,
): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body.error?.code).toBe(code);
  expect(typeof answer.body.error?.message).toBe('string');
  if (path !== undefined) expect(answer.body.error?.path).toBe(path);
}

describe('demo API (no token)', () => {
  let t: TestApi;

  async function finished(executionId: string) {
    return eventually(async () => {
      const { body } = await t.call('GET', `/api/executions/${executionId}`);
      return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
    }, `execution ${executionId} to finish`);
  }

  async function start(workflowId: string, initialData: unknown = {}): Promise<string> {
    const answer = await t.call('POST', `/api/workflows/${workflowId}/execute`, {
      body: { initialData },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    return answer.body.executionId;
  }

  beforeAll(async () => {
    t = await startTestApi({ maxBodyBytes: 64 * 1024 });
    for (const definition of [chain, slow, dlq, parent, hooked]) {
      const answer = await t.call('POST', '/api/workflows', { body: definition });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    }
  });
  afterAll(async () => {
    await t?.close();
    expect(t?.serverErrors ?? []).toEqual([]);
  });

  describe('workflows', () => {
    it('registers a definition, makes a new version when it changes, and keeps the same one when not', async () => {
      const first = await t.call('POST', '/api/workflows', {
        body: { id: 't-versions', nodes: [{ id: 'n', type: 'notify' }] },
      });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({ workflowId: 't-versions', version: 1 });
      const same = await t.call('POST', '/api/workflows', {
        body: { id: 't-versions', nodes: [{ id: 'n', type: 'notify' }] },
      });
      expect(same.body.version).toBe(1);
      const changed = await t.call('POST', '/api/workflows', {
        body: { id: 't-versions', name: 'Two', nodes: [{ id: 'n', type: 'notify' }] },
      });
      expect(changed.body.version).toBe(2);

      const detail = await t.call('GET', '/api/workflows/t-versions');
      expect(detail.status).toBe(200);
      expect(detail.body.version).toBe(2);
      expect(detail.body.definition.name).toBe('Two');
      expect(detail.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
      const old = await t.call('GET', '/api/workflows/t-versions?version=1');
      expect(old.body.version).toBe(1);
      expect(old.body.definition.name).toBeUndefined();
    });

    it('lists every workflow with its latest version and definition', async () => {
      const answer = await t.call('GET', '/api/workflows');
      expect(answer.status).toBe(200);
      const chainItem = answer.body.items.find(
        (item: { workflowId: string }) => item.workflowId === 't-chain',
      );
      expect(chainItem).toMatchObject({ version: 1, nodeCount: 2, name: 'Chain' });
      expect(chainItem.definition.nodes).toHaveLength(2);
    });

    it('rejects bad definitions with a 4xx naming the path', async () => {
      expectError(await t.call('POST', '/api/workflows', { raw: '{"id":' }), 400, 'INVALID_JSON');
      expectError(await t.call('POST', '/api/workflows', { body: [] }), 400, 'VALIDATION_ERROR');
      expectError(
        await t.call('POST', '/api/workflows', { body: { id: 'x' } }),
        400,
        'VALIDATION_ERROR',
        'nodes',
      );
      expectError(
        await t.call('POST', '/api/workflows', { body: { id: 'x', nodes: [{ id: 'a' }] } }),
        400,
        'VALIDATION_ERROR',
        'nodes[0].type',
      );
      const cycle = await t.call('POST', '/api/workflows', {
        body: {
          id: 'x',
          nodes: [
            { id: 'a', type: 'notify', outputs: ['b'] },
            { id: 'b', type: 'notify', outputs: ['a'] },
          ],
        },
      });
      expectError(cycle, 400, 'CYCLE_DETECTED');
      const unknownType = await t.call('POST', '/api/workflows', {
        body: { id: 'x', nodes: [{ id: 'a', type: 'no-such-type' }] },
      });
      expect(unknownType.status).toBe(400);
      expect(unknownType.body.error.path).toBe('nodes[0].type');
      const missingRef = await t.call('POST', '/api/workflows', {
        body: { id: 'x', nodes: [{ id: 'a', type: 'notify', outputs: ['ghost'] }] },
      });
      expect(missingRef.status).toBe(400);
      expect((await t.call('GET', '/api/workflows/x')).status).toBe(404);
    });

    it('refuses a body over the size limit with 413', async () => {
      const big = {
        id: 'big',
        nodes: [{ id: 'a', type: 'notify', config: { pad: 'x'.repeat(70_000) } }],
      };
      expectError(await t.call('POST', '/api/workflows', { body: big }), 413, 'PAYLOAD_TOO_LARGE');
      expect((await t.call('GET', '/api/workflows/big')).status).toBe(404);
    });

    it('answers 404 for an unknown workflow or version, and 400 for a bad version', async () => {
      expectError(await t.call('GET', '/api/workflows/nope'), 404, 'NOT_FOUND');
      expectError(await t.call('GET', '/api/workflows/t-chain?version=9'), 404, 'NOT_FOUND');
      expectError(
        await t.call('GET', '/api/workflows/t-chain?version=abc'),
        400,
        'VALIDATION_ERROR',
        'version',
      );
    });
  });

  describe('execute', () => {
    it('starts an execution that completes, with each node completed in the view', async () => {
      const id = await start('t-chain', { hello: 'world' });
      const done = await finished(id);
      expect(done.status).toBe('completed');
      expect(done.nodes.map((n: { id: string; status: string }) => [n.id, n.status])).toEqual([
        ['a', 'completed'],
        ['b', 'completed'],
      ]);
      expect(done.nodes[0].attempts).toBe(1);
      expect(done.nodes[0].input).toEqual({ hello: 'world' });
      expect(done.workflow.id).toBe('t-chain');
    });

    it('honours jobId (same key, same execution), delay (pending first) and priority', async () => {
      const body = { initialData: { n: 1 }, jobId: `key-${Date.now()}`, priority: 9 };
      const first = await t.call('POST', '/api/workflows/t-chain/execute', { body });
      const second = await t.call('POST', '/api/workflows/t-chain/execute', { body });
      expect(second.body.executionId).toBe(first.body.executionId);
      expect((await finished(first.body.executionId)).status).toBe('completed');

      const delayed = await t.call('POST', '/api/workflows/t-chain/execute', {
        body: { delay: 60_000 },
      });
      expect(delayed.status).toBe(202);
      const view = await t.call('GET', `/api/executions/${delayed.body.executionId}`);
      expect(view.body.status).toBe('pending');
      expect(view.body.nodes.every((n: { status: string }) => n.status === 'pending')).toBe(true);
      expect(
        (await t.call('POST', `/api/executions/${delayed.body.executionId}/cancel`)).status,
      ).toBe(200);
    });

    it('rejects bad execute bodies and unknown workflows', async () => {
      const path = '/api/workflows/t-chain/execute';
      expectError(await t.call('POST', path, { raw: 'nope' }), 400, 'INVALID_JSON');
      expectError(
        await t.call('POST', path, { body: { priority: 0 } }),
        400,
        'VALIDATION_ERROR',
        'priority',
      );
      expectError(
        await t.call('POST', path, { body: { priority: 2.5 } }),
        400,
        'VALIDATION_ERROR',
        'priority',
      );
      expectError(
        await t.call('POST', path, { body: { delay: -1 } }),
        400,
        'VALIDATION_ERROR',
        'delay',
      );
      expectError(
        await t.call('POST', path, { body: { jobId: '' } }),
        400,
        'VALIDATION_ERROR',
        'jobId',
      );
      expectError(
        await t.call('POST', path, { body: { initalData: {} } }),
        400,
        'VALIDATION_ERROR',
      );
      expectError(await t.call('POST', path, { body: 'text' }), 400, 'VALIDATION_ERROR');
      expectError(
        await t.call('POST', '/api/workflows/nope/execute', { body: {} }),
        404,
        'NOT_FOUND',
      );
    });

    it('runs one node of an existing execution, and rejects bad node runs', async () => {
      const id = await start('t-chain');
      await finished(id);
      const ok = await t.call('POST', '/api/workflows/t-chain/nodes/b/execute', {
        body: { executionId: id },
      });
      expect(ok.status).toBe(202);
      expect(ok.body).toMatchObject({ executionId: id, nodeId: 'b' });
      expect(typeof ok.body.jobId).toBe('string');

      const path = '/api/workflows/t-chain/nodes/b/execute';
      expectError(await t.call('POST', path, { body: {} }), 400, 'VALIDATION_ERROR', 'executionId');
      expectError(await t.call('POST', path, { body: { executionId: 'nope' } }), 404, 'NOT_FOUND');
      expectError(
        await t.call('POST', '/api/workflows/t-chain/nodes/ghost/execute', {
          body: { executionId: id },
        }),
        404,
        'NOT_FOUND',
      );
      expectError(
        await t.call('POST', '/api/workflows/t-dlq/nodes/x/execute', { body: { executionId: id } }),
        400,
        'VALIDATION_ERROR',
        'executionId',
      );
    });
  });

  describe('executions', () => {
    it('lists newest first with filters and cursor pages', async () => {
      const ids = [await start('t-chain', { i: 1 }), await start('t-chain', { i: 2 })];
      await Promise.all(ids.map(finished));
      const page1 = await t.call(
        'GET',
        '/api/executions?workflowId=t-chain&status=completed&limit=1',
      );
      expect(page1.status).toBe(200);
      expect(page1.body.items).toHaveLength(1);
      expect(page1.body.items[0].workflowId).toBe('t-chain');
      expect(typeof page1.body.nextCursor).toBe('string');
      const page2 = await t.call(
        'GET',
        `/api/executions?workflowId=t-chain&status=completed&limit=1&cursor=${page1.body.nextCursor}`,
      );
      expect(page2.body.items).toHaveLength(1);
      expect(page2.body.items[0].executionId).not.toBe(page1.body.items[0].executionId);

      const several = await t.call('GET', '/api/executions?status=completed,failed&limit=100');
      expect(
        several.body.items.every((e: { status: string }) =>
          ['completed', 'failed'].includes(e.status),
        ),
      ).toBe(true);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      const none = await t.call('GET', `/api/executions?startedAfter=${future}`);
      expect(none.body).toEqual({ items: [], nextCursor: null });
      const past = new Date(Date.now() + 3_600_000).toISOString();
      const before = await t.call(
        'GET',
        `/api/executions?startedBefore=${past}&workflowId=t-chain`,
      );
      expect(before.body.items.length).toBeGreaterThanOrEqual(2);
    });

    it('rejects bad list queries', async () => {
      expectError(await t.call('GET', '/api/executions?limit=0'), 400, 'VALIDATION_ERROR', 'limit');
      expectError(
        await t.call('GET', '/api/executions?limit=1001'),
        400,
        'VALIDATION_ERROR',
        'limit',
      );
      expectError(
        await t.call('GET', '/api/executions?limit=ten'),
        400,
        'VALIDATION_ERROR',
        'limit',
      );
      expectError(await t.call('GET', '/api/executions?status=done'), 400, 'VALIDATION_ERROR');
      expectError(
        await t.call('GET', '/api/executions?startedAfter=yesterday'),
        400,
        'VALIDATION_ERROR',
        'startedAfter',
      );
      expectError(
        await t.call('GET', '/api/executions?cursor=not-a-cursor'),
        400,
        'VALIDATION_ERROR',
      );
      expectError(await t.call('GET', '/api/executions?colour=red'), 400, 'VALIDATION_ERROR');
      expect(EXECUTION_STATUSES).toContain('paused');
    });

    it('pauses, resumes and cancels, with 409 for what the state does not allow and 404 for unknown ids', async () => {
      const id = await start('t-slow');
      await eventually(async () => {
        const { body } = await t.call('GET', `/api/executions/${id}`);
        return body.nodes[0].status === 'running' ? true : undefined;
      }, 's1 running');
      const paused = await t.call('POST', `/api/executions/${id}/pause`);
      expect(paused.status).toBe(200);
      expect(paused.body).toEqual({ executionId: id, status: 'paused' });
      expectError(
        await t.call('POST', `/api/executions/${id}/pause`),
        409,
        'INVALID_STATE_TRANSITION',
      );
      // s1 finishes while paused; s2 is held until resume.
      await eventually(async () => {
        const { body } = await t.call('GET', `/api/executions/${id}`);
        return body.nodes[1].status === 'held' ? body : undefined;
      }, 's2 held');
      const resumed = await t.call('POST', `/api/executions/${id}/resume`);
      expect(resumed.body.status).toBe('running');
      expectError(
        await t.call('POST', `/api/executions/${id}/resume`),
        409,
        'INVALID_STATE_TRANSITION',
      );
      const cancelled = await t.call('POST', `/api/executions/${id}/cancel`);
      expect(cancelled.body.status).toBe('cancelled');
      expectError(
        await t.call('POST', `/api/executions/${id}/cancel`),
        409,
        'INVALID_STATE_TRANSITION',
      );
      for (const action of ['pause', 'resume', 'cancel']) {
        expectError(await t.call('POST', `/api/executions/nope/${action}`), 404, 'NOT_FOUND');
      }
    });

    it('replays from a node in a new execution, and rejects bad replays', async () => {
      const id = await start('t-chain', { v: 1 });
      await finished(id);
      const replay = await t.call('POST', `/api/executions/${id}/replay`, {
        body: { fromNodeId: 'b' },
      });
      expect(replay.status).toBe(202);
      expect(replay.body.replayOf).toBe(id);
      const again = await finished(replay.body.executionId);
      expect(again.status).toBe('completed');
      expect(again.metadata.replayOf).toBe(id);
      const whole = await t.call('POST', `/api/executions/${id}/replay`);
      expect(whole.status).toBe(202);

      expectError(
        await t.call('POST', `/api/executions/${id}/replay`, { body: { fromNodeId: 'ghost' } }),
        400,
        'VALIDATION_ERROR',
      );
      expectError(
        await t.call('POST', `/api/executions/${id}/replay`, { body: { from: 'b' } }),
        400,
        'VALIDATION_ERROR',
      );
      expectError(
        await t.call('POST', '/api/executions/nope/replay', { body: {} }),
        404,
        'NOT_FOUND',
      );
    });

    it('links a sub-workflow node to its child execution', async () => {
      const id = await start('t-parent', { x: 1 });
      const done = await finished(id);
      expect(done.status).toBe('completed');
      const [child] = done.nodes[0].childExecutionIds;
      expect(typeof child).toBe('string');
      const childView = await t.call('GET', `/api/executions/${child}`);
      expect(childView.body.parentExecutionId).toBe(id);
      expect(childView.body.workflowId).toBe('t-chain');
    });

    it("streams an execution's events as server-sent events, from the start with after=0", async () => {
      const executionId = await start('t-chain', { streamed: true });
      await finished(executionId);
      const abort = new AbortController();
      const response = await fetch(`${t.url}/api/executions/${executionId}/events?after=0`, {
        signal: abort.signal,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      const deadline = Date.now() + 20_000;
      while (!text.includes('event: execution:completed') && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      abort.abort();
      expect(text).toContain('event: execution:started');
      expect(text).toContain('event: node:completed');
      expect(text).toContain('event: execution:completed');
      expect(text).toMatch(/^id: /m);
      expectError(await t.call('GET', '/api/executions/no-such-run/events'), 404, 'NOT_FOUND');
    });

    it('serves logs and the trace of an execution, and 404 for unknown ones', async () => {
      const id = await start('t-slow');
      await finished(id).catch(() => undefined);
      const logs = await t.call('GET', `/api/executions/${id}/logs`);
      expect(logs.status).toBe(200);
      expect(
        logs.body.items.some((entry: { message: string }) => entry.message.includes('working for')),
      ).toBe(true);
      const trace = await t.call('GET', `/api/executions/${id}/trace`);
      expect(trace.status).toBe(200);
      expect(trace.body.items.map((span: { nodeId: string }) => span.nodeId)).toEqual(
        expect.arrayContaining(['s1', 's2', 's3']),
      );
      expectError(await t.call('GET', '/api/executions/nope'), 404, 'NOT_FOUND');
      expectError(await t.call('GET', '/api/executions/nope/logs'), 404, 'NOT_FOUND');
      expectError(await t.call('GET', '/api/executions/nope/trace'), 404, 'NOT_FOUND');
    });
  });

  describe('operations', () => {
    it('lists a failed node in the DLQ and retries it: the execution completes', async () => {
      flaky.failing = true;
      const id = await start('t-dlq');
      const failed = await finished(id);
      expect(failed.status).toBe('failed');
      expect(failed.nodes[0].status).toBe('failed');
      const item = await eventually(async () => {
        const { body } = await t.call('GET', '/api/dlq?limit=1000');
        return body.items.find(
          (entry: { data: { executionId: string } }) => entry.data.executionId === id,
        );
      }, 'the DLQ item');
      flaky.failing = false;
      const retried = await t.call('POST', `/api/dlq/${item.id}/retry`);
      expect(retried.status).toBe(200);
      expect((await finished(id)).status).toBe('completed');
      expectError(await t.call('POST', `/api/dlq/${item.id}/retry`), 404, 'NOT_FOUND');
      expectError(await t.call('GET', '/api/dlq?limit=0'), 400, 'VALIDATION_ERROR', 'limit');
      expectError(await t.call('GET', '/api/dlq?start=-1'), 400, 'VALIDATION_ERROR', 'start');
    });

    it('reports the shutdown status: running, with the nodes active here', async () => {
      const answer = await t.call('GET', '/shutdown/status');
      expect(answer.status).toBe(200);
      expect(answer.body.state).toBe('running');
      expect(answer.body.shuttingDown).toBe(false);
      expect(typeof answer.body.activeNodes).toBe('number');
    });

    it('serves health, liveness and readiness probes from @spane/observability', async () => {
      const ready = await t.call('GET', '/health/ready');
      expect(ready.status, JSON.stringify(ready.body)).toBe(200);
      expect(ready.body.ready).toBe(true);
      const live = await t.call('GET', '/health/live');
      expect(live.status).toBe(200);
      const health = await t.call('GET', '/health');
      expect(health.status, JSON.stringify(health.body)).toBe(200);
      expect(['healthy', 'degraded']).toContain(health.body.status);
    });

    it('serves metrics as Prometheus text and as JSON, counting what ran', async () => {
      await finished(await start('t-chain', { metered: true }));
      const text = await eventually(async () => {
        const answer = await t.call('GET', '/metrics');
        expect(answer.status).toBe(200);
        return /spane_workflows_completed_total\{workflow="t-chain"\} [1-9]/.test(answer.body)
          ? (answer.body as string)
          : undefined;
      }, 'the completed execution to be counted in /metrics');
      expect(text).toMatch(/spane_workflows_enqueued_total\{workflow="t-chain"\} [1-9]/);
      const json = await t.call('GET', '/metrics/json');
      expect(json.status).toBe(200);
      expect(json.body.counters).toBeDefined();
      expect(json.body.histograms).toBeDefined();
    });

    it('reports queue stats', async () => {
      const answer = await t.call('GET', '/api/stats');
      expect(answer.status).toBe(200);
      expect(answer.body.queues).toHaveProperty('node');
      expect(answer.body.queues).toHaveProperty('dlq');
      expect(typeof answer.body.completed).toBe('number');
    });

    it('lists node types with their config as JSON Schema', async () => {
      const answer = await t.call('GET', '/api/node-types');
      expect(answer.status).toBe(200);
      const byType = new Map(answer.body.items.map((info: { type: string }) => [info.type, info]));
      // @spane/nodes' http: a literal URL or { $expr }.
      expect(byType.get('http')).toMatchObject({
        builtIn: false,
        configSchema: {
          type: 'object',
          required: ['url'],
          properties: {
            url: { anyOf: [{ type: 'string' }, { required: ['$expr'] }] },
            method: { default: 'GET' },
          },
        },
      });
      expect(byType.get('condition')).toMatchObject({
        configSchema: { required: ['expression', 'branches'] },
      });
      expect(byType.get('sleep')).toMatchObject({
        configSchema: { properties: { ms: { type: 'integer', default: 1000 } } },
      });
      expect(byType.get('delay')).toMatchObject({ builtIn: true });
      expect(byType.get('sub-workflow')).toMatchObject({
        builtIn: true,
        configSchema: { required: ['workflowId'] },
      });
      expect(byType.has('flaky')).toBe(true);
    });

    it('shows and resets circuit breakers, 404 for an unknown one', async () => {
      expect((await t.call('GET', '/circuit-breakers')).status).toBe(200);
      const reset = await t.call('POST', '/circuit-breakers/http/reset');
      expect(reset.status).toBe(200);
      expect(reset.body).toMatchObject({ reset: true, name: 'http' });
      expectError(await t.call('POST', '/circuit-breakers/ghost/reset'), 404, 'NOT_FOUND');
    });
  });

  describe('triggers', () => {
    it('starts a workflow from its webhook, and checks signatures where the trigger has a secret', async () => {
      const open = await t.call('POST', '/api/webhooks/t-open', { body: { order: 1 } });
      expect(open.status, JSON.stringify(open.body)).toBe(202);
      const [executionId] = open.body.executionIds;
      const view = await eventually(async () => {
        const { body } = await t.call('GET', `/api/executions/${executionId}`);
        return body.status === 'completed' ? body : undefined;
      }, 'the webhook execution');
      expect(view.initialData).toEqual({ order: 1 });

      const raw = JSON.stringify({ order: 2 });
      expectError(
        await t.call('POST', '/api/webhooks/t-signed', {
          raw,
          headers: { 'content-type': 'application/json' },
        }),
        401,
        'INVALID_SIGNATURE',
      );
      const signed = await t.call('POST', '/api/webhooks/t-signed', {
        raw,
        headers: {
          'content-type': 'application/json',
          'x-spane-signature': signWebhook(raw, { secret: 'webhook-secret' }),
        },
      });
      expect(signed.status, JSON.stringify(signed.body)).toBe(202);
      expectError(await t.call('POST', '/api/webhooks/nowhere', { body: {} }), 404, 'NOT_FOUND');
      expectError(
        await t.call('POST', '/api/webhooks/t-open', {
          raw: '{"a":',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'INVALID_JSON',
      );
      expectError(
        await t.call('POST', '/api/webhooks/t-open', { body: { pad: 'x'.repeat(70_000) } }),
        413,
        'PAYLOAD_TOO_LARGE',
      );
    });

    it('lists the schedules, with their next run', async () => {
      const answer = await t.call('GET', '/api/schedules');
      expect(answer.status).toBe(200);
      const schedule = answer.body.items.find(
        (item: { workflowId: string }) => item.workflowId === 't-hooked',
      );
      expect(schedule).toMatchObject({ pattern: '0 0 1 1 *', tz: 'Europe/Paris' });
      expect(schedule.next).toBeGreaterThan(Date.now());
    });
  });

  describe('the document and the rest', () => {
    it('describes every route in /api/openapi.json', async () => {
      const answer = await t.call('GET', '/api/openapi.json');
      expect(answer.status).toBe(200);
      expect(answer.body.openapi).toBe('3.0.3');
      for (const route of t.api.routes.docs()) {
        const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
        expect(answer.body.paths[path]?.[route.method], `${route.method} ${path}`).toBeDefined();
      }
      const served = t.api.app.routes
        .filter(
          (route) =>
            route.method !== 'ALL' && route.path !== '*' && !route.path.startsWith('/assets'),
        )
        .map(
          (route) => `${route.method.toLowerCase()} ${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`,
        );
      for (const route of served) {
        const [method, path] = route.split(' ') as [string, string];
        expect(answer.body.paths[path]?.[method], route).toBeDefined();
      }
      expect(answer.body.paths['/api/executions/{id}/replay'].post.requestBody).toBeDefined();
    });

    it('answers unknown API routes with a JSON 404', async () => {
      expectError(await t.call('GET', '/api/nothing-here'), 404, 'NOT_FOUND');
      expectError(await t.call('DELETE', '/api/workflows/t-chain'), 404, 'NOT_FOUND');
    });

    it('never answers a 5xx to garbage on any route', async () => {
      const garbage = [
        '',
        'null',
        '[]',
        '"x"',
        '{"a":',
        '{"initialData":1e999}',
        '\u0000',
        '{"__proto__":{"x":1}}',
      ];
      for (const route of t.api.routes.docs()) {
        const path = route.path.replace(/:([A-Za-z]+)/g, 'garbage');
        for (const raw of route.method === 'post' ? garbage : [undefined]) {
          const answer = await t.call(route.method.toUpperCase(), `${path}?limit=%ZZ&x=1`, { raw });
          expect(answer.status, `${route.method} ${path} ${JSON.stringify(raw)}`).toBeLessThan(500);
        }
      }
    });
  });
});

describe('demo API (with SPANE_API_TOKEN)', () => {
  let t: TestApi;
  const token = 'a-long-random-token-for-tests';
  beforeAll(async () => {
    t = await startTestApi({ token });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('needs the bearer token on /api/* and /circuit-breakers', async () => {
    for (const [method, path] of [
      ['GET', '/api/workflows'],
      ['POST', '/api/workflows'],
      ['GET', '/api/executions'],
      ['GET', '/api/openapi.json'],
      ['GET', '/circuit-breakers'],
      ['POST', '/circuit-breakers/http/reset'],
    ] as const) {
      const missing = await t.call(method, path, { token: '' });
      expectError(missing, 401, 'UNAUTHORIZED');
      expect(missing.headers.get('www-authenticate')).toContain('Bearer');
      expectError(await t.call(method, path, { token: 'wrong' }), 401, 'UNAUTHORIZED');
      expectError(await t.call(method, path, { token: `${token}x` }), 401, 'UNAUTHORIZED');
    }
    const basic = await t.call('GET', '/api/workflows', {
      token: '',
      headers: { authorization: `Basic ${btoa(`user:${token}`)}` },
    });
    expect(basic.status).toBe(401);
    expect((await t.call('GET', '/api/workflows')).status).toBe(200);
    expect((await t.call('GET', '/circuit-breakers')).status).toBe(200);
    const document = await t.call('GET', '/api/openapi.json');
    expect(document.body.paths['/api/workflows'].get.security).toEqual([{ bearer: [] }]);
  });

  it('takes webhooks without the bearer token (their triggers sign them)', async () => {
    await t.call('POST', '/api/workflows', {
      body: {
        id: 't-hook-auth',
        nodes: [{ id: 'n', type: 'notify' }],
        triggers: [{ type: 'webhook', config: { path: 'auth-free' } }],
      },
    });
    const answer = await t.call('POST', '/api/webhooks/auth-free', { body: { x: 1 }, token: '' });
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    expectError(await t.call('GET', '/api/schedules', { token: '' }), 401, 'UNAUTHORIZED');
  });

  it('keeps health and metrics open, and guards the event stream', async () => {
    expect((await t.call('GET', '/health/ready', { token: '' })).status).toBe(200);
    expect((await t.call('GET', '/metrics', { token: '' })).status).toBe(200);
    expectError(
      await t.call('GET', '/api/executions/x/events', { token: '' }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('keeps the shutdown status open', async () => {
    const answer = await t.call('GET', '/shutdown/status', { token: '' });
    expect(answer.status).toBe(200);
    expect(answer.body.state).toBe('running');
  });

  it('never echoes the token in an answer', async () => {
    const answer = await t.call('GET', '/api/workflows', { token: 'guess' });
    expect(JSON.stringify(answer.body)).not.toContain(token);
    expect(JSON.stringify(answer.body)).not.toContain('guess');
  });
});
