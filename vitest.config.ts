import { defineConfig } from 'vitest/config';
import { projects } from './vitest.workspace.ts';

// Vitest 4+ no longer reads vitest.workspace.ts by itself; this file hands its list over.
export default defineConfig({
  test: {
    projects,
    globalSetup: ['./scripts/test-services.ts'],
  },
});
