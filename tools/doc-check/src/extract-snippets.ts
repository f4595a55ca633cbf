/** Finds the TypeScript code blocks of a Markdown file. */

/** One fenced ```ts block: where it is and what it says. */
export interface Snippet {
  /** The Markdown file, as given. */
  file: string;
  /** The 1-based line of the block's first code line. */
  line: number;
  code: string;
}

const OPEN = /^( {0,3})(`{3,}|~{3,})\s*(ts|typescript)\s*$/;

/**
 * The ```ts (or ```typescript) blocks of a Markdown text, in order. Blocks of other languages,
 * and blocks with more on their info line (```ts title="x"), are left out.
 */
export function extractSnippets(file: string, markdown: string): Snippet[] {
  const lines = markdown.split(/\r?\n/);
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i] as string);
    if (!open) {
      // Skip other fenced blocks whole, so a ```ts line inside one is not taken for a block.
      const other = /^ {0,3}(`{3,}|~{3,})/.exec(lines[i] as string);
      if (other) i = closingLine(lines, i, other[1] as string);
      continue;
    }
    const [, indent = '', fence = ''] = open;
    const end = closingLine(lines, i, fence);
    const body = lines.slice(i + 1, end).map((text) => stripIndent(text, indent.length));
    snippets.push({ file, line: i + 2, code: body.join('\n') });
    i = end;
  }
  return snippets;
}

function closingLine(lines: readonly string[], open: number, fence: string): number {
  const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
  for (let j = open + 1; j < lines.length; j++) if (close.test(lines[j] as string)) return j;
  return lines.length;
}

function stripIndent(text: string, width: number): string {
  let cut = 0;
  while (cut < width && text[cut] === ' ') cut++;
  return text.slice(cut);
}
