import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  bodyOf,
  DIGEST_FORMATS,
  digestFeed,
  fileName,
  listDigests,
  readDigest,
  rebuildDigest,
  type DigestView,
} from '../../services/digests.ts';
import { assertScope, requireScope } from '../auth.ts';
import { bearerSecurity, errorResponses, json, router, type AppDeps, type AppEnv, route } from '../env.ts';
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

const Stances = <T extends z.ZodType>(t: T) => z.object({ excitement: t, worry: t, neutral: t });
const Interval = z.object({ value: z.number(), low: z.number(), high: z.number() });
const MaybeInterval = Interval.nullable().openapi({ description: 'null for a week with no items' });
const Story = z.object({
  id: z.number().int(),
  title: z.string(),
  url: z.string(),
  source: z.string(),
  kind: z.string(),
  publishedAt: z.string(),
  stance: z.enum(['excitement', 'worry', 'neutral']),
  confidence: z.number(),
  quote: z.string().nullable(),
});
const Digest = z
  .object({
    id: z.number().int().nullable().openapi({ description: 'null when rendered live, not stored' }),
    version: z.number().int().nullable(),
    stored: z.boolean(),
    week: z.string(),
    start: z.string(),
    end: z.string(),
    timeZone: z.string(),
    filters: z.object({ studio: z.string().nullable(), union: z.string().nullable() }),
    generatedAt: z.string(),
    model: z.string(),
    empty: z.boolean(),
    incomplete: z.boolean().openapi({ description: 'the week had not ended: its numbers will still change' }),
    headline: z.object({
      total: z.number().int(),
      previousTotal: z.number().int(),
      counts: Stances(z.number().int()),
      shares: z.array(
        z.object({
          stance: z.enum(['excitement', 'worry', 'neutral']),
          now: MaybeInterval,
          before: MaybeInterval,
          change: z.number().nullable(),
          p: z.number().nullable(),
          significant: z.boolean(),
        }),
      ),
      net: z.number().nullable(),
      previousNet: z.number().nullable(),
      lowN: z.boolean(),
    }),
    chart: z.array(
      z.object({
        week: z.string(),
        start: z.string(),
        total: z.number().int(),
        shares: Stances(z.number().nullable()),
        lowN: z.boolean(),
        partial: z.boolean(),
      }),
    ),
    topStories: Stances(z.array(Story)),
    unionStatements: z.array(Story),
    studios: z.array(
      z.object({
        studio: z.string(),
        total: z.number().int(),
        worryShare: z.number(),
        previousWorryShare: z.number().nullable(),
        change: z.number().nullable(),
      }),
    ),
    announcements: z.array(
      z.object({
        id: z.number().int(),
        title: z.string(),
        studio: z.string().nullable(),
        date: z.string(),
        windowDays: z.number().int().openapi({ description: 'days on each side of the announcement, as on its reaction page' }),
        before: z.number().int(),
        after: z.number().int(),
        worryShareChange: z.number().nullable(),
        p: z.number().nullable(),
        note: z.string().nullable(),
      }),
    ),
    risingConcerns: z.array(
      z.object({
        concern: z.string(),
        count: z.number().int(),
        previous: z.number().int(),
        share: Interval.openapi({ description: "share of the week's relevant items" }),
        previousShare: Interval,
        change: z.number().openapi({ description: 'change in share, proportion points' }),
        p: z.number().nullable(),
        beyondNoise: z.boolean(),
      }),
    ),
    summary: z.string(),
    method: z.object({ sources: z.number().int(), model: z.string(), stance: z.string(), queries: z.record(z.string(), z.string()) }),
  })
  .openapi('Digest');

const DigestBodies = {
  'text/html': { schema: z.string() },
  'text/markdown': { schema: z.string() },
  'text/csv': { schema: z.string() },
  'application/json': { schema: Digest },
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
    route({
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
    route({
      method: 'get',
      path: '/feed.xml',
      tags: ['digests'],
      summary: 'Atom feed of stored digests',
      responses: { 200: { description: 'Atom', content: { 'application/atom+xml': { schema: z.string() } } } },
    }),
    async (c) => c.body(await digestFeed(deps), 200, { 'Content-Type': 'application/atom+xml; charset=utf-8' }),
  );

  app.openapi(
    route({
      method: 'get',
      path: '/{week}',
      tags: ['digests'],
      summary:
        "A week's digest. Never stores anything: the stored snapshot when there is one, else rendered live (X-Pulse-Digest-Stored: false); the current week carries an incomplete notice. " +
        'rebuild=true (write key) is deprecated: use POST /api/v1/digests/{week}/rebuild.',
      request: {
        params: WeekParam,
        query: z.object({
          format: z.enum(DIGEST_FORMATS).default('html'),
          ...Filters,
          rebuild: z.enum(['true', 'false']).default('false').openapi({ deprecated: true }),
        }),
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
    route({
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
