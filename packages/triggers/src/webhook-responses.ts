/** The error codes of the webhook handler's responses. */
export type WebhookErrorCode =
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'INVALID_JSON'
  | 'INVALID_BODY'
  | 'UNSUPPORTED_CONTENT_TYPE'
  | 'INVALID_IDEMPOTENCY_KEY'
  | 'PAYLOAD_TOO_LARGE'
  | 'INVALID_SIGNATURE'
  | 'TRIGGER_FAILED';

/** A JSON response. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

/** An error response: `{ error: { code, message } }`. */
export function errorResponse(
  status: number,
  code: WebhookErrorCode,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse(status, { error: { code, message } }, headers);
}
