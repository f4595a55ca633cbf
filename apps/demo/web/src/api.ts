/** Talks to the demo's HTTP API; keeps the bearer token (when the server wants one) in localStorage. */

const TOKEN_KEY = 'spane.apiToken';

/** An error answer of the API: `{ error: { code, message, path? } }`. */
export class ApiCallError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

function headers(json: boolean): Record<string, string> {
  const token = getToken();
  return {
    ...(json ? { 'content-type': 'application/json' } : {}),
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
}

/** Calls the API; resolves with the JSON answer, or rejects with an {@link ApiCallError}. */
export async function api<T>(
  path: string,
  options: { method?: string; body?: unknown } = {},
): Promise<T> {
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers: headers(options.body !== undefined),
    body: options.body === undefined ? null : JSON.stringify(options.body),
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (response.status === 401) window.dispatchEvent(new Event('spane:unauthorized'));
    throw new ApiCallError(
      response.status,
      error?.code ?? 'HTTP',
      error?.message ?? response.statusText,
    );
  }
  return json as T;
}

/**
 * Follows a server-sent event stream with fetch (so the bearer header goes along); calls
 * `onEvent` per event. Resolves false when the server has no stream there. Abort with `signal`.
 */
export async function followEvents(
  path: string,
  onEvent: (data: string) => void,
  signal: AbortSignal,
): Promise<boolean> {
  const response = await fetch(path, {
    headers: { ...headers(false), accept: 'text/event-stream' },
    signal,
  });
  if (
    !response.ok ||
    !response.body ||
    !response.headers.get('content-type')?.includes('text/event-stream')
  ) {
    await response.body?.cancel().catch(() => undefined);
    return false;
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return true;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (data) onEvent(data);
      end = buffer.indexOf('\n\n');
    }
  }
}
