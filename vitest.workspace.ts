import type { TestProjectConfiguration } from 'vitest/config';

/** The test projects: every package, app and tool that has a vitest.config.ts. */
export const projects: TestProjectConfiguration[] = ['packages/*', 'apps/*', 'tools/*'];

export default projects;
