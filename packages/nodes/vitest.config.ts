import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@spane/source'] } },
  test: {
    name: 'nodes',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Integration tests run an engine on real servers on a shared 2-core machine: a ceiling only.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
