import fs from 'node:fs';
import path from 'node:path';

/**
 * The first executable file called `name` on PATH, then in `extraDirs`; `undefined` when none.
 * Used to find `redis-server`, `initdb` and `postgres` without a shell.
 */
export function findExecutable(
  name: string,
  extraDirs: readonly string[] = [],
): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
