/** A parsed body, or why it could not be parsed. */
export type ParsedBody =
  | { ok: true; value: unknown }
  | {
      ok: false;
      code: 'INVALID_JSON' | 'INVALID_BODY' | 'UNSUPPORTED_CONTENT_TYPE';
      message: string;
    };

/** The media types a webhook body may have. */
export const ACCEPTED_CONTENT_TYPES: readonly string[] = Object.freeze([
  'application/json (and */*+json)',
  'application/x-www-form-urlencoded',
  'text/*',
]);

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a webhook body by its content type: JSON, form-urlencoded (repeated keys become arrays)
 * or text. An empty body is `undefined`.
 */
export function parseWebhookBody(bytes: Uint8Array, contentType: string | null): ParsedBody {
  if (bytes.byteLength === 0) return { ok: true, value: undefined };
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const json = media === 'application/json' || /^application\/[\w.+-]+\+json$/.test(media);
  const form = media === 'application/x-www-form-urlencoded';
  if (!json && !form && !media.startsWith('text/')) {
    return {
      ok: false,
      code: 'UNSUPPORTED_CONTENT_TYPE',
      message: `Content type "${media || 'none'}" is not accepted; use ${ACCEPTED_CONTENT_TYPES.join(', ')}`,
    };
  }
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { ok: false, code: 'INVALID_BODY', message: 'The body is not valid UTF-8' };
  }
  if (json) {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      return {
        ok: false,
        code: 'INVALID_JSON',
        message: `The body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
  if (form) return { ok: true, value: searchParamsToObject(new URLSearchParams(text)) };
  return { ok: true, value: text };
}

/** Query or form parameters as an object; a key given several times maps to an array. */
export function searchParamsToObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return { ...out };
}
