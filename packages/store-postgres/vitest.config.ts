import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@spane/source'] } },
  test: {
    name: 'store-postgres',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
  },
});
