import type { TestProjectConfiguration } from 'vitest/config';

/** The test projects: every package and app that has a vitest.config.ts. */
export const projects: TestProjectConfiguration[] = ['packages/*', 'apps/*'];

export default projects;
