import { describe, expect, it } from 'vitest';
import { bucketStart, bucketStarts, dayInZone, isoWeekOf, mondayOfIsoWeek } from '../src/analytics/buckets.ts';

describe('calendar buckets', () => {
  it('starts ISO weeks on Monday and months on the 1st', () => {
    expect(bucketStart('2025-07-17', 'week')).toBe('2025-07-14'); // Thursday -> Monday
    expect(bucketStart('2025-07-20', 'week')).toBe('2025-07-14'); // Sunday stays in its week
    expect(bucketStart('2025-07-21', 'week')).toBe('2025-07-21');
    expect(bucketStart('2025-07-17', 'month')).toBe('2025-07-01');
  });
  it('lists every bucket between from and to, across years', () => {
    expect(bucketStarts('2025-07-14', '2025-07-17', 'day')).toEqual(['2025-07-14', '2025-07-15', '2025-07-16']);
    expect(bucketStarts('2025-12-25', '2026-01-06', 'week')).toEqual(['2025-12-22', '2025-12-29', '2026-01-05']);
    expect(bucketStarts('2025-11-15', '2026-02-01', 'month')).toEqual(['2025-11-01', '2025-12-01', '2026-01-01']);
  });
  it('names ISO weeks, including the ones that straddle a new year', () => {
    expect(isoWeekOf('2025-07-21')).toBe('2025-W30');
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
    expect(mondayOfIsoWeek('2025-W30')).toBe('2025-07-21');
    expect(mondayOfIsoWeek('2025-W01')).toBe('2024-12-30');
    expect(mondayOfIsoWeek('2020-W53')).toBe('2020-12-28');
    expect(mondayOfIsoWeek('2025-W53')).toBeUndefined();
    expect(mondayOfIsoWeek('2025-30')).toBeUndefined();
  });
  it('finds the calendar date in a time zone', () => {
    expect(dayInZone(new Date('2025-07-17T23:30:00Z'), 'UTC')).toBe('2025-07-17');
    expect(dayInZone(new Date('2025-07-17T23:30:00Z'), 'Europe/Madrid')).toBe('2025-07-18');
    expect(dayInZone(new Date('2025-07-17T03:00:00Z'), 'America/Los_Angeles')).toBe('2025-07-16');
    // midnight belongs to the day it starts, never to the one it ends
    expect(dayInZone(new Date('2025-05-06T00:00:00.000Z'), 'UTC')).toBe('2025-05-06');
    expect(dayInZone(new Date('2025-05-05T23:59:59.999Z'), 'UTC')).toBe('2025-05-05');
    expect(bucketStarts('2025-05-06', '2025-05-07', 'day')).toEqual(['2025-05-06']);
  });
});
