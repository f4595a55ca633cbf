import { NodeRegistry, successResult } from '@spane/core';
import { createBuiltinNodes, registerBuiltinNodes } from '@spane/nodes';
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

/**
 * What the editor shows about the node types: the built-in ones of `@spane/nodes` (transform,
 * condition, switch, filter, http) and the examples', a line each, and their config schemas.
 */
export const demoNodeTypes: Readonly<Record<string, NodeTypeDescription>> = {
  ...Object.fromEntries(
    createBuiltinNodes().map((node) => [
      node.type,
      { description: node.description, configSchema: node.configSchema },
    ]),
  ),
  validate: { description: 'Counts the rows of its input (or of its body, from http).' },
  load: { description: 'Reports which inputs it loaded.' },
  review: { description: 'Marks its input with the lane it took.' },
  notify: { description: 'Pretends to notify someone about its input.' },
  sleep: {
    description: 'Works for ms milliseconds (its config), then passes its input on.',
    configSchema: SleepConfig,
  },
};

/** The executors the example workflows use: the built-in nodes, and a few of the demo's own. */
export function createDemoRegistry(): NodeRegistry {
  const registry = new NodeRegistry();
  registerBuiltinNodes(registry);
  registry.register('validate', async (ctx) => {
    const input = ctx.inputData as { rows?: unknown[]; body?: { rows?: unknown[] } };
    const rows = input.rows ?? input.body?.rows ?? [];
    return successResult({ valid: rows.length, checkedBy: ctx.nodeId });
  });
  registry.register('load', async (ctx) =>
    successResult({ loaded: Object.keys(ctx.inputData as object) }),
  );
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
