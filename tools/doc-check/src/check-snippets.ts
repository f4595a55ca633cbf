/**
 * Type-checks Markdown snippets against the workspace packages: each snippet is written to a temp
 * file in this package (so `@spane/*` and the libraries resolve as they would for a user), and one
 * TypeScript program checks them all with the workspace's compiler options.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { Snippet } from './extract-snippets.ts';

/** A compiler error in a snippet, at its place in the Markdown file. */
export interface SnippetProblem {
  file: string;
  line: number;
  message: string;
}

/** Options of {@link checkSnippets}. */
export interface CheckSnippetsOptions {
  /** Where the temp folder goes: a folder whose node_modules hold what the snippets import. */
  workDir: string;
  /** The tsconfig whose compiler options apply (the workspace's base config). */
  tsconfig: string;
  /**
   * Declaration files every snippet sees, by file name (`*.d.ts`): the names examples take as
   * given, such as `engine`, and stand-ins for libraries the workspace does not install.
   */
  prelude: Readonly<Record<string, string>>;
}

const HEADER_LINES = 1;

/** Every type error of the snippets; empty when they all compile. */
export function checkSnippets(
  snippets: readonly Snippet[],
  options: CheckSnippetsOptions,
): SnippetProblem[] {
  const dir = fs.mkdtempSync(path.join(options.workDir, '.snippets-'));
  try {
    const files = snippets.map((snippet, i) => {
      const file = path.join(dir, `snippet-${String(i).padStart(3, '0')}.ts`);
      // `export {}` makes each snippet a module: its own scope, and top-level await.
      const text = `// ${snippet.file}:${snippet.line}\n${snippet.code}\nexport {};\n`;
      fs.writeFileSync(file, text);
      return { file, snippet };
    });
    const prelude = Object.entries(options.prelude).map(([name, text]) => {
      const file = path.join(dir, path.basename(name));
      fs.writeFileSync(file, text);
      return file;
    });
    const program = ts.createProgram({
      rootNames: [...prelude, ...files.map((entry) => entry.file)],
      options: compilerOptions(options.tsconfig),
    });
    const bySource = new Map(files.map((entry) => [path.resolve(entry.file), entry.snippet]));
    const problems: SnippetProblem[] = [];
    for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      const source = diagnostic.file ? path.resolve(diagnostic.file.fileName) : undefined;
      const snippet = source ? bySource.get(source) : undefined;
      if (!snippet || !diagnostic.file || diagnostic.start === undefined) {
        // An error outside the snippets (the prelude, the options): report it as it is.
        if (source && !source.startsWith(dir) && diagnostic.file?.fileName.endsWith('.d.ts'))
          continue;
        problems.push({ file: source ?? '(compiler)', line: 0, message });
        continue;
      }
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      problems.push({ file: snippet.file, line: snippet.line + line - HEADER_LINES, message });
    }
    return problems;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function compilerOptions(tsconfig: string): ts.CompilerOptions {
  const read = ts.readConfigFile(tsconfig, (file) => ts.sys.readFile(file));
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, path.dirname(tsconfig));
  return { ...parsed.options, noEmit: true, types: ['node'] };
}
