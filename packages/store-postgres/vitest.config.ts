import { defineProject } from 'vitest/config';

// Integration tests need a PostgreSQL server at DATABASE_URL: the root test command starts one.
// Without it they fail (never skip) with a message saying so.
export default defineProject({
  ssr: { resolve: { conditions: ['@spane/source'] } },
  test: {
    name: 'store-postgres',
    include: ['src/**/*.test.ts', 'test/**/*.integration.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
