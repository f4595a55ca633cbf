import type { Context } from 'hono';
import * as v from 'valibot';
import { ApiError } from './api-error.ts';

/** Default largest request body the API reads: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** `nodes[0].id` style path of a valibot issue. */
function issuePath(issue: v.BaseIssue<unknown>): string | undefined {
  const keys = issue.path?.map((item) => item.key) ?? [];
  let out = '';
  for (const key of keys) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || undefined;
}

/** Parses `value` with a valibot schema, or throws a 400 {@link ApiError} naming the first problem. */
export function parseInput<TSchema extends v.GenericSchema>(
  schema: TSchema,
  value: unknown,
  where: 'body' | 'query',
): v.InferOutput<TSchema> {
  const parsed = v.safeParse(schema, value);
  if (parsed.success) return parsed.output;
  const [issue] = parsed.issues;
  const path = issue ? issuePath(issue) : undefined;
  throw new ApiError({
    status: 400,
    code: 'VALIDATION_ERROR',
    message: `Invalid ${where}${path ? ` at ${path}` : ''}: ${issue?.message ?? 'not accepted'}`,
    path,
  });
}

/**
 * Reads a JSON request body (an empty body is `{}`), or throws a 400 for malformed JSON. The size
 * limit is enforced before this by the app's body-limit middleware.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError({
      status: 400,
      code: 'INVALID_JSON',
      message: 'The request body is not valid JSON',
    });
  }
}

/** Reads and validates a JSON body in one step. */
export async function parseJsonBody<TSchema extends v.GenericSchema>(
  c: Context,
  schema: TSchema,
): Promise<v.InferOutput<TSchema>> {
  return parseInput(schema, await readJsonBody(c), 'body');
}

/** A path parameter of the matched route (the router guarantees it; checked for the types). */
export function pathParam(c: Context, name: string): string {
  const value = c.req.param(name);
  if (!value) {
    throw new ApiError({
      status: 400,
      code: 'VALIDATION_ERROR',
      message: `Missing ${name}`,
      path: name,
    });
  }
  return value;
}
