/** Calendar buckets on plain dates ('YYYY-MM-DD'); ISO weeks start on Monday. */
export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const DAY_MS = 86_400_000;

export function parseDay(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}

export function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return formatDay(parseDay(day) + n * DAY_MS);
}

/** The first day of the bucket a day falls in. */
export function bucketStart(day: string, g: Granularity): string {
  if (g === 'day') return day;
  if (g === 'month') return `${day.slice(0, 7)}-01`;
  const ms = parseDay(day);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday 0 ... Sunday 6
  return formatDay(ms - weekday * DAY_MS);
}

/** The first day after the bucket that starts on `start`. */
export function nextBucket(start: string, g: Granularity): string {
  if (g === 'day') return addDays(start, 1);
  if (g === 'week') return addDays(start, 7);
  const y = Number(start.slice(0, 4));
  const m = Number(start.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** Every bucket that overlaps [from, to), in order, so empty ones can be shown as zeros. */
export function bucketStarts(from: string, to: string, g: Granularity): string[] {
  const out: string[] = [];
  for (let b = bucketStart(from, g); b < to; b = nextBucket(b, g)) out.push(b);
  return out;
}

/** The calendar date of an instant in a time zone. */
export function dayInZone(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** ISO week label ('2025-W30') of a day, and back. */
export function isoWeekOf(day: string): string {
  const ms = parseDay(day);
  const d = new Date(ms);
  const weekday = (d.getUTCDay() + 6) % 7;
  const thursday = new Date(ms + (3 - weekday) * DAY_MS);
  // the ISO week is the one holding the Thursday, counted from 1 January of that Thursday's year
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The Monday that starts an ISO week label; undefined when the label is not a real week. */
export function mondayOfIsoWeek(label: string): string | undefined {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!m) return undefined;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (week < 1 || week > 53) return undefined;
  const jan4 = Date.UTC(year, 0, 4);
  const week1Monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS;
  const monday = formatDay(week1Monday + (week - 1) * 7 * DAY_MS);
  return isoWeekOf(monday) === label ? monday : undefined;
}

/** Offset of a zone from UTC at an instant, in milliseconds (positive east of Greenwich). */
function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The instant a local date and time in a zone names ("2025-07-17", "15:45", "America/Los_Angeles"). */
export function zonedInstant(day: string, time: string, timeZone: string): Date {
  const [h, m, s] = time.split(':').map(Number);
  const local = parseDay(day) + ((h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0)) * 1000;
  let guess = local - zoneOffsetMs(local, timeZone);
  guess = local - zoneOffsetMs(guess, timeZone); // second pass settles DST edges
  return new Date(guess);
}
