import { z } from '@hono/zod-openapi';
import { compressLarge } from '../compression.ts';
import { GRANULARITIES } from '../../analytics/buckets.ts';
import { GROUP_DIMENSIONS, STANCES } from '../../labels.ts';
import {
  getTrends,
  LABEL_MODES,
  MAX_BUCKETS,
  MAX_CELLS,
  metaHeaders,
  trendRange,
  trendsAsCsv,
  type TrendAnswer,
} from '../../services/trends.ts';
import { cachedRead, errorResponses, router, type AppDeps, route } from '../env.ts';
import { dayParam, itemLevelFilters, labelParams, tagFilters, tzParam } from '../params.ts';

export { MAX_TREND_DAYS } from '../../services/trends.ts';

const Query = z.object({
  from: dayParam.optional().openapi({ description: 'first day (inclusive); default: a span before `to`' }),
  to: dayParam.optional().openapi({ description: 'last day (exclusive); default: tomorrow in `tz`' }),
  granularity: z.enum(GRANULARITIES).default('week'),
  group_by: z.enum(GROUP_DIMENSIONS).optional(),
  ...tagFilters,
  ...itemLevelFilters,
  relevant: z.enum(['true', 'false', 'all']).default('true').openapi({ description: 'irrelevant items are left out unless asked for' }),
  tz: tzParam.default('UTC'),
  format: z.enum(['json', 'csv']).default('json'),
  ...labelParams,
  adjust: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .openapi({
      description:
        "true: each bucket also carries `adjusted` shares and relevant count, corrected with a validation sample's confusion matrix, with bootstrap intervals",
    }),
  sample: z.coerce
    .number()
    .int()
    .positive()
    .max(2_147_483_647)
    .optional()
    .openapi({ description: 'the validation sample to adjust with; default: the newest with enough coded items' }),
});

const Share = z
  .object({ value: z.number(), low: z.number(), high: z.number() })
  .nullable()
  .openapi({ description: 'null for an empty bucket' });
export const Meta = z
  .object({
    model: z.string().openapi({ description: 'the model version labels are counted under' }),
    labels: z
      .enum(LABEL_MODES)
      .optional()
      .openapi({ description: "best: coders' consensus where an item was coded, else the model; model: the model alone" }),
    filters: z.record(z.string(), z.string()).openapi({ description: 'the filters as applied: defaults filled in, names resolved' }),
    relevance: z.string(),
    generatedAt: z.string(),
    dataThrough: z.string().nullable().openapi({ description: 'publication time of the newest labelled item' }),
  })
  .openapi('AnswerMeta');
const Concern = z
  .object({ count: z.number().int(), relevantTotal: z.number().int(), worryTotal: z.number().int(), ofRelevant: Share, ofWorry: Share })
  .openapi({ description: "with group_by=concern: items raising the concern as a share of the bucket's items and of its worry items" });
export const Adjustment = z
  .object({
    sample: z.object({ id: z.number().int(), name: z.string(), size: z.number().int(), stratify: z.string().nullable() }),
    codedItems: z.number().int().openapi({ description: 'coded items with a consensus the confusion matrix was measured on' }),
    model: z.string(),
    minCoded: z.number().int(),
    method: z.string(),
  })
  .openapi('Adjustment');
const Stances = <T extends z.ZodType>(t: T) =>
  z.object(Object.fromEntries(STANCES.map((s) => [s, t])) as Record<(typeof STANCES)[number], T>);
const Adjusted = z
  .object({
    shares: Stances(Share),
    relevant: Share.openapi({ description: 'the estimated number of truly relevant items in the bucket' }),
    observed: z.object({ offTopic: z.number().int(), relevant: z.number().int() }),
  })
  .openapi('AdjustedBucket', { description: "with adjust=true: the bucket's shares corrected for the model's measured errors" });
const Trends = z
  .object({
    granularity: z.enum(GRANULARITIES).openapi({ description: 'as applied: coarser than asked when the range needs it' }),
    requestedGranularity: z
      .enum(GRANULARITIES)
      .optional()
      .openapi({
        description: `present when the granularity asked for was coarsened: a series has at most ${MAX_BUCKETS} buckets, an answer at most ${MAX_CELLS} buckets across its groups`,
      }),
    from: z.string(),
    to: z.string(),
    tz: z.string(),
    minN: z.number().int(),
    series: z.array(
      z.object({
        group: z.string().nullable(),
        buckets: z.array(
          z.object({
            start: z.string(),
            end: z.string().openapi({ description: 'first day after the bucket' }),
            total: z.number().int(),
            counts: Stances(z.number().int()),
            shares: Stances(Share),
            net: z.number().nullable(),
            lowN: z.boolean(),
            partial: z.boolean().openapi({ description: 'the range or the present cuts this bucket' }),
            concern: Concern.optional(),
            adjusted: Adjusted.nullable().optional(),
          }),
        ),
      }),
    ),
    meta: Meta,
    adjustment: Adjustment.optional(),
  })
  .openapi('Trends');

/** Stance over time with counts, shares, 95% Wilson intervals, net score and low-N flags. */
export function trendRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    route({
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
      return cachedRead<TrendAnswer>(
        c,
        deps.cache!,
        async () => {
          const answer = await getTrends(deps, q);
          if (format === 'csv') {
            return {
              body: trendsAsCsv(answer),
              contentType: 'text/csv; charset=utf-8',
              headers: {
                'Content-Disposition': `attachment; filename="pulse-trends-${answer.from}-${answer.to}.csv"`,
                ...metaHeaders(answer.meta),
              },
            };
          }
          return { body: JSON.stringify(answer), contentType: 'application/json' };
        },
        { query: c.req.valid('query') },
      );
    },
  );
  return app;
}
