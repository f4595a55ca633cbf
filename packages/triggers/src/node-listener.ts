import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookHandler } from './webhook-handler.ts';
import { errorResponse } from './webhook-responses.ts';

/**
 * Mounts a Web-standard handler on Node's `http` server: builds a `Request` from the incoming
 * message (its body streamed, not buffered) and writes the `Response` back.
 *
 * ```ts
 * import { createServer } from 'node:http';
 * createServer(toNodeListener(createWebhookHandler({ engine }))).listen(3000);
 * ```
 *
 * @remarks A body the handler stops reading (one above its limit) is drained and discarded, so the
 * client still gets the response on a kept-alive connection.
 */
export function toNodeListener(
  handler: WebhookHandler,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (incoming, outgoing) => {
    void serve(handler, incoming, outgoing);
  };
}

async function serve(
  handler: WebhookHandler,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  let response: Response;
  const body = bodyStream(incoming);
  try {
    response = await handler(toRequest(incoming, body.stream));
  } catch {
    response = errorResponse(400, 'INVALID_BODY', 'The request could not be read');
  }
  // Whatever the handler left unread is drained (not kept), so a kept-alive connection goes on.
  body.release();
  try {
    outgoing.statusCode = response.status;
    response.headers.forEach((value, name) => {
      outgoing.setHeader(name, value);
    });
    if (response.body) {
      for await (const chunk of response.body) outgoing.write(chunk);
    }
    outgoing.end();
  } catch {
    outgoing.destroy();
  }
}

function toRequest(incoming: IncomingMessage, body: ReadableStream<Uint8Array>): Request {
  const url = new URL(incoming.url ?? '/', `http://${incoming.headers.host ?? 'localhost'}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const method = (incoming.method ?? 'GET').toUpperCase();
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(url, {
    method,
    headers,
    ...(hasBody ? { body, duplex: 'half' } : {}),
  } as RequestInit);
}

/**
 * The message's body as a web stream, read as it is pulled. `release` (or cancelling the stream)
 * stops delivering and drains the rest: read and dropped, never kept.
 */
function bodyStream(incoming: IncomingMessage): {
  stream: ReadableStream<Uint8Array>;
  release(): void;
} {
  let done = false;
  const onData = (chunk: Buffer, controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (done) return;
    controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if ((controller.desiredSize ?? 0) <= 0) incoming.pause();
  };
  let listener: ((chunk: Buffer) => void) | undefined;
  const release = () => {
    done = true;
    if (listener) incoming.off('data', listener);
    incoming.resume();
  };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!listener) {
        listener = (chunk) => onData(chunk, controller);
        incoming.on('data', listener);
        incoming.once('end', () => {
          if (done) return;
          done = true;
          controller.close();
        });
        incoming.once('error', (error) => {
          if (done) return;
          done = true;
          controller.error(error);
        });
      }
      incoming.resume();
    },
    cancel: release,
  });
  return { stream, release };
}
