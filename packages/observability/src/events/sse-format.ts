/**
 * Server-sent events framing: `id:`, `event:` and `data:` lines, and comment lines for heartbeats.
 * @module
 */

/** One SSE message. `data` is JSON-encoded on one line, so it never needs splitting. */
export function formatSseEvent(message: { id: string; event: string; data: unknown }): string {
  return `id: ${message.id}\nevent: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
}

/** A comment line: ignored by `EventSource`, keeps proxies from closing an idle connection. */
export function formatSseComment(text: string): string {
  return `: ${text.replaceAll('\n', ' ')}\n\n`;
}
