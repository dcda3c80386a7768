import { createRoute, z } from '@hono/zod-openapi';
import { listDigests } from '../../../db/queries/digests.ts';
import { mondayOfIsoWeek } from '../../analytics/buckets.ts';
import { defaultModel } from '../../classify/model.ts';
import { digestFeed } from '../../digest/feed.ts';
import { bodyOf, DIGEST_FORMATS, fileName, getDigest } from '../../digest/service.ts';
import { scopeAllows } from '../../keys.ts';
import { errorResponses, router, type AppDeps } from '../env.ts';
import { AppError, badRequest } from '../errors.ts';
import { nameParam } from '../params.ts';

const WeekParam = z.object({
  week: z.string().max(10).openapi({ description: 'ISO week such as 2025-W30' }),
});

/** Weekly digests for journalists: stored snapshots in four formats, and an Atom feed. */
export function digestRoutes(deps: AppDeps) {
  const app = router();
  const base = () => deps.config.publicUrl ?? `http://localhost:${deps.config.port}`;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['digests'],
      summary: 'Stored digests, newest first',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }) },
      responses: { 200: { description: 'digests', content: { 'application/json': { schema: z.object({ digests: z.array(z.record(z.string(), z.unknown())) }) } } }, ...errorResponses },
    }),
    async (c) => {
      const rows = await listDigests(deps.db, c.req.valid('query').limit);
      return c.json(
        {
          digests: rows.map((d) => {
            const qs = new URLSearchParams({ ...(d.studio ? { studio: d.studio } : {}), ...(d.union ? { union: d.union } : {}) }).toString();
            return {
              id: d.id,
              week: d.week,
              studio: d.studio,
              union: d.union,
              version: d.version,
              generatedAt: d.generatedAt.toISOString(),
              model: d.model,
              links: Object.fromEntries(DIGEST_FORMATS.map((f) => [f, `/api/v1/digests/${d.week}?format=${f}${qs ? `&${qs}` : ''}`])),
            };
          }),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/feed.xml',
      tags: ['digests'],
      summary: 'Atom feed of stored digests',
      responses: { 200: { description: 'Atom', content: { 'application/atom+xml': { schema: z.string() } } } },
    }),
    async (c) => {
      const rows = await listDigests(deps.db, 50);
      const updated = rows[0]?.generatedAt ?? deps.clock.now();
      return c.body(digestFeed(rows, base(), updated), 200, { 'Content-Type': 'application/atom+xml; charset=utf-8' }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{week}',
      tags: ['digests'],
      summary: "A week's digest: the stored snapshot (built on first request); rebuild=true (write key) stores a new version",
      request: {
        params: WeekParam,
        query: z.object({
          format: z.enum(DIGEST_FORMATS).default('html'),
          studio: nameParam.optional(),
          union: nameParam.optional(),
          rebuild: z.enum(['true', 'false']).default('false'),
        }),
      },
      responses: {
        200: {
          description: 'the digest',
          content: { 'text/html': { schema: z.string() }, 'text/markdown': { schema: z.string() }, 'text/csv': { schema: z.string() }, 'application/json': { schema: z.record(z.string(), z.unknown()) } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { week } = c.req.valid('param');
      const q = c.req.valid('query');
      if (!mondayOfIsoWeek(week)) throw badRequest('week', 'expected an ISO week such as 2025-W30');
      if (q.studio && q.union) throw badRequest('union', 'choose studio or union, not both');
      const rebuild = q.rebuild === 'true';
      if (rebuild) {
        const key = c.get('apiKey');
        if (!key) throw new AppError(401, 'unauthorized', 'rebuild=true needs an API key (Authorization: Bearer <key>)');
        if (!scopeAllows(key.scope, 'write')) throw new AppError(403, 'forbidden', 'rebuild=true needs a key with write scope');
      }
      const { digest, created } = await getDigest(
        deps.db,
        { week, studio: q.studio, union: q.union, rebuild },
        { timeZone: deps.config.timeZone, model: defaultModel().version, now: deps.clock.now(), publicUrl: deps.config.publicUrl },
      );
      const out = bodyOf(digest, q.format);
      const disposition = q.format === 'html' ? 'inline' : 'attachment';
      return c.body(out.body, 200, {
        'Content-Type': out.contentType,
        'Content-Disposition': `${disposition}; filename="${fileName(digest, out.extension)}"`,
        'X-Pulse-Digest-Version': String(digest.version),
        'X-Pulse-Digest-Built': String(created),
      }) as never;
    },
  );
  return app;
}
