import { ReleaseError } from './release-error.ts';
import { run, tail } from './run.ts';
import { WORKSPACE_ROOT } from './workspace-packages.ts';

/**
 * Builds the published packages with turbo (`pnpm build` for packages/*): a cache hit, and so about
 * a second, when the workspace was built already (as CI does before the tests).
 */
export async function buildPublishedPackages(): Promise<void> {
  const built = await run(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'],
    { cwd: WORKSPACE_ROOT, env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } },
  );
  if (built.code !== 0) {
    throw new ReleaseError({
      code: 'NOT_BUILT',
      message: 'pnpm build failed',
      output: tail(built.output),
    });
  }
}
