import { ExecutionNotFoundError, WorkflowError } from '@spane/core';
import { describe, expect, it } from 'vitest';
import { UnsupportedJsonError } from './unsupported-json-error.ts';
import { wrapDriverError } from './wrap-driver-error.ts';

const pgError = (fields: Record<string, string>) =>
  Object.assign(new Error(fields.message), fields);

describe('wrapDriverError', () => {
  it('passes SPANE errors through', () => {
    const error = new ExecutionNotFoundError('x');
    expect(wrapDriverError(error, 'op')).toBe(error);
  });

  it('turns jsonb rejections into UnsupportedJsonError, keeping the cause', () => {
    const nul = pgError({ code: '22P05', message: 'unsupported Unicode escape sequence' });
    const wrapped = wrapDriverError(nul, 'op');
    expect(wrapped).toBeInstanceOf(UnsupportedJsonError);
    expect(wrapped.cause).toBe(nul);
    const surrogate = pgError({
      code: '22P02',
      message: 'invalid input',
      where: 'JSON data, line 1',
    });
    expect(wrapDriverError(surrogate, 'op')).toBeInstanceOf(UnsupportedJsonError);
  });

  it('marks transient failures retryable and data errors not', () => {
    const deadlock = wrapDriverError(pgError({ code: '40P01', message: 'deadlock' }), 'op');
    expect(deadlock).toBeInstanceOf(WorkflowError);
    expect(deadlock).toMatchObject({
      retryable: true,
      message: expect.stringContaining('op failed'),
    });
    expect(wrapDriverError(new Error('Connection terminated'), 'op')).toMatchObject({
      retryable: true,
    });
    expect(wrapDriverError(pgError({ code: '23514', message: 'check' }), 'op')).toMatchObject({
      retryable: false,
    });
  });
});
