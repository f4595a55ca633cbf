import { ConfigurationError } from '@spane/core';

/** The schema the store uses when none is given. */
export const DEFAULT_SCHEMA = 'spane';

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/** The configured schema name, or the default; throws `ConfigurationError` for an invalid name. */
export function resolveSchemaName(schema: string | undefined): string {
  const name = schema ?? DEFAULT_SCHEMA;
  if (!SCHEMA_NAME.test(name)) {
    throw new ConfigurationError(
      `Invalid PostgreSQL schema name "${name}": use letters, digits, "_" and "$" (at most 63 characters, not starting with a digit)`,
    );
  }
  return name;
}
