import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker threads' script is an entry of its own: a Worker starts it by URL, beside the bundle.
  entry: { index: 'src/index.ts', 'thread-entry': 'src/worker-threads/thread-entry.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node22',
});
