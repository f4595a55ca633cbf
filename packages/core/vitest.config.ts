import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@spane/source'] } },
  test: {
    name: 'core',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Property tests run hundreds of random DAGs on a shared 2-core machine: a ceiling, not a target.
    testTimeout: 30_000,
  },
});
