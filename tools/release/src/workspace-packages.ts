import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root (two folders above this package). */
export const WORKSPACE_ROOT: string = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
);

/** A package that is published: its name, version and folder. */
export interface PublishedPackage {
  name: string;
  version: string;
  dir: string;
}

/**
 * The packages that are published: every `packages/*` with a package.json that is not `private`
 * (apps/ and tools/ are private by rule), sorted by name.
 */
export function publishedPackages(root: string = WORKSPACE_ROOT): PublishedPackage[] {
  const base = path.join(root, 'packages');
  const found: PublishedPackage[] = [];
  for (const entry of fs.readdirSync(base, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(base, entry.name);
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      name: string;
      version: string;
      private?: boolean;
    };
    if (manifest.private === true) continue;
    found.push({ name: manifest.name, version: manifest.version, dir });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
