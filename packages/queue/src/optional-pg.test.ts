import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPg } from './optional-pg.ts';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Runs `body` in a fresh Node process where resolving `pg` fails, as on an install without it,
 * with the package's sources loaded through the `@spane/source` condition.
 */
function withoutPg(body: string): { status: number | null; output: string } {
  const script = `
    import { registerHooks } from 'node:module';
    registerHooks({
      resolve(specifier, context, next) {
        if (specifier === 'pg' || specifier.startsWith('pg/')) {
          throw Object.assign(new Error("Cannot find module 'pg'"), { code: 'MODULE_NOT_FOUND' });
        }
        return next(specifier, context);
      },
    });
    const queue = await import('@spane/queue');
    ${body}
  `;
  const result = spawnSync(
    process.execPath,
    ['--conditions=@spane/source', '--input-type=module', '-e', script],
    { cwd: packageDir, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('the optional pg peer', () => {
  it('is loaded when present', () => {
    expect(typeof loadPg().Pool).toBe('function');
    expect(loadPg()).toBe(loadPg());
  });

  it('is not needed to load the package or resolve a Redis connection', () => {
    const run = withoutPg(`
      const resolved = queue.resolveConnection('redis://127.0.0.1:1', { onError: () => {} });
      resolved.client.disconnect();
      console.log('kind=' + resolved.kind);
    `);
    expect(run.output).toContain('kind=redis');
    expect(run.status).toBe(0);
  });

  it('is asked for, with a ConfigurationError, when a { postgres } connection is used', () => {
    const run = withoutPg(`
      try {
        queue.resolveConnection({ postgres: 'postgres://127.0.0.1:1/db' });
        console.log('no error');
      } catch (error) {
        console.log(error.code + ': ' + error.message);
      }
    `);
    expect(run.output).toContain(
      "CONFIGURATION_ERROR: A PostgreSQL connection needs the optional 'pg' package",
    );
    expect(run.status).toBe(0);
  });
});
