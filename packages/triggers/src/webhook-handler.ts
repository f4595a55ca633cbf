import { normalizeWebhookPath, readLimitedBody, type WebhookRoute } from '@spane/core';
import { parseWebhookBody, searchParamsToObject } from './parse-webhook-body.ts';
import type { WebhookEngine } from './webhook-engine.ts';
import { errorResponse, jsonResponse } from './webhook-responses.ts';
import { resolveWebhookSecrets } from './webhook-secrets.ts';
import { checkWebhookSignature, SIGNATURE_HEADER } from './webhook-signature.ts';

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /** The engine whose workflows' webhook triggers are served (any object of this shape). */
  engine: WebhookEngine;
  /** Where the handler is mounted; the rest of the URL path is the trigger's path. Default is `/api/webhooks`. */
  basePath?: string | undefined;
  /** Larger bodies get 413, after reading no more than this. Default is 1 MiB. */
  maxBodyBytes?: number | undefined;
  /** The header that carries signatures. Default is `x-spane-signature`. */
  signatureHeader?: string | undefined;
  /** Where `{ env: 'NAME' }` secrets are read. Default is `process.env`. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Request headers to record in the execution's metadata (credentials never are). */
  recordHeaders?: readonly string[] | undefined;
  /** Told of failures to start a workflow (answered with 503), and of secrets that are not set. */
  onError?: ((error: unknown) => void) | undefined;
}

/** A Web-standard request handler: Hono, Bun, Deno, and Node through `toNodeListener`, mount it. */
export type WebhookHandler = (request: Request) => Promise<Response>;

/** The default `maxBodyBytes`: 1 MiB. */
export const DEFAULT_MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * Serves the webhook triggers of an engine's workflows as a `(Request) => Promise<Response>`.
 * A request to `{basePath}/{path}` starts every workflow whose trigger has that path and method,
 * and gets 202 `{ executionIds }`. Errors are `{ error: { code, message } }`: 404 for an unknown
 * path, 405 (with `Allow`) for a wrong method, 413 above `maxBodyBytes`, 400 for a malformed body
 * or unsupported content type (JSON, form-urlencoded and text are accepted), 401 when a trigger
 * has a secret and the signature (`x-spane-signature: t=…,v1=…`, HMAC-SHA256 of the raw body) is
 * missing, wrong or outside its tolerance, 503 when the workflows could not be started. An
 * `Idempotency-Key` header makes retries safe: the same key gives back the same execution ids.
 *
 * ```ts
 * const handler = createWebhookHandler({ engine });
 * app.all('/api/webhooks/*', (c) => handler(c.req.raw)); // Hono
 * ```
 *
 * @remarks When several workflows share a path and method, the request must satisfy every one of
 * them that has a secret; otherwise none is started.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const base = `/${normalizeWebhookPath(options.basePath ?? '/api/webhooks')}`.replace(/^\/$/, '');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_WEBHOOK_BODY_BYTES;
  const signatureHeader = options.signatureHeader ?? SIGNATURE_HEADER;
  const env = options.env ?? process.env;
  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // a failing reporter must not turn into a failed request
    }
  };

  return async (request) => {
    try {
      const url = new URL(request.url);
      const path = pathUnder(url.pathname, base);
      const routes = path === undefined ? [] : options.engine.getWebhookTriggers(path);
      if (path === undefined || routes.length === 0) {
        return errorResponse(404, 'NOT_FOUND', `No webhook at ${url.pathname}`);
      }
      const method = request.method.toUpperCase();
      const matching = routes.filter((route) => route.method === method);
      if (matching.length === 0) {
        const allow = [...new Set(routes.map((route) => route.method))].sort().join(', ');
        return errorResponse(
          405,
          'METHOD_NOT_ALLOWED',
          `The webhook at ${url.pathname} accepts ${allow}, not ${method}`,
          { allow },
        );
      }
      const declared = Number(request.headers.get('content-length') ?? Number.NaN);
      if (declared > maxBodyBytes) return tooLarge(maxBodyBytes);
      const bytes = await readLimitedBody(request.body, maxBodyBytes);
      if (bytes === undefined) return tooLarge(maxBodyBytes);

      const signature = request.headers.get(signatureHeader);
      for (const route of matching) {
        const refusal = checkRoute(route, bytes, signature, env, report);
        if (refusal) return errorResponse(401, 'INVALID_SIGNATURE', refusal);
      }

      const parsed = parseWebhookBody(bytes, request.headers.get('content-type'));
      if (!parsed.ok) return errorResponse(400, parsed.code, parsed.message);
      const idempotencyKey = request.headers.get('idempotency-key') ?? undefined;
      if (
        idempotencyKey !== undefined &&
        (idempotencyKey.trim() === '' || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH)
      ) {
        return errorResponse(
          400,
          'INVALID_IDEMPOTENCY_KEY',
          `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
        );
      }
      const query = searchParamsToObject(url.searchParams);
      const executionIds = await options.engine.triggerWebhook(
        path,
        method,
        parsed.value === undefined ? query : parsed.value,
        {
          headers: Object.fromEntries(request.headers),
          query,
          idempotencyKey,
          recordHeaders: options.recordHeaders,
        },
      );
      return jsonResponse(202, { executionIds });
    } catch (error) {
      report(error);
      return errorResponse(
        503,
        'TRIGGER_FAILED',
        'The workflows could not be started; retry later',
      );
    }
  };
}

function tooLarge(maxBodyBytes: number): Response {
  return errorResponse(413, 'PAYLOAD_TOO_LARGE', `The body is larger than ${maxBodyBytes} bytes`);
}

/** The trigger path of a URL path under `base`, or `undefined` when it is not under it. */
function pathUnder(pathname: string, base: string): string | undefined {
  if (base !== '' && pathname !== base && !pathname.startsWith(`${base}/`)) return undefined;
  let rest: string;
  try {
    rest = decodeURIComponent(pathname.slice(base.length));
  } catch {
    return undefined;
  }
  const path = normalizeWebhookPath(rest);
  return path === '' ? undefined : path;
}

/** Why a trigger refuses the request's signature, or `undefined` when it accepts it. */
function checkRoute(
  route: WebhookRoute,
  bytes: Uint8Array,
  signature: string | null,
  env: Readonly<Record<string, string | undefined>>,
  report: (error: unknown) => void,
): string | undefined {
  if (route.secrets.length === 0) return undefined;
  const secrets = resolveWebhookSecrets(route.secrets, env);
  if (secrets.length === 0) {
    report(
      new Error(
        `The webhook "${route.path}" of workflow "${route.workflowId}" has no secret set in the environment; its requests are refused`,
      ),
    );
    return 'The signature cannot be checked';
  }
  const check = checkWebhookSignature(bytes, signature, {
    secret: secrets,
    toleranceSeconds: route.toleranceSeconds,
  });
  if (check.valid) return undefined;
  switch (check.problem) {
    case 'missing':
      return 'The request is not signed';
    case 'malformed':
      return 'The signature header is malformed';
    case 'expired':
      return 'The signature is outside the tolerance window';
    default:
      return 'The signature does not match';
  }
}
