import { describe, expect, it } from 'vitest';
import { checkCronPattern, nextCronRun } from './cron-pattern.ts';

describe('cron patterns', () => {
  it('accepts five- and six-field patterns and aliases', () => {
    for (const pattern of ['0 9 * * *', '*/15 * * * *', '* * * * * *', '0 9 * * 1-5', '@daily']) {
      expect(checkCronPattern(pattern, 'Europe/London')).toBeUndefined();
    }
  });

  it('says what is wrong with a pattern that does not parse', () => {
    expect(checkCronPattern('61 * * * *')).toMatch(/0-59/);
    expect(checkCronPattern('not a cron')).toMatch(/fields/);
    expect(checkCronPattern('* * * *')).toMatch(/5 or 6 fields/);
    expect(checkCronPattern('')).toMatch(/got 0/);
    expect(checkCronPattern('0 9 * * * * *')).toMatch(/fields/);
  });

  it('runs 0 9 * * * in New York at 13:00 UTC in summer and 14:00 UTC in winter', () => {
    const timezone = 'America/New_York';
    expect(
      nextCronRun('0 9 * * *', {
        timezone,
        after: new Date('2026-07-01T00:00:00Z'),
      })?.toISOString(),
    ).toBe('2026-07-01T13:00:00.000Z');
    expect(
      nextCronRun('0 9 * * *', {
        timezone,
        after: new Date('2026-01-15T00:00:00Z'),
      })?.toISOString(),
    ).toBe('2026-01-15T14:00:00.000Z');
    // Across the November change: the Saturday run is EDT, the Sunday run EST.
    expect(
      nextCronRun('0 9 * * *', {
        timezone,
        after: new Date('2026-10-31T14:00:00Z'),
      })?.toISOString(),
    ).toBe('2026-11-01T14:00:00.000Z');
  });

  it('defaults to UTC', () => {
    expect(
      nextCronRun('0 9 * * *', { after: new Date('2026-07-01T00:00:00Z') })?.toISOString(),
    ).toBe('2026-07-01T09:00:00.000Z');
  });
});
