/** A minimal server-sent events client over `fetch`, for the tests. */

/** One message as received. */
export interface SseMessage {
  id?: string | undefined;
  event?: string | undefined;
  data: string;
}

/**
 * Reads messages from `url` (sending `lastEventId` as `Last-Event-ID`) until `until` returns true
 * or `timeoutMs` passes, then disconnects. Comment lines are counted, not returned.
 */
export async function readSse(
  url: string,
  options: {
    lastEventId?: string | undefined;
    until: (message: SseMessage) => boolean;
    timeoutMs?: number;
    controller?: AbortController;
    /** Called for each comment line (heartbeats). */
    onComment?: (comment: string) => void;
  },
): Promise<{
  messages: SseMessage[];
  comments: string[];
  status: number;
  contentType: string | null;
}> {
  const controller = options.controller ?? new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 20_000);
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const response = await fetch(url, { headers, signal: controller.signal });
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    outer: while (reader) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message: SseMessage = { data: '' };
        let isMessage = false;
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) {
            comments.push(line.slice(1).trim());
            options.onComment?.(line.slice(1).trim());
          } else if (line.startsWith('id: ')) message.id = line.slice(4);
          else if (line.startsWith('event: ')) message.event = line.slice(7);
          else if (line.startsWith('data: ')) {
            message.data += line.slice(6);
            isMessage = true;
          }
        }
        if (isMessage) {
          messages.push(message);
          if (options.until(message)) break outer;
        }
        end = buffer.indexOf('\n\n');
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return {
    messages,
    comments,
    status: response.status,
    contentType: response.headers.get('content-type'),
  };
}
