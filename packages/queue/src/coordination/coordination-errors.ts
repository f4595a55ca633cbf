/**
 * The errors of the coordination primitives: a lock that could not be had, and a signal too large
 * for its transport. Both are `WorkflowError`s with a stable code, so callers branch on `code`.
 * @module
 */
import { WorkflowError } from '@spane/core';

/** Why a lock was not acquired (or, for `lost`, is no longer held). */
export type LockNotAcquiredReason = 'timeout' | 'closed' | 'lost';

function lockMessage(key: string, reason: LockNotAcquiredReason, waitedMs: number): string {
  switch (reason) {
    case 'closed':
      return `Lock "${key}" was not acquired: the DistributedLock is closed`;
    case 'lost':
      return `Lock "${key}" was lost: its hold expired or another owner took it`;
    default:
      return `Lock "${key}" was not acquired within ${waitedMs} ms: another owner holds it`;
  }
}

/**
 * A lock could not be acquired: another owner held it for the whole wait (`timeout`), or the
 * {@link DistributedLock} was closed (`closed`). With reason `lost` it is the abort reason of a
 * `withLock` callback whose hold expired or was taken. Retryable unless closed.
 */
export class LockNotAcquiredError extends WorkflowError {
  readonly key: string;
  readonly reason: LockNotAcquiredReason;
  /** How long the acquirer waited, in ms. */
  readonly waitedMs: number;

  constructor(key: string, options: { reason: LockNotAcquiredReason; waitedMs?: number }) {
    const waitedMs = options.waitedMs ?? 0;
    super({
      message: lockMessage(key, options.reason, waitedMs),
      code: 'LOCK_NOT_ACQUIRED',
      retryable: options.reason !== 'closed',
    });
    this.key = key;
    this.reason = options.reason;
    this.waitedMs = waitedMs;
  }
}

/**
 * A signal's serialized payload is larger than its transport carries (PostgreSQL NOTIFY takes
 * less than 8000 bytes). Not retryable: send an id and let receivers load the rest.
 */
export class SignalPayloadTooLargeError extends WorkflowError {
  readonly topic: string;
  readonly sizeBytes: number;
  /** The largest serialized size the transport accepts. */
  readonly maxBytes: number;

  constructor(topic: string, sizeBytes: number, maxBytes: number) {
    super({
      message: `Signal on topic "${topic}" is ${sizeBytes} bytes once serialized; at most ${maxBytes} bytes fit`,
      code: 'SIGNAL_PAYLOAD_TOO_LARGE',
      retryable: false,
    });
    this.topic = topic;
    this.sizeBytes = sizeBytes;
    this.maxBytes = maxBytes;
  }
}

/** A signal channel was used after `close()`. Not retryable: create a new channel. */
export class SignalChannelClosedError extends WorkflowError {
  constructor(operation: string) {
    super({
      message: `Cannot ${operation}: the signal channel is closed`,
      code: 'SIGNAL_CHANNEL_CLOSED',
      retryable: false,
    });
  }
}

/**
 * A message on a subscribed channel was not a well-formed signal (not JSON, or not for the topic).
 * It was dropped; this error only goes to the channel's `onError`.
 */
export class MalformedSignalError extends WorkflowError {
  readonly channel: string;

  constructor(channel: string, payload: string | undefined) {
    const shown = payload === undefined ? 'no payload' : JSON.stringify(payload.slice(0, 200));
    super({
      message: `Dropped a malformed signal on channel "${channel}": ${shown}`,
      code: 'SIGNAL_MALFORMED',
      retryable: false,
    });
    this.channel = channel;
  }
}
