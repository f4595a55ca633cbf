/**
 * Small builders of Web-standard `Response`s shared by the handlers.
 * @module
 */

/** A JSON response with `status`, never cached. */
export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/** A plain-text response with a content type. */
export function textResponse(body: string, contentType: string, status = 200): Response {
  return new Response(body, {
    status,
    headers: { 'content-type': contentType, 'cache-control': 'no-store' },
  });
}

/** A Web-standard request handler, mountable in Hono, Next.js, Deno, Bun or a Node adapter. */
export type RequestHandler = (request: Request) => Promise<Response>;
