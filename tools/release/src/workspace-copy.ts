import fs from 'node:fs';
import path from 'node:path';
import { publishedPackages, WORKSPACE_ROOT } from './workspace-packages.ts';

const ROOT_FILES = ['package.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml'];
const WORKSPACE_GLOBS = ['packages', 'apps', 'tools'];
const DEPENDENCY_FIELDS = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'devDependencies',
];

/** Every workspace package's folder by name (published and private). */
function workspacePackageDirs(root: string): Map<string, string> {
  const dirs = new Map<string, string>();
  const add = (dir: string) => {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) return;
    dirs.set((JSON.parse(fs.readFileSync(file, 'utf8')) as { name: string }).name, dir);
  };
  for (const group of WORKSPACE_GLOBS) {
    const base = path.join(root, group);
    if (!fs.existsSync(base)) continue;
    for (const entry of fs.readdirSync(base, { withFileTypes: true })) {
      if (entry.isDirectory()) add(path.join(base, entry.name));
    }
  }
  add(path.join(root, 'bench'));
  return dirs;
}

/**
 * pnpm reads a `workspace:` dependency's version from the package's `node_modules` when it packs:
 * link each one, to the copy for published packages (their versions are the ones being released)
 * and to the workspace for private ones (dev dependencies only).
 */
function linkWorkspaceDependencies(target: string, root: string): void {
  const everyDir = workspacePackageDirs(root);
  for (const pkg of publishedPackages(root)) {
    const copied = path.join(target, path.relative(root, pkg.dir));
    const manifest = JSON.parse(
      fs.readFileSync(path.join(copied, 'package.json'), 'utf8'),
    ) as Record<string, Record<string, string> | undefined>;
    const names = new Set<string>();
    for (const field of DEPENDENCY_FIELDS) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        if (range.startsWith('workspace:')) names.add(name);
      }
    }
    for (const name of names) {
      const source = everyDir.get(name);
      if (!source) continue;
      const published = publishedPackages(root).some((p) => p.name === name);
      const linkTarget = published ? path.join(target, path.relative(root, source)) : source;
      const link = path.join(copied, 'node_modules', name);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(linkTarget, link, 'dir');
    }
  }
}
const SKIPPED = new Set(['node_modules', '.turbo', 'coverage']);

/**
 * Copies what a release needs (the root manifest and workspace file, `.changeset/`, and each
 * published package with its built `dist/`) into `target`, so versioning and publishing happen
 * there and the workspace is left unchanged. The root `node_modules` is linked, not copied (the
 * changesets CLI and its changelog module are read from it); each package's `workspace:`
 * dependencies are linked as pnpm needs them to pack.
 */
export function copyWorkspaceForRelease(target: string, root: string = WORKSPACE_ROOT): void {
  fs.mkdirSync(target, { recursive: true });
  for (const file of ROOT_FILES) fs.copyFileSync(path.join(root, file), path.join(target, file));
  fs.cpSync(path.join(root, '.changeset'), path.join(target, '.changeset'), { recursive: true });
  for (const pkg of publishedPackages(root)) {
    fs.cpSync(pkg.dir, path.join(target, path.relative(root, pkg.dir)), {
      recursive: true,
      filter: (source) => !SKIPPED.has(path.basename(source)),
    });
  }
  linkWorkspaceDependencies(target, root);
  // A changeset of its own, so that a snapshot is made even when every changeset was released.
  const bumps = publishedPackages(root).map((pkg) => `"${pkg.name}": patch`);
  fs.writeFileSync(
    path.join(target, '.changeset', 'release-rehearsal.md'),
    `---\n${bumps.join('\n')}\n---\n\nRelease rehearsal.\n`,
  );
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(target, 'node_modules'), 'dir');
}
