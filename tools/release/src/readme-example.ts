/**
 * The README's first example, as the rehearsal runs it: the first ```ts block of README.md, pointed
 * at the rehearsal's servers, and the same with its store swapped for PostgreSQL.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { ReleaseError } from './release-error.ts';
import { WORKSPACE_ROOT } from './workspace-packages.ts';

/** The first ```ts block of a markdown text. */
export function firstTypeScriptBlock(markdown: string): string {
  const match = /```ts\n([\s\S]*?)```/.exec(markdown);
  if (!match?.[1]) {
    throw new ReleaseError({ code: 'EXAMPLE_FAILED', message: 'the README has no ```ts block' });
  }
  return match[1];
}

/** The packages the example imports besides `@spane/*` (e.g. `valibot` for its schemas). */
export function thirdPartyImports(example: string): string[] {
  const names = new Set<string>();
  for (const match of example.matchAll(/from '([^'.][^']*)'/g)) {
    const specifier = match[1] as string;
    if (specifier.startsWith('node:') || specifier.startsWith('@spane/')) continue;
    const parts = specifier.split('/');
    names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string));
  }
  return [...names].sort();
}

/** The README's first example. */
export function readmeExample(root: string = WORKSPACE_ROOT): string {
  return firstTypeScriptBlock(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
}

/** Where the example's servers are. */
export interface ExampleTargets {
  redisUrl: string;
  /** Replaces the example's `http://127.0.0.1:8080` (the service its first node fetches from). */
  dataOrigin: string;
}

/**
 * Points the example at the rehearsal's Redis and data service, and ends it: the engine closes (if
 * the example does not close it itself) and the process exits 0 only when the execution completed.
 */
export function runnableExample(example: string, targets: ExampleTargets): string {
  const pointed = example
    .replaceAll("'redis://127.0.0.1:6379'", JSON.stringify(targets.redisUrl))
    .replaceAll('http://127.0.0.1:8080', targets.dataOrigin);
  const close = /await engine\.close\(/.test(pointed) ? '' : 'await engine.close();\n';
  return `${pointed}${close}process.exit(execution.status === 'completed' ? 0 : 1);\n`;
}

const MEMORY_IMPORT = /^import \{ InMemoryExecutionStore \} from '@spane\/store-memory';$/m;
const MEMORY_STORE = /^(\s*)store: new InMemoryExecutionStore\(\),$/m;

/**
 * The swap the README promises: the store's import and the store's line change, nothing else.
 * Throws when the example no longer has those lines (so the rehearsal fails instead of testing
 * something else).
 */
export function withPostgresStore(example: string): string {
  if (!MEMORY_IMPORT.test(example) || !MEMORY_STORE.test(example)) {
    throw new ReleaseError({
      code: 'EXAMPLE_FAILED',
      message:
        "the README's example no longer has `import { InMemoryExecutionStore } from '@spane/store-memory';` and `store: new InMemoryExecutionStore(),`",
    });
  }
  return example
    .replace(MEMORY_IMPORT, "import { PostgresExecutionStore } from '@spane/store-postgres';")
    .replace(
      MEMORY_STORE,
      "$1store: await PostgresExecutionStore.create({ connectionString: process.env.DATABASE_URL ?? 'postgres://127.0.0.1:5432/app' }),",
    );
}
