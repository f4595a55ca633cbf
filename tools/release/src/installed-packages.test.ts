import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installedPackageNames } from './installed-packages.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tree(paths: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spane-installed-'));
  dirs.push(dir);
  for (const p of paths) fs.mkdirSync(path.join(dir, p), { recursive: true });
  return dir;
}

describe('installedPackageNames', () => {
  it('finds top-level, scoped and nested packages', () => {
    const dir = tree([
      'node_modules/bullmq/node_modules/semver',
      'node_modules/@spane/engine/node_modules/pg',
      'node_modules/.bin',
    ]);
    expect([...installedPackageNames(dir)].sort()).toEqual([
      '@spane/engine',
      'bullmq',
      'pg',
      'semver',
    ]);
  });

  it('is empty without node_modules', () => {
    expect(installedPackageNames(tree([])).size).toBe(0);
  });
});
