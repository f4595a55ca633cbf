/**
 * The READMEs' TypeScript examples compile against the workspace packages (as Kysely checks its
 * documentation examples): the root README and every package's README.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSnippets } from './check-snippets.ts';
import { extractSnippets, type Snippet } from './extract-snippets.ts';
import { SNIPPET_PRELUDE } from './snippet-prelude.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..');
const root = path.resolve(packageDir, '../..');
const options = {
  workDir: packageDir,
  tsconfig: path.join(root, 'tsconfig.base.json'),
  prelude: SNIPPET_PRELUDE,
};

function documented(): Snippet[] {
  const readmes = [
    'README.md',
    ...fs
      .readdirSync(path.join(root, 'packages'))
      .map((name) => path.join('packages', name, 'README.md'))
      .filter((file) => fs.existsSync(path.join(root, file))),
  ];
  return readmes.flatMap((file) =>
    extractSnippets(file, fs.readFileSync(path.join(root, file), 'utf8')),
  );
}

describe('README examples', () => {
  it('every ts block of the READMEs type-checks', () => {
    const snippets = documented();
    expect(snippets.length).toBeGreaterThan(10);
    expect(snippets.some((snippet) => snippet.file === 'README.md')).toBe(true);
    const problems = checkSnippets(snippets, options).map(
      (problem) => `${problem.file}:${problem.line}: ${problem.message}`,
    );
    expect(problems).toEqual([]);
  });

  it('reports a broken example at its line in the Markdown file', () => {
    const markdown = [
      '# Broken',
      '',
      '```ts',
      "import { successResult } from '@spane/core';",
      'const n: number = successResult(1).data;',
      "const s: string = successResult(1).data ?? '';",
      '```',
    ].join('\n');
    const problems = checkSnippets(extractSnippets('BROKEN.md', markdown), options);
    expect(problems).toHaveLength(2);
    expect(problems.map((problem) => [problem.file, problem.line])).toEqual([
      ['BROKEN.md', 5],
      ['BROKEN.md', 6],
    ]);
  });
});
