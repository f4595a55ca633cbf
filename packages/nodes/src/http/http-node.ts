import { ConfigurationError, type ExecutionContext, successResult } from '@spane/core';
import { HttpRequestError } from '../errors.ts';
import { renderTemplate, templateExpressions } from '../expressions/value-template.ts';
import {
  type BuiltinNode,
  type BuiltinNodeDeps,
  defineBuiltinNode,
  type NodeRun,
} from '../nodes/builtin-node.ts';
import { HTTP_METHODS, type HttpConfig, HttpConfigSchema } from './http-config.ts';
import { decodeBody, readLimited } from './read-response.ts';
import { isRetryableStatus, parseRetryAfter, sleep } from './retry-after.ts';

/** The `http` node's output. */
export interface HttpOutput {
  status: number;
  statusText: string;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON, text, or `null` for an empty body. */
  body: unknown;
}

/** A request as rendered from the config. */
interface RenderedRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
}

/**
 * `http`: sends a request built from the config (`url`, `method`, `headers`, `body`, each may be
 * `{ $expr }` over the input) with global `fetch`, and outputs `{ status, statusText, headers,
 * body }`. 5xx, 429, network failures and request timeouts are retried within the attempt
 * (`retry`), honouring `Retry-After`; waits never run past the node's deadline. A final status of
 * 400 or more fails the node (retryable for 5xx and 429) unless `failOnStatus: false`.
 */
export function createHttpNode(deps: BuiltinNodeDeps): BuiltinNode {
  return defineBuiltinNode(
    {
      type: 'http',
      description: 'Sends an HTTP request built from JSONata expressions; outputs the response.',
      schema: HttpConfigSchema,
      expressions: (config) => [
        ...templateExpressions(config.url, 'url'),
        ...templateExpressions(config.method, 'method'),
        ...templateExpressions(config.headers, 'headers'),
        ...templateExpressions(config.body, 'body'),
      ],
      run: (run) => sendWithRetries(deps, run),
    },
    deps,
  );
}

async function render(deps: BuiltinNodeDeps, run: NodeRun<HttpConfig>): Promise<RenderedRequest> {
  const { ctx, config, deadline } = run;
  const scope = {
    nodeId: ctx.nodeId,
    executionId: ctx.executionId,
    workflowId: ctx.workflowId,
    deadline,
  };
  const at = (path: string, value: unknown) =>
    renderTemplate(deps.compiler, value, ctx.inputData, { ...scope, path });
  const fail = (message: string) =>
    new ConfigurationError(message, { nodeId: ctx.nodeId, workflowId: ctx.workflowId });
  const urlValue = await at('url', config.url);
  let url: URL;
  try {
    url = new URL(String(urlValue));
  } catch {
    throw fail(`config.url: gave ${JSON.stringify(urlValue)?.slice(0, 80)}, not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw fail(`config.url: must be http or https, got ${url.protocol}`);
  }
  const method = String(await at('method', config.method)).toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    throw fail(`config.method: "${method.slice(0, 20)}" is not one of ${HTTP_METHODS.join(', ')}`);
  }
  const headers = new Headers();
  const headerValues = await at('headers', config.headers ?? {});
  if (typeof headerValues !== 'object' || headerValues === null || Array.isArray(headerValues)) {
    throw fail('config.headers: must give an object of header values');
  }
  for (const [name, value] of Object.entries(headerValues)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'object') throw fail(`config.headers.${name}: must be a string`);
    try {
      headers.set(name, String(value));
    } catch {
      // The value is not shown: headers often carry credentials.
      throw fail(`config.headers.${name}: not a valid header name or value`);
    }
  }
  let body: string | undefined;
  if (config.body !== undefined && method !== 'GET' && method !== 'HEAD') {
    const value = await at('body', config.body);
    if (typeof value === 'string') body = value;
    else if (value !== undefined) {
      body = JSON.stringify(value);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
  }
  return { url, method, headers, body };
}

/** The URL without its query and credentials, safe to log and to put in errors. */
function shown(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

async function sendWithRetries(deps: BuiltinNodeDeps, run: NodeRun<HttpConfig>) {
  const { ctx, config } = run;
  const request = await render(deps, run);
  const { maxRetries, delay, maxDelay } = config.retry;
  const label = `${request.method} ${shown(request.url)}`;
  const scope = { nodeId: ctx.nodeId, executionId: ctx.executionId, workflowId: ctx.workflowId };
  for (let attempt = 1; ; attempt++) {
    const retriesLeft = attempt <= maxRetries;
    const backoff = Math.min(maxDelay, delay * 2 ** (attempt - 1));
    let response: Response;
    let signal = ctx.signal;
    if (config.requestTimeout !== undefined) {
      signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(config.requestTimeout)]);
    }
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal,
      });
    } catch (thrown) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const timedOut = (thrown as { name?: unknown })?.name === 'TimeoutError';
      const failure = timedOut ? 'timeout' : 'network';
      const what = timedOut
        ? `timed out after ${config.requestTimeout} ms`
        : `failed: ${causeOf(thrown)}`;
      if (retriesLeft && (await waitBeforeRetry(ctx, backoff, `${label} ${what}`))) continue;
      throw new HttpRequestError({
        ...scope,
        failure,
        message: `${label} ${what} (${attempt} request${attempt > 1 ? 's' : ''})`,
        requests: attempt,
        retryable: true,
        cause: thrown,
      });
    }
    if (isRetryableStatus(response.status) && retriesLeft) {
      const asked = parseRetryAfter(response.headers.get('retry-after'));
      await response.body?.cancel().catch(() => undefined);
      const wait = asked ?? backoff;
      const what = `${label} answered ${response.status}`;
      if (asked === undefined || asked <= maxDelay) {
        if (await waitBeforeRetry(ctx, wait, what)) continue;
      }
      throw new HttpRequestError({
        ...scope,
        failure: 'status',
        status: response.status,
        message: `${what}; its Retry-After of ${wait} ms is past ${asked !== undefined && asked > maxDelay ? `retry.maxDelay (${maxDelay} ms)` : "the node's deadline"} (${attempt} request${attempt > 1 ? 's' : ''})`,
        requests: attempt,
        retryable: true,
      });
    }
    return finish(ctx, config, label, response, attempt);
  }
}

/** Waits before a retry unless that would run past the node's deadline; false when it would. */
async function waitBeforeRetry(
  ctx: ExecutionContext,
  wait: number,
  what: string,
): Promise<boolean> {
  if (ctx.deadline !== undefined && Date.now() + wait >= ctx.deadline) return false;
  ctx.logger.warn(`${what}; retrying in ${wait} ms`);
  await sleep(wait, ctx.signal);
  return true;
}

async function finish(
  ctx: ExecutionContext,
  config: HttpConfig,
  label: string,
  response: Response,
  requests: number,
) {
  const scope = { nodeId: ctx.nodeId, executionId: ctx.executionId, workflowId: ctx.workflowId };
  const plural = `${requests} request${requests > 1 ? 's' : ''}`;
  if (config.failOnStatus && response.status >= 400) {
    await response.body?.cancel().catch(() => undefined);
    throw new HttpRequestError({
      ...scope,
      failure: 'status',
      status: response.status,
      message: `${label} answered ${response.status} ${response.statusText} (${plural})`.replace(
        '  ',
        ' ',
      ),
      requests,
      retryable: isRetryableStatus(response.status),
    });
  }
  let bytes: Uint8Array | 'too-large';
  try {
    bytes = await readLimited(response, config.maxResponseBytes);
  } catch (thrown) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const timedOut = (thrown as { name?: unknown })?.name === 'TimeoutError';
    throw new HttpRequestError({
      ...scope,
      failure: timedOut ? 'timeout' : 'network',
      message: `${label}: reading the body ${timedOut ? `timed out after ${config.requestTimeout} ms` : `failed: ${causeOf(thrown)}`}`,
      requests,
      retryable: true,
      cause: thrown,
    });
  }
  if (bytes === 'too-large') {
    throw new HttpRequestError({
      ...scope,
      failure: 'too-large',
      message: `${label}: the body is over maxResponseBytes (${config.maxResponseBytes})`,
      requests,
      retryable: false,
    });
  }
  let body: unknown;
  try {
    body = decodeBody(bytes, response.headers.get('content-type'), config.responseType);
  } catch {
    throw new HttpRequestError({
      ...scope,
      failure: 'status',
      status: response.status,
      message: `${label}: the body is not JSON (responseType: json)`,
      requests,
      retryable: false,
    });
  }
  const output: HttpOutput = {
    status: response.status,
    statusText: response.statusText,
    headers: Object.fromEntries(response.headers),
    body,
  };
  return successResult(output, { metadata: { requests } });
}

/** The message of a fetch failure: undici puts the useful part in `cause`. */
function causeOf(thrown: unknown): string {
  const error = thrown as { message?: unknown; cause?: { message?: unknown; code?: unknown } };
  const cause = error?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return typeof error?.message === 'string' ? error.message : String(thrown);
}
