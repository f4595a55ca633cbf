import { errorResult, NodeRegistry, successResult } from '@spane/core';

/** The executors the example workflows use. */
export function createDemoRegistry(): NodeRegistry {
  const registry = new NodeRegistry();
  registry.register('http', async (ctx) => {
    const url = String(ctx.nodeConfig.url);
    const response = await fetch(url, { signal: ctx.signal });
    if (!response.ok) return errorResult(`GET ${url} answered ${response.status}`);
    return successResult(await response.json());
  });
  registry.register('transform', async (ctx) =>
    successResult({
      ...(ctx.inputData as object),
      processedAt: new Date().toISOString(),
      by: ctx.nodeId,
    }),
  );
  registry.register('validate', async (ctx) => {
    const rows = (ctx.inputData as { rows?: unknown[] }).rows ?? [];
    return successResult({ valid: rows.length, checkedBy: ctx.nodeId });
  });
  registry.register('load', async (ctx) =>
    successResult({ loaded: Object.keys(ctx.inputData as object) }),
  );
  registry.register('router', async (ctx) => {
    const { amount } = ctx.inputData as { amount: number };
    return successResult({ amount }, { nextNodes: [amount > 100 ? 'high-value' : 'low-value'] });
  });
  registry.register('review', async (ctx) =>
    successResult({ ...(ctx.inputData as object), lane: ctx.nodeId }),
  );
  registry.register('notify', async (ctx) =>
    successResult({ notified: true, about: ctx.inputData }),
  );
  return registry;
}
