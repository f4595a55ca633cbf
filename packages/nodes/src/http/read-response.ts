import { readLimitedBody } from '@spane/core';

/** What the `http` node makes of a response body. */
export type ResponseType = 'auto' | 'json' | 'text';

/** A response read in full: its body as bytes, or `too-large` past the limit. */
export async function readLimited(
  response: Response,
  maxBytes: number,
): Promise<Uint8Array | 'too-large'> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return 'too-large';
  }
  return (await readLimitedBody(response.body, maxBytes)) ?? 'too-large';
}

/**
 * The body as the node's output: parsed JSON when asked (`json`) or when the content type says
 * JSON (`auto`, falling back to the text if it does not parse), else the text; `null` when empty.
 * Throws a SyntaxError for `json` with a body that is not JSON.
 */
export function decodeBody(
  bytes: Uint8Array,
  contentType: string | null,
  type: ResponseType,
): unknown {
  if (bytes.byteLength === 0) return null;
  const text = new TextDecoder().decode(bytes);
  if (type === 'text') return text;
  if (type === 'json') return JSON.parse(text);
  if (contentType && /[/+]json\b/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
