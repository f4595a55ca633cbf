/**
 * `pnpm release:rehearse`: a release on a real (local) registry, with the workspace left unchanged.
 *
 * 1. Starts verdaccio on a free loopback port (see {@link startLocalRegistry}).
 * 2. In a temp copy of the workspace, `changeset version --snapshot rehearsal` and
 *    `changeset publish --tag rehearsal` to it.
 * 3. In an empty temp folder outside the workspace, `npm install @spane/engine @spane/store-memory`
 *    (and what the example imports besides, e.g. `valibot`) from that registry only; checks that
 *    no `pg` and no `kysely` came along.
 * 4. Runs the README's first example on a real Redis to completion, and type-checks it against
 *    the installed declarations (strict, `skipLibCheck: false`, with no `pg` installed).
 * 5. Installs `@spane/store-postgres`, swaps the store's lines, runs it on a real PostgreSQL and
 *    type-checks both files again.
 *
 * Needs `pnpm build`. Without `REDIS_URL` / `DATABASE_URL` it starts its own servers
 * (`@spane/local-services`).
 * @module
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareAppTypecheck, typecheckerSpecs } from './app-typecheck.ts';
import { buildPublishedPackages } from './build.ts';
import { installedPackageNames } from './installed-packages.ts';
import { type LocalRegistry, startLocalRegistry } from './local-registry.ts';
import {
  readmeExample,
  runnableExample,
  thirdPartyImports,
  withPostgresStore,
} from './readme-example.ts';
import { ReleaseError, type ReleaseErrorCode } from './release-error.ts';
import { run, tail } from './run.ts';
import { copyWorkspaceForRelease } from './workspace-copy.ts';
import { WORKSPACE_ROOT } from './workspace-packages.ts';

/** Options of {@link rehearseRelease}. */
export interface RehearseOptions {
  redisUrl: string;
  databaseUrl: string;
  /** Progress lines. Default is none. */
  log?: ((line: string) => void) | undefined;
  /** Keep the temp folders for a look afterwards. Default is `false`. */
  keep?: boolean | undefined;
}

/** What a rehearsal did, with how long each step took (ms). */
export interface RehearsalReport {
  version: string;
  published: string[];
  /** Packages of the Redis + memory-store install. */
  firstInstall: string[];
  timings: Record<string, number>;
  /** The example's output on Redis, then on PostgreSQL. */
  outputs: { redis: string; postgres: string };
}

/** Packages the first install must not hold. */
export const NOT_IN_FIRST_INSTALL = ['pg', 'kysely'] as const;

const CHANGESET = path.join(WORKSPACE_ROOT, 'node_modules', '.bin', 'changeset');

async function must(
  code: ReleaseErrorCode,
  what: string,
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new ReleaseError({
      code,
      message: `${what} failed (exit ${result.code})`,
      output: tail(result.output, 60),
    });
  }
  return result.output;
}

/** A tiny HTTP service for the example's `fetch` node: GET /data answers a JSON object. */
async function startDataService(): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    response.writeHead(request.url === '/data' ? 200 : 404, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(request.url === '/data' ? { items: [1, 2, 3] } : { error: 'not found' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Runs a rehearsal; throws a {@link ReleaseError} at the first step that fails. */
export async function rehearseRelease(options: RehearseOptions): Promise<RehearsalReport> {
  const log = options.log ?? (() => undefined);
  const timings: Record<string, number> = {};
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await work();
    } finally {
      timings[step] = Date.now() - started;
      log(`${step}: ${timings[step]} ms`);
    }
  };
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'spane-rehearsal-'));
  const registryDir = path.join(base, 'registry');
  const copyDir = path.join(base, 'workspace');
  const appDir = path.join(base, 'app');
  fs.mkdirSync(registryDir);
  fs.mkdirSync(appDir);
  let registry: LocalRegistry | undefined;
  const data = await startDataService();
  try {
    await timed('build', () => buildPublishedPackages());
    registry = await timed('registry', () => startLocalRegistry({ dir: registryDir }));
    const npmrc = `registry=${registry.url}\n//${new URL(registry.url).host}/:_authToken=${registry.token}\n`;
    // Every npm and pnpm call below reads this registry and nothing else.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      npm_config_registry: registry.url,
      npm_config_userconfig: path.join(base, 'npmrc'),
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      CI: 'true',
    };
    fs.writeFileSync(path.join(base, 'npmrc'), npmrc);

    const published = await timed('version+publish', async () => {
      copyWorkspaceForRelease(copyDir);
      await must(
        'PUBLISH_FAILED',
        'changeset version --snapshot',
        CHANGESET,
        ['version', '--snapshot', 'rehearsal'],
        {
          cwd: copyDir,
          env,
        },
      );
      const output = await must(
        'PUBLISH_FAILED',
        'changeset publish',
        CHANGESET,
        ['publish', '--tag', 'rehearsal', '--no-git-tag'],
        { cwd: copyDir, env, timeoutMs: 600_000 },
      );
      return output;
    });
    const engineManifest = JSON.parse(
      fs.readFileSync(path.join(copyDir, 'packages', 'engine', 'package.json'), 'utf8'),
    ) as { version: string };
    const version = engineManifest.version;
    const publishedNames = [...published.matchAll(/(@spane\/[a-z-]+)@/g)].map(
      (m) => m[1] as string,
    );

    fs.writeFileSync(
      path.join(appDir, 'package.json'),
      `${JSON.stringify({ name: 'rehearsal-app', private: true, type: 'module' }, null, 2)}\n`,
    );
    fs.writeFileSync(path.join(appDir, '.npmrc'), `registry=${registry.url}\n`);
    const npmInstall = (...specs: string[]) =>
      must(
        'INSTALL_FAILED',
        `npm install ${specs.join(' ')}`,
        'npm',
        ['install', '--no-audit', '--no-fund', ...specs],
        {
          cwd: appDir,
          env,
          timeoutMs: 600_000,
        },
      );
    const example = readmeExample();
    // What the example imports beside SPANE (valibot for its schemas) is the application's own.
    const extras = thirdPartyImports(example);
    await timed('install engine+memory', () =>
      npmInstall(`@spane/engine@${version}`, `@spane/store-memory@${version}`, ...extras),
    );
    const firstInstall = [...installedPackageNames(appDir)].sort();
    const unwanted = NOT_IN_FIRST_INSTALL.filter((name) => firstInstall.includes(name));
    if (unwanted.length > 0) {
      throw new ReleaseError({
        code: 'UNWANTED_DEPENDENCY',
        message: `@spane/engine + @spane/store-memory installed ${unwanted.join(', ')}`,
        output: firstInstall.join('\n'),
      });
    }

    const targets = { redisUrl: options.redisUrl, dataOrigin: data.origin };
    const runExample = (file: string, text: string) =>
      must('EXAMPLE_FAILED', `node ${file}`, process.execPath, [file], {
        cwd: appDir,
        env: { ...env, REDIS_URL: options.redisUrl, DATABASE_URL: options.databaseUrl },
        timeoutMs: 120_000,
      }).then(
        (output) => {
          fs.writeFileSync(path.join(appDir, `${file}.out`), output);
          return output;
        },
        (error: unknown) => {
          fs.writeFileSync(path.join(appDir, file), text);
          throw error;
        },
      );
    const redisText = runnableExample(example, targets);
    fs.writeFileSync(path.join(appDir, 'example.ts'), redisText);
    const redisOutput = await timed('example on redis', () => runExample('example.ts', redisText));
    // typescript and @types/node come after the dependency check: they are the app's dev tools.
    await timed('install typescript', () => npmInstall('--save-dev', ...typecheckerSpecs()));
    const typecheck = (files: string[]) =>
      must(
        'TYPECHECK_FAILED',
        `tsc on ${files.join(', ')}`,
        process.execPath,
        prepareAppTypecheck(appDir, files),
        {
          cwd: appDir,
          env,
          timeoutMs: 120_000,
        },
      );
    await timed('typecheck engine+memory', () => typecheck(['example.ts']));

    await timed('install store-postgres', () => npmInstall(`@spane/store-postgres@${version}`));
    const postgresText = runnableExample(withPostgresStore(example), targets);
    fs.writeFileSync(path.join(appDir, 'example-postgres.ts'), postgresText);
    const postgresOutput = await timed('example on postgres', () =>
      runExample('example-postgres.ts', postgresText),
    );
    await timed('typecheck with store-postgres', () =>
      typecheck(['example.ts', 'example-postgres.ts']),
    );
    return {
      version,
      published: [...new Set(publishedNames)].sort(),
      firstInstall,
      timings,
      outputs: { redis: redisOutput.trim(), postgres: postgresOutput.trim() },
    };
  } finally {
    await registry?.stop();
    await data.close();
    if (options.keep) log(`kept ${base}`);
    else fs.rmSync(base, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { startPostgresServer, startRedisServer } = await import('@spane/local-services');
  const started: Array<{ stop(): Promise<void> }> = [];
  const began = Date.now();
  try {
    let redisUrl = process.env.REDIS_URL;
    let databaseUrl = process.env.DATABASE_URL;
    if (!redisUrl) {
      const redis = await startRedisServer();
      started.push(redis);
      redisUrl = redis.url;
    }
    if (!databaseUrl) {
      const postgres = await startPostgresServer({
        database: 'spane_rehearsal',
        user: 'postgres',
        password: 'password',
        settings: { fsync: false },
      });
      started.push(postgres);
      databaseUrl = postgres.url;
    }
    const report = await rehearseRelease({
      redisUrl,
      databaseUrl,
      log: (line) => console.log(`[rehearsal] ${line}`),
      keep: process.argv.includes('--keep'),
    });
    console.log(`[rehearsal] published ${report.published.join(', ')} at ${report.version}`);
    console.log(`[rehearsal] on redis: ${report.outputs.redis}`);
    console.log(`[rehearsal] on postgres: ${report.outputs.postgres}`);
    console.log(`[rehearsal] passed in ${Math.round((Date.now() - began) / 1000)} s`);
  } finally {
    for (const server of started.reverse()) await server.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`[rehearsal] FAILED: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof ReleaseError && error.output) console.error(error.output);
    process.exitCode = 1;
  });
}
