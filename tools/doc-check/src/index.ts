/**
 * Private tooling: extracts the TypeScript blocks of Markdown files and type-checks them against
 * the workspace packages (`src/doc-examples.test.ts` runs it on the READMEs).
 * @module
 */
export { type CheckSnippetsOptions, checkSnippets, type SnippetProblem } from './check-snippets.ts';
export { extractSnippets, type Snippet } from './extract-snippets.ts';
export { SNIPPET_PRELUDE } from './snippet-prelude.ts';
