import fs from 'node:fs';
import path from 'node:path';
import { ReleaseError } from './release-error.ts';
import { run, tail } from './run.ts';
import type { PublishedPackage } from './workspace-packages.ts';

/** A packed package: its tarball, the manifest as packed and the files the tarball holds. */
export interface PackedPackage {
  pkg: PublishedPackage;
  tarball: string;
  manifest: Record<string, unknown>;
  /** Paths relative to the package root, e.g. `dist/index.js`. */
  files: string[];
}

/**
 * Packs a package with `pnpm pack` (which rewrites `workspace:`/`catalog:` ranges and applies
 * `publishConfig`, as `pnpm publish` does) into `destination`, and reads the tarball back.
 */
export async function packPackage(
  pkg: PublishedPackage,
  destination: string,
): Promise<PackedPackage> {
  if (!fs.existsSync(path.join(pkg.dir, 'dist'))) {
    throw new ReleaseError({
      code: 'NOT_BUILT',
      message: `${pkg.name} has no dist/: run \`pnpm build\` first`,
    });
  }
  const own = fs.mkdtempSync(path.join(destination, 'pack-'));
  const packed = await run('pnpm', ['pack', '--pack-destination', own], { cwd: pkg.dir });
  const tarballs = fs.existsSync(own) ? fs.readdirSync(own).filter((f) => f.endsWith('.tgz')) : [];
  if (packed.code !== 0 || tarballs.length !== 1) {
    throw new ReleaseError({
      code: 'PACK_FAILED',
      message: `pnpm pack failed for ${pkg.name}`,
      output: tail(packed.output),
    });
  }
  const tarball = path.join(own, tarballs[0] as string);
  const listing = await run('tar', ['-tzf', tarball]);
  const manifestText = await run('tar', ['-xzOf', tarball, 'package/package.json']);
  if (listing.code !== 0 || manifestText.code !== 0) {
    throw new ReleaseError({
      code: 'PACK_FAILED',
      message: `could not read the tarball of ${pkg.name}`,
      output: tail(listing.output + manifestText.output),
    });
  }
  const files = listing.output
    .split('\n')
    .filter((line) => line.startsWith('package/') && !line.endsWith('/'))
    .map((line) => line.slice('package/'.length));
  return {
    pkg,
    tarball,
    manifest: JSON.parse(manifestText.output) as Record<string, unknown>,
    files,
  };
}
