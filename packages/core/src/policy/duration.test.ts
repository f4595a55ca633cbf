import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors/error-classes.ts';
import { parseDuration, resolveDelayDuration } from './duration.ts';

const NOW = Date.parse('2030-01-01T00:00:00.000Z');

describe('parseDuration', () => {
  it('takes a number as milliseconds', () => {
    expect(parseDuration(1500)).toBe(1500);
    expect(parseDuration(0)).toBe(0);
  });

  it.each([
    ['500ms', 500],
    ['5s', 5000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    [' 3 s ', 3000],
  ])('parses %j as %i ms', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each([
    ['a negative number', -1],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an unknown unit', '5 weeks'],
    ['a negative string', '-5s'],
    ['a bare number string', '500'],
    ['an empty string', ''],
  ])('rejects %s with a ConfigurationError', (_label, value) => {
    expect(() => parseDuration(value)).toThrow(ConfigurationError);
  });
});

describe('resolveDelayDuration', () => {
  it('reads duration as ms or as a duration string', () => {
    expect(resolveDelayDuration({ duration: 750 }, NOW)).toBe(750);
    expect(resolveDelayDuration({ duration: '5s' }, NOW)).toBe(5000);
  });

  it('reads durationSeconds and durationMinutes', () => {
    expect(resolveDelayDuration({ durationSeconds: 2 }, NOW)).toBe(2000);
    expect(resolveDelayDuration({ durationMinutes: 1.5 }, NOW)).toBe(90_000);
  });

  it('waits until an ISO date-time, measured from now', () => {
    expect(resolveDelayDuration({ until: '2030-01-01T00:00:10.000Z' }, NOW)).toBe(10_000);
    expect(resolveDelayDuration({ until: '2030-01-01T01:00:00+01:00' }, NOW)).toBe(0);
  });

  it('does not wait for a date that has passed', () => {
    expect(resolveDelayDuration({ until: '2029-12-31T23:59:00.000Z' }, NOW)).toBe(0);
  });

  it('rejects a config without a duration', () => {
    expect(() => resolveDelayDuration({}, NOW)).toThrow(ConfigurationError);
  });

  it('rejects an "until" that is not a date', () => {
    expect(() => resolveDelayDuration({ until: 'soon' }, NOW)).toThrow(ConfigurationError);
  });

  it('rejects negative seconds', () => {
    expect(() => resolveDelayDuration({ durationSeconds: -1 }, NOW)).toThrow(ConfigurationError);
  });
});
