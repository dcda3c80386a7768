import type { DayCount } from '../analytics/trends.ts';
import { addDays, isoWeekOf, mondayOfIsoWeek, zonedInstant } from '../analytics/buckets.ts';
import { buildSeries, shareOf, type TrendBucket } from '../analytics/trends.ts';
import { twoProportionTest, type Interval } from '../analytics/stats.ts';
import { CONCERNS, STANCES, type Stance } from '../labels.ts';

export const CHART_WEEKS = 8;
const TOP_PER_STANCE = 3;
const r4 = (v: number) => Math.round(v * 10_000) / 10_000;

export interface DigestFilters {
  week: string;
  studio?: string | null;
  union?: string | null;
}

export interface StoryRef {
  id: number;
  title: string;
  url: string;
  source: string;
  kind: string;
  publishedAt: string;
  stance: Stance;
  confidence: number;
  quote: string | null;
}

export interface ShareChange {
  stance: Stance;
  /** null for a week with no items */
  now: Interval | null;
  before: Interval | null;
  /** null when either week is empty: there is no change from nothing */
  change: number | null;
  p: number | null;
  /** true when the two-proportion test puts the change beyond noise (p < 0.05, enough items) */
  significant: boolean;
}

export interface RisingConcern {
  concern: string;
  count: number;
  previous: number;
  /** share of the week's relevant items that raise it, and the week before's */
  share: Interval;
  previousShare: Interval;
  /** change in share, in proportion points */
  change: number;
  p: number | null;
  /** two-proportion test p < 0.05 with at least 30 items each week */
  beyondNoise: boolean;
}

/** Everything a digest says, as data; the renderers only lay it out. */
export interface DigestData {
  week: string;
  start: string;
  end: string;
  timeZone: string;
  filters: { studio: string | null; union: string | null };
  generatedAt: string;
  model: string;
  empty: boolean;
  /** the week had not ended when this was made: its numbers will still change */
  incomplete: boolean;
  headline: {
    total: number;
    previousTotal: number;
    counts: Record<Stance, number>;
    shares: ShareChange[];
    net: number | null;
    previousNet: number | null;
    lowN: boolean;
  };
  /** shares are null for weeks with no items: the chart leaves a gap */
  chart: { week: string; start: string; total: number; shares: Record<Stance, number | null>; lowN: boolean; partial: boolean }[];
  topStories: Record<Stance, StoryRef[]>;
  unionStatements: StoryRef[];
  studios: { studio: string; total: number; worryShare: number; previousWorryShare: number | null; change: number | null }[];
  announcements: {
    id: number;
    title: string;
    studio: string | null;
    date: string;
    windowDays: number;
    before: number;
    after: number;
    worryShareChange: number | null;
    p: number | null;
    note: string | null;
  }[];
  /** concerns whose share of relevant items rose, each saying whether the rise is beyond noise */
  risingConcerns: RisingConcern[];
  summary: string;
  method: { sources: number; model: string; stance: string; queries: Record<string, string> };
}

function story(i: WeekItem): StoryRef {
  return {
    id: i.id,
    title: i.title,
    url: i.url,
    source: i.sourceName,
    kind: i.sourceKind,
    publishedAt: i.publishedAt.toISOString(),
    stance: i.stance!,
    confidence: r4(i.confidence ?? 0),
    quote: i.quote,
  };
}

const pct = (v: number) => `${Math.round(v * 100)}%`;

/** The one-paragraph summary: plain template prose from the numbers, no model. */
export function summarise(
  d: Pick<DigestData, 'week' | 'headline' | 'risingConcerns' | 'studios' | 'filters' | 'empty' | 'incomplete'>,
): string {
  const text = summariseWeek(d);
  return d.incomplete ? `${d.week} is not over yet: these numbers cover it so far and will change. ${text}` : text;
}

function summariseWeek(d: Pick<DigestData, 'week' | 'headline' | 'risingConcerns' | 'studios' | 'filters' | 'empty'>): string {
  const scope = d.filters.studio ? ` about ${d.filters.studio}` : d.filters.union ? ` mentioning ${d.filters.union}` : '';
  if (d.empty) return `Pulse found no relevant items${scope} in ${d.week}, so there is nothing to compare this week.`;
  const h = d.headline;
  const worry = h.shares.find((s) => s.stance === 'worry')!;
  const excitement = h.shares.find((s) => s.stance === 'excitement')!;
  const net = h.net ?? 0;
  const parts = [
    `In ${d.week} Pulse read ${h.total} relevant item${h.total === 1 ? '' : 's'}${scope} (${h.previousTotal} the week before).`,
  ];
  parts.push(
    `${pct(worry.now?.value ?? 0)} voiced job-security or related worry and ${pct(excitement.now?.value ?? 0)} excitement, a net score of ${net >= 0 ? '+' : ''}${net.toFixed(2)}.`,
  );
  if (worry.change !== null) {
    const dir = worry.change > 0 ? 'up' : worry.change < 0 ? 'down' : 'unchanged';
    parts.push(
      dir === 'unchanged'
        ? 'The worry share was unchanged from the previous week.'
        : `The worry share was ${dir} ${Math.abs(Math.round(worry.change * 100))} points on the previous week${worry.significant ? ', a change beyond week-to-week noise' : ', within week-to-week noise'}.`,
    );
  }
  const rising = d.risingConcerns[0];
  if (rising)
    parts.push(
      `The fastest-rising concern was ${rising.concern.replace(/_/g, ' ')} (${rising.count} items, ${rising.previous} the week before${rising.beyondNoise ? '' : '; within week-to-week noise'}).`,
    );
  const top = d.studios[0];
  if (top && !d.filters.studio) parts.push(`${top.studio} drew the most coverage (${top.total} items, ${pct(top.worryShare)} worried).`);
  if (h.lowN) parts.push('With fewer than 30 items, treat the shares as indicative.');
  return parts.join(' ');
}

export interface DigestBuildContext {
  timeZone: string;
  model: string;
  now: Date;
  publicUrl?: string | undefined;
}

/** A labelled item of the digest's week, most confident first. */
export interface WeekItem {
  id: number;
  title: string;
  url: string;
  publishedAt: Date;
  stance: Stance | null;
  confidence: number | null;
  relevant: boolean | null;
  concerns: string[];
  studios: string[];
  unions: string[];
  quote: string | null;
  model: string | null;
  sourceName: string;
  sourceKind: string;
}

/** An announcement of the digest's week and the reaction measured around it. */
export interface DigestAnnouncement {
  id: number;
  title: string;
  studio: string | null;
  date: string;
  reaction: {
    windowDays: number;
    before: { total: number };
    after: { total: number };
    worryShare: { diff: number; p: number } | null;
    note: string | null;
  };
}

/** The week boundaries a digest covers (start of the chart, previous week, the week, the next). */
export function digestWeeks(week: string): { monday: string; nextMonday: string; prevMonday: string; chartFrom: string } {
  const monday = mondayOfIsoWeek(week);
  if (!monday) throw new Error(`not an ISO week: ${week}`);
  return { monday, nextMonday: addDays(monday, 7), prevMonday: addDays(monday, -7), chartFrom: addDays(monday, -7 * (CHART_WEEKS - 1)) };
}

/** Everything read from storage to compose one digest. */
export interface DigestInputs {
  /** daily counts from chartFrom to the week's end, relevant items, filtered */
  weekly: DayCount[];
  /** the two weeks' daily counts grouped by studio, and by concern */
  byStudio: DayCount[];
  byConcern: DayCount[];
  /** the week's labelled items */
  rows: WeekItem[];
  announcements: DigestAnnouncement[];
  liveSources: number;
}

/**
 * Composes a digest's data for one ISO week from what was read (no I/O): headline change with
 * its test, chart, top stories, union statements, studios, announcements, rising concerns,
 * summary and the queries that reproduce each number.
 */
export function composeDigest(f: DigestFilters, input: DigestInputs, ctx: DigestBuildContext): DigestData {
  const { monday, nextMonday, prevMonday, chartFrom } = digestWeeks(f.week);
  const tz = ctx.timeZone;
  const studio = f.studio ?? undefined;
  const union = f.union ?? undefined;
  const weekly = buildSeries(input.weekly, { from: chartFrom, to: nextMonday, granularity: 'week', grouped: false })[0]!.buckets;
  const thisWeek = weekly.at(-1)!;
  const lastWeek = weekly.at(-2)!;
  const change = (s: Stance): ShareChange => {
    const t = twoProportionTest(lastWeek.counts[s], lastWeek.total, thisWeek.counts[s], thisWeek.total);
    const now = thisWeek.shares[s];
    const before = lastWeek.shares[s];
    return {
      stance: s,
      now,
      before,
      change: now && before ? r4(now.value - before.value) : null,
      p: t ? r4(t.p) : null,
      significant: !!t && t.p < 0.05 && thisWeek.total >= 30 && lastWeek.total >= 30,
    };
  };

  const start = zonedInstant(monday, '00:00', tz);
  const end = zonedInstant(nextMonday, '00:00', tz);
  const rows = input.rows;
  const relevantRows = rows.filter((r) => r.relevant);
  const topStories = Object.fromEntries(
    STANCES.map((s) => [
      s,
      relevantRows
        .filter((r) => r.stance === s)
        .slice(0, TOP_PER_STANCE)
        .map(story),
    ]),
  ) as Record<Stance, StoryRef[]>;
  const unionStatements = relevantRows
    .filter((r) => r.sourceKind === 'union')
    .slice(0, 5)
    .map(story);

  // per-studio table and concerns: this week against last week
  const byStudio = buildSeries(input.byStudio, { from: prevMonday, to: nextMonday, granularity: 'week', grouped: true });
  const studios = byStudio
    .map((s) => {
      const [prev, cur] = s.buckets as [TrendBucket, TrendBucket];
      const worryShare = cur.shares.worry?.value ?? 0;
      const previousWorryShare = prev.shares.worry?.value ?? null;
      return {
        studio: s.group!,
        total: cur.total,
        worryShare,
        previousWorryShare,
        change: previousWorryShare === null ? null : r4(worryShare - previousWorryShare),
      };
    })
    .filter((s) => s.total > 0)
    .sort((a, b) => b.total - a.total || a.studio.localeCompare(b.studio));
  const byConcern = buildSeries(input.byConcern, { from: prevMonday, to: nextMonday, granularity: 'week', grouped: true });
  // a concern rises when its share of the week's relevant items grows; only rises are listed
  const risingConcerns: RisingConcern[] = [];
  for (const c of CONCERNS) {
    const s = byConcern.find((x) => x.group === c);
    const previous = s?.buckets[0]?.total ?? 0;
    const count = s?.buckets[1]?.total ?? 0;
    const share = shareOf(count, thisWeek.total);
    const previousShare = shareOf(previous, lastWeek.total);
    // nothing rises from a week with no items at all: there is no share to compare with
    if (!share || !previousShare || count === 0) continue;
    const change = r4(share.value - previousShare.value);
    if (change <= 0) continue;
    const t = twoProportionTest(previous, lastWeek.total, count, thisWeek.total);
    risingConcerns.push({
      concern: c,
      count,
      previous,
      share,
      previousShare,
      change,
      p: t ? r4(t.p) : null,
      beyondNoise: !!t && t.p < 0.05 && thisWeek.total >= 30 && lastWeek.total >= 30,
    });
  }
  risingConcerns.sort((a, b) => b.change - a.change || b.count - a.count || a.concern.localeCompare(b.concern));

  // announcements made this week and the reaction so far, measured as the reaction page does
  const announcements = input.announcements.map((a) => ({
    id: a.id,
    title: a.title,
    studio: a.studio,
    date: a.date,
    windowDays: a.reaction.windowDays,
    before: a.reaction.before.total,
    after: a.reaction.after.total,
    worryShareChange: a.reaction.worryShare?.diff ?? null,
    p: a.reaction.worryShare?.p ?? null,
    note: a.reaction.note,
  }));

  const base = (ctx.publicUrl ?? '').replace(/\/$/, '');
  const filterQs = `${studio ? `&studio=${encodeURIComponent(studio)}` : ''}${union ? `&union=${encodeURIComponent(union)}` : ''}`;
  const tzQs = tz === 'UTC' ? '' : `&tz=${encodeURIComponent(tz)}`;
  const models = [...new Set(rows.map((r) => r.model).filter((m): m is string => !!m))];
  const headline = {
    total: thisWeek.total,
    previousTotal: lastWeek.total,
    counts: thisWeek.counts,
    shares: STANCES.map(change),
    net: thisWeek.net,
    previousNet: lastWeek.net,
    lowN: thisWeek.lowN,
  };
  const data: Omit<DigestData, 'summary'> = {
    week: f.week,
    start: monday,
    end: nextMonday,
    timeZone: tz,
    filters: { studio: f.studio ?? null, union: f.union ?? null },
    generatedAt: ctx.now.toISOString(),
    model: models.length ? models.join(', ') : ctx.model,
    empty: thisWeek.total === 0,
    incomplete: ctx.now.getTime() < end.getTime(),
    headline,
    chart: weekly.map((b) => ({
      week: isoWeekOf(b.start),
      start: b.start,
      total: b.total,
      shares: {
        excitement: b.shares.excitement?.value ?? null,
        worry: b.shares.worry?.value ?? null,
        neutral: b.shares.neutral?.value ?? null,
      },
      lowN: b.lowN,
      partial: ctx.now.getTime() < zonedInstant(b.end, '00:00', tz).getTime(),
    })),
    topStories,
    unionStatements,
    studios,
    announcements,
    risingConcerns,
    method: {
      sources: input.liveSources,
      model: models.length ? models.join(', ') : ctx.model,
      stance:
        "Each item's stance toward studio AI use (excitement, job-security worry, neutral) was assigned by Pulse's classifier, a logistic regression on words, phrases and domain cues trained on a labelled corpus; off-topic items are left out. Shares carry 95% Wilson intervals; a week-on-week change is called beyond noise when a two-proportion test gives p < 0.05 with at least 30 items in each week.",
      queries: {
        headline: `${base}/api/v1/trends?granularity=week&from=${prevMonday}&to=${nextMonday}${filterQs}${tzQs}`,
        chart: `${base}/api/v1/trends?granularity=week&from=${chartFrom}&to=${nextMonday}${filterQs}${tzQs}`,
        studios: `${base}/api/v1/trends?granularity=week&group_by=studio&from=${prevMonday}&to=${nextMonday}${filterQs}${tzQs}`,
        concerns: `${base}/api/v1/trends?granularity=week&group_by=concern&from=${prevMonday}&to=${nextMonday}${filterQs}${tzQs}`,
        items: `${base}/api/v1/items/export?format=csv&from=${start.toISOString()}&to=${end.toISOString()}${filterQs}`,
      },
    },
  };
  return { ...data, summary: summarise(data) };
}
