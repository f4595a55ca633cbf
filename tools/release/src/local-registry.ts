/**
 * A throwaway npm registry: `verdaccio` on a free loopback port, its storage in a temp folder.
 * `@spane/*` packages are served only from what is published to it; every other package is
 * proxied from the upstream registry npm is configured with, so an install that names only this
 * registry still resolves third-party dependencies.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@spane/local-services';
import { ReleaseError } from './release-error.ts';
import { tail } from './run.ts';

const VERDACCIO = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'node_modules',
  '.bin',
  'verdaccio',
);

/** A running local registry. */
export interface LocalRegistry {
  /** e.g. `http://127.0.0.1:41234/` */
  url: string;
  /** A token of a user that may publish `@spane/*`. */
  token: string;
  /** Stops the registry (its storage goes with the folder it was given). */
  stop(): Promise<void>;
}

/** Options of {@link startLocalRegistry}. */
export interface LocalRegistryOptions {
  /** An empty folder for the config, the storage and the users. */
  dir: string;
  /** Where packages other than `@spane/*` come from. Default is `https://registry.npmjs.org/`. */
  upstream?: string | undefined;
  /** How long to wait for it to answer. Default is 60 s. */
  startTimeoutMs?: number | undefined;
}

function configText(dir: string, upstream: string): string {
  return [
    `storage: ${JSON.stringify(path.join(dir, 'storage'))}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
    '    max_users: 1',
    'uplinks:',
    '  upstream:',
    `    url: ${JSON.stringify(upstream)}`,
    '    timeout: 60s',
    '    max_fails: 5',
    'packages:',
    "  '@spane/*':",
    '    access: $all',
    '    publish: $authenticated',
    "  '**':",
    '    access: $all',
    '    proxy: upstream',
    'log: { type: stdout, format: pretty, level: warn }',
    'publish:',
    '  allow_offline: true',
    '',
  ].join('\n');
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('-/ping', url), { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts verdaccio, waits until it answers, and adds a user that may publish. */
export async function startLocalRegistry(options: LocalRegistryOptions): Promise<LocalRegistry> {
  const upstream = options.upstream ?? 'https://registry.npmjs.org/';
  const configFile = path.join(options.dir, 'config.yaml');
  fs.writeFileSync(configFile, configText(options.dir, upstream));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  let output = '';
  const child = spawn(VERDACCIO, ['--config', configFile, '--listen', `127.0.0.1:${port}`], {
    cwd: options.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  child.stderr?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    await stopChild(child);
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await answers(url))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new ReleaseError({
        code: 'REGISTRY_START_FAILED',
        message: `verdaccio did not answer on ${url}`,
        output: tail(output),
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const name = 'rehearsal';
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: `rehearsal-${port}`, type: 'user', roles: [] }),
  });
  const body = (await response.json().catch(() => ({}))) as { token?: string };
  if (!response.ok || !body.token) {
    await stop();
    throw new ReleaseError({
      code: 'REGISTRY_START_FAILED',
      message: `could not add a user to verdaccio (HTTP ${response.status})`,
      output: tail(output),
    });
  }
  return { url, token: body.token, stop };
}
