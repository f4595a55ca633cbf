/**
 * Type-checks an application's files against the packages it installed, the way a strict user
 * compiles: `strict`, Node's own module resolution, and `skipLibCheck: false`, so a published
 * declaration that names a package the user did not install (or a type that does not exist) fails.
 * @module
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { WORKSPACE_ROOT } from './workspace-packages.ts';

/** The compiler options of the check: what a careful application on Node 24 would set. */
export const APP_COMPILER_OPTIONS = {
  strict: true,
  target: 'es2023',
  lib: ['es2023'],
  module: 'nodenext',
  moduleResolution: 'nodenext',
  allowImportingTsExtensions: true,
  noEmit: true,
  skipLibCheck: false,
  types: ['node'],
} as const;

/** `typescript` and `@types/node` at the versions the workspace builds with, for `npm install`. */
export function typecheckerSpecs(): string[] {
  const require = createRequire(path.join(WORKSPACE_ROOT, 'package.json'));
  const version = (name: string) =>
    (
      JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as {
        version: string;
      }
    ).version;
  return [`typescript@${version('typescript')}`, `@types/node@${version('@types/node')}`];
}

/** Writes the app's tsconfig for `files` and returns the `tsc` arguments that check it. */
export function prepareAppTypecheck(appDir: string, files: readonly string[]): string[] {
  const config = { compilerOptions: APP_COMPILER_OPTIONS, files };
  fs.writeFileSync(path.join(appDir, 'tsconfig.json'), `${JSON.stringify(config, null, 2)}\n`);
  return [path.join(appDir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', appDir];
}
