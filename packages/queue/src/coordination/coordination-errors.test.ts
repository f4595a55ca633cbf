import { WorkflowError } from '@spane/core';
import { describe, expect, it } from 'vitest';
import {
  LockNotAcquiredError,
  MalformedSignalError,
  SignalChannelClosedError,
  SignalPayloadTooLargeError,
} from './coordination-errors.ts';

describe('coordination errors', () => {
  it.each([
    [
      'LockNotAcquiredError',
      new LockNotAcquiredError('k', { reason: 'timeout', waitedMs: 10 }),
      'LOCK_NOT_ACQUIRED',
      true,
    ],
    [
      'LockNotAcquiredError',
      new LockNotAcquiredError('k', { reason: 'lost' }),
      'LOCK_NOT_ACQUIRED',
      true,
    ],
    [
      'LockNotAcquiredError',
      new LockNotAcquiredError('k', { reason: 'closed' }),
      'LOCK_NOT_ACQUIRED',
      false,
    ],
    [
      'SignalPayloadTooLargeError',
      new SignalPayloadTooLargeError('t', 9000, 7999),
      'SIGNAL_PAYLOAD_TOO_LARGE',
      false,
    ],
    ['MalformedSignalError', new MalformedSignalError('c', 'x'), 'SIGNAL_MALFORMED', false],
    [
      'SignalChannelClosedError',
      new SignalChannelClosedError('publish'),
      'SIGNAL_CHANNEL_CLOSED',
      false,
    ],
  ] as const)('%s has code %s', (name, error, code, retryable) => {
    expect(error).toBeInstanceOf(WorkflowError);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
  });

  it('says which lock and how long it waited', () => {
    const error = new LockNotAcquiredError('workflow-completion:e1', {
      reason: 'timeout',
      waitedMs: 250,
    });
    expect(error.message).toContain('workflow-completion:e1');
    expect(error.message).toContain('250 ms');
    expect(error).toMatchObject({
      key: 'workflow-completion:e1',
      reason: 'timeout',
      waitedMs: 250,
    });
  });
});
