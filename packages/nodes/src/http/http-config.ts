import * as v from 'valibot';

/** `{ "$expr": "<JSONata>" }`: a config value computed from the node's input. */
export const ExpressionMarkerSchema = v.strictObject({
  $expr: v.pipe(v.string(), v.minLength(1, 'must be a JSONata expression')),
});

/** The methods the `http` node sends. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

const Ms = (min: number) => v.pipe(v.number(), v.integer(), v.minValue(min));

/** A literal URL: absolute, http or https. */
const LiteralUrl = v.pipe(
  v.string(),
  v.url('must be an absolute URL'),
  v.check((url) => /^https?:/i.test(url), 'must be an http or https URL'),
);

/** Config of the `http` node. `{ $expr }` values are JSONata over the node's input. */
export const HttpConfigSchema = v.object({
  url: v.union([LiteralUrl, ExpressionMarkerSchema], 'must be a URL or { $expr }'),
  method: v.optional(
    v.union(
      [v.picklist(HTTP_METHODS), ExpressionMarkerSchema],
      'must be an HTTP method or { $expr }',
    ),
    'GET',
  ),
  /** A record of header values (each a string or `{ $expr }`), or one `{ $expr }` giving an object. */
  headers: v.optional(
    v.union([
      ExpressionMarkerSchema,
      v.record(v.string(), v.union([v.string(), ExpressionMarkerSchema])),
    ]),
  ),
  /**
   * Any JSON value, where `{ $expr }` members are computed. A string is sent as it is; anything
   * else as JSON (with `content-type: application/json` unless a header says otherwise). Not sent
   * with GET or HEAD.
   */
  body: v.optional(v.unknown()),
  /** The time one request may take, in ms. Default: bounded only by the node's timeout. */
  requestTimeout: v.optional(Ms(1)),
  /** Retries of 5xx, 429, network failures and request timeouts, within the node's attempt. */
  retry: v.optional(
    v.object({
      /** Requests after the first. Default is `2`. */
      maxRetries: v.optional(v.pipe(Ms(0), v.maxValue(10)), 2),
      /** The first wait in ms, doubled each time, when the server sends no `Retry-After`. Default is `500`. */
      delay: v.optional(Ms(0), 500),
      /** The longest wait in ms; a `Retry-After` beyond it ends the retries. Default is `30_000`. */
      maxDelay: v.optional(Ms(0), 30_000),
    }),
    {},
  ),
  /** `auto` parses JSON content types and keeps other bodies as text. Default is `auto`. */
  responseType: v.optional(v.picklist(['auto', 'json', 'text']), 'auto'),
  /** Fail the node on a final status of 400 or more. Default is `true`; `false` returns it as output. */
  failOnStatus: v.optional(v.boolean(), true),
  /** The largest response body read, in bytes. Default is 10 MiB. */
  maxResponseBytes: v.optional(Ms(0), 10 * 1024 * 1024),
});

/** The parsed config of the `http` node. */
export type HttpConfig = v.InferOutput<typeof HttpConfigSchema>;
