/**
 * A Web-standard handler that serves the engine's durable event stream as server-sent events:
 * resumable with `Last-Event-ID`, with heartbeats, ended when the client goes away.
 * @module
 */
import { WorkflowError } from '@spane/core';
import { jsonResponse, type RequestHandler } from '../http-responses.ts';
import type { StreamEngine } from '../observed-engine.ts';
import { formatSseComment, formatSseEvent } from './sse-format.ts';

/** Options of {@link createEventStreamHandler}. */
export interface CreateEventStreamHandlerOptions {
  engine: StreamEngine;
  /**
   * Which execution a request follows. Default: the `executionId` query parameter; without one the
   * client gets every execution's events. Use it to read a route parameter.
   */
  executionId?: ((request: Request) => string | undefined) | undefined;
  /** A comment line is sent this often, in ms, so idle connections stay open. Default is 15000. */
  heartbeatMs?: number | undefined;
  /** The reconnection delay suggested to `EventSource` (`retry:`), in ms. Default is 2000. */
  retryMs?: number | undefined;
}

/**
 * Serves `engine.subscribe` as `text/event-stream`. Each message has the event's id as `id:` and
 * its type as `event:`, so a browser `EventSource` that reconnects sends `Last-Event-ID` and gets
 * exactly what it missed. Without `Last-Event-ID`, `?after=<id>` (or `?after=0`, everything kept)
 * picks the start; otherwise only new events are sent. A malformed id is answered with 400.
 *
 * ```ts
 * const events = createEventStreamHandler({ engine, executionId: (req) => new URL(req.url).pathname.split('/')[3] });
 * app.get('/api/executions/:id/events', (c) => events(c.req.raw));
 * ```
 */
export function createEventStreamHandler(options: CreateEventStreamHandlerOptions): RequestHandler {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const retryMs = options.retryMs ?? 2_000;
  return async (request) => {
    const url = new URL(request.url);
    const executionId = options.executionId
      ? options.executionId(request)
      : (url.searchParams.get('executionId') ?? undefined);
    const after =
      request.headers.get('last-event-id') ?? url.searchParams.get('after') ?? undefined;
    const stop = new AbortController();
    const onGone = () => stop.abort();
    request.signal.addEventListener('abort', onGone, { once: true });
    let events: AsyncIterable<{ id: string; type: string; data: unknown }>;
    try {
      events = options.engine.subscribe({ executionId, after, signal: stop.signal });
    } catch (error) {
      request.signal.removeEventListener('abort', onGone);
      if (WorkflowError.isInstance(error)) {
        return jsonResponse({ error: error.message, code: error.code }, 400);
      }
      throw error;
    }
    const encoder = new TextEncoder();
    let heartbeat: NodeJS.Timeout | undefined;
    let closed = false;
    const finish = (controller: ReadableStreamDefaultController<Uint8Array>) => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      stop.abort();
      request.signal.removeEventListener('abort', onGone);
      try {
        controller.close();
      } catch {
        // already closed by the client
      }
    };
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const send = (text: string) => {
          if (!closed) controller.enqueue(encoder.encode(text));
        };
        send(`retry: ${retryMs}\n${formatSseComment('connected')}`);
        heartbeat = setInterval(() => send(formatSseComment('heartbeat')), heartbeatMs);
        heartbeat.unref();
        void (async () => {
          try {
            for await (const event of events) {
              send(formatSseEvent({ id: event.id, event: event.type, data: event }));
            }
          } catch (error) {
            send(
              formatSseComment(
                `error: ${error instanceof Error ? error.message : 'stream failed'}`,
              ),
            );
          } finally {
            finish(controller);
          }
        })();
      },
      cancel() {
        closed = true;
        clearInterval(heartbeat);
        stop.abort();
        request.signal.removeEventListener('abort', onGone);
      },
    });
    return new Response(body, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      },
    });
  };
}
