import { describe, expect, it } from 'vitest';
import { checkPackedManifest, type PackedManifest } from './manifest-rules.ts';

const clean: PackedManifest = {
  name: '@spane/example',
  version: '0.1.0',
  description: 'An example.',
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  files: ['dist', 'README.md'],
  engines: { node: '>=22.18.0' },
  repository: { type: 'git', url: 'git+https://example.invalid/spane.git' },
  exports: {
    '.': { types: './dist/index.d.ts', default: './dist/index.js' },
    './package.json': './package.json',
  },
  dependencies: { valibot: '1.5.0' },
  peerDependencies: { '@spane/core': '^0.1.0' },
};
const files = ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts'];

describe('checkPackedManifest', () => {
  it('accepts a clean manifest', () => {
    expect(checkPackedManifest(clean, files)).toEqual([]);
  });

  it('reports each missing field', () => {
    const problems = checkPackedManifest(
      {
        ...clean,
        license: undefined,
        sideEffects: undefined,
        engines: {},
        repository: undefined,
        files: [],
      },
      files,
    );
    expect(problems).toEqual([
      '"license" is missing',
      '"sideEffects" is missing',
      '"files" is missing',
      '"engines.node" is missing',
      '"repository" is missing',
    ]);
  });

  it('wants "types" first, no source condition, and targets that are in the tarball', () => {
    const problems = checkPackedManifest(
      {
        ...clean,
        exports: {
          '.': { default: './dist/index.js', types: './dist/index.d.ts' },
          './store': {
            '@spane/source': './src/store.ts',
            types: './dist/store.d.ts',
            default: './dist/store.js',
          },
        },
      },
      files,
    );
    expect(problems).toContain(
      'exports["."] lists "default" before "types"; "types" must come first',
    );
    expect(problems).toContain(
      'exports["./store"] keeps the workspace-only "@spane/source" condition',
    );
    expect(problems).toContain('exports["./store"] points at ./dist/store.js, not in the tarball');
    expect(problems).toContain('exports["./store"] points at ./src/store.ts, not in the tarball');
  });

  it('rejects workspace ranges, a missing README and test files', () => {
    const problems = checkPackedManifest(
      { ...clean, peerDependencies: { '@spane/core': 'workspace:^' } },
      ['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/index.test.js'],
    );
    expect(problems).toEqual([
      'the tarball has no README.md',
      'peerDependencies["@spane/core"] is "workspace:^", not a registry range',
      'the tarball holds dist/index.test.js, which is not meant to be published',
    ]);
  });
});
