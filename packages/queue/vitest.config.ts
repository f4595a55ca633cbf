import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@spane/source'] } },
  test: {
    name: 'queue',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
  },
});
