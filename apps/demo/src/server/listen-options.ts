/** The demo's default port. */
export const DEFAULT_PORT = 4000;
/** The demo's default host: loopback only. */
export const DEFAULT_HOST = '127.0.0.1';

/** Where and how the server listens, read from the environment. */
export interface ListenOptions {
  port: number;
  host: string;
  /** `SPANE_API_TOKEN`, when set. */
  token: string | undefined;
}

/** A setting of the server's environment that it refuses to start with. */
export class ServerConfigError extends Error {
  readonly code = 'SERVER_CONFIG';

  constructor(message: string) {
    super(message);
    this.name = 'ServerConfigError';
  }
}

/** Whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * Reads `PORT` (default 4000; 0 picks a free one), `HOST` (default 127.0.0.1) and
 * `SPANE_API_TOKEN`.
 *
 * @throws ServerConfigError for a port that is not a whole number 0–65535, and for a host other
 * than loopback without a token (the API would be open to the network).
 */
export function readListenOptions(env: NodeJS.ProcessEnv): ListenOptions {
  const rawPort = env.PORT?.trim() || String(DEFAULT_PORT);
  const port = /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : Number.NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new ServerConfigError(`PORT must be a whole number from 0 to 65535, not "${rawPort}"`);
  }
  const host = env.HOST?.trim() || DEFAULT_HOST;
  const token = env.SPANE_API_TOKEN || undefined;
  if (!token && !isLoopbackHost(host)) {
    throw new ServerConfigError(
      `Refusing to listen on ${host} without SPANE_API_TOKEN: set a token, or use HOST=127.0.0.1`,
    );
  }
  return { port, host, token };
}
