import { z } from '@hono/zod-openapi';
import { CONCERNS, SOURCE_KINDS, STANCES, WEBHOOK_FORMATS } from '../../labels.ts';
import { createWatch, deleteWatch, listWatches, MIN_WATCH_INTERVAL_MINUTES } from '../../services/watches.ts';
import { requireScope } from '../auth.ts';
import { bearerSecurity, errorResponses, IdParam, json, router, type AppDeps, route } from '../env.ts';
import { entityParam, itemLevelFilters } from '../params.ts';

const Query = z
  .strictObject({
    ...itemLevelFilters,
    source: z.number().int().positive().max(2_147_483_647).optional(),
    studio: entityParam('studio').optional(),
    union: entityParam('union').optional(),
    area: entityParam('area').optional(),
    kind: z.enum(SOURCE_KINDS).optional(),
    concern: z.enum(CONCERNS).optional(),
    stance: z.enum(STANCES).optional(),
  })
  .openapi('WatchQuery', { description: 'full text (q) and filters, as the explorer takes them' });

const Watch = z
  .object({
    id: z.number().int(),
    name: z.string(),
    query: z.record(z.string(), z.union([z.string(), z.number()])),
    intervalMinutes: z.number().int(),
    email: z.string().nullable(),
    webhook: z.object({ url: z.string(), format: z.enum(WEBHOOK_FORMATS) }).nullable(),
    lastSentAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Watch');

/** Saved queries that send a message when new matching items are labelled. */
export function watchRoutes(deps: AppDeps) {
  const app = router();
  const write = requireScope('write');
  app.openapi(
    route({
      method: 'post',
      path: '/',
      tags: ['alerts'],
      summary:
        'Save a watch: a named query (full text and filters) that emails or posts when new matching items are labelled, at most once per interval',
      security: bearerSecurity,
      middleware: [write] as const,
      request: {
        body: {
          ...json(
            z.object({
              name: z.string().trim().min(1).max(200),
              query: Query,
              intervalMinutes: z
                .number()
                .int()
                .min(MIN_WATCH_INTERVAL_MINUTES)
                .max(10_080)
                .default(60)
                .openapi({ description: 'at most one message per this many minutes' }),
              email: z.string().max(254).optional(),
              webhook: z.strictObject({ url: z.string().max(2000), format: z.enum(WEBHOOK_FORMATS).default('generic') }).optional(),
            }),
          ),
          required: true,
        },
      },
      responses: {
        201: { description: 'saved; the webhook secret is in this response only', ...json(Watch.extend({ secret: z.string() })) },
        ...errorResponses,
      },
    }),
    async (c) => c.json(await createWatch(deps, c.req.valid('json')), 201),
  );
  app.openapi(
    route({
      method: 'get',
      path: '/',
      tags: ['alerts'],
      summary: 'Saved watches',
      security: bearerSecurity,
      middleware: [write] as const,
      responses: { 200: { description: 'watches', ...json(z.object({ watches: z.array(Watch) })) }, ...errorResponses },
    }),
    async (c) => c.json({ watches: await listWatches(deps) }, 200),
  );
  app.openapi(
    route({
      method: 'delete',
      path: '/{id}',
      tags: ['alerts'],
      summary: 'Remove a watch',
      security: bearerSecurity,
      middleware: [write] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'removed' }, ...errorResponses },
    }),
    async (c) => {
      await deleteWatch(deps, c.req.valid('param'));
      return c.body(null, 204);
    },
  );
  return app;
}
