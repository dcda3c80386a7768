import { createRoute, z } from '@hono/zod-openapi';
import { compressLarge } from '../compression.ts';
import {
  deleteAnnouncement,
  getAnnouncement,
  insertAnnouncement,
  listAnnouncements,
  reactionItems,
  updateAnnouncement,
  type AnnouncementRow,
} from '../../../db/queries/announcements.ts';
import { buildReaction, momentOf } from '../../analytics/reaction.ts';
import { SOURCE_KINDS } from '../../labels.ts';
import { requireScope } from '../auth.ts';
import { bearerSecurity, cachedRead, errorResponses, IdParam, json, router, type AppDeps } from '../env.ts';
import { notFound } from '../errors.ts';
import { dayParam, tzParam } from '../params.ts';

export const MAX_WINDOW_DAYS = 180;

const Announcement = z
  .object({
    id: z.number().int(),
    title: z.string(),
    studio: z.string().nullable(),
    date: z.string(),
    time: z.string().nullable(),
    timeZone: z.string().nullable(),
    url: z.string().nullable(),
    description: z.string(),
    keywords: z.array(z.string()),
    moment: z.string().openapi({ description: 'the instant the reaction windows split at' }),
  })
  .openapi('Announcement');

const text = (max: number) => z.string().trim().min(1).max(max);
const Fields = z.object({
  title: text(300),
  studio: text(200).nullable().optional(),
  date: dayParam,
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, { message: 'expected HH:MM' }).nullable().optional(),
  timeZone: tzParam.nullable().optional(),
  url: z.url({ message: 'expected an absolute URL' }).max(2000).nullable().optional(),
  description: z.string().max(5000).optional(),
  keywords: z.array(text(100)).max(20).optional(),
});
const Create = Fields.refine((a) => !a.time || a.timeZone, { message: 'a time needs a timeZone', path: ['timeZone'] });
const Patch = Fields.partial().strict().refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' });


const present = (a: AnnouncementRow) => ({
  id: a.id,
  title: a.title,
  studio: a.studio,
  date: a.date,
  time: a.time ? a.time.slice(0, 5) : null,
  timeZone: a.timeZone,
  url: a.url,
  description: a.description,
  keywords: a.keywords,
  moment: momentOf(a).toISOString(),
});

const security = bearerSecurity;
const write = requireScope('write');

/** Dated studio AI announcements and the measured reaction around each. */
export function announcementRoutes(deps: AppDeps) {
  const app = router();
  app.openapi(
    createRoute({ method: 'get', path: '/', tags: ['announcements'], summary: 'All announcements, oldest first', responses: { 200: { description: 'announcements', ...json(z.object({ announcements: z.array(Announcement) })) } } }),
    async (c) => c.json({ announcements: (await listAnnouncements(deps.db)).map(present) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['announcements'],
      summary: 'Add an announcement',
      security,
      middleware: [write] as const,
      request: { body: { ...json(Create), required: true } },
      responses: { 201: { description: 'created', ...json(Announcement) }, ...errorResponses },
    }),
    async (c) => {
      const a = c.req.valid('json');
      const row = await insertAnnouncement(deps.db, { ...a, studio: a.studio ?? null, time: a.time ?? null, timeZone: a.timeZone ?? null, url: a.url ?? null, keywords: a.keywords ?? [] });
      return c.json(present(row), 201);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: '/{id}', tags: ['announcements'], summary: 'One announcement', request: { params: IdParam }, responses: { 200: { description: 'announcement', ...json(Announcement) }, ...errorResponses } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const row = await getAnnouncement(deps.db, id);
      if (!row) throw notFound(`announcement ${id}`);
      return c.json(present(row), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      tags: ['announcements'],
      summary: 'Change an announcement',
      security,
      middleware: [write] as const,
      request: { params: IdParam, body: { ...json(Patch), required: true } },
      responses: { 200: { description: 'changed', ...json(Announcement) }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const row = await updateAnnouncement(deps.db, id, c.req.valid('json'));
      if (!row) throw notFound(`announcement ${id}`);
      deps.cache?.invalidate(`/api/v1/announcements/${id}/`); // its reaction changes with it
      return c.json(present(row), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      tags: ['announcements'],
      summary: 'Delete an announcement',
      security,
      middleware: [write] as const,
      request: { params: IdParam },
      responses: { 204: { description: 'deleted' }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await deleteAnnouncement(deps.db, id))) throw notFound(`announcement ${id}`);
      deps.cache?.invalidate(`/api/v1/announcements/${id}/`);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/reaction',
      tags: ['announcements'],
      summary: 'Before/after event study: volume, stance shares with intervals, tests, by source kind, daily series, top items',
      middleware: [compressLarge()] as const,
      request: {
        params: IdParam,
        query: z.object({
          window: z
            .string()
            .regex(/^\d{1,3}d$/, { message: 'expected a number of days such as 14d' })
            .refine((w) => Number(w.slice(0, -1)) >= 1 && Number(w.slice(0, -1)) <= MAX_WINDOW_DAYS, { message: `expected 1d to ${MAX_WINDOW_DAYS}d` })
            .default('14d'),
          kind: z.enum(SOURCE_KINDS).optional(),
        }),
      },
      responses: { 200: { description: 'the reaction', ...json(z.record(z.string(), z.unknown())) }, ...errorResponses },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { window, kind } = c.req.valid('query');
      const a = await getAnnouncement(deps.db, id);
      if (!a) throw notFound(`announcement ${id}`);
      const windowDays = Number(window.slice(0, -1));
      const moment = momentOf(a);
      const span = windowDays * 86_400_000;
      return cachedRead(c, deps.cache!, async () => {
        const items = await reactionItems(deps.db, { start: new Date(moment.getTime() - span), end: new Date(moment.getTime() + span), studio: a.studio, keywords: a.keywords, kind });
        const reaction = buildReaction({ moment, windowDays, now: deps.clock.now(), items });
        return { body: JSON.stringify({ announcement: present(a), kind: kind ?? null, method: METHOD, ...reaction }), contentType: 'application/json' };
      }, `/api/v1/announcements/${id}/reaction`) as never;
    },
  );
  return app;
}

const METHOD =
  'Items are relevant, labelled items that name the studio or match a keyword, published in the window before the announcement or the window after it. ' +
  'Shares carry 95% Wilson intervals. The change in worry share uses a pooled two-proportion z-test; the change in net score ((excitement - worry) / total) a z-test on per-item scores (+1, 0, -1); ' +
  'the change in volume an exact two-sided Poisson test of the after count against the before count. With fewer than 30 items on a side the result says it cannot conclude.';
