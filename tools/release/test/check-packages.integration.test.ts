import { describe, expect, it } from 'vitest';
import { buildPublishedPackages } from '../src/build.ts';
import { checkPackages } from '../src/check-packages.ts';
import { publishedPackages } from '../src/workspace-packages.ts';

describe('the published packages', () => {
  it('pass publint, attw (esm-only) and the manifest rules', async () => {
    await buildPublishedPackages();
    const reports = await checkPackages();
    expect(reports.map((r) => r.name)).toEqual(publishedPackages().map((p) => p.name));
    expect(reports.filter((r) => r.problems.length > 0)).toEqual([]);
  }, 300_000);
});
