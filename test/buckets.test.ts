import { describe, expect, it } from 'vitest';
import {
  addDays,
  bucketStart,
  bucketStarts,
  dayInZone,
  formatDay,
  isoWeekOf,
  mondayOfIsoWeek,
  parseDay,
  zonedInstant,
} from '../src/analytics/buckets.ts';

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

describe('calendar buckets at their edges', () => {
  it('adds days across month and year ends, and backwards', () => {
    expect(addDays('2025-01-31', 1)).toBe('2025-02-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(formatDay(parseDay('2025-07-17'))).toBe('2025-07-17');
    expect(parseDay('2025-07-17')).toBe(Date.UTC(2025, 6, 17));
  });
  it('keeps a day as its own day bucket, and a Monday as its own week', () => {
    expect(bucketStart('2025-07-17', 'day')).toBe('2025-07-17');
    expect(bucketStart('2025-07-14', 'week')).toBe('2025-07-14');
    expect(bucketStart('2025-07-01', 'month')).toBe('2025-07-01');
  });
  it('lists no bucket for an empty range and starts at the bucket holding `from`', () => {
    expect(bucketStarts('2025-07-14', '2025-07-14', 'day')).toEqual([]);
    expect(bucketStarts('2025-07-16', '2025-07-22', 'week')).toEqual(['2025-07-14', '2025-07-21']);
    expect(bucketStarts('2025-07-16', '2025-07-21', 'week')).toEqual(['2025-07-14']);
  });
  it('steps months with two-digit numbers', () => {
    expect(bucketStarts('2025-07-10', '2025-10-02', 'month')).toEqual(['2025-07-01', '2025-08-01', '2025-09-01', '2025-10-01']);
  });
  it('rejects week numbers outside 1-53 and labels with extra characters', () => {
    expect(mondayOfIsoWeek('2025-W00')).toBeUndefined();
    expect(mondayOfIsoWeek('2020-W54')).toBeUndefined();
    expect(mondayOfIsoWeek('x2025-W30')).toBeUndefined();
    expect(mondayOfIsoWeek('2025-W301')).toBeUndefined();
    expect(mondayOfIsoWeek('2026-W53')).toBe('2026-12-28');
  });
  it('names a week that starts in the old year after the new year it belongs to', () => {
    expect(isoWeekOf('2026-01-01')).toBe('2026-W01');
    expect(isoWeekOf('2025-12-28')).toBe('2025-W52');
    expect(isoWeekOf('2026-03-02')).toBe('2026-W10');
  });
  it('finds the instant of a local time in a zone, with seconds, half-hour offsets and missing parts', () => {
    expect(zonedInstant('2025-07-17', '15:45', 'America/Los_Angeles').toISOString()).toBe('2025-07-17T22:45:00.000Z');
    expect(zonedInstant('2025-01-17', '15:45:30', 'America/Los_Angeles').toISOString()).toBe('2025-01-17T23:45:30.000Z');
    expect(zonedInstant('2025-07-17', '09:00', 'Asia/Kolkata').toISOString()).toBe('2025-07-17T03:30:00.000Z');
    expect(zonedInstant('2025-07-17', '09', 'Europe/Madrid').toISOString()).toBe('2025-07-17T07:00:00.000Z');
    expect(zonedInstant('2025-07-17', '00:00', 'UTC').toISOString()).toBe('2025-07-17T00:00:00.000Z');
  });
  it('settles the offset on the day clocks change', () => {
    // 03:30 on 9 March 2025 in Los Angeles is daylight time (UTC−7); read as UTC it falls before the change
    expect(zonedInstant('2025-03-09', '03:30', 'America/Los_Angeles').toISOString()).toBe('2025-03-09T10:30:00.000Z');
    expect(zonedInstant('2025-10-26', '03:30', 'Europe/Madrid').toISOString()).toBe('2025-10-26T02:30:00.000Z');
  });
  it('reads the date in zones east and west at midnight UTC', () => {
    expect(dayInZone(new Date('2025-07-17T00:00:00Z'), 'UTC')).toBe('2025-07-17');
    expect(dayInZone(new Date('2025-07-17T00:00:00Z'), 'America/New_York')).toBe('2025-07-16');
    expect(dayInZone(new Date('2025-07-16T22:00:00Z'), 'Europe/Madrid')).toBe('2025-07-17');
  });
});
