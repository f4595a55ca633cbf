import type { ExecutionResult } from '@spane/core';

/** Prints one execution's outcome and node results, one line per node. */
export function printExecution(
  title: string,
  status: string,
  nodeResults: Record<string, ExecutionResult>,
): void {
  console.log(`\n▶ ${title}: ${status}`);
  for (const [nodeId, result] of Object.entries(nodeResults)) {
    const what = result.skipped
      ? 'skipped'
      : result.success
        ? JSON.stringify(result.data)
        : `failed: ${result.error}`;
    console.log(`  ${nodeId.padEnd(12)} ${what}`);
  }
}
