import { createRoute, z } from '@hono/zod-openapi';
import { compressLarge } from '../compression.ts';
import { GRANULARITIES } from '../../analytics/buckets.ts';
import { GROUP_DIMENSIONS, STANCES } from '../../labels.ts';
import { getTrends, trendRange, trendsAsCsv, type TrendAnswer } from '../../services/trends.ts';
import { cachedRead, errorResponses, router, type AppDeps } from '../env.ts';
import { dayParam, tagFilters, tzParam } from '../params.ts';

export { MAX_TREND_DAYS } from '../../services/trends.ts';

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
      const { format, ...q } = c.req.valid('query');
      trendRange(q, deps.clock.now()); // a bad range is a 400 before anything is cached
      return cachedRead<TrendAnswer>(c, deps.cache!, async () => {
        const answer = await getTrends(deps, q);
        if (format === 'csv') {
          return { body: trendsAsCsv(answer), contentType: 'text/csv; charset=utf-8', headers: { 'Content-Disposition': `attachment; filename="pulse-trends-${answer.from}-${answer.to}.csv"` } };
        }
        return { body: JSON.stringify(answer), contentType: 'application/json' };
      });
    },
  );
  return app;
}
