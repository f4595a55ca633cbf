import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'scripts',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Each case runs the runner, which runs vitest on a fixture project: seconds, not milliseconds.
    testTimeout: 60_000,
  },
});
