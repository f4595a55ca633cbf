import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@spane/source'] } },
  test: {
    name: 'core',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Property and fuzz tests run hundreds of cases on a loaded 2-core CI machine: a ceiling, not
    // a speed assertion.
    testTimeout: 30_000,
    // The type tests (`*.test-d.ts`, expectTypeOf) run with every `vitest run`, so `npm test`
    // fails when inference breaks.
    typecheck: {
      enabled: true,
      include: ['src/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
