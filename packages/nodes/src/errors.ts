import { WorkflowError } from '@spane/core';

/** Where an error of a built-in node happened. */
export interface NodeErrorScope {
  nodeId?: string | undefined;
  executionId?: string | undefined;
  workflowId?: string | undefined;
}

/**
 * A JSONata expression of a built-in node failed: it does not parse, its evaluation raised an
 * error (a type error, a function called wrongly, recursion deeper than allowed), or it gave a
 * value the node cannot use. Not retryable: the same expression on the same input fails again.
 */
export class ExpressionError extends WorkflowError {
  /** The expression's place in the node's config, e.g. `cases[1].when`. */
  readonly path: string;
  /** JSONata's error code (`S0201`, `T2001`, `D1011`, …), when it gave one. */
  readonly expressionCode: string | undefined;
  /** The character position in the expression, when JSONata gave one. */
  readonly position: number | undefined;

  constructor(
    options: NodeErrorScope & {
      path: string;
      message: string;
      expressionCode?: string | undefined;
      position?: number | undefined;
    },
  ) {
    super({
      message: `Expression at config.${options.path}: ${options.message}`,
      code: 'EXPRESSION_ERROR',
      retryable: false,
      nodeId: options.nodeId,
      executionId: options.executionId,
      workflowId: options.workflowId,
    });
    this.path = options.path;
    this.expressionCode = options.expressionCode;
    this.position = options.position;
  }
}

/**
 * An expression ran past its deadline (the node's timeout, or the expression budget when that is
 * shorter) and was stopped. It is a timeout like any other: code `NODE_TIMEOUT`, retryable.
 */
export class ExpressionTimeoutError extends WorkflowError {
  readonly path: string;
  /** How long the expression was allowed, in ms. */
  readonly timeoutMs: number;

  constructor(options: NodeErrorScope & { path: string; timeoutMs: number }) {
    super({
      message: `Expression at config.${options.path} was stopped after ${options.timeoutMs} ms (its node's time was up)`,
      code: 'NODE_TIMEOUT',
      retryable: true,
      nodeId: options.nodeId,
      executionId: options.executionId,
      workflowId: options.workflowId,
    });
    this.path = options.path;
    this.timeoutMs = options.timeoutMs;
  }
}

/** Why an HTTP request of the `http` node failed. */
export type HttpFailure = 'status' | 'network' | 'timeout' | 'too-large';

/**
 * The `http` node's request failed: the server answered an error status (after the node's own
 * retries), the connection failed, the request timed out, or the body was too large. Retryable for
 * 5xx, 429, network failures and timeouts; not for other statuses or a body over the limit.
 */
export class HttpRequestError extends WorkflowError {
  readonly failure: HttpFailure;
  /** The last response's status, for `failure: 'status'`. */
  readonly status: number | undefined;
  /** How many requests were made. */
  readonly requests: number;

  constructor(
    options: NodeErrorScope & {
      failure: HttpFailure;
      message: string;
      status?: number | undefined;
      requests: number;
      retryable: boolean;
      cause?: unknown;
    },
  ) {
    super({
      message: options.message,
      code: 'HTTP_REQUEST_FAILED',
      retryable: options.retryable,
      nodeId: options.nodeId,
      executionId: options.executionId,
      workflowId: options.workflowId,
      cause: options.cause,
    });
    this.failure = options.failure;
    this.status = options.status;
    this.requests = options.requests;
  }
}
