import type { TestProjectConfiguration } from 'vitest/config';

/** The test projects: every package, app and tool that has a vitest.config.ts, and the scripts' own tests. */
export const projects: TestProjectConfiguration[] = ['packages/*', 'apps/*', 'tools/*', 'scripts'];

export default projects;
