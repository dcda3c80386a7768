import { z } from '@hono/zod-openapi';
import { compressLarge } from '../compression.ts';
import { CONCERNS, SOURCE_KINDS, STANCES } from '../../labels.ts';
import { exportItems, getItem, itemsMeta, listItems, presentItem, relevantFilter, withLabelView } from '../../services/items.ts';
import { metaHeaders } from '../../services/trends.ts';
import { errorResponses, json, router, type AppDeps, route } from '../env.ts';
import { guardedBody } from '../stream-guard.ts';
import { boolParam, entityParam, instantParam, labelParams, langParam } from '../params.ts';
import { Meta } from './trends.ts';

export { decodeCursor, encodeCursor } from '../../services/item-cursor.ts';

const filterParams = {
  q: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .optional()
    .openapi({ description: 'full-text search: words, "phrases", -exclusions, or; best match first among the 2,000 newest matches' }),
  source: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  kind: z.enum(SOURCE_KINDS).optional(),
  relevant: z.enum(['true', 'false', 'all']).default('all').openapi({
    description: 'true: relevant items only; false: off-topic only; all (the default): both. Trends count relevant items only.',
  }),
  labelled: boolParam.optional().openapi({ description: 'true: labelled items only (what trends count); false: not yet labelled' }),
  stance: z.enum(STANCES).optional(),
  concern: z.enum(CONCERNS).optional(),
  studio: entityParam('studio').optional(),
  union: entityParam('union').optional(),
  area: entityParam('area').optional(),
  lang: langParam.optional(),
  from: instantParam.optional(),
  to: instantParam.optional(),
  ...labelParams,
};

export const ItemQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(300).optional(),
  ...filterParams,
});
const ExportQuery = z.object({ format: z.enum(['csv', 'ndjson']).default('csv'), ...filterParams });

const Item = z
  .object({
    id: z.number().int(),
    url: z.string(),
    title: z.string(),
    summary: z.string(),
    author: z.string().nullable(),
    publishedAt: z.string(),
    publishedEstimated: z.boolean(),
    language: z.string().nullable(),
    source: z.object({ id: z.number().int(), name: z.string(), kind: z.enum(SOURCE_KINDS) }),
    relevant: z.boolean().nullable(),
    studios: z.array(z.string()),
    unions: z.array(z.string()),
    areas: z.array(z.string()),
    status: z.string(),
    stance: z.enum(STANCES).nullable(),
    confidence: z.number().nullable(),
    concerns: z.array(z.enum(CONCERNS)),
    model: z.string().nullable(),
    labelSource: z.enum(['coders', 'model']).nullable().openapi({
      description: "coders: the coders' consensus label overrides the model's (labels=best); model: the model's label; null: not labelled",
    }),
    rank: z.number().optional(),
    snippet: z.string().optional().openapi({ description: 'with q: headline and summary, HTML-escaped, matches in <mark>' }),
  })
  .openapi('Item');

const Explanation = z
  .object({ terms: z.array(z.object({ term: z.string(), weight: z.number() })), sentence: z.string(), summary: z.string().optional() })
  .openapi('Explanation');

const ItemDetail = z
  .object({
    id: z.number().int(),
    url: z.string(),
    guid: z.string().nullable(),
    title: z.string(),
    summary: z.string(),
    content: z.string(),
    author: z.string().nullable(),
    publishedAt: z.string(),
    publishedEstimated: z.boolean(),
    fetchedAt: z.string(),
    language: z.string().nullable(),
    source: z.object({
      id: z.number().int(),
      name: z.string(),
      kind: z.enum(SOURCE_KINDS),
      url: z.string(),
      organisation: z.string().nullable(),
    }),
    entities: z.object({ studios: z.array(z.string()), unions: z.array(z.string()), areas: z.array(z.string()) }),
    labels: z.object({
      status: z.string(),
      relevant: z.boolean().nullable(),
      stance: z.enum(STANCES).nullable(),
      confidence: z.number().nullable(),
      concerns: z.array(z.enum(CONCERNS)),
      explanation: Explanation.nullable(),
      model: z.string().nullable(),
      classifiedAt: z.string().nullable(),
    }),
    sightings: z.array(z.object({ sourceId: z.number().int(), sourceName: z.string(), url: z.string(), firstSeenAt: z.string() })),
  })
  .openapi('ItemDetail');

/** Stored items: search, one item in full, and a streaming export. */
export function itemRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    route({
      method: 'get',
      path: '/',
      tags: ['items'],
      summary: 'Items, newest first (best match first with q); `to` is exclusive',
      middleware: [compressLarge()] as const,
      request: { query: ItemQuery },
      responses: {
        200: {
          description: 'a page of items',
          ...json(
            z.object({
              items: z.array(Item),
              nextCursor: z.string().nullable(),
              total: z.number().int(),
              totalRelation: z.enum(['eq', 'gte']).openapi({
                description:
                  "'eq': total counts every match. 'gte': at least total match (a full-text search at millions of items counted in the recent search index, where its newest matches were found).",
              }),
              meta: Meta,
            }),
          ),
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { limit, cursor, relevant, model, labels, ...filters } = c.req.valid('query');
      const viewed = await withLabelView(deps, { ...filters, relevant: relevantFilter(relevant) }, { model, labels });
      // the page and its provenance are independent reads: made at once, not one after the other
      const [page, meta] = await Promise.all([listItems(deps, { filters: viewed, limit, cursor }), itemsMeta(deps, c.req.valid('query'))]);
      return c.json(
        {
          items: page.rows.map(presentItem),
          nextCursor: page.nextCursor,
          total: page.total,
          totalRelation: page.totalRelation,
          meta,
        },
        200,
      );
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/export',
      tags: ['items'],
      summary: 'Every matching item, streamed as CSV or NDJSON, each row with the model version',
      request: { query: ExportQuery },
      responses: {
        200: { description: 'the rows', content: { 'text/csv': { schema: z.string() }, 'application/x-ndjson': { schema: z.string() } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { format, relevant, model, labels, ...filters } = c.req.valid('query');
      const viewed = await withLabelView(deps, { ...filters, relevant: relevantFilter(relevant) }, { model, labels });
      const source = exportItems(deps, { filters: viewed, format });
      const { format: _f, ...applied } = c.req.valid('query');
      const meta = await itemsMeta(deps, applied);
      // the expensive-read slot is held until the stream ends, and the stream has a deadline
      const release = c.get('releaseSlot');
      c.set('releaseSlot', undefined);
      const stream = guardedBody(c, source, { logger: deps.logger, deadlineMs: deps.config.expensive.exportTimeoutMs, onDone: release });
      return c.body(stream, 200, {
        'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'Content-Disposition': `attachment; filename="pulse-items.${format}"`,
        ...metaHeaders(meta),
      });
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/{id}',
      tags: ['items'],
      summary: 'One item with its labels, explanation, entities, source and sightings',
      request: { params: z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }) },
      responses: { 200: { description: 'the item', ...json(ItemDetail) }, ...errorResponses },
    }),
    async (c) => c.json(await getItem(deps, c.req.valid('param')), 200),
  );
  return app;
}
