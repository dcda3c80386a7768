import { describe, expect, it } from 'vitest';
import { MAX_BACKOFF_MS, nextFetchAt, type ScheduleInput } from '../src/ingest/schedule.ts';

const now = new Date('2025-07-20T00:00:00Z');
const MINUTE = 60_000;
const wait = (input: Partial<ScheduleInput>) =>
  nextFetchAt({ now, intervalMinutes: 60, consecutiveFailures: 0, random: 0, ...input }).getTime() - now.getTime();

describe('nextFetchAt', () => {
  it('waits at least one minute, even for an interval of zero or less', () => {
    expect(wait({ intervalMinutes: 0 })).toBe(MINUTE);
    expect(wait({ intervalMinutes: -5 })).toBe(MINUTE);
    expect(wait({ intervalMinutes: 1 })).toBe(MINUTE);
  });
  it('waits the plain interval after a success, with no backoff', () => {
    expect(wait({ intervalMinutes: 15, consecutiveFailures: 0 })).toBe(15 * MINUTE);
  });
  it('doubles the interval for each failure in a row', () => {
    expect([1, 2, 3, 4].map((f) => wait({ intervalMinutes: 15, consecutiveFailures: f }) / MINUTE)).toEqual([30, 60, 120, 240]);
  });
  it('caps the wait at 24 hours', () => {
    expect(wait({ intervalMinutes: 60, consecutiveFailures: 5 })).toBe(MAX_BACKOFF_MS);
    expect(wait({ intervalMinutes: 60 * 30 })).toBe(MAX_BACKOFF_MS);
    expect(MAX_BACKOFF_MS).toBe(24 * 60 * MINUTE);
  });
  it('lets a longer Retry-After win and a shorter one lose', () => {
    expect(wait({ intervalMinutes: 10, consecutiveFailures: 1, retryAfterMs: 45 * MINUTE })).toBe(45 * MINUTE);
    expect(wait({ intervalMinutes: 10, consecutiveFailures: 1, retryAfterMs: 5 * MINUTE })).toBe(20 * MINUTE);
  });
  it('caps a Retry-After longer than 24 hours', () => {
    expect(wait({ consecutiveFailures: 1, retryAfterMs: 3 * MAX_BACKOFF_MS })).toBe(MAX_BACKOFF_MS);
  });
  it('adds up to 10% jitter below the cap', () => {
    expect(wait({ intervalMinutes: 100, random: 0.5 })).toBe(105 * MINUTE);
    expect(wait({ intervalMinutes: 100, random: 0.9 })).toBe(109 * MINUTE);
  });
  it('takes the jitter off at the cap, so no wait passes 24 hours', () => {
    expect(wait({ consecutiveFailures: 10, random: 0.5 })).toBe(MAX_BACKOFF_MS * 0.95);
  });
  it('adds the jitter when it lands exactly on the cap', () => {
    // base 80,000,000 ms + 10% × 0.8 of it = 86,400,000 ms: exactly 24 h, so it is added, not taken off
    expect(wait({ consecutiveFailures: 1, retryAfterMs: 80_000_000, random: 0.8 })).toBe(MAX_BACKOFF_MS);
  });
  it('counts from now', () => {
    const later = new Date('2025-07-21T06:30:00Z');
    expect(nextFetchAt({ now: later, intervalMinutes: 30, consecutiveFailures: 0, random: 0 }).toISOString()).toBe(
      '2025-07-21T07:00:00.000Z',
    );
  });
});
