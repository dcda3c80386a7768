import { createRoute, z } from '@hono/zod-openapi';
import { listItems, type ItemCursor, type ItemListRow } from '../../../db/queries/items.ts';
import { CONCERNS, SOURCE_KINDS, STANCES } from '../../labels.ts';
import { errorResponses, router, type AppDeps } from '../env.ts';
import { badRequest } from '../errors.ts';

/** Opaque cursor: base64url of the last row's position. */
export function encodeCursor(c: ItemCursor): string {
  return Buffer.from(JSON.stringify([c.publishedAt.toISOString(), c.id])).toString('base64url');
}

export function decodeCursor(raw: string): ItemCursor | undefined {
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as [string, number];
    const publishedAt = new Date(at);
    if (typeof at !== 'string' || Number.isNaN(publishedAt.getTime()) || !Number.isSafeInteger(id) || id < 0) return undefined;
    return { publishedAt, id };
  } catch {
    return undefined;
  }
}

const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');
const dateParam = z
  .string()
  .max(40)
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(new Date(s).getTime()), {
    message: 'expected an ISO date such as 2025-07-17 or 2025-07-17T12:00:00Z',
  })
  .transform((s) => new Date(s));
const name = z.string().trim().min(1).max(200);

export const ItemQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  source: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  kind: z.enum(SOURCE_KINDS).optional(),
  relevant: boolParam.optional(),
  stance: z.enum(STANCES).optional(),
  concern: z.enum(CONCERNS).optional(),
  studio: name.optional(),
  union: name.optional(),
  area: name.optional(),
  from: dateParam.optional(),
  to: dateParam.optional(),
});

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
  })
  .openapi('Item');

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
  confidence: r.confidence === null ? null : Math.round(r.confidence * 1000) / 1000,
  concerns: r.concerns,
  model: r.model,
});

/** Stored items, newest first, filtered, with a cursor that stays stable as new items arrive. */
export function itemRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['items'],
      summary: 'Items, newest first; `to` is exclusive',
      request: { query: ItemQuery },
      responses: {
        200: { description: 'a page of items', content: { 'application/json': { schema: z.object({ items: z.array(Item), nextCursor: z.string().nullable(), total: z.number().int() }) } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { limit, cursor: rawCursor, ...filters } = c.req.valid('query');
      const cursor = rawCursor ? decodeCursor(rawCursor) : undefined;
      if (rawCursor && !cursor) throw badRequest('cursor', 'not a cursor this API returned');
      if (filters.from && filters.to && filters.from >= filters.to) throw badRequest('to', 'must be after from');
      const page = await listItems(deps.db, { filters, limit, cursor });
      return c.json({ items: page.rows.map(presentItem), nextCursor: page.next ? encodeCursor(page.next) : null, total: page.total }, 200);
    },
  );
  return app;
}
