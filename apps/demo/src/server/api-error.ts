import { WorkflowError } from '@spane/core';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The JSON body of every error the API answers: `{ error: { code, message, path? } }`. */
export interface ApiErrorBody {
  error: { code: string; message: string; path?: string | undefined };
}

/**
 * An error the API answers with a 4xx status and an {@link ApiErrorBody}. Route handlers throw it;
 * the app's error handler turns it (and the engine's typed errors) into the response.
 */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly path: string | undefined;

  constructor(options: {
    status: ContentfulStatusCode;
    code: string;
    message: string;
    path?: string | undefined;
  }) {
    super(options.message);
    this.name = 'ApiError';
    this.status = options.status;
    this.code = options.code;
    this.path = options.path;
  }

  toBody(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.path === undefined ? {} : { path: this.path }),
      },
    };
  }
}

/** Engine error codes that are the caller's fault, with their HTTP status. */
const CLIENT_CODES: Partial<Record<string, ContentfulStatusCode>> = {
  VALIDATION_ERROR: 400,
  CYCLE_DETECTED: 400,
  UNKNOWN_NODE_TYPE: 400,
  CONFIGURATION_ERROR: 400,
  INVALID_NEXT_NODES: 400,
  WORKFLOW_NOT_FOUND: 404,
  EXECUTION_NOT_FOUND: 404,
  PAYLOAD_NOT_FOUND: 404,
  INVALID_STATE_TRANSITION: 409,
  VERSION_CONFLICT: 409,
  SUBWORKFLOW_DEPTH_EXCEEDED: 400,
  RATE_LIMITED: 429,
};

/**
 * The API's view of a thrown error: an {@link ApiError} as is, an engine `WorkflowError` whose
 * code is the caller's fault as a 4xx (with the first validation issue's path), anything else
 * `undefined` (a server fault: the app answers 500 without details).
 */
export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (!WorkflowError.isInstance(error)) return undefined;
  const status = CLIENT_CODES[error.code];
  if (status === undefined) return undefined;
  const issues = (error as { issues?: ReadonlyArray<{ path: string }> }).issues;
  return new ApiError({
    status,
    code: error.code,
    message: error.message,
    path: issues?.[0]?.path || undefined,
  });
}

/** 404 for a resource that does not exist. */
export function notFound(what: string, id: string): ApiError {
  return new ApiError({
    status: 404,
    code: 'NOT_FOUND',
    message: `${what} "${id}" does not exist`,
  });
}
