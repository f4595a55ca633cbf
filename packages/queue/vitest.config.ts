import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@spane/source'] } },
  test: {
    name: 'queue',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Integration tests on real servers share 2 CI cores with other files: a ceiling, not a target.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
