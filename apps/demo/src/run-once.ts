import type { Closers } from './closers.ts';
import { openDemoEngine } from './demo-engine.ts';
import { exampleRuns } from './examples/workflows.ts';
import { printExecution } from './print-execution.ts';
import { scenarios } from './scenarios/index.ts';

/**
 * `npm run demo -- --once`: runs each example, prints every node's result, then runs one
 * self-checking scenario per feature, and returns (the caller closes everything).
 */
export async function runOnce(options: {
  env: NodeJS.ProcessEnv;
  closers: Closers;
}): Promise<void> {
  const { engine } = await openDemoEngine(options);
  const ids = await Promise.all(
    exampleRuns().map((run) => engine.enqueueWorkflow(run.workflowId, run.initialData)),
  );
  for (const id of ids) {
    const done = await engine.waitForExecution(id, { timeoutMs: 30_000 });
    printExecution(`${done.workflowId} ${id}`, done.status, done.nodeResults);
  }
  console.log('\nFeatures:');
  for (const scenario of scenarios) {
    try {
      const lines = await scenario.run(engine);
      console.log(`■ ${scenario.name}: ok`);
      for (const line of lines) console.log(`  ${line}`);
    } catch (error) {
      console.log(
        `■ ${scenario.name}: FAILED: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exitCode = 1;
    }
  }
}
