import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyOf, DIGEST_FORMATS, digestFeed, fileName, listDigests, readDigest, rebuildDigest, type DigestView } from '../../services/digests.ts';
import { assertScope, requireScope } from '../auth.ts';
import { bearerSecurity, errorResponses, json, router, type AppDeps, type AppEnv } from '../env.ts';
import { nameParam } from '../params.ts';

const WeekParam = z.object({
  week: z.string().max(10).openapi({ description: 'ISO week such as 2025-W30' }),
});

const Filters = {
  studio: nameParam.optional().openapi({ description: 'a studio Pulse knows (any case, or an alias such as wbd)' }),
  union: nameParam.optional().openapi({ description: 'a union or guild Pulse knows' }),
};

const DigestEntry = z
  .object({
    id: z.number().int(),
    week: z.string(),
    studio: z.string().nullable(),
    union: z.string().nullable(),
    version: z.number().int(),
    generatedAt: z.string(),
    model: z.string(),
    summary: z.string().nullable(),
    links: z.object(Object.fromEntries(DIGEST_FORMATS.map((f) => [f, z.string()])) as Record<(typeof DIGEST_FORMATS)[number], z.ZodString>),
  })
  .openapi('DigestEntry');

const DigestBodies = {
  'text/html': { schema: z.string() },
  'text/markdown': { schema: z.string() },
  'text/csv': { schema: z.string() },
  'application/json': { schema: z.record(z.string(), z.unknown()).openapi({ description: 'the digest data: headline, chart, stories, studios, announcements, concerns, summary, method' }) },
};

function sendDigest(c: Context<AppEnv>, digest: DigestView, format: (typeof DIGEST_FORMATS)[number], extra: Record<string, string> = {}) {
  const out = bodyOf(digest, format);
  const disposition = format === 'html' ? 'inline' : 'attachment';
  return c.body(out.body, 200, {
    'Content-Type': out.contentType,
    'Content-Disposition': `${disposition}; filename="${fileName(digest, out.extension)}"`,
    'X-Pulse-Digest-Stored': String(digest.stored),
    'X-Pulse-Digest-Incomplete': String(digest.incomplete),
    ...(digest.version !== null ? { 'X-Pulse-Digest-Version': String(digest.version) } : {}),
    ...extra,
  });
}

/** Weekly digests for journalists: stored snapshots in four formats, live renderings, an Atom feed. */
export function digestRoutes(deps: AppDeps) {
  const app = router();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['digests'],
      summary: 'Stored digests, newest first',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }) },
      responses: { 200: { description: 'digests', ...json(z.object({ digests: z.array(DigestEntry) })) }, ...errorResponses },
    }),
    async (c) => c.json({ digests: await listDigests(deps, c.req.valid('query')) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/feed.xml',
      tags: ['digests'],
      summary: 'Atom feed of stored digests',
      responses: { 200: { description: 'Atom', content: { 'application/atom+xml': { schema: z.string() } } } },
    }),
    async (c) => c.body(await digestFeed(deps), 200, { 'Content-Type': 'application/atom+xml; charset=utf-8' }),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{week}',
      tags: ['digests'],
      summary:
        "A week's digest. Never stores anything: the stored snapshot when there is one, else rendered live (X-Pulse-Digest-Stored: false); the current week carries an incomplete notice. " +
        'rebuild=true (write key) is deprecated: use POST /api/v1/digests/{week}/rebuild.',
      request: {
        params: WeekParam,
        query: z.object({ format: z.enum(DIGEST_FORMATS).default('html'), ...Filters, rebuild: z.enum(['true', 'false']).default('false').openapi({ deprecated: true }) }),
      },
      responses: { 200: { description: 'the digest', content: DigestBodies }, ...errorResponses },
    }),
    async (c) => {
      const { week } = c.req.valid('param');
      const { format, rebuild, ...filters } = c.req.valid('query');
      if (rebuild === 'true') {
        assertScope(c.get('apiKey'), 'write', 'rebuild=true');
        const digest = await rebuildDigest(deps, { week, ...filters });
        return sendDigest(c, digest, format, { Deprecation: 'true', Link: `</api/v1/digests/${week}/rebuild>; rel="successor-version"` });
      }
      return sendDigest(c, await readDigest(deps, { week, ...filters }), format);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{week}/rebuild',
      tags: ['digests'],
      summary: "Build a finished week's digest now and store it as a new version (write key)",
      security: bearerSecurity,
      middleware: [requireScope('write')] as const,
      request: { params: WeekParam, query: z.object({ format: z.enum(DIGEST_FORMATS).default('json'), ...Filters }) },
      responses: { 200: { description: 'the stored digest', content: DigestBodies }, ...errorResponses },
    }),
    async (c) => {
      const { week } = c.req.valid('param');
      const { format, ...filters } = c.req.valid('query');
      return sendDigest(c, await rebuildDigest(deps, { week, ...filters }), format);
    },
  );
  return app;
}
