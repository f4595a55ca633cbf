import { CommonNodeSchemas, errorResult, NodeRegistry, successResult } from '@spane/core';
import * as v from 'valibot';
import type { NodeTypeDescription } from '../server/node-type-catalog.ts';

/** Config of the `sleep` node: how long it works, in ms. */
const SleepConfig = v.object({
  ms: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(60_000)), 1000),
});

/** Waits `ms`, or until the signal aborts (a cancel, a timeout). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** What the editor shows about the example node types: a line each, and their config schemas. */
export const demoNodeTypes: Readonly<Record<string, NodeTypeDescription>> = {
  http: {
    description: 'GET a URL and return its JSON.',
    configSchema: CommonNodeSchemas.httpRequest,
  },
  transform: { description: 'Adds processedAt and by to its input.' },
  validate: { description: 'Counts the rows of its input.' },
  load: { description: 'Reports which inputs it loaded.' },
  router: { description: 'Routes amount > 100 to high-value, else low-value.' },
  review: { description: 'Marks its input with the lane it took.' },
  notify: { description: 'Pretends to notify someone about its input.' },
  sleep: {
    description: 'Works for ms milliseconds (its config), then passes its input on.',
    configSchema: SleepConfig,
  },
};

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
  registry.register('sleep', async (ctx) => {
    const { ms } = v.parse(SleepConfig, ctx.nodeConfig);
    ctx.logger.info(`working for ${ms} ms`);
    await sleep(ms, ctx.signal);
    return successResult(ctx.inputData ?? {});
  });
  return registry;
}
