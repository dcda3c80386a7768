import { createRoute, z } from '@hono/zod-openapi';
import { compressLarge } from '../compression.ts';
import { dayCounts, GROUP_DIMENSIONS } from '../../../db/queries/rollups.ts';
import { addDays, dayInZone, GRANULARITIES, parseDay } from '../../analytics/buckets.ts';
import { buildSeries, TREND_MIN_N, trendsCsv } from '../../analytics/trends.ts';
import { STANCES } from '../../labels.ts';
import { cachedRead, errorResponses, router, type AppDeps } from '../env.ts';
import { badRequest } from '../errors.ts';
import { dayParam, tagFilters, tzParam } from '../params.ts';

/** The longest range one trends request may cover. */
export const MAX_TREND_DAYS = 3660;
const DEFAULT_SPAN_DAYS = { day: 30, week: 84, month: 365 } as const;

const Query = z.object({
  from: dayParam.optional().openapi({ description: 'first day (inclusive); default: a span before `to`' }),
  to: dayParam.optional().openapi({ description: 'last day (exclusive); default: tomorrow in `tz`' }),
  granularity: z.enum(GRANULARITIES).default('week'),
  group_by: z.enum(GROUP_DIMENSIONS).optional(),
  ...tagFilters,
  relevant: z.enum(['true', 'false', 'all']).default('true').openapi({ description: 'irrelevant items are left out unless asked for' }),
  tz: tzParam.default('UTC'),
  format: z.enum(['json', 'csv']).default('json'),
});

const Share = z.object({ value: z.number(), low: z.number(), high: z.number() });
const Stances = <T extends z.ZodType>(t: T) => z.object(Object.fromEntries(STANCES.map((s) => [s, t])) as Record<(typeof STANCES)[number], T>);
const Trends = z
  .object({
    granularity: z.enum(GRANULARITIES),
    from: z.string(),
    to: z.string(),
    tz: z.string(),
    minN: z.number().int(),
    series: z.array(
      z.object({
        group: z.string().nullable(),
        buckets: z.array(
          z.object({ start: z.string(), total: z.number().int(), counts: Stances(z.number().int()), shares: Stances(Share), net: z.number(), lowN: z.boolean() }),
        ),
      }),
    ),
  })
  .openapi('Trends');

/** Stance over time with counts, shares, 95% Wilson intervals, net score and low-N flags. */
export function trendRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['analytics'],
      summary: 'Stance shares over time, with counts, intervals and low-N flags',
      middleware: [compressLarge()] as const,
      request: { query: Query },
      responses: {
        200: { description: 'series of buckets', content: { 'application/json': { schema: Trends }, 'text/csv': { schema: z.string() } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const to = q.to ?? addDays(dayInZone(deps.clock.now(), q.tz), 1);
      const from = q.from ?? addDays(to, -DEFAULT_SPAN_DAYS[q.granularity]);
      if (from >= to) throw badRequest('to', 'must be after from');
      if ((parseDay(to) - parseDay(from)) / 86_400_000 > MAX_TREND_DAYS) throw badRequest('from', `a range may cover at most ${MAX_TREND_DAYS} days`);
      const relevant = q.relevant === 'all' ? undefined : q.relevant === 'true';
      return cachedRead(c, deps.cache!, async () => {
        const rows = await dayCounts(deps.db, { from, to, tz: q.tz, groupBy: q.group_by, studio: q.studio, union: q.union, kind: q.kind, area: q.area, concern: q.concern, relevant }, 'rollup');
        const series = buildSeries(rows, { from, to, granularity: q.granularity, grouped: !!q.group_by });
        if (q.format === 'csv') {
          return { body: trendsCsv(series), contentType: 'text/csv; charset=utf-8', headers: { 'Content-Disposition': `attachment; filename="pulse-trends-${from}-${to}.csv"` } };
        }
        return { body: JSON.stringify({ granularity: q.granularity, from, to, tz: q.tz, minN: TREND_MIN_N, series }), contentType: 'application/json' };
      }) as never;
    },
  );
  return app;
}
