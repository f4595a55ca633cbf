import { describe, expect, it } from 'vitest';
import {
  checkDeclaredWebhooks,
  declaredWebhookRoutes,
  normalizeWebhookPath,
  pickWebhookHeaders,
} from './webhook-routes.ts';

describe('webhook routes', () => {
  it('normalises paths without leading or trailing slashes', () => {
    expect(normalizeWebhookPath('/github/push/')).toBe('github/push');
    expect(normalizeWebhookPath('orders')).toBe('orders');
  });

  it('reads routes with POST as the default method and secrets as a list', () => {
    const routes = declaredWebhookRoutes({
      id: 'wf',
      triggers: [
        { type: 'webhook', config: { path: '/orders' } },
        {
          type: 'webhook',
          config: {
            path: 'orders',
            method: 'PUT',
            secret: [{ env: 'A' }, 'b'],
            toleranceSeconds: 60,
          },
        },
        { type: 'schedule', config: { every: 10 } },
      ],
    });
    expect(routes).toEqual([
      { workflowId: 'wf', path: 'orders', method: 'POST', secrets: [], toleranceSeconds: 300 },
      {
        workflowId: 'wf',
        path: 'orders',
        method: 'PUT',
        secrets: [{ env: 'A' }, 'b'],
        toleranceSeconds: 60,
      },
    ]);
  });

  it('rejects an empty path and the same path and method twice in one definition', () => {
    const issues = checkDeclaredWebhooks({
      id: 'wf',
      triggers: [
        { type: 'webhook', config: { path: '/' } },
        { type: 'webhook', config: { path: 'a' } },
        { type: 'webhook', config: { path: '/a/', method: 'POST' } },
      ],
    });
    expect(issues.map((issue) => issue.path)).toEqual(['triggers[0].config.path', 'triggers[2]']);
  });

  it('records allow-listed headers only, and never credentials even when allowed', () => {
    const picked = pickWebhookHeaders(
      {
        'Content-Type': 'application/json',
        Authorization: 'Bearer x',
        'x-spane-signature': 't=1,v1=00',
        'x-hub-signature-256': 'sha256=00',
        cookie: 'a=b',
        'x-custom': 'kept',
        'x-other': 'dropped',
      },
      ['content-type', 'authorization', 'x-spane-signature', 'x-custom', 'cookie'],
    );
    expect(picked).toEqual({ 'content-type': 'application/json', 'x-custom': 'kept' });
  });
});
