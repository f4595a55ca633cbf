import { describe, expect, it } from 'vitest';
import { errorResult, skippedResult, successResult } from './results.ts';

describe('result helpers', () => {
  it('successResult carries the data and nothing else by default', () => {
    expect(successResult({ a: 1 })).toEqual({ success: true, data: { a: 1 } });
    expect(Object.keys(successResult(1))).toEqual(['success', 'data']);
  });

  it('successResult copies nextNodes and keeps metadata', () => {
    const next = ['b'];
    const result = successResult(1, { nextNodes: next, metadata: { ms: 3 } });
    next.push('c');
    expect(result).toEqual({ success: true, data: 1, nextNodes: ['b'], metadata: { ms: 3 } });
  });

  it('errorResult takes a message or an Error, and optional data', () => {
    expect(errorResult('boom')).toEqual({ success: false, error: 'boom' });
    expect(errorResult(new Error('bang'), { partial: true })).toEqual({
      success: false,
      error: 'bang',
      data: { partial: true },
    });
  });

  it('skippedResult is a success marked skipped, with an optional reason', () => {
    expect(skippedResult()).toEqual({ success: true, skipped: true });
    expect(skippedResult('branch not taken')).toEqual({
      success: true,
      skipped: true,
      metadata: { reason: 'branch not taken' },
    });
  });
});
