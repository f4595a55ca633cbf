/**
 * `pnpm check:packages`: packs every published package as `pnpm publish` would and checks each
 * tarball with publint (strict), Are the Types Wrong (`--profile esm-only`: ESM with types for
 * Node 16+ and bundlers) and the manifest rules of {@link checkPackedManifest}. Needs `pnpm build`.
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPackedManifest } from './manifest-rules.ts';
import { type PackedPackage, packPackage } from './pack.ts';
import { mapLimited, run, tail } from './run.ts';
import { type PublishedPackage, publishedPackages } from './workspace-packages.ts';

const BIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'node_modules',
  '.bin',
);

/** The verdict on one package: what each check found (empty lists when it is clean). */
export interface PackageReport {
  name: string;
  problems: string[];
}

async function checkTarball(packed: PackedPackage): Promise<PackageReport> {
  const problems = checkPackedManifest(packed.manifest, packed.files);
  const publint = await run(path.join(BIN, 'publint'), ['run', packed.tarball, '--strict']);
  if (publint.code !== 0 || !/All good!/.test(publint.output)) {
    problems.push(`publint:\n${tail(publint.output)}`);
  }
  const attw = await run(path.join(BIN, 'attw'), [
    packed.tarball,
    '--profile',
    'esm-only',
    '--format',
    'ascii',
    '--no-color',
    '--no-emoji',
  ]);
  if (attw.code !== 0) problems.push(`attw:\n${tail(attw.output)}`);
  return { name: packed.pkg.name, problems };
}

/** Packs and checks `packages` (default: every published one). Two at a time. */
export async function checkPackages(
  packages: readonly PublishedPackage[] = publishedPackages(),
): Promise<PackageReport[]> {
  const destination = fs.mkdtempSync(path.join(os.tmpdir(), 'spane-check-packages-'));
  try {
    return await mapLimited(packages, 2, async (pkg) =>
      checkTarball(await packPackage(pkg, destination)),
    );
  } finally {
    fs.rmSync(destination, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const reports = await checkPackages();
  let failed = 0;
  for (const report of reports) {
    if (report.problems.length === 0) {
      console.log(`ok   ${report.name}`);
      continue;
    }
    failed += 1;
    console.log(`FAIL ${report.name}`);
    for (const problem of report.problems) console.log(`  - ${problem.replaceAll('\n', '\n    ')}`);
  }
  console.log(`${reports.length - failed} of ${reports.length} packages clean`);
  if (failed > 0) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
