import type { WorkflowEngine } from '@spane/engine';
import type { Closers } from './closers.ts';
import { openDemoEngine } from './demo-engine.ts';
import { demoNodeTypes } from './examples/executors.ts';
import { serverStartRuns } from './examples/workflows.ts';
import { createDemoApi } from './server/create-demo-api.ts';
import type { ListenOptions } from './server/listen-options.ts';
import { startHttpServer } from './server/start-http-server.ts';
import { ensureWebBuild } from './web-build.ts';

/**
 * `npm run demo`: the engine, the HTTP API and the page on one server. Runs each example once so
 * there is history, prints `SPANE demo at <url>` and returns the engine; the caller waits for a
 * signal and closes everything.
 */
export async function serveDemo(options: {
  env: NodeJS.ProcessEnv;
  closers: Closers;
  listen: ListenOptions;
}): Promise<WorkflowEngine> {
  const { closers, listen } = options;
  const webDir = await ensureWebBuild();
  const { engine, store, registry } = await openDemoEngine(options);
  const api = createDemoApi({
    engine,
    store,
    registry,
    nodeTypes: demoNodeTypes,
    token: listen.token,
    webDir,
  });
  closers.add('API', async () => api.close());
  const server = await startHttpServer({
    fetch: api.app.fetch,
    host: listen.host,
    port: listen.port,
  });
  closers.add('HTTP server', () => server.close());
  const ids = await Promise.all(
    serverStartRuns().map((run) => engine.enqueueWorkflow(run.workflowId, run.initialData)),
  );
  await Promise.all(ids.map((id) => engine.waitForExecution(id, { timeoutMs: 30_000 })));
  console.log(`SPANE demo at ${server.url}`);
  return engine;
}
