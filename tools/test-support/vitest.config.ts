import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@spane/source'] } },
  test: {
    name: 'test-support',
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
