import fs from 'node:fs';
import path from 'node:path';

/**
 * The names of every package installed under `dir/node_modules`, nested ones included (npm
 * nests a package when versions clash), e.g. `pg`, `@spane/engine`.
 */
export function installedPackageNames(dir: string): Set<string> {
  const names = new Set<string>();
  const visit = (modules: string) => {
    if (!fs.existsSync(modules)) return;
    for (const entry of fs.readdirSync(modules, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      if (entry.name.startsWith('@') && entry.isDirectory()) {
        for (const scoped of fs.readdirSync(path.join(modules, entry.name), {
          withFileTypes: true,
        })) {
          const pkgDir = path.join(modules, entry.name, scoped.name);
          names.add(`${entry.name}/${scoped.name}`);
          visit(path.join(pkgDir, 'node_modules'));
        }
        continue;
      }
      if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
      names.add(entry.name);
      visit(path.join(modules, entry.name, 'node_modules'));
    }
  };
  visit(path.join(dir, 'node_modules'));
  return names;
}
