import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@spane/source'] } },
  test: {
    name: 'doc-check',
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // One TypeScript program over every snippet and the packages' sources, on a loaded machine.
    testTimeout: 180_000,
  },
});
