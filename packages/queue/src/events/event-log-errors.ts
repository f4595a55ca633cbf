/**
 * Errors of the event log.
 * @module
 */
import { WorkflowError } from '@spane/core';

/** An `after` id that this kind of log never gives out (a Redis stream id, or a serial number on PostgreSQL). */
export class InvalidEventIdError extends WorkflowError {
  readonly eventId: string;

  constructor(eventId: string, expected: string) {
    super({
      message: `Invalid event id ${JSON.stringify(eventId)}: expected ${expected}`,
      code: 'INVALID_EVENT_ID',
      retryable: false,
    });
    this.eventId = eventId;
  }
}

/** The log was used after `close()`. */
export class EventLogClosedError extends WorkflowError {
  constructor(operation: string) {
    super({
      message: `Cannot ${operation}: the event log is closed`,
      code: 'EVENT_LOG_CLOSED',
      retryable: false,
    });
  }
}
