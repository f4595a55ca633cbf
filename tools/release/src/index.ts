/**
 * `@spane/release-tools` (private): `pnpm check:packages` (publint, attw and the manifest rules on
 * every published package) and `pnpm release:rehearse` (publish to a local registry, install
 * outside the workspace, run the README's example).
 * @module
 */
export { buildPublishedPackages } from './build.ts';
export { checkPackages, type PackageReport } from './check-packages.ts';
export { checkPackedManifest, type PackedManifest } from './manifest-rules.ts';
export { type PackedPackage, packPackage } from './pack.ts';
export { ReleaseError, type ReleaseErrorCode } from './release-error.ts';
export { type PublishedPackage, publishedPackages, WORKSPACE_ROOT } from './workspace-packages.ts';
