import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  NodeExecutionError,
  NodeTimeoutError,
  RateLimitError,
  ValidationError,
  WorkflowNotFoundError,
} from './error-classes.ts';
import { getUserMessage, isRetryableError, shouldMoveToDLQ, toError } from './error-helpers.ts';
import { WorkflowError } from './workflow-error.ts';

describe('isRetryableError', () => {
  it('treats a plain Error as retryable', () => {
    expect(isRetryableError(new Error('ECONNRESET'))).toBe(true);
  });

  it('treats a ValidationError as not retryable', () => {
    expect(isRetryableError(new ValidationError([]))).toBe(false);
  });

  it('follows the retryable flag of SPANE errors', () => {
    expect(isRetryableError(new NodeTimeoutError('n', 'e', 1))).toBe(true);
    expect(isRetryableError(new ConfigurationError('bad'))).toBe(false);
    expect(isRetryableError(new NodeExecutionError('n', 'e', 'x', { retryable: false }))).toBe(
      false,
    );
  });

  it("treats an object named 'UnrecoverableError' (BullMQ's) as not retryable", () => {
    expect(isRetryableError({ name: 'UnrecoverableError', message: 'stop' })).toBe(false);
    const bullmqLike = new Error('stop');
    bullmqLike.name = 'UnrecoverableError';
    expect(isRetryableError(bullmqLike)).toBe(false);
  });

  it('treats thrown non-errors as retryable', () => {
    expect(isRetryableError('oops')).toBe(true);
    expect(isRetryableError(undefined)).toBe(true);
  });
});

describe('shouldMoveToDLQ', () => {
  it('keeps a retryable error out of the DLQ while attempts remain', () => {
    expect(shouldMoveToDLQ(new Error('x'), 1, 3)).toBe(false);
    expect(shouldMoveToDLQ(new Error('x'), 2, 3)).toBe(false);
  });

  it('moves a retryable error to the DLQ once the attempts are used up', () => {
    expect(shouldMoveToDLQ(new Error('x'), 3, 3)).toBe(true);
    expect(shouldMoveToDLQ(new RateLimitError('http', 10), 4, 3)).toBe(true);
  });

  it('moves a non-retryable error to the DLQ at once', () => {
    expect(shouldMoveToDLQ(new ConfigurationError('bad'), 1, 5)).toBe(true);
  });
});

describe('getUserMessage', () => {
  it('hides the internals of an unknown error', () => {
    const message = getUserMessage(new Error('password=hunter2 at db.internal:5432'));
    expect(message).toBe('An unexpected error occurred.');
    expect(getUserMessage('raw string with secrets')).toBe('An unexpected error occurred.');
  });

  it('gives a fixed message for known SPANE errors', () => {
    expect(getUserMessage(new WorkflowNotFoundError('secret-workflow'))).toBe(
      'The workflow does not exist.',
    );
    expect(getUserMessage(new ValidationError([]))).toBe('The workflow definition is not valid.');
  });

  it("falls back to the SPANE error's own message for codes without a fixed one", () => {
    expect(getUserMessage(new ConfigurationError('Missing API key setting'))).toBe(
      'Missing API key setting',
    );
    expect(getUserMessage(new WorkflowError({ message: 'custom' }))).toBe('custom');
  });
});

describe('toError', () => {
  it('returns an Error unchanged', () => {
    const error = new TypeError('x');
    expect(toError(error)).toBe(error);
  });

  it('wraps a string as the message', () => {
    const error = toError('it broke');
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('it broke');
  });

  it('wraps an object with its JSON in the message', () => {
    expect(toError({ status: 503 }).message).toBe('Non-Error value thrown: {"status":503}');
    expect(toError(undefined).message).toBe('Non-Error value thrown: undefined');
    expect(toError(null).message).toBe('Non-Error value thrown: null');
  });

  it('wraps a circular object without throwing', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const error = toError(circular);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('Non-Error value thrown');
  });

  it('wraps values that neither JSON nor String can render without throwing', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.self = bare;
    expect(toError(bare)).toBeInstanceOf(Error);
    expect(toError(10n).message).toBe('Non-Error value thrown: 10');
    const hostile = {
      toJSON() {
        throw new Error('no json');
      },
      toString() {
        throw new Error('no string');
      },
    };
    expect(toError(hostile)).toBeInstanceOf(Error);
  });
});
