/**
 * `pg` is an optional peer of `@spane/queue`: only `{ postgres }` connections need it, so a Redis
 * deployment installs no PostgreSQL driver. It is loaded on first use, synchronously (the
 * connection options are resolved synchronously, as BullMQ loads it too), from wherever this
 * package is installed.
 * @module
 */
import { createRequire } from 'node:module';
import { ConfigurationError } from '@spane/core';
import type pg from 'pg';

/** The `pg` module: `Pool`, `Client` and the rest. */
export type PgModule = typeof pg;

let loaded: PgModule | undefined;

/**
 * Loads the optional `pg` driver, once. Throws a `ConfigurationError` that says what to install
 * when it is missing.
 */
export function loadPg(): PgModule {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  try {
    const module = require('pg') as PgModule & { default?: PgModule };
    loaded = module.default ?? module;
  } catch (error) {
    throw new ConfigurationError(
      "A PostgreSQL connection needs the optional 'pg' package: install it next to @spane/queue (npm install pg).",
      { cause: error },
    );
  }
  return loaded;
}
