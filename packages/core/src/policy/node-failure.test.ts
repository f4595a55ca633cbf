import { describe, expect, it } from 'vitest';
import {
  CircuitBreakerOpenError,
  EngineShutdownError,
  ExecutionCancelledError,
  RateLimitError,
  WorkflowValidationError,
} from '../errors/error-classes.ts';
import { WorkflowError } from '../errors/workflow-error.ts';
import { classifyNodeFailure, TURNED_AWAY_RETRY_MS } from './node-failure.ts';

const exponential = { type: 'exponential' as const, delay: 1_000 };
const firstOfThree = { attempt: 1, maxAttempts: 3, backoff: exponential };

describe('classifyNodeFailure', () => {
  it('says cancelled for a node whose execution was cancelled while it ran', () => {
    expect(classifyNodeFailure(new ExecutionCancelledError('e1', 'a'), firstOfThree)).toEqual({
      kind: 'cancelled',
    });
  });

  it('says cancelled even on the last attempt (a cancel is never a failure)', () => {
    const last = { ...firstOfThree, attempt: 3 };
    expect(classifyNodeFailure(new ExecutionCancelledError('e1'), last).kind).toBe('cancelled');
  });

  it('postpones at once, without using an attempt, when the engine shuts down', () => {
    const last = { ...firstOfThree, attempt: 3 };
    expect(classifyNodeFailure(new EngineShutdownError(), last)).toEqual({
      kind: 'postpone',
      reason: 'shutdown',
      delayMs: 0,
    });
  });

  it('postpones a rate-limited node by the limit’s retryAfterMs', () => {
    expect(classifyNodeFailure(new RateLimitError('http', 2_500), firstOfThree)).toEqual({
      kind: 'postpone',
      reason: 'turned-away',
      delayMs: 2_500,
    });
  });

  it('postpones a node turned away by an open breaker, by 1 s when the breaker does not say', () => {
    expect(classifyNodeFailure(new CircuitBreakerOpenError('http'), firstOfThree)).toEqual({
      kind: 'postpone',
      reason: 'turned-away',
      delayMs: TURNED_AWAY_RETRY_MS,
    });
    const known = new CircuitBreakerOpenError('http', { retryAfterMs: 400 });
    expect(classifyNodeFailure(known, firstOfThree)).toMatchObject({ delayMs: 400 });
  });

  it('retries a retryable failure with attempts left, after the policy’s backoff', () => {
    expect(classifyNodeFailure(new Error('boom'), firstOfThree)).toEqual({
      kind: 'retry',
      delayMs: 1_000,
    });
    expect(classifyNodeFailure(new Error('boom'), { ...firstOfThree, attempt: 2 })).toEqual({
      kind: 'retry',
      delayMs: 2_000,
    });
    const fixed = { attempt: 2, maxAttempts: 5, backoff: { type: 'fixed' as const, delay: 300 } };
    expect(classifyNodeFailure(new Error('boom'), fixed)).toEqual({ kind: 'retry', delayMs: 300 });
  });

  it('is final on the last attempt', () => {
    expect(classifyNodeFailure(new Error('boom'), { ...firstOfThree, attempt: 3 })).toEqual({
      kind: 'final',
    });
  });

  it('is final at once for an error marked non-retryable', () => {
    expect(
      classifyNodeFailure(
        new WorkflowValidationError([{ path: 'x', message: 'bad', kind: 'schema' }]),
        firstOfThree,
      ).kind,
    ).toBe('final');
    const config = new WorkflowError({ message: 'no key', retryable: false });
    expect(classifyNodeFailure(config, firstOfThree).kind).toBe('final');
    const unrecoverable = Object.assign(new Error('stop'), { name: 'UnrecoverableError' });
    expect(classifyNodeFailure(unrecoverable, firstOfThree).kind).toBe('final');
  });

  it('is final for a single-attempt policy', () => {
    expect(
      classifyNodeFailure(new Error('boom'), { attempt: 1, maxAttempts: 1, backoff: exponential })
        .kind,
    ).toBe('final');
  });
});
