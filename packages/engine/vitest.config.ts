import { defineProject } from 'vitest/config';

export default defineProject({
  ssr: { resolve: { conditions: ['@spane/source'] } },
  test: {
    name: 'engine',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Integration tests drive real servers on a 2-core CI machine running other test files at the
    // same time: a generous ceiling, never a speed assertion.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The type tests (`*.test-d.ts`) run with every `vitest run`: `npm test` fails when the typed
    // overloads stop inferring.
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
