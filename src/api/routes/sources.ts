import { z } from '@hono/zod-openapi';
import { SOURCE_KINDS } from '../../labels.ts';
import {
  addSource,
  deleteSource,
  exportOpml,
  getSource,
  importOpml,
  listSources,
  updateSource,
  validateFeedUrl,
  type SourceRow,
} from '../../services/sources.ts';
import { requireScope } from '../auth.ts';
import { bearerSecurity, errorResponses, IdParam, json, router, type AppDeps, route } from '../env.ts';

const Health = z.object({
  lastFetchedAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastStatus: z.number().int().nullable(),
  consecutiveFailures: z.number().int(),
  nextFetchAt: z.string(),
  lastError: z.string().nullable(),
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
});

const Source = z
  .object({
    id: z.number().int(),
    name: z.string(),
    url: z.string(),
    kind: z.enum(SOURCE_KINDS),
    organisation: z.string().nullable(),
    country: z.string().nullable(),
    language: z.string().nullable(),
    enabled: z.boolean(),
    fetchIntervalMinutes: z.number().int(),
    createdAt: z.string(),
    health: Health,
  })
  .openapi('Source');

const text = (max: number) => z.string().trim().min(1).max(max);
const feedUrl = z
  .string()
  .max(2000)
  .refine((u) => validateFeedUrl(u).ok, { message: 'expected an absolute http(s) URL without credentials' });

const CreateSource = z.object({
  url: feedUrl,
  kind: z.enum(SOURCE_KINDS),
  name: text(300).optional(),
  organisation: text(300).optional(),
  country: text(10).optional(),
  language: text(20).optional(),
  fetchIntervalMinutes: z.number().int().min(1).max(10_080).optional(),
});

const PatchSource = z
  .object({
    url: feedUrl,
    kind: z.enum(SOURCE_KINDS),
    name: text(300),
    organisation: text(300).nullable(),
    country: text(10).nullable(),
    language: text(20).nullable(),
    enabled: z.boolean(),
    fetchIntervalMinutes: z.number().int().min(1).max(10_080),
  })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' });

const ListQuery = z.object({ kind: z.enum(SOURCE_KINDS).optional() });

const iso = (d: Date | null) => d?.toISOString() ?? null;
export const presentSource = (s: SourceRow) => ({
  id: s.id,
  name: s.name,
  url: s.url,
  kind: s.kind,
  organisation: s.organisation,
  country: s.country,
  language: s.language,
  enabled: s.enabled,
  fetchIntervalMinutes: s.fetchIntervalMinutes,
  createdAt: s.createdAt.toISOString(),
  health: {
    lastFetchedAt: iso(s.lastFetchedAt),
    lastSuccessAt: iso(s.lastSuccessAt),
    lastStatus: s.lastStatus,
    consecutiveFailures: s.consecutiveFailures,
    nextFetchAt: s.nextFetchAt.toISOString(),
    lastError: s.lastError,
    etag: s.etag,
    lastModified: s.lastModified,
  },
});

const security = bearerSecurity;
const write = requireScope('write');

/** Feeds Pulse reads: list, add, inspect health, change, delete, OPML import and export. */
export function sourceRoutes(deps: AppDeps) {
  const app = router();

  app.openapi(
    route({
      method: 'get',
      path: '/',
      tags: ['sources'],
      summary: 'List sources with their health',
      request: { query: ListQuery },
      responses: { 200: { description: 'sources', ...json(z.object({ sources: z.array(Source) })) }, ...errorResponses },
    }),
    async (c) => c.json({ sources: (await listSources(deps, c.req.valid('query'))).map(presentSource) }, 200),
  );

  app.openapi(
    route({
      method: 'get',
      path: '/export',
      tags: ['sources'],
      summary: 'Every source as OPML 2.0',
      responses: { 200: { description: 'OPML', content: { 'text/x-opml': { schema: z.string() } } } },
    }),
    async (c) => {
      c.header('Content-Disposition', 'attachment; filename="pulse-sources.opml"');
      return c.body(await exportOpml(deps), 200, { 'Content-Type': 'text/x-opml; charset=utf-8' });
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/import',
      tags: ['sources'],
      summary: 'Add the feeds of an OPML document (body: the OPML text)',
      security,
      middleware: [write] as const,
      request: {
        body: {
          content: { 'text/x-opml': { schema: z.string() }, 'application/xml': { schema: z.string() }, 'text/xml': { schema: z.string() } },
          required: true,
        },
      },
      responses: {
        200: {
          description: 'what was imported',
          ...json(
            z.object({
              created: z.number(),
              restored: z.number(),
              existing: z.number(),
              invalid: z.array(z.object({ url: z.string(), reason: z.string() })),
            }),
          ),
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      return c.json(await importOpml(deps, await c.req.text()), 200);
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/',
      tags: ['sources'],
      summary: 'Add a source (an existing deleted URL is restored)',
      security,
      middleware: [write] as const,
      request: { body: { ...json(CreateSource), required: true } },
      responses: {
        201: { description: 'created', ...json(Source) },
        409: { description: 'a live source already has this URL' },
        ...errorResponses,
      },
    }),
    async (c) => {
      const result = await addSource(deps, c.req.valid('json'));
      return c.json(presentSource(result.row), 201);
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/{id}',
      tags: ['sources'],
      summary: 'One source with its health',
      request: { params: IdParam },
      responses: { 200: { description: 'source', ...json(Source) }, ...errorResponses },
    }),
    async (c) => {
      return c.json(presentSource(await getSource(deps, c.req.valid('param'))), 200);
    },
  );

  app.openapi(
    route({
      method: 'patch',
      path: '/{id}',
      tags: ['sources'],
      summary: 'Change a source',
      security,
      middleware: [write] as const,
      request: { params: IdParam, body: { ...json(PatchSource), required: true } },
      responses: { 200: { description: 'changed', ...json(Source) }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      return c.json(presentSource(await updateSource(deps, { id, patch: c.req.valid('json') })), 200);
    },
  );

  app.openapi(
    route({
      method: 'delete',
      path: '/{id}',
      tags: ['sources'],
      summary: 'Delete a source (its items are kept; it is never re-seeded)',
      security,
      middleware: [write] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'deleted' }, ...errorResponses },
    }),
    async (c) => {
      await deleteSource(deps, c.req.valid('param'));
      return c.body(null, 204);
    },
  );
  return app;
}
