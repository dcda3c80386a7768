import type { Db } from '../../db/client.ts';
import { listAnnouncements, reactionItems } from '../../db/queries/announcements.ts';
import { liveSourceCount, weekItems } from '../../db/queries/digest-items.ts';
import { dayCounts } from '../../db/queries/rollups.ts';
import { addDays, isoWeekOf, mondayOfIsoWeek, zonedInstant } from '../analytics/buckets.ts';
import { buildReaction, momentOf } from '../analytics/reaction.ts';
import { buildSeries, type TrendBucket } from '../analytics/trends.ts';
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
  now: Interval;
  before: Interval;
  change: number;
  p: number | null;
  /** true when the two-proportion test puts the change beyond noise (p < 0.05, enough items) */
  significant: boolean;
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
  headline: { total: number; previousTotal: number; counts: Record<Stance, number>; shares: ShareChange[]; net: number; previousNet: number; lowN: boolean };
  chart: { week: string; start: string; total: number; shares: Record<Stance, number>; lowN: boolean }[];
  topStories: Record<Stance, StoryRef[]>;
  unionStatements: StoryRef[];
  studios: { studio: string; total: number; worryShare: number; previousWorryShare: number | null; change: number | null }[];
  announcements: { id: number; title: string; studio: string | null; date: string; before: number; after: number; worryShareChange: number | null; p: number | null; note: string | null }[];
  risingConcerns: { concern: string; count: number; previous: number; change: number }[];
  summary: string;
  method: { sources: number; model: string; stance: string; queries: Record<string, string> };
}

function story(i: WeekItem): StoryRef {
  return { id: i.id, title: i.title, url: i.url, source: i.sourceName, kind: i.sourceKind, publishedAt: i.publishedAt.toISOString(), stance: i.stance!, confidence: r4(i.confidence ?? 0), quote: i.quote };
}

const pct = (v: number) => `${Math.round(v * 100)}%`;

/** The one-paragraph summary: plain template prose from the numbers, no model. */
export function summarise(d: Pick<DigestData, 'week' | 'headline' | 'risingConcerns' | 'studios' | 'filters' | 'empty'>): string {
  const scope = d.filters.studio ? ` about ${d.filters.studio}` : d.filters.union ? ` mentioning ${d.filters.union}` : '';
  if (d.empty) return `Pulse found no relevant items${scope} in ${d.week}, so there is nothing to compare this week.`;
  const h = d.headline;
  const worry = h.shares.find((s) => s.stance === 'worry')!;
  const excitement = h.shares.find((s) => s.stance === 'excitement')!;
  const parts = [`In ${d.week} Pulse read ${h.total} relevant item${h.total === 1 ? '' : 's'}${scope} (${h.previousTotal} the week before).`];
  parts.push(`${pct(worry.now.value)} voiced job-security or related worry and ${pct(excitement.now.value)} excitement, a net score of ${h.net >= 0 ? '+' : ''}${h.net.toFixed(2)}.`);
  if (h.previousTotal > 0) {
    const dir = worry.change > 0 ? 'up' : worry.change < 0 ? 'down' : 'unchanged';
    parts.push(
      dir === 'unchanged'
        ? 'The worry share was unchanged from the previous week.'
        : `The worry share was ${dir} ${Math.abs(Math.round(worry.change * 100))} points on the previous week${worry.significant ? ', a change beyond week-to-week noise' : ', within week-to-week noise'}.`,
    );
  }
  const rising = d.risingConcerns.filter((c) => c.change > 0)[0];
  if (rising) parts.push(`The fastest-rising concern was ${rising.concern.replace(/_/g, ' ')} (${rising.count} items, ${rising.previous} the week before).`);
  const top = d.studios[0];
  if (top && !d.filters.studio) parts.push(`${top.studio} drew the most coverage (${top.total} items, ${pct(top.worryShare)} worried).`);
  if (h.lowN) parts.push('With fewer than 30 items, treat the shares as indicative.');
  return parts.join(' ');
}

/** Builds a digest's data for one ISO week, in the configured time zone. */
export async function buildDigestData(db: Db, f: DigestFilters, ctx: DigestBuildContext): Promise<DigestData> {
  return (await buildDigest(db, f, ctx)).data;
}

export interface DigestBuildContext {
  timeZone: string;
  model: string;
  now: Date;
  publicUrl?: string;
}

export type WeekItem = Awaited<ReturnType<typeof weekItems>>[number];

/** A digest's data and the week's labelled items it was built from (the CSV lists them). */
export async function buildDigest(db: Db, f: DigestFilters, ctx: DigestBuildContext): Promise<{ data: DigestData; rows: WeekItem[] }> {
  const monday = mondayOfIsoWeek(f.week);
  if (!monday) throw new Error(`not an ISO week: ${f.week}`);
  const nextMonday = addDays(monday, 7);
  const prevMonday = addDays(monday, -7);
  const tz = ctx.timeZone;
  const studio = f.studio ?? undefined;
  const union = f.union ?? undefined;

  // eight weeks of counts for the chart and the week-on-week change
  const chartFrom = addDays(monday, -7 * (CHART_WEEKS - 1));
  const weekly = buildSeries(await dayCounts(db, { from: chartFrom, to: nextMonday, tz, studio, union, relevant: true }, 'rollup'), {
    from: chartFrom,
    to: nextMonday,
    granularity: 'week',
    grouped: false,
  })[0]!.buckets;
  const thisWeek = weekly.at(-1)!;
  const lastWeek = weekly.at(-2)!;
  const change = (s: Stance): ShareChange => {
    const t = twoProportionTest(lastWeek.counts[s], lastWeek.total, thisWeek.counts[s], thisWeek.total);
    return {
      stance: s,
      now: thisWeek.shares[s],
      before: lastWeek.shares[s],
      change: r4(thisWeek.shares[s].value - lastWeek.shares[s].value),
      p: t ? r4(t.p) : null,
      significant: !!t && t.p < 0.05 && thisWeek.total >= 30 && lastWeek.total >= 30,
    };
  };

  const start = zonedInstant(monday, '00:00', tz);
  const end = zonedInstant(nextMonday, '00:00', tz);
  const rows = await weekItems(db, { start, end, studio: f.studio, union: f.union });
  const relevantRows = rows.filter((r) => r.relevant);
  const topStories = Object.fromEntries(STANCES.map((s) => [s, relevantRows.filter((r) => r.stance === s).slice(0, TOP_PER_STANCE).map(story)])) as Record<Stance, StoryRef[]>;
  const unionStatements = relevantRows.filter((r) => r.sourceKind === 'union').slice(0, 5).map(story);

  // per-studio table and concerns: this week against last week
  const twoWeeks = { from: prevMonday, to: nextMonday, tz, studio, union, relevant: true };
  const byStudio = buildSeries(await dayCounts(db, { ...twoWeeks, groupBy: 'studio' }, 'rollup'), { from: prevMonday, to: nextMonday, granularity: 'week', grouped: true });
  const studios = byStudio
    .map((s) => {
      const [prev, cur] = s.buckets as [TrendBucket, TrendBucket];
      return { studio: s.group!, total: cur.total, worryShare: cur.shares.worry.value, previousWorryShare: prev.total ? prev.shares.worry.value : null, change: prev.total ? r4(cur.shares.worry.value - prev.shares.worry.value) : null };
    })
    .filter((s) => s.total > 0)
    .sort((a, b) => b.total - a.total || a.studio.localeCompare(b.studio));
  const byConcern = buildSeries(await dayCounts(db, { ...twoWeeks, groupBy: 'concern' }, 'rollup'), { from: prevMonday, to: nextMonday, granularity: 'week', grouped: true });
  const risingConcerns = CONCERNS.map((c) => {
    const s = byConcern.find((x) => x.group === c);
    const previous = s?.buckets[0]!.total ?? 0;
    const count = s?.buckets[1]!.total ?? 0;
    return { concern: c, count, previous, change: count - previous };
  })
    .filter((c) => c.count > 0 || c.previous > 0)
    .sort((a, b) => b.change - a.change || b.count - a.count || a.concern.localeCompare(b.concern));

  // announcements made this week and the reaction so far (a 7-day window on each side)
  const announcements = [];
  for (const a of await listAnnouncements(db)) {
    if (a.date < monday || a.date >= nextMonday) continue;
    if (studio && a.studio !== studio) continue;
    const moment = momentOf(a);
    const list = await reactionItems(db, { start: new Date(moment.getTime() - 7 * 86_400_000), end: new Date(moment.getTime() + 7 * 86_400_000), studio: a.studio, keywords: a.keywords });
    const r = buildReaction({ moment, windowDays: 7, now: ctx.now, items: list });
    announcements.push({ id: a.id, title: a.title, studio: a.studio, date: a.date, before: r.before.total, after: r.after.total, worryShareChange: r.worryShare?.diff ?? null, p: r.worryShare?.p ?? null, note: r.note });
  }

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
    headline,
    chart: weekly.map((b) => ({ week: isoWeekOf(b.start), start: b.start, total: b.total, shares: { excitement: b.shares.excitement.value, worry: b.shares.worry.value, neutral: b.shares.neutral.value }, lowN: b.lowN })),
    topStories,
    unionStatements,
    studios,
    announcements,
    risingConcerns,
    method: {
      sources: await liveSourceCount(db),
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
  return { data: { ...data, summary: summarise(data) }, rows };
}
