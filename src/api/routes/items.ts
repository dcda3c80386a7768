import { createRoute, z } from '@hono/zod-openapi';
import { compressLarge } from '../compression.ts';
import { SingleFlight } from '../../util/single-flight.ts';
import { countMatching, exportBatch, getItem, listItems, type ItemCursor, type ItemFilters, type ItemListRow } from '../../../db/queries/items.ts';
import { csvCell } from '../../analytics/trends.ts';
import { CONCERNS, SOURCE_KINDS, STANCES } from '../../labels.ts';
import { errorResponses, router, type AppDeps } from '../env.ts';
import { badRequest, notFound } from '../errors.ts';
import { boolParam, instantParam, nameParam } from '../params.ts';

/** Opaque cursor: base64url of the last row's position. */
export function encodeCursor(c: ItemCursor): string {
  const body = 'rank' in c ? ['r', c.rank, c.id] : ['t', c.publishedAt.toISOString(), c.id];
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export function decodeCursor(raw: string, withQuery: boolean): ItemCursor | undefined {
  try {
    const [kind, pos, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [string, unknown, number];
    if (!Number.isSafeInteger(id) || id < 0) return undefined;
    if (kind === 'r' && withQuery && typeof pos === 'number' && Number.isFinite(pos)) return { rank: pos, id };
    if (kind === 't' && !withQuery && typeof pos === 'string') {
      const publishedAt = new Date(pos);
      return Number.isNaN(publishedAt.getTime()) ? undefined : { publishedAt, id };
    }
    return undefined;
  } catch {
    return undefined;
  }
}

const filterParams = {
  q: z.string().trim().min(1).max(500).optional().openapi({ description: 'full-text search: words, "phrases", -exclusions, or' }),
  source: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  kind: z.enum(SOURCE_KINDS).optional(),
  relevant: boolParam.optional(),
  stance: z.enum(STANCES).optional(),
  concern: z.enum(CONCERNS).optional(),
  studio: nameParam.optional(),
  union: nameParam.optional(),
  area: nameParam.optional(),
  from: instantParam.optional(),
  to: instantParam.optional(),
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
    rank: z.number().optional(),
    snippet: z.string().optional().openapi({ description: 'with q: headline and summary, HTML-escaped, matches in <mark>' }),
  })
  .openapi('Item');

const round3 = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

export const presentItem = (r: ItemListRow) => ({
  id: r.id,
  url: r.url,
  title: r.title,
  summary: r.summary,
  author: r.author,
  publishedAt: r.publishedAt.toISOString(),
  publishedEstimated: r.publishedEstimated,
  language: r.language,
  source: { id: r.sourceId, name: r.sourceName, kind: r.sourceKind },
  relevant: r.relevant,
  studios: r.studios,
  unions: r.unions,
  areas: r.areas,
  status: r.status,
  stance: r.stance,
  confidence: round3(r.confidence),
  concerns: r.concerns,
  model: r.model,
  ...(r.rank !== null ? { rank: Number(r.rank), snippet: r.snippet ?? '' } : {}),
});

function checkRange(f: ItemFilters) {
  if (f.from && f.to && f.from >= f.to) throw badRequest('to', 'must be after from');
}

const EXPORT_COLUMNS = [
  'id', 'url', 'title', 'summary', 'author', 'published_at', 'published_estimated', 'source_id', 'source_name', 'source_kind',
  'relevant', 'stance', 'confidence', 'concerns', 'studios', 'unions', 'areas', 'quote', 'model', 'classified_at',
] as const;
type ExportRow = Awaited<ReturnType<typeof exportBatch>>[number];
const exportRecord = (r: ExportRow) => ({
  id: r.id,
  url: r.url,
  title: r.title,
  summary: r.summary,
  author: r.author,
  published_at: r.publishedAt.toISOString(),
  published_estimated: r.publishedEstimated,
  source_id: r.sourceId,
  source_name: r.sourceName,
  source_kind: r.sourceKind,
  relevant: r.relevant,
  stance: r.stance,
  confidence: round3(r.confidence),
  concerns: r.concerns,
  studios: r.studios,
  unions: r.unions,
  areas: r.areas,
  quote: r.sentence,
  model: r.model,
  classified_at: r.classifiedAt?.toISOString() ?? null,
});
const csvLine = (rec: ReturnType<typeof exportRecord>) =>
  EXPORT_COLUMNS.map((c) => {
    const v = rec[c];
    return csvCell(Array.isArray(v) ? v.join(';') : v);
  }).join(',') + '\n';

const EXPORT_BATCH = 1000;
/** Characters per written piece of an export (well under V8's large-object size). */
const EXPORT_CHUNK_CHARS = 16 * 1024;

/** Stored items: search, one item in full, and a streaming export. */
export function itemRoutes(deps: AppDeps) {
  const app = router();
  // Counting every match is the slow part of a page at millions of items, and the count is the
  // same for every page of one filter: reuse it for as long as other reads are cached.
  const totals = new Map<string, { n: number; at: number }>();
  const counting = new SingleFlight<number>();
  const countTotal = async (filters: ItemFilters) => {
    const ttl = deps.config.cacheTtlMs;
    const key = JSON.stringify(filters);
    const hit = totals.get(key);
    if (ttl > 0 && hit && Date.now() - hit.at < ttl) return hit.n;
    // pages asked for at once share one count
    return counting.run(key, async () => {
      const n = await countMatching(deps.db, filters);
      if (ttl > 0) {
        if (totals.size > 1000) totals.delete(totals.keys().next().value!);
        totals.set(key, { n, at: Date.now() });
      }
      return n;
    });
  };
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['items'],
      summary: 'Items, newest first (best match first with q); `to` is exclusive',
      middleware: [compressLarge()] as const,
      request: { query: ItemQuery },
      responses: {
        200: { description: 'a page of items', content: { 'application/json': { schema: z.object({ items: z.array(Item), nextCursor: z.string().nullable(), total: z.number().int() }) } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { limit, cursor: rawCursor, ...filters } = c.req.valid('query');
      const cursor = rawCursor ? decodeCursor(rawCursor, !!filters.q) : undefined;
      if (rawCursor && !cursor) throw badRequest('cursor', 'not a cursor this API returned for this query');
      checkRange(filters);
      const page = await listItems(deps.db, { filters, limit, cursor, countTotal });
      return c.json({ items: page.rows.map(presentItem), nextCursor: page.next ? encodeCursor(page.next) : null, total: page.total }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/export',
      tags: ['items'],
      summary: 'Every matching item, streamed as CSV or NDJSON, each row with the model version',
      request: { query: ExportQuery },
      responses: { 200: { description: 'the rows', content: { 'text/csv': { schema: z.string() }, 'application/x-ndjson': { schema: z.string() } } }, ...errorResponses },
    }),
    async (c) => {
      const { format, ...filters } = c.req.valid('query');
      checkRange(filters);
      let afterId = 0;
      let headerSent = false;
      const encoder = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        // pull-based: the next batch is read only when the client has taken the last one
        async pull(controller) {
          try {
            let text = '';
            if (!headerSent && format === 'csv') text += EXPORT_COLUMNS.join(',') + '\n';
            headerSent = true;
            const rows = await exportBatch(deps.db, { filters, afterId, limit: EXPORT_BATCH });
            for (const r of rows) {
              const rec = exportRecord(r);
              text += format === 'csv' ? csvLine(rec) : JSON.stringify(rec) + '\n';
              // Small pieces: a batch as one string would be a large object, allocated straight
              // in V8's old generation and left there until a full collection, which took the
              // server from 137 to 232 MB over a 1M-row export.
              if (text.length >= EXPORT_CHUNK_CHARS) {
                controller.enqueue(encoder.encode(text));
                text = '';
              }
            }
            if (text) controller.enqueue(encoder.encode(text));
            if (rows.length < EXPORT_BATCH) controller.close();
            else afterId = rows.at(-1)!.id;
          } catch (err) {
            deps.logger.error({ err }, 'export failed mid-stream');
            controller.error(err);
          }
        },
      });
      const ext = format === 'csv' ? 'csv' : 'ndjson';
      return c.body(stream, 200, {
        'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        'Content-Disposition': `attachment; filename="pulse-items.${ext}"`,
      }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['items'],
      summary: 'One item with its labels, explanation, entities, source and sightings',
      request: { params: z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }) },
      responses: { 200: { description: 'the item', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const found = await getItem(deps.db, id);
      if (!found) throw notFound(`item ${id}`);
      const i = found.item;
      return c.json(
        {
          id: i.id,
          url: i.url,
          guid: i.guid,
          title: i.title,
          summary: i.summary,
          content: i.content,
          author: i.author,
          publishedAt: i.publishedAt.toISOString(),
          publishedEstimated: i.publishedEstimated,
          fetchedAt: i.fetchedAt.toISOString(),
          language: i.language,
          source: found.source,
          entities: { studios: i.studios, unions: i.unions, areas: i.areas },
          labels: {
            status: i.status,
            relevant: i.relevant,
            stance: i.stance,
            confidence: round3(i.confidence),
            concerns: i.concerns,
            explanation: i.explanation,
            model: i.model,
            classifiedAt: i.classifiedAt?.toISOString() ?? null,
          },
          sightings: found.sightings.map((s) => ({ ...s, firstSeenAt: s.firstSeenAt.toISOString() })),
        },
        200,
      );
    },
  );
  return app;
}
