import { z } from '@hono/zod-openapi';
import { SEARCH_PROVIDERS, SOURCE_KINDS, SOURCE_TYPES } from '../../labels.ts';
import { INSTANCE_ID } from '../../instance.ts';
import { getBackfill, presentBackfill, requestBackfill, runBackfill } from '../../services/backfill.ts';
import { discoverFeed, testSource } from '../../services/source-probe.ts';
import {
  addSource,
  deleteSource,
  exportOpml,
  getSource,
  importOpml,
  listSources,
  updateSource,
  validateFeedUrl,
  type SourceInput,
  type SourceRow,
} from '../../services/sources.ts';
import { scopeAllows, type PublicKey } from '../../services/keys.ts';
import { requireScope } from '../auth.ts';
import { bearerSecurity, errorResponses, IdParam, json, router, type AppDeps, route } from '../env.ts';

const Health = z.object({
  lastFetchedAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastStatus: z.number().int().nullable(),
  consecutiveFailures: z.number().int(),
  nextFetchAt: z.string(),
  lastError: z.string().nullable().openapi({
    description: 'in full for a key with write scope; otherwise only its kind (e.g. "dns", "timeout", "http_status", "parse", "cut")',
  }),
  etag: z.string().nullable(),
  lastModified: z.string().nullable(),
});

const Selectors = z.object({
  item: z.string(),
  title: z.string(),
  link: z.string(),
  date: z.string().optional(),
  summary: z.string().optional(),
  dateFormat: z.string().optional(),
});
const SearchSettings = z.object({ provider: z.enum(SEARCH_PROVIDERS), query: z.string(), lang: z.string().optional() });

const Source = z
  .object({
    id: z.number().int(),
    name: z.string(),
    url: z.string(),
    kind: z.enum(SOURCE_KINDS),
    type: z.enum(SOURCE_TYPES),
    fullText: z.boolean(),
    selectors: Selectors.nullable(),
    search: SearchSettings.nullable(),
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

const selector = text(500);
/** The fields that say how a source is read; shared by POST / and POST /test. */
const ReadFields = {
  url: feedUrl.optional(),
  type: z.enum(['feed', 'page', 'search']).optional(),
  itemSelector: selector.optional(),
  titleSelector: selector.optional(),
  linkSelector: selector.optional(),
  dateSelector: selector.optional(),
  summarySelector: selector.optional(),
  dateFormat: text(40).optional(),
  provider: z.enum(SEARCH_PROVIDERS).optional(),
  query: text(500).optional(),
  lang: text(20).optional(),
};
const needsUrl = (b: { type?: string; url?: string }) => b.type === 'search' || !!b.url;
const urlMessage = { message: 'url: required unless type is search', path: ['url'] };

const CreateSource = z
  .object({
    ...ReadFields,
    kind: z.enum(SOURCE_KINDS),
    name: text(300).optional(),
    organisation: text(300).optional(),
    country: text(10).optional(),
    language: text(20).optional(),
    fetchIntervalMinutes: z.number().int().min(1).max(10_080).optional(),
    fullText: z.boolean().optional(),
    /** look for the feed of a site's home page first */
    discover: z.boolean().optional(),
  })
  .refine(needsUrl, urlMessage);

const TestSource = z.object({ ...ReadFields, limit: z.number().int().min(1).max(200).optional() }).refine(needsUrl, urlMessage);

/** The service's input from the flat request fields. */
function readInput(
  b: z.infer<typeof TestSource> & {
    kind?: (typeof SOURCE_KINDS)[number];
    fullText?: boolean;
    name?: string;
    organisation?: string;
    country?: string;
    language?: string;
    fetchIntervalMinutes?: number;
  },
): SourceInput {
  const type = b.type ?? 'feed';
  return {
    url: b.url ?? '',
    kind: b.kind ?? 'news',
    type,
    name: b.name,
    organisation: b.organisation,
    country: b.country,
    language: b.language,
    fetchIntervalMinutes: b.fetchIntervalMinutes,
    fullText: b.fullText,
    ...(type === 'page' && b.itemSelector && b.titleSelector && b.linkSelector
      ? {
          selectors: {
            item: b.itemSelector,
            title: b.titleSelector,
            link: b.linkSelector,
            date: b.dateSelector,
            summary: b.summarySelector,
            dateFormat: b.dateFormat,
          },
        }
      : {}),
    ...(type === 'search' && b.provider && b.query ? { search: { provider: b.provider, query: b.query, lang: b.lang } } : {}),
  };
}

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

/**
 * The kind of a stored fetch error ("dns: getaddrinfo ENOTFOUND intranet.local" → "dns"): the
 * detail can say how internal host names resolve, so only write keys see it.
 */
export function coarseError(error: string | null): string | null {
  if (error === null) return null;
  const kind = /^([a-z_]{1,40}):/.exec(error)?.[1];
  return kind ?? 'error';
}

/** A source as the API shows it; `detail` (a write key) shows its last error in full. */
export const presentSource = (s: SourceRow, detail = false) => ({
  id: s.id,
  name: s.name,
  url: s.url,
  kind: s.kind,
  type: s.type,
  fullText: s.fullText,
  selectors: s.settings.selectors ?? null,
  search: s.settings.search ?? null,
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
    lastError: detail ? s.lastError : coarseError(s.lastError),
    etag: s.etag,
    lastModified: s.lastModified,
  },
});

const security = bearerSecurity;
const canWrite = (key: PublicKey | undefined) => key !== undefined && scopeAllows(key.scope, 'write');
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
    async (c) => {
      const detail = canWrite(c.get('apiKey'));
      return c.json({ sources: (await listSources(deps, c.req.valid('query'))).map((s) => presentSource(s, detail)) }, 200);
    },
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
      const body = c.req.valid('json');
      const input = readInput(body);
      if (body.discover && input.type === 'feed') input.url = (await discoverFeed(deps, input.url)).url;
      const result = await addSource(deps, input);
      return c.json(presentSource(result.row, true), 201);
    },
  );

  app.openapi(
    route({
      method: 'post',
      path: '/test',
      tags: ['sources'],
      summary: 'Fetch a source as it would be read and show what it yields, storing nothing (dry run of selectors)',
      security,
      middleware: [write] as const,
      request: { body: { ...json(TestSource), required: true } },
      responses: {
        200: {
          description: 'what the source yields',
          ...json(
            z.object({
              url: z.string(),
              type: z.string(),
              found: z.number().int(),
              entries: z.array(
                z.object({
                  title: z.string(),
                  url: z.string(),
                  publishedAt: z.string().nullable(),
                  publishedEstimated: z.boolean(),
                  summary: z.string(),
                  outlet: z.string().nullable(),
                }),
              ),
            }),
          ),
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return c.json(await testSource(deps, readInput(body), { limit: body.limit }), 200);
    },
  );

  const Backfill = z
    .object({
      id: z.number().int(),
      sourceId: z.number().int(),
      from: z.string(),
      to: z.string(),
      status: z.enum(['queued', 'running', 'done', 'failed']),
      progress: z.record(z.string(), z.unknown()),
      counts: z.record(z.string(), z.number()),
      createdAt: z.string(),
      finishedAt: z.string().nullable(),
      error: z.string().nullable(),
    })
    .openapi('Backfill');
  const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected a date YYYY-MM-DD' });

  app.openapi(
    route({
      method: 'post',
      path: '/{id}/backfill',
      tags: ['sources'],
      summary: "Walk a source's history from one day to another (both included); runs in the background, resumes an unfinished one",
      security,
      middleware: [write] as const,
      request: { params: IdParam, body: { ...json(z.object({ from: day, to: day })), required: true } },
      responses: {
        202: { description: 'the backfill, started or resumed', ...json(z.object({ backfill: Backfill, resumed: z.boolean() })) },
        409: { description: 'another process is running it' },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { backfill, resumed } = await requestBackfill(deps, { sourceId: id, ...c.req.valid('json') });
      // The walk can take hours; the answer says where to follow it.
      void runBackfill({ ...deps, instance: INSTANCE_ID }, { id: backfill.id }).catch((err) =>
        deps.logger.warn({ err, backfill: backfill.id }, 'backfill did not run'),
      );
      c.header('Location', `/api/v1/sources/${id}/backfills/${backfill.id}`);
      return c.json({ backfill: presentBackfill(backfill), resumed }, 202);
    },
  );

  app.openapi(
    route({
      method: 'get',
      path: '/{id}/backfills/{backfillId}',
      tags: ['sources'],
      summary: 'Where a backfill has got to, with its counts',
      request: { params: IdParam.extend({ backfillId: z.coerce.number().int().positive().max(2_147_483_647) }) },
      responses: { 200: { description: 'backfill', ...json(Backfill) }, ...errorResponses },
    }),
    async (c) => {
      const { id, backfillId } = c.req.valid('param');
      return c.json(presentBackfill(await getBackfill(deps, { id: backfillId, sourceId: id })), 200);
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
      return c.json(presentSource(await getSource(deps, c.req.valid('param')), canWrite(c.get('apiKey'))), 200);
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
      return c.json(presentSource(await updateSource(deps, { id, patch: c.req.valid('json') }), true), 200);
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
