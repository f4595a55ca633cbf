import { describe, expect, it } from 'vitest';
import { extractSnippets } from './extract-snippets.ts';

describe('extractSnippets', () => {
  it('finds ts and typescript blocks with their first code line', () => {
    const md = [
      '# T',
      '',
      '```ts',
      'const a = 1;',
      '```',
      'text',
      '```typescript',
      'let b;',
      '```',
    ];
    expect(extractSnippets('R.md', md.join('\n'))).toEqual([
      { file: 'R.md', line: 4, code: 'const a = 1;' },
      { file: 'R.md', line: 8, code: 'let b;' },
    ]);
  });

  it('leaves out other languages, info strings, and ts fences inside other blocks', () => {
    const md = [
      '```bash',
      'npm test',
      '```',
      '````md',
      '```ts',
      'not code',
      '```',
      '````',
      '```ts title="x"',
      'skipped',
      '```',
    ];
    expect(extractSnippets('R.md', md.join('\n'))).toEqual([]);
  });

  it('strips the indent of an indented block (inside a list) and reads CRLF files', () => {
    const md = '- item\n\n  ```ts\r\n  const x = 1;\r\n    nested();\r\n  ```\r\n';
    expect(extractSnippets('R.md', md)).toEqual([
      { file: 'R.md', line: 4, code: 'const x = 1;\n  nested();' },
    ]);
  });

  it('takes an unclosed block to the end of the file', () => {
    expect(extractSnippets('R.md', '```ts\nconst a = 1;')).toEqual([
      { file: 'R.md', line: 2, code: 'const a = 1;' },
    ]);
  });
});
