/**
 * The rules every published manifest keeps, checked on the manifest as packed (after pnpm rewrote
 * `workspace:`/`catalog:` ranges and applied `publishConfig`), against the files in the tarball.
 * @module
 */

/** The fields of a packed package.json that the rules read. */
export interface PackedManifest {
  name?: unknown;
  version?: unknown;
  description?: unknown;
  license?: unknown;
  type?: unknown;
  sideEffects?: unknown;
  files?: unknown;
  engines?: unknown;
  repository?: unknown;
  exports?: unknown;
  dependencies?: unknown;
  peerDependencies?: unknown;
  optionalDependencies?: unknown;
}

const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'] as const;
/** The workspace's own condition for sources: it must not reach a published manifest. */
const SOURCE_CONDITION = '@spane/source';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/** Every target path of an exports map, with the subpath it belongs to. */
function exportTargets(value: unknown, subpath: string, out: Array<[string, string]>): void {
  if (typeof value === 'string') out.push([subpath, value]);
  else if (isRecord(value))
    for (const inner of Object.values(value)) exportTargets(inner, subpath, out);
}

function checkConditions(value: unknown, subpath: string, problems: string[]): void {
  if (!isRecord(value)) return;
  const keys = Object.keys(value);
  if (keys.includes(SOURCE_CONDITION)) {
    problems.push(`exports["${subpath}"] keeps the workspace-only "${SOURCE_CONDITION}" condition`);
  }
  if (keys.includes('types') && keys[0] !== 'types') {
    problems.push(
      `exports["${subpath}"] lists "${keys[0]}" before "types"; "types" must come first`,
    );
  }
  if (!keys.includes('types') && keys.includes('default') && !subpath.endsWith('.json')) {
    problems.push(`exports["${subpath}"] has no "types" condition`);
  }
  for (const inner of Object.values(value)) checkConditions(inner, subpath, problems);
}

/**
 * Checks a packed manifest and the list of files in its tarball (paths relative to the package
 * root, e.g. `dist/index.js`). Returns one sentence per broken rule; empty when all hold.
 */
export function checkPackedManifest(manifest: PackedManifest, files: readonly string[]): string[] {
  const problems: string[] = [];
  const fileSet = new Set(files);
  for (const field of ['name', 'version', 'description', 'license'] as const) {
    if (!nonEmptyString(manifest[field])) problems.push(`"${field}" is missing`);
  }
  if (manifest.type !== 'module') problems.push('"type" is not "module"');
  if (typeof manifest.sideEffects !== 'boolean' && !Array.isArray(manifest.sideEffects)) {
    problems.push('"sideEffects" is missing');
  }
  if (!Array.isArray(manifest.files) || manifest.files.length === 0)
    problems.push('"files" is missing');
  if (!isRecord(manifest.engines) || !nonEmptyString(manifest.engines.node)) {
    problems.push('"engines.node" is missing');
  }
  const repository = manifest.repository;
  if (!(nonEmptyString(repository) || (isRecord(repository) && nonEmptyString(repository.url)))) {
    problems.push('"repository" is missing');
  }
  if (!fileSet.has('README.md')) problems.push('the tarball has no README.md');
  if (!isRecord(manifest.exports)) {
    problems.push('"exports" is not a map of subpaths');
  } else {
    if (!('.' in manifest.exports)) problems.push('"exports" has no "." entry');
    for (const [subpath, value] of Object.entries(manifest.exports)) {
      checkConditions(value, subpath, problems);
      const targets: Array<[string, string]> = [];
      exportTargets(value, subpath, targets);
      for (const [, target] of targets) {
        const file = target.replace(/^\.\//, '');
        if (!fileSet.has(file))
          problems.push(`exports["${subpath}"] points at ${target}, not in the tarball`);
      }
    }
  }
  for (const field of DEPENDENCY_FIELDS) {
    const deps = manifest[field];
    if (!isRecord(deps)) continue;
    for (const [name, range] of Object.entries(deps)) {
      if (typeof range !== 'string' || /^(workspace|catalog|link|file):/.test(range)) {
        problems.push(`${field}["${name}"] is ${JSON.stringify(range)}, not a registry range`);
      }
    }
  }
  for (const file of files) {
    if (/\.test\.[cm]?[jt]sx?$/.test(file) || /^(src|test)\//.test(file)) {
      problems.push(`the tarball holds ${file}, which is not meant to be published`);
    }
  }
  return problems;
}
