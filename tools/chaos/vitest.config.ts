import { defineProject } from 'vitest/config';

// Only the pure invariant checks run in `npm test`; the suite itself is `npm run chaos`.
export default defineProject({
  ssr: { resolve: { conditions: ['@spane/source'] } },
  test: {
    name: 'chaos',
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
